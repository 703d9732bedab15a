/**
 * The sandbox's name server on the wire: UDP (one datagram each way, RFC 1035 §4.2.1) and TCP
 * (each message after a two-byte length, RFC 1035 §4.2.2; several queries on one connection,
 * RFC 7766 §6.2.1) on DNS_HOST:DNS_PORT, so `dig @127.0.0.1 -p 2053 MX north.test` answers.
 *
 * It is authoritative for the sandbox zones only (AA=1) and never recursive (RA=0): a name
 * outside them is REFUSED, so it can never be an open resolver, whatever DNS_HOST says.
 *
 * Past DNS_QUERIES_PER_SECOND_PER_ADDRESS a client's queries are answered REFUSED rather than
 * dropped: the answer is no larger than the query (nothing to amplify), the learner sees why,
 * and a dropped query would only make the client ask again. Those refusals are not logged, so a
 * flood cannot push everyone else's lookups out of the log.
 *
 * A packet that is not a query: FORMERR when its id can be read, else dropped; a response
 * (QR=1) is never answered, so two servers cannot bounce packets between them.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { DnsRecord } from '../../src/lib/dns/recordTypes';
import type { RcodeName } from '../../src/lib/dns/rcodes';
import { txtStrings } from '../../src/lib/dns/txtStrings';
import type { Clock } from '../clock';
import type { DnsLog } from './dnsLog';
import type { SandboxZone } from './sandboxZone';

/** RCODE values (RFC 1035 §4.1.1). */
const RCODE: Record<RcodeName, number> = {
	NOERROR: 0,
	FORMERR: 1,
	SERVFAIL: 2,
	NXDOMAIN: 3,
	NOTIMP: 4,
	REFUSED: 5
};
/** A UDP answer without EDNS fits 512 bytes (RFC 1035 §4.2.1), else it is truncated (TC=1). */
const UDP_PLAIN_LIMIT = 512;
/** The EDNS buffer size this server offers and honours at most (the DNS flag day 2020 value). */
const EDNS_BUFFER = 1232;
/** Address buckets kept before idle ones are forgotten (the rate limit's own memory bound). */
const RATE_BUCKETS_MAX = 10_000;

export interface DnsServerOptions {
	host: string;
	/** 0: any free port (the same for UDP and TCP). */
	port: number;
	/** 0: no limit. */
	queriesPerSecondPerAddress: number;
	/** DNS_TCP_IDLE_SECONDS: a TCP connection with no query for this long is closed. */
	tcpIdleSeconds: number;
	zone: SandboxZone;
	log: DnsLog;
	clock: Clock;
}

type Transport = 'udp' | 'tcp';

/** Per-address token bucket: `rate` queries a second, refilled continuously. */
class QueryRate {
	readonly #buckets = new Map<string, { tokens: number; at: number }>();

	constructor(
		readonly rate: number,
		readonly clock: Clock
	) {}

	take(address: string): boolean {
		if (this.rate === 0) return true;
		const now = this.clock.now();
		if (this.#buckets.size >= RATE_BUCKETS_MAX) this.#forgetIdle(now);
		const bucket = this.#buckets.get(address) ?? { tokens: this.rate, at: now };
		bucket.tokens = Math.min(this.rate, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
		bucket.at = now;
		this.#buckets.set(address, bucket);
		if (bucket.tokens < 1) return false;
		bucket.tokens -= 1;
		return true;
	}

	/** A bucket idle for a second is full again: forgetting it changes nothing. */
	#forgetIdle(now: number): void {
		for (const [address, bucket] of this.#buckets)
			if (now - bucket.at >= 1000) this.#buckets.delete(address);
	}
}

/** '::ffff:127.0.0.1' → '127.0.0.1'. */
function plainAddress(address: string | undefined): string {
	return (address ?? '').replace(/^::ffff:/, '');
}

/** A zone record as dns-packet encodes it. */
function wireRecord(r: DnsRecord): dnsPacket.Answer {
	const base = { name: r.name, ttl: r.ttl, class: 'IN' as const };
	if (r.type === 'MX') {
		const [preference, exchange] = r.data.split(' ');
		return { ...base, type: 'MX', data: { preference: Number(preference), exchange } };
	}
	if (r.type === 'SOA') {
		const [mname, rname, serial, refresh, retry, expire, minimum] = r.data.split(' ');
		return {
			...base,
			type: 'SOA',
			data: {
				mname,
				rname,
				serial: Number(serial),
				refresh: Number(refresh),
				retry: Number(retry),
				expire: Number(expire),
				minimum: Number(minimum)
			}
		};
	}
	if (r.type === 'TXT')
		// Strings of at most 255 octets each (RFC 1035 §3.3.14); readers join them (RFC 7208 §3.3).
		return { ...base, type: 'TXT', data: txtStrings(r.data).map((octets) => Buffer.from(octets)) };
	return { ...base, type: r.type as 'A' | 'NS' | 'CNAME', data: r.data };
}

export class DnsServer {
	readonly #rate: QueryRate;
	#udp: dgram.Socket | null = null;
	#tcp: net.Server | null = null;
	readonly #connections = new Set<net.Socket>();

	constructor(readonly options: DnsServerOptions) {
		this.#rate = new QueryRate(options.queriesPerSecondPerAddress, options.clock);
	}

	/** Binds UDP and TCP on one port; with port 0, one that is free for both. */
	async listen(): Promise<void> {
		for (let attempt = 0; ; attempt++) {
			const udp = await this.#bindUdp(this.options.port);
			const port = udp.address().port;
			try {
				this.#tcp = await this.#listenTcp(port);
				this.#udp = udp;
				return;
			} catch (error) {
				udp.close();
				const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
				// An ephemeral UDP port may be taken for TCP: try another few.
				if (!(inUse && this.options.port === 0 && attempt < 5)) throw error;
			}
		}
	}

	/** The port both transports are bound to. */
	get port(): number {
		const address = this.#udp?.address();
		return address ? address.port : this.options.port;
	}

	async close(): Promise<void> {
		for (const socket of this.#connections) socket.destroy();
		await Promise.all([
			new Promise<void>((resolve) => (this.#udp ? this.#udp.close(() => resolve()) : resolve())),
			new Promise<void>((resolve) => (this.#tcp ? this.#tcp.close(() => resolve()) : resolve()))
		]);
		this.#udp = null;
		this.#tcp = null;
	}

	#bindUdp(port: number): Promise<dgram.Socket> {
		return new Promise((resolve, reject) => {
			const family = net.isIPv6(this.options.host) ? 'udp6' : 'udp4';
			const socket = dgram.createSocket(family);
			socket.once('error', reject);
			socket.bind(port, this.options.host, () => {
				socket.off('error', reject);
				// A send to a client that went away must not stop the server.
				socket.on('error', () => undefined);
				socket.on('message', (message, remote) => {
					const reply = this.#answer(message, 'udp', plainAddress(remote.address));
					if (reply) socket.send(reply, remote.port, remote.address);
				});
				resolve(socket);
			});
		});
	}

	#listenTcp(port: number): Promise<net.Server> {
		return new Promise((resolve, reject) => {
			const server = net.createServer((socket) => this.#serveTcp(socket));
			server.once('error', reject);
			server.listen(port, this.options.host, () => {
				server.off('error', reject);
				resolve(server);
			});
		});
	}

	#serveTcp(socket: net.Socket): void {
		this.#connections.add(socket);
		const client = plainAddress(socket.remoteAddress);
		let pending = Buffer.alloc(0);
		socket.setTimeout(this.options.tcpIdleSeconds * 1000, () => socket.destroy());
		socket.on('error', () => undefined);
		socket.on('close', () => this.#connections.delete(socket));
		socket.on('data', (chunk) => {
			pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
			// Each message is its two-byte length, then that many bytes (RFC 1035 §4.2.2).
			while (pending.length >= 2) {
				const length = pending.readUInt16BE(0);
				if (pending.length < 2 + length) break;
				const message = pending.subarray(2, 2 + length);
				pending = pending.subarray(2 + length);
				const reply = this.#answer(message, 'tcp', client);
				if (!reply) continue;
				const prefix = Buffer.alloc(2);
				prefix.writeUInt16BE(reply.length);
				socket.write(Buffer.concat([prefix, reply]));
			}
		});
	}

	/** The reply to one message, or null when it gets none; a bug of ours is SERVFAIL, never a crash. */
	#answer(message: Buffer, transport: Transport, client: string): Buffer | null {
		try {
			return this.#reply(message, transport, client);
		} catch {
			return message.length >= 2 ? this.#headerOnly(message.readUInt16BE(0), 'SERVFAIL', 0) : null;
		}
	}

	#reply(message: Buffer, transport: Transport, client: string): Buffer | null {
		const allowed = this.#rate.take(client);
		let query: dnsPacket.DecodedPacket & { opcode?: string };
		try {
			query = dnsPacket.decode(message);
		} catch {
			if (!allowed || message.length < 2 || (message.length >= 3 && message[2] & 0x80)) return null;
			this.options.log.record({
				transport,
				client,
				question: null,
				rcode: 'FORMERR',
				answers: [],
				owners: []
			});
			return this.#headerOnly(message.readUInt16BE(0), 'FORMERR', 0);
		}
		if (query.type === 'response') return null;
		const id = query.id ?? 0;
		// Opcode and RD are copied into the response (RFC 1035 §4.1.1).
		const copied = (query.flags ?? 0) & (0x7800 | dnsPacket.RECURSION_DESIRED);
		if (!allowed) return this.#respond(query, 'REFUSED', copied, transport);
		const questions = query.questions ?? [];
		const question = questions.length === 1 ? questions[0] : undefined;
		const asked = question ? { name: question.name, type: question.type } : null;
		const refuse = (rcode: RcodeName) => {
			this.options.log.record({
				transport,
				client,
				question: asked,
				rcode,
				answers: [],
				owners: []
			});
			return this.#respond(query, rcode, copied, transport);
		};
		if (query.opcode !== 'QUERY') return refuse('NOTIMP');
		if (!question) return this.#headerOnly(id, 'FORMERR', copied);
		if ((question.class ?? 'IN') !== 'IN') return refuse('REFUSED');
		const answer = this.options.zone.answer(question.name, question.type);
		this.options.log.record({
			transport,
			client,
			question: asked,
			rcode: answer.rcode,
			answers: answer.answers,
			owners: []
		});
		return this.#respond(
			query,
			answer.rcode,
			copied | (answer.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0),
			transport,
			answer
		);
	}

	#respond(
		query: dnsPacket.DecodedPacket,
		rcode: RcodeName,
		flags: number,
		transport: Transport,
		sections: { answers: DnsRecord[]; authority: DnsRecord[]; additional: DnsRecord[] } = {
			answers: [],
			authority: [],
			additional: []
		}
	): Buffer {
		// EDNS (RFC 6891): answer with an OPT record when asked with one, and honour its size.
		const opt = (query.additionals ?? []).find((a) => a.type === 'OPT') as
			dnsPacket.OptAnswer | undefined;
		const optRecord = opt
			? [
					{
						type: 'OPT',
						name: '.',
						udpPayloadSize: EDNS_BUFFER,
						extendedRcode: 0,
						ednsVersion: 0,
						flags: 0,
						flag_do: false,
						options: []
					} satisfies dnsPacket.OptAnswer
				]
			: [];
		const packet: dnsPacket.Packet = {
			type: 'response',
			id: query.id,
			flags: flags | RCODE[rcode],
			questions: query.questions,
			answers: sections.answers.map(wireRecord),
			authorities: sections.authority.map(wireRecord),
			additionals: [...sections.additional.map(wireRecord), ...optRecord]
		};
		const encoded = dnsPacket.encode(packet);
		const limit = opt
			? Math.max(UDP_PLAIN_LIMIT, Math.min(opt.udpPayloadSize, EDNS_BUFFER))
			: UDP_PLAIN_LIMIT;
		if (transport === 'tcp' || encoded.length <= limit) return encoded;
		// Too big for the datagram: TC=1 and the client asks again over TCP (RFC 1035 §4.2.1).
		return dnsPacket.encode({
			...packet,
			flags: packet.flags! | dnsPacket.TRUNCATED_RESPONSE,
			answers: [],
			authorities: [],
			additionals: optRecord
		});
	}

	#headerOnly(id: number, rcode: RcodeName, flags: number): Buffer {
		return dnsPacket.encode({ type: 'response', id, flags: flags | RCODE[rcode], questions: [] });
	}
}
