/**
 * mailauth 4.9.5 ships no types. The modules server/auth/recordCheck.ts reads records with
 * (SPF evaluation, the DMARC record reader, the tag=value parser and DKIM key loader) are declared
 * opaque here; recordCheck.ts states the shape of what it uses of each.
 */
declare module 'mailauth/lib/spf/index.js' {
	const spfModule: unknown;
	export default spfModule;
}
declare module 'mailauth/lib/dmarc/get-dmarc-record.js' {
	const getDmarcRecord: unknown;
	export default getDmarcRecord;
}
declare module 'mailauth/lib/tools.js' {
	const tools: unknown;
	export default tools;
}
