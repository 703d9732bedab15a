/**
 * What each kind of domain in the sandbox zone is there for, one row per kind, for the /dns page.
 * A remote domain's own text is its row in src/lib/delivery/mailHosts.ts; personal and class
 * domains come and go with their owners, so the page shows them as patterns.
 */
import type { RfcRef } from '../messages';
import { ref } from '../smtp/rfc';
import type { ZoneKind } from './lookups';

export interface ZoneKindRow {
	kind: ZoneKind | 'personal' | 'class';
	/** The domain, or its pattern for domains that come and go. */
	pattern: string;
	explains: string;
	rfc: RfcRef[];
}

export const ZONE_KINDS = [
	{
		kind: 'tld',
		pattern: 'test',
		explains:
			'.test is reserved for testing and never exists on the internet. This server answers for all of it with authority, so a name under it that is not listed here does not exist (NXDOMAIN).',
		rfc: [ref(6761, '6.2'), ref(2606, '2')]
	},
	{
		kind: 'hosts',
		pattern: 'smtp-lab.test',
		explains:
			'The sandbox’s own hosts: its listeners (sandbox), its outgoing server (out) and this name server (ns). No MX: nobody receives mail here.',
		rfc: [ref(1035, '3.4.1')]
	},
	{
		kind: 'own',
		pattern: 'example.com, example.net, example.org',
		explains:
			'Domains of the sandbox itself: their MX names the sandbox, which keeps the mail in its own mailboxes. They are reserved for documentation and exist nowhere else.',
		rfc: [ref(5321, '5.1'), ref(2606, '3')]
	},
	{
		kind: 'personal',
		pattern: '<your-name>.test',
		explains:
			'Your personal domain (see Connect), also the sandbox’s own: it exists while its owner does, so a personal name nobody has is NXDOMAIN. Its TXT records — SPF, DMARC and the sandbox’s DKIM key — are the defaults until you edit them under Your zone.',
		rfc: [ref(5321, '5.1'), ref(7208, '3'), ref(7489, '6.1')]
	},
	{
		kind: 'class',
		pattern: '<code>.class.test',
		explains:
			'A class’s domain, the sandbox’s own while the class lasts; then NXDOMAIN. Its teacher edits its TXT records, which go with the class.',
		rfc: [ref(5321, '5.1'), ref(7208, '3')]
	},
	{
		kind: 'remote',
		pattern: 'north.test, south.test, …',
		explains:
			'Domains served by other sandbox hosts: the outgoing queue looks up their MX and delivers over SMTP, hop by hop.',
		rfc: [ref(5321, '5.1')]
	},
	{
		kind: 'auth',
		pattern: 'hardfail.test, reject.test, …',
		explains:
			'They receive no mail (no MX): they only say who may send for them, in TXT records: SPF at the domain, DMARC at _dmarc, the DKIM public key at <selector>._domainkey. A receiving MX looks them up to check a message claiming to come from them.',
		rfc: [ref(7208, '3'), ref(7489, '6.1'), ref(6376, '3.6.2.1')]
	}
] as const satisfies readonly ZoneKindRow[];

export function zoneKind(kind: ZoneKindRow['kind']): ZoneKindRow {
	const row = ZONE_KINDS.find((r) => r.kind === kind);
	if (!row) throw new Error(`no zone kind ${kind}`);
	return row;
}
