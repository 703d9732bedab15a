/**
 * The DNS record types the sandbox zone holds or a learner is likely to ask for: one row per type,
 * its number on the wire (RFC 1035 §3.2.2), what it says, the RFC section that defines it, and the
 * time to live the sandbox gives it. Pure data, shared by the DNS server and the /dns page.
 */
import type { RfcRef } from '../messages';
import { ref } from '../smtp/rfc';

export interface RecordTypeRow {
	/** The mnemonic, as dig and zone files write it. */
	type: string;
	/** The TYPE value in a resource record. */
	code: number;
	/** What a record of this type says, in a few words. */
	says: string;
	/** How long a resolver may keep it (seconds), as the sandbox serves it. */
	ttl: number;
	rfc: RfcRef[];
}

/**
 * Address records change when a host moves, so they live briefly (5 minutes); which hosts take a
 * domain's mail, and who serves the zone, change rarely (an hour). Real zones choose similar values.
 */
export const HOST_TTL = 300;
export const ZONE_TTL = 3600;

export const RECORD_TYPES = [
	{
		type: 'A',
		code: 1,
		says: 'the IPv4 address of a host name',
		ttl: HOST_TTL,
		rfc: [ref(1035, '3.4.1')]
	},
	{
		type: 'AAAA',
		code: 28,
		says: 'the IPv6 address of a host name (the sandbox hosts have none: each has a 127.0.0.N address of its own)',
		ttl: HOST_TTL,
		rfc: [ref(3596, '2.1')]
	},
	{
		type: 'MX',
		code: 15,
		says: 'a mail exchanger for the domain, with its preference: lower numbers are tried first',
		ttl: ZONE_TTL,
		rfc: [ref(1035, '3.3.9'), ref(5321, '5.1')]
	},
	{
		type: 'TXT',
		code: 16,
		says: 'free text for the domain (where SPF and DMARC policies are published)',
		ttl: ZONE_TTL,
		rfc: [ref(1035, '3.3.14')]
	},
	{
		type: 'NS',
		code: 2,
		says: 'a name server that answers with authority for the zone',
		ttl: ZONE_TTL,
		rfc: [ref(1035, '3.3.11')]
	},
	{
		type: 'SOA',
		code: 6,
		says: 'the start of a zone of authority: its primary server, its contact, its serial and timers; its last field is how long a "no such name" may be remembered',
		ttl: ZONE_TTL,
		rfc: [ref(1035, '3.3.13'), ref(2308, '4')]
	},
	{
		type: 'CNAME',
		code: 5,
		says: 'another name for a host, pointing at its canonical name (an MX record must name a host with an address record, not an alias)',
		ttl: HOST_TTL,
		rfc: [ref(1035, '3.3.1'), ref(5321, '5.1')]
	}
] as const satisfies readonly RecordTypeRow[];

export type ZoneRecordType = (typeof RECORD_TYPES)[number]['type'];

const BY_TYPE = new Map<string, RecordTypeRow>(RECORD_TYPES.map((row) => [row.type, row]));

/** The row of a record type by its mnemonic ("MX"), if the table has one. */
export function recordType(type: string): RecordTypeRow | undefined {
	return BY_TYPE.get(type.toUpperCase());
}

/** A resource record as the sandbox serves it and the lookup log shows it. */
export interface DnsRecord {
	/** The owner name, without the final dot. */
	name: string;
	type: string;
	/** Seconds. */
	ttl: number;
	/** The RDATA in zone-file form: "127.0.0.3", "10 mx.north.test.", "0 .". */
	data: string;
}

/** An MX record's RDATA read back: its preference and exchange (the "." of a null MX kept). */
export function mxData(data: string): { preference: number; exchange: string } | undefined {
	const match = /^(\d+) (\S+)$/.exec(data);
	return match ? { preference: Number(match[1]), exchange: match[2] } : undefined;
}

/** "3600" → "1 hour", "300" → "5 minutes": a TTL as a learner reads it. */
export function ttlSpan(seconds: number): string {
	if (seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`;
	if (seconds % 60 === 0) return seconds === 60 ? '1 minute' : `${seconds / 60} minutes`;
	return seconds === 1 ? '1 second' : `${seconds} seconds`;
}
