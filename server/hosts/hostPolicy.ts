/**
 * What a sandbox mail host accepts: mail for the domains the DNS routes to it (its MX records,
 * or its own address record as the implicit MX), nothing else (relaying is refused, RFC 5321
 * §3.6.2); and no message that has been round too often (RFC 5321 §6.3).
 */
import { REMOTE_DOMAINS } from '../../src/lib/delivery/mailHosts';

/** The remote sandbox domains whose mail is routed to `host` (none for any other name). */
export function domainsServedBy(host: string): Set<string> {
	const served = new Set<string>();
	for (const row of REMOTE_DOMAINS) {
		const { routing } = row;
		const routed =
			routing.kind === 'mx'
				? routing.exchangers.some((exchanger) => exchanger.host === host)
				: routing.kind === 'implicit' && routing.host === host;
		if (routed) served.add(row.domain);
	}
	return served;
}

const HEADER_END = Buffer.from('\r\n\r\n');
/** RFC 5322 §3.6.7 trace fields; field names are case-insensitive (RFC 5322 §1.2.2). */
const RECEIVED_FIELD = /^Received[ \t]*:/gim;

/**
 * How many Received fields the message's header section has (RFC 5322 §2.1: it ends at the
 * first empty line; a message without one is all header).
 */
export function countReceivedFields(raw: Buffer): number {
	const end = raw.indexOf(HEADER_END);
	const header = raw.subarray(0, end < 0 ? raw.length : end + 2).toString('latin1');
	return header.match(RECEIVED_FIELD)?.length ?? 0;
}
