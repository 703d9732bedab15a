/**
 * The sandbox DNS as the /dns page receives it over the WebSocket (`watch-dns` → `dns-snapshot`,
 * then one `dns-lookup` each): recorded lookups, the zone, the host endpoint table. Types and the
 * page's check of what arrives; the server side lives in server/dns/.
 */
import type { RfcRef } from '../messages';
import type { MailHostBehaviour } from '../delivery/mailHosts';
import type { DnsRecord } from './recordTypes';

/**
 * How a lookup reached the server: a datagram, a TCP stream, the outgoing queue in-process, or a
 * receiving host checking a message's SPF, DKIM and DMARC in-process (server/auth/).
 */
export type DnsTransport = 'udp' | 'tcp' | 'queue' | 'auth';

/** One recorded lookup, as a page may see it (who owns it stays on the server). */
export interface DnsLookup {
	/** Its id in the log (unique across instances): the deep link /dns#lookup-<id>. */
	id: string;
	at: number;
	transport: DnsTransport;
	/** The client's address ("127.0.0.1"), or the sandbox host that asked for the queue. */
	client: string;
	/** Null for a packet that could not be read as a query (answered FORMERR). */
	question: { name: string; type: string } | null;
	/** The response code's mnemonic (src/lib/dns/rcodes.ts). */
	rcode: string;
	answers: DnsRecord[];
	/** For a lookup the queue made: the message whose journey it is part of. */
	journeyId?: string;
}

/** Which row of src/lib/dns/zoneKinds.ts explains a domain of the zone. */
export type ZoneKind = 'tld' | 'hosts' | 'own' | 'remote' | 'auth';

/** One domain of the zone and every record at or under it, for the page's zone table. */
export interface ZoneDomain {
	domain: string;
	kind: ZoneKind;
	records: DnsRecord[];
	/** What it is there to show (a remote domain's row in src/lib/delivery/mailHosts.ts). */
	explains: string;
	rfc: RfcRef[];
}

/** A sandbox mail host: its A record's address, and where it really listens. */
export interface HostEndpointRow {
	host: string;
	/** What the A record says. */
	address: string;
	/** Where the host's SMTP server listens (null: not in the host endpoint table). */
	endpoint: { address: string; port: number } | null;
	role: 'outgoing' | 'mx';
	behaviour: MailHostBehaviour;
	explains: string;
}

/** The server's answer to `watch-dns`. */
export interface DnsSnapshot {
	/** Where the name server listens (DNS_HOST, and the port it is bound to). */
	server: { host: string; port: number };
	zone: ZoneDomain[];
	hosts: HostEndpointRow[];
	/** How many lookups the server keeps (DNS_LOG_SIZE): the page keeps no more. */
	logSize: number;
	/** The lookups the viewer may see, oldest first. */
	lookups: DnsLookup[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDnsRecord(value: unknown): boolean {
	return (
		isRecord(value) &&
		typeof value.name === 'string' &&
		typeof value.type === 'string' &&
		typeof value.ttl === 'number' &&
		typeof value.data === 'string'
	);
}

/** The page's check of a lookup from the server before it is shown. */
export function isDnsLookup(value: unknown): value is DnsLookup {
	if (!isRecord(value)) return false;
	const { id, at, transport, client, question, rcode, answers } = value;
	return (
		typeof id === 'string' &&
		typeof at === 'number' &&
		(transport === 'udp' || transport === 'tcp' || transport === 'queue' || transport === 'auth') &&
		typeof client === 'string' &&
		(question === null ||
			(isRecord(question) &&
				typeof question.name === 'string' &&
				typeof question.type === 'string')) &&
		typeof rcode === 'string' &&
		Array.isArray(answers) &&
		answers.every(isDnsRecord)
	);
}

/** The page's check of a snapshot: the zone and hosts are shown as they come, lookups each checked. */
export function isDnsSnapshot(value: unknown): value is DnsSnapshot {
	if (!isRecord(value)) return false;
	const { server, zone, hosts, lookups } = value;
	return (
		isRecord(server) &&
		typeof server.host === 'string' &&
		typeof server.port === 'number' &&
		typeof value.logSize === 'number' &&
		Array.isArray(zone) &&
		zone.every((d) => isRecord(d) && Array.isArray(d.records) && d.records.every(isDnsRecord)) &&
		Array.isArray(hosts) &&
		Array.isArray(lookups) &&
		lookups.every(isDnsLookup)
	);
}
