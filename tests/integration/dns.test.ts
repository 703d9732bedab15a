/**
 * The sandbox DNS over real sockets, asked by a real DNS client: Debian's dig (bind9-dnsutils,
 * checked by tests/prerequisites.js), over UDP and over TCP (+tcp). Then the queue's in-process
 * resolver, the lookup log, and the live feed of /dns over the WebSocket.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../server/config';
import { SandboxResolver } from '../../server/dns/resolver';
import { PortInUseError, type Lab } from '../../server/lab';
import { MAIL_HOSTS } from '../../src/lib/delivery/mailHosts';
import type { ServerMessage } from '../../src/lib/messages';
import { GET as health } from '../../src/routes/api/health/+server';
import { dig as digLab, type DigResult } from './digClient';
import { ManualClock, startTestLab } from './harness';
import { startWebServer } from './webServer';
import { BridgeClient } from './wsClient';

let lab: Lab | undefined;
let web: Awaited<ReturnType<typeof startWebServer>> | undefined;
const clients: BridgeClient[] = [];
afterEach(async () => {
	for (const client of clients.splice(0)) client.ws.close();
	await web?.close();
	await lab?.close();
	lab = web = undefined;
});

async function start(overrides: Parameters<typeof startTestLab>[0] = {}, clock?: ManualClock) {
	// No rate limit unless a test is about it: each test asks many questions at once.
	lab = await startTestLab(
		{ dnsQueriesPerSecondPerAddress: 0, ...overrides },
		clock ? { clock } : {}
	);
	return lab;
}

/** dig asking the running lab's name server, its sections' white space squeezed. */
function dig(type: string, name: string, ...options: string[]): Promise<DigResult> {
	return digLab(lab!.dns.port, type, name, options, { squeezeWhitespace: true });
}

describe.each([
	['UDP', []],
	['TCP', ['+tcp']]
])('dig over %s', (_transport, options: string[]) => {
	it('MX records with their preferences, authoritative and never recursive', async () => {
		await start();
		const north = await dig('MX', 'north.test', ...options);
		expect(north.status).toBe('NOERROR');
		expect(north.flags).toContain('aa');
		expect(north.flags).not.toContain('ra');
		expect(north.answer).toEqual(['north.test. 3600 IN MX 10 mx.north.test.']);
		// The exchanger's address comes along (RFC 1035 §3.3.9 additional section processing).
		expect(north.additional).toContain('mx.north.test. 300 IN A 127.0.0.3');
		expect((await dig('MX', 'south.test', ...options)).answer.sort()).toEqual([
			'south.test. 3600 IN MX 10 mx1.south.test.',
			'south.test. 3600 IN MX 10 mx2.south.test.'
		]);
		expect((await dig('MX', 'backup.test', ...options)).answer.sort()).toEqual([
			'backup.test. 3600 IN MX 10 mx1.backup.test.',
			'backup.test. 3600 IN MX 20 mx2.backup.test.'
		]);
		expect((await dig('MX', 'example.net', ...options)).answer).toEqual([
			'example.net. 3600 IN MX 10 sandbox.smtp-lab.test.'
		]);
	});

	it('implicit MX: nomx.test has no MX record but an A record', async () => {
		await start();
		const mx = await dig('MX', 'nomx.test', ...options);
		expect(mx.status).toBe('NOERROR');
		expect(mx.answer).toEqual([]);
		// No data: the zone's SOA says how long to remember that, no longer than its minimum.
		expect(mx.authority).toEqual([
			'nomx.test. 300 IN SOA ns.smtp-lab.test. hostmaster.smtp-lab.test. 1 3600 600 86400 300'
		]);
		expect((await dig('A', 'nomx.test', ...options)).answer).toEqual([
			'nomx.test. 300 IN A 127.0.0.6'
		]);
	});

	it('null MX: MX 0 "." for nullmx.test', async () => {
		await start();
		const mx = await dig('MX', 'nullmx.test', ...options);
		expect(mx.status).toBe('NOERROR');
		expect(mx.answer).toEqual(['nullmx.test. 3600 IN MX 0 .']);
	});

	it('NXDOMAIN for a .test name that is no domain or host of the sandbox', async () => {
		await start();
		for (const name of ['no-such-domain.test', 'www.north.test']) {
			const result = await dig('MX', name, ...options);
			expect(result.status, name).toBe('NXDOMAIN');
			expect(result.flags, name).toContain('aa');
			expect(result.answer, name).toEqual([]);
			expect(result.authority[0], name).toMatch(/ 300 IN SOA ns\.smtp-lab\.test\. /);
		}
	});

	it('REFUSED for any name outside the sandbox: nothing is looked up elsewhere', async () => {
		await start();
		for (const name of ['example.invalid', 'google.com', 'mx.google.com']) {
			const result = await dig('MX', name, ...options);
			expect(result.status, name).toBe('REFUSED');
			expect(result.flags, name).not.toContain('aa');
			expect(result.flags, name).not.toContain('ra');
			expect(result.answer, name).toEqual([]);
		}
	});

	it('a personal domain exists while its owner does; one nobody has does not', async () => {
		await start();
		const owner = lab!.owners.owner('dns-test-owner');
		const mine = await dig('MX', `${owner.name}.test`, ...options);
		expect(mine.status).toBe('NOERROR');
		expect(mine.answer).toEqual([`${owner.name}.test. 3600 IN MX 10 sandbox.smtp-lab.test.`]);
		const nobody = await dig('MX', `x${owner.name}.test`, ...options);
		expect(nobody.status).toBe('NXDOMAIN');
	});

	it('a class domain exists while its class does', async () => {
		await start();
		const room = lab!.classes.create({ ownerId: 'dns-test-teacher', operator: false }, 'DNS class');
		const domain = `${room.code.toLowerCase()}.class.test`;
		const live = await dig('MX', domain, ...options);
		expect(live.status).toBe('NOERROR');
		expect(live.answer).toEqual([`${domain}. 3600 IN MX 10 sandbox.smtp-lab.test.`]);
		lab!.classes.end(room.id);
		expect((await dig('MX', domain, ...options)).status).toBe('NXDOMAIN');
		// The zone of class domains stays, empty.
		expect((await dig('SOA', 'class.test', ...options)).status).toBe('NOERROR');
	});

	it('an A record for every sandbox host: the address in the host table, TTL 300', async () => {
		await start();
		for (const host of MAIL_HOSTS) {
			const result = await dig('A', host.name, ...options);
			expect(result.answer, host.name).toEqual([`${host.name}. 300 IN A ${host.address}`]);
		}
		expect((await dig('A', 'sandbox.smtp-lab.test', ...options)).answer).toEqual([
			'sandbox.smtp-lab.test. 300 IN A 127.0.0.1'
		]);
	});

	it('garbage bytes get FORMERR when an id can be read, and the server keeps answering', async () => {
		await start();
		const garbage = Buffer.from([0x12, 0x34, 0x05, 0xff, 0xff, 0x01, 0x02]);
		const reply = options.length ? await tcpExchange(garbage) : await udpExchange(garbage);
		expect(reply.readUInt16BE(0)).toBe(0x1234); // the id, echoed
		expect(reply[2] & 0x80).toBe(0x80); // QR: a response
		expect(reply[3] & 0x0f).toBe(1); // RCODE 1, FORMERR
		expect((await dig('MX', 'north.test', ...options)).status).toBe('NOERROR');
	});
});

/** Sends one datagram to the name server and resolves with the reply. */
function udpExchange(message: Buffer): Promise<Buffer> {
	const socket = dgram.createSocket('udp4');
	return new Promise<Buffer>((resolve, reject) => {
		socket.once('message', resolve);
		socket.once('error', reject);
		socket.send(message, lab!.dns.port, '127.0.0.1');
	}).finally(() => socket.close());
}

/** Sends one length-prefixed message over TCP and resolves with the first reply (without prefix). */
function tcpExchange(message: Buffer): Promise<Buffer> {
	const socket = net.connect(lab!.dns.port, '127.0.0.1');
	const prefix = Buffer.alloc(2);
	prefix.writeUInt16BE(message.length);
	socket.write(Buffer.concat([prefix, message]));
	return new Promise<Buffer>((resolve, reject) => {
		let received = Buffer.alloc(0);
		socket.on('data', (chunk) => {
			received = Buffer.concat([received, chunk]);
			if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0))
				resolve(received.subarray(2, 2 + received.readUInt16BE(0)));
		});
		socket.once('error', reject);
	}).finally(() => socket.destroy());
}

describe('the sandbox DNS', () => {
	it('a packet too short for an id gets no answer, and the server keeps answering', async () => {
		await start();
		const socket = dgram.createSocket('udp4');
		const replies: Buffer[] = [];
		socket.on('message', (reply) => replies.push(reply));
		await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
		socket.send(Buffer.from([0x01]), lab!.dns.port, '127.0.0.1');
		// A TCP stream whose length prefix promises more than ever comes is cut at the close.
		const stream = net.connect(lab!.dns.port, '127.0.0.1');
		stream.end(Buffer.from([0xff, 0xff, 0x00]));
		expect((await dig('MX', 'north.test')).status).toBe('NOERROR');
		// The datagram went before dig's query, so its reply (if any) would have come first.
		expect(replies).toEqual([]);
		socket.close();
		stream.destroy();
	});

	it('DNS_TCP_IDLE_SECONDS: a TCP connection answers its query, then is closed once idle that long (RFC 7766 §6.2.3)', async () => {
		await start({ dnsTcpIdleSeconds: 1 });
		const socket = net.connect(lab!.dns.port, '127.0.0.1');
		const closedAt = new Promise<number>((resolve) =>
			socket.once('close', () => resolve(Date.now()))
		);
		socket.on('error', () => undefined);
		const answered = new Promise<number>((resolve) =>
			socket.once('data', () => resolve(Date.now()))
		);
		await new Promise((resolve) => socket.once('connect', resolve));
		// A query for north.test's MX, id 7, length-prefixed (RFC 1035 §4.2.2).
		const name = Buffer.concat([
			Buffer.from([5]),
			Buffer.from('north'),
			Buffer.from([4]),
			Buffer.from('test'),
			Buffer.from([0])
		]);
		const query = Buffer.concat([
			Buffer.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
			name,
			Buffer.from([0, 15, 0, 1])
		]);
		socket.write(Buffer.concat([Buffer.from([0, query.length]), query]));
		const answerAt = await answered;
		// The default (10 s) would outlast this wait; 1 s of silence closes it.
		const closed = await Promise.race([
			closedAt,
			new Promise<null>((resolve) => setTimeout(() => resolve(null), 6000))
		]);
		socket.destroy();
		expect(closed).not.toBeNull();
		expect(closed!).toBeGreaterThanOrEqual(answerAt);
		expect(() => readConfig({ DNS_TCP_IDLE_SECONDS: '0' })).toThrow(ConfigError);
		expect(readConfig({}).dnsTcpIdleSeconds).toBe(10);
	});

	it('DNS_QUERIES_PER_SECOND_PER_ADDRESS at its edge: REFUSED past it, one more every 1/N s', async () => {
		const clock = new ManualClock();
		await start({ dnsQueriesPerSecondPerAddress: 3 }, clock);
		for (let i = 0; i < 3; i++) expect((await dig('MX', 'north.test')).status).toBe('NOERROR');
		const refused = await dig('MX', 'north.test', '+tcp');
		expect(refused.status).toBe('REFUSED');
		// Refusals for the rate are not logged: a flood cannot push others' lookups out.
		expect(lab!.dns.log.entries).toHaveLength(3);
		// 3 a second: a query's worth comes back every 333⅓ ms.
		clock.advance(333);
		expect((await dig('MX', 'north.test')).status).toBe('REFUSED');
		clock.advance(1);
		expect((await dig('MX', 'north.test')).status).toBe('NOERROR');
	});

	it('every dig lookup is logged: transport, client, question, rcode, answers with TTLs', async () => {
		await start();
		await dig('MX', 'North.Test');
		await dig('MX', 'nullmx.test', '+tcp');
		await dig('A', 'google.com');
		const [north, nullMx, google] = lab!.dns.log.entries;
		expect(north).toMatchObject({
			transport: 'udp',
			client: '127.0.0.1',
			question: { name: 'North.Test', type: 'MX' },
			rcode: 'NOERROR',
			answers: [{ name: 'North.Test', type: 'MX', ttl: 3600, data: '10 mx.north.test.' }],
			owners: []
		});
		expect(nullMx).toMatchObject({
			transport: 'tcp',
			rcode: 'NOERROR',
			answers: [{ name: 'nullmx.test', type: 'MX', ttl: 3600, data: '0 .' }]
		});
		expect(google).toMatchObject({
			transport: 'udp',
			question: { name: 'google.com', type: 'A' },
			rcode: 'REFUSED',
			answers: []
		});
	});

	it('DNS_LOG_SIZE keeps the newest lookups', async () => {
		await start({ dnsLogSize: 2 });
		await dig('MX', 'north.test');
		await dig('MX', 'south.test');
		await dig('MX', 'backup.test');
		expect(lab!.dns.log.entries.map((e) => e.question?.name)).toEqual([
			'south.test',
			'backup.test'
		]);
	});

	it('a busy DNS_PORT stops startup with one line naming the port and the variable', async () => {
		const blocker = dgram.createSocket('udp4');
		await new Promise<void>((resolve) => blocker.bind(0, '127.0.0.1', resolve));
		const busy = blocker.address().port;
		try {
			const failed = startTestLab({ dnsPort: busy });
			await expect(failed).rejects.toThrow(PortInUseError);
			await expect(failed).rejects.toThrow(
				`Port ${busy} (the DNS server) is already in use: set DNS_PORT`
			);
		} finally {
			blocker.close();
		}
	});

	it('/api/health says where the name server listens: the port it is bound to', async () => {
		await start();
		const body = await (await health()).json();
		expect(body.dns).toEqual({ host: '127.0.0.1', port: lab!.dns.port });
		expect(lab!.dns.port).toBeGreaterThan(0);
		expect((await dig('MX', 'north.test')).status).toBe('NOERROR');
	});

	it('DNS_HOST must be an IP address', () => {
		expect(() => readConfig({ DNS_HOST: 'localhost' })).toThrow(ConfigError);
		expect(readConfig({}).dnsHost).toBe('127.0.0.1');
		expect(readConfig({}).dnsPort).toBe(2053);
	});
});

describe('the queue’s resolver (in-process)', () => {
	const context = { owners: ['owner-a'], journeyId: 'journey-1' };

	it('MX then the A record of each exchanger, in order of preference, each lookup logged', async () => {
		await start();
		const { answer, lookupIds } = lab!.dns.resolver.resolveMail('backup.test', context);
		// Ports come from the host endpoint table (tested below with a table of the test's own).
		expect(answer).toMatchObject({
			kind: 'mx',
			targets: [
				{ preference: 10, host: 'mx1.backup.test', address: '127.0.0.8' },
				{ preference: 20, host: 'mx2.backup.test', address: '127.0.0.9' }
			]
		});
		expect(answer.kind === 'mx' && answer.targets).toHaveLength(2);
		const logged = lookupIds.map((id) => lab!.dns.log.entries.find((e) => e.id === id));
		expect(logged.map((e) => `${e?.question?.type} ${e?.question?.name}`)).toEqual([
			'MX backup.test',
			'A mx1.backup.test',
			'A mx2.backup.test'
		]);
		for (const entry of logged)
			expect(entry).toMatchObject({
				transport: 'queue',
				client: '127.0.0.2',
				owners: ['owner-a'],
				journeyId: 'journey-1'
			});
	});

	it('implicit MX, null MX, NXDOMAIN; an outside name is never looked up', async () => {
		await start();
		const resolver = lab!.dns.resolver;
		expect(resolver.resolveMail('nomx.test', context).answer).toMatchObject({
			kind: 'implicit',
			target: { preference: 0, host: 'nomx.test', address: '127.0.0.6' }
		});
		expect(resolver.resolveMail('nullmx.test', context)).toMatchObject({
			answer: { kind: 'null-mx' },
			lookupIds: [expect.any(String)]
		});
		expect(resolver.resolveMail('nowhere.test', context).answer).toEqual({ kind: 'nxdomain' });
		expect(resolver.resolveMail('smtp-lab.test', context).answer).toEqual({ kind: 'no-address' });
		expect(() => resolver.resolveMail('gmail.com', context)).toThrow(/not a sandbox domain/);
	});

	it('the port of each target comes from the host endpoint table (null: not in it)', async () => {
		await start();
		const table = new Map([['mx1.south.test', { address: '127.0.0.4', port: 2526 }]]);
		const resolver = new SandboxResolver(lab!.dns.zone, lab!.dns.log, (host) => table.get(host));
		expect(resolver.resolveMail('south.test', context).answer).toEqual({
			kind: 'mx',
			targets: [
				{ preference: 10, host: 'mx1.south.test', address: '127.0.0.4', port: 2526 },
				{ preference: 10, host: 'mx2.south.test', address: '127.0.0.5', port: null }
			]
		});
	});
});

describe('/dns live over the WebSocket', () => {
	const isSnapshot = (m: ServerMessage): m is Extract<ServerMessage, { type: 'dns-snapshot' }> =>
		m.type === 'dns-snapshot';
	const isLookup = (m: ServerMessage): m is Extract<ServerMessage, { type: 'dns-lookup' }> =>
		m.type === 'dns-lookup';

	async function watch(): Promise<BridgeClient> {
		web ??= await startWebServer(lab!);
		const client = await BridgeClient.connect(web.wsUrl);
		clients.push(client);
		client.send({ type: 'watch-dns' });
		return client;
	}

	it('watch-dns: a snapshot with the zone and where the server listens, then each dig lookup live', async () => {
		await start();
		await dig('MX', 'north.test');
		const client = await watch();
		const snapshot = await client.next(isSnapshot);
		expect(snapshot.server).toEqual({ host: '127.0.0.1', port: lab!.dns.port });
		expect(snapshot.lookups.map((l) => l.question)).toEqual([{ name: 'north.test', type: 'MX' }]);
		expect(snapshot.zone.find((d) => d.domain === 'nullmx.test')?.records).toContainEqual({
			name: 'nullmx.test',
			type: 'MX',
			ttl: 3600,
			data: '0 .'
		});
		expect(snapshot.hosts.map((h) => h.host)).toEqual(MAIL_HOSTS.map((h) => h.name));
		await dig('MX', 'nullmx.test', '+tcp');
		const live = await client.next(isLookup);
		expect(live.lookup).toMatchObject({
			transport: 'tcp',
			question: { name: 'nullmx.test', type: 'MX' },
			rcode: 'NOERROR',
			answers: [{ data: '0 .' }]
		});
		// Who owns a lookup never leaves the server.
		expect(live.lookup).not.toHaveProperty('owners');
	});

	it('VISIBILITY=private: the queue’s lookups for someone’s message stay theirs; dig lookups are public', async () => {
		await start({ visibility: 'private' });
		lab!.dns.resolver.resolveMail('north.test', { owners: ['someone-else'] });
		await dig('MX', 'south.test');
		const client = await watch();
		const snapshot = await client.next(isSnapshot);
		expect(snapshot.lookups.map((l) => l.question?.name)).toEqual(['south.test']);
		lab!.dns.resolver.resolveMail('backup.test', { owners: ['someone-else'] });
		await dig('MX', 'nomx.test');
		const live = await client.next(isLookup);
		expect(live.lookup.question?.name).toBe('nomx.test');
	});
});
