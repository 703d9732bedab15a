/**
 * A TXT record's value on the wire and as dig prints it. Its RDATA is one or more
 * <character-string>s, each a length octet and at most 255 octets (RFC 1035 §3.3, §3.3.14), so a
 * longer value (a 2048-bit DKIM key record) is sent as several strings, which SPF, DKIM and DMARC
 * readers join without adding anything between them (RFC 7208 §3.3, RFC 6376 §3.6.2.2). Pure,
 * shared by the DNS server and the /dns page.
 */
import type { DnsRecord } from './recordTypes';

/** RFC 1035 §3.3: a <character-string> is a length octet followed by that many octets. */
export const TXT_STRING_MAX_OCTETS = 255;

/** The value's UTF-8 octets cut into strings of at most 255 octets (one empty string for ""). */
export function txtStrings(value: string): Uint8Array[] {
	const octets = new TextEncoder().encode(value);
	if (!octets.length) return [octets];
	const strings: Uint8Array[] = [];
	for (let at = 0; at < octets.length; at += TXT_STRING_MAX_OCTETS)
		strings.push(octets.subarray(at, at + TXT_STRING_MAX_OCTETS));
	return strings;
}

/**
 * The value as a zone file and dig write it: each string quoted, `"` and `\` escaped with `\`,
 * other octets outside printable ASCII as `\DDD` (RFC 1035 §5.1).
 */
export function txtPresentation(value: string): string {
	return txtStrings(value)
		.map((octets) => {
			let text = '';
			for (const octet of octets)
				if (octet === 0x22 || octet === 0x5c) text += `\\${String.fromCharCode(octet)}`;
				else if (octet >= 0x20 && octet < 0x7f) text += String.fromCharCode(octet);
				else text += `\\${String(octet).padStart(3, '0')}`;
			return `"${text}"`;
		})
		.join(' ');
}

/** A record's data as a zone file writes it: a TXT value in quoted strings, anything else as is. */
export function presentationData(record: DnsRecord): string {
	return record.type === 'TXT' ? txtPresentation(record.data) : record.data;
}
