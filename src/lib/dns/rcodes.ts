/**
 * DNS response codes (the RCODE field of the header, RFC 1035 §4.1.1): what each says and when the
 * sandbox's name server gives it. Pure data, shared by the server and the /dns page.
 */
import type { RfcRef } from '../messages';
import { ref } from '../smtp/rfc';

export interface RcodeRow {
	/** The mnemonic, as dig prints it in `status:`. */
	name: string;
	code: number;
	says: string;
	/** When this sandbox answers with it. */
	here: string;
	rfc: RfcRef[];
}

export const RCODES = [
	{
		name: 'NOERROR',
		code: 0,
		says: 'the name exists; the answer section holds its records of the asked type, possibly none',
		here: 'any sandbox name that exists; with no answer ("no data") when it has no record of that type, and the zone’s SOA says how long to remember that',
		rfc: [ref(1035, '4.1.1'), ref(2308, '2.2')]
	},
	{
		name: 'FORMERR',
		code: 1,
		says: 'format error: the server could not read the query',
		here: 'a packet that is not a DNS query, whose id could still be read',
		rfc: [ref(1035, '4.1.1')]
	},
	{
		name: 'SERVFAIL',
		code: 2,
		says: 'server failure: the server could not answer because of a problem of its own',
		here: 'every TXT question at or under temperror.test, whose name server the sandbox makes fail on purpose: SPF and DKIM checks of it give temperror (RFC 7208 §2.6.6); anywhere else it would mean a bug in the sandbox',
		rfc: [ref(1035, '4.1.1'), ref(7208, '2.6.6')]
	},
	{
		name: 'NXDOMAIN',
		code: 3,
		says: 'no such name: the name does not exist at all, under any type (an authoritative answer)',
		here: 'any name in the sandbox’s zones (under .test, example.com/.net/.org) that is not a domain or host of the sandbox; personal and class domains exist only while their owner or class does',
		rfc: [ref(1035, '4.1.1'), ref(2308, '2.1')]
	},
	{
		name: 'NOTIMP',
		code: 4,
		says: 'not implemented: the server does not support this kind of query',
		here: 'any opcode but a standard query (QUERY)',
		rfc: [ref(1035, '4.1.1')]
	},
	{
		name: 'REFUSED',
		code: 5,
		says: 'the server refuses to answer, for its own reasons (policy)',
		here: 'any name outside the sandbox (this server answers for its own zones only and never asks another server), and a client past DNS_QUERIES_PER_SECOND_PER_ADDRESS',
		rfc: [ref(1035, '4.1.1')]
	}
] as const satisfies readonly RcodeRow[];

export type RcodeName = (typeof RCODES)[number]['name'];

const BY_NAME = new Map<string, RcodeRow>(RCODES.map((row) => [row.name, row]));

export function rcode(name: string): RcodeRow | undefined {
	return BY_NAME.get(name);
}
