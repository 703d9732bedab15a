/**
 * PROXY_PROTOCOL_FROM: a connection from a listed address opens with a PROXY protocol v1 header
 * (HAProxy's specification §2.1, what nginx's stream module sends with `proxy_protocol on;`) and
 * the lab takes the client's address from it: the session's, the Received field's, the MX's
 * SPF check's, on SMTP, POP3 and IMAP, and under implicit TLS. Anyone else's header is a line
 * like any other; a listed address without a header is closed. Real sockets: the "proxy" is a
 * socket bound to 127.0.0.2, the learner it speaks for is 192.0.2.7.
 */
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, readConfig } from '../../server/config';
import type { Lab } from '../../server/lab';
import { listenerRow } from '../../src/lib/listeners';
import type { ListenerName } from '../../src/lib/messages';
import { ports, until } from './harness';
import { startQuickLab } from './smtpSession';
import { BridgeClient, isType } from './wsClient';
import { startWebServer } from './webServer';

const PROXY = '127.0.0.2';
const LEARNER = '192.0.2.7';
const HEADER = `PROXY TCP4 ${LEARNER} 127.0.0.1 51234 25\r\n`;

let lab: Lab;
beforeEach(async () => {
	lab = await startQuickLab({ proxyProtocolFrom: [PROXY], proxyProtocolTimeoutSeconds: 3 });
});
afterEach(async () => {
	vi.restoreAllMocks();
	await lab.close();
});

/** A line client on one listener, from `localAddress`, that sends `first` before anything else. */
class Client {
	text = '';
	closed: Promise<void>;
	constructor(readonly socket: net.Socket) {
		socket.setEncoding('latin1');
		socket.on('data', (chunk: string) => (this.text += chunk));
		socket.on('error', () => undefined);
		this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
	}

	static async open(
		listener: ListenerName,
		localAddress: string,
		first: string | null
	): Promise<Client> {
		const raw = net.connect({ port: ports(lab)[listener], host: '127.0.0.1', localAddress });
		await new Promise<void>((resolve, reject) => {
			raw.once('connect', () => resolve());
			raw.once('error', reject);
		});
		if (first !== null) raw.write(first);
		if (listenerRow(listener).tls !== 'implicit') return new Client(raw);
		const secure = tls.connect({ socket: raw, rejectUnauthorized: false });
		await new Promise<void>((resolve) => secure.once('secureConnect', () => resolve()));
		return new Client(secure);
	}

	/** Waits for a line matching `pattern` after everything read so far, and returns it. */
	async line(pattern: RegExp): Promise<string> {
		const from = this.text.length;
		await until(() => pattern.test(this.text.slice(from)), 5000);
		return pattern.exec(this.text.slice(from))![0];
	}

	async say(line: string, answer: RegExp): Promise<string> {
		const waiting = this.line(answer);
		this.socket.write(`${line}\r\n`);
		return waiting;
	}
}

/** The session the lab recorded for the newest connection, once it has one. */
async function newestSession(before: Set<string>) {
	await until(() => [...lab.store.sessions.keys()].some((id) => !before.has(id)), 5000);
	return [...lab.store.sessions.values()].find((s) => !before.has(s.summary.id))!;
}

describe('PROXY_PROTOCOL_FROM on the mail listeners', () => {
	it('SMTP mx: the session, the Received field and the SPF check see the header’s source', async () => {
		const before = new Set(lab.store.sessions.keys());
		const c = await Client.open('mx', PROXY, HEADER);
		await c.line(/^220 .*\r\n/m);
		const session = await newestSession(before);
		expect(session.summary.clientAddress).toBe(LEARNER);
		await c.say('EHLO learner.example', /^250 .*\r\n/m);
		await c.say('MAIL FROM:<alice@example.com>', /^250 .*\r\n/m);
		await c.say('RCPT TO:<bob@example.com>', /^250 .*\r\n/m);
		await c.say('DATA', /^354 .*\r\n/m);
		const queued = await c.say('Subject: proxied\r\n\r\nhello\r\n.', /^250 .*\r\n/m);
		await c.say('QUIT', /^221 .*\r\n/m);
		const id = /Queued as (\S+):/.exec(queued)?.[1];
		const { trace } = lab.store.messages.get(id!)!;
		// RFC 5321 §4.4: "Received: from <EHLO name> (TCP-info)", the address literal the server saw.
		expect(trace).toMatch(/^Received: from learner\.example \(\[192\.0\.2\.7\]\)/m);
		// RFC 8601 §2.7.2 / RFC 7208 §9.1: the SPF check ran for the client's address.
		expect(trace).toMatch(/client-ip=192\.0\.2\.7/);
		expect(trace).not.toMatch(/127\.0\.0\.2/);
		// Not part of the conversation: no transcript line and no wire-tap read is the header.
		const events = session.events;
		expect(events.some((e) => e.text.includes('PROXY TCP4'))).toBe(false);
		expect(events[0].text).toBe(
			`Connected to the mx listener (stands for port 25) from ${LEARNER} (through the proxy at ${PROXY}, whose PROXY protocol header named this address)`
		);
		await until(() => lab.store.sessions.get(session.summary.id)!.summary.endedAt !== null, 5000);
		const tap = session.wireTap;
		if (typeof tap === 'string') throw new Error(`no wire tap: ${tap}`);
		const firstRead = tap.records.find((r) => r.dir === 'client');
		expect(firstRead?.bytes).toBe('EHLO learner.example\r\n'.length);
	});

	it('a command in the header’s packet is the client’s first line: it talked too soon', async () => {
		// The header alone is not talking (the test above was greeted); what follows it is.
		const before = new Set(lab.store.sessions.keys());
		const c = await Client.open('mx', PROXY, `${HEADER}NOOP\r\n`);
		await c.line(/^421 .*\r\n/m);
		const session = await newestSession(before);
		expect(session.summary.clientAddress).toBe(LEARNER);
		expect(session.events.filter((e) => e.dir === 'client').map((e) => e.text)).toEqual(['NOOP']);
		c.socket.destroy();
	});

	it.each([
		['pop3', /^\+OK .*\r\n/m, 'QUIT', /^\+OK .*\r\n/m],
		['pop3s', /^\+OK .*\r\n/m, 'QUIT', /^\+OK .*\r\n/m],
		['imap', /^\* OK .*\r\n/m, 'a LOGOUT', /^a OK .*\r\n/m],
		['imaps', /^\* OK .*\r\n/m, 'a LOGOUT', /^a OK .*\r\n/m],
		['submissions', /^220 .*\r\n/m, 'QUIT', /^221 .*\r\n/m]
	] as const)(
		'%s: the session is recorded under the header’s source',
		async (listener, greeting, bye, answer) => {
			const before = new Set(lab.store.sessions.keys());
			const c = await Client.open(listener, PROXY, `PROXY TCP6 2001:db8::7 ::1 40000 110\r\n`);
			await c.line(greeting);
			const session = await newestSession(before);
			expect(session.summary.clientAddress).toBe('2001:db8::7');
			expect(session.events.some((e) => e.text.includes('PROXY TCP6'))).toBe(false);
			await c.say(bye, answer);
		}
	);

	it('PROXY UNKNOWN: the connection’s own address (§2.1)', async () => {
		const before = new Set(lab.store.sessions.keys());
		const c = await Client.open('mx', PROXY, 'PROXY UNKNOWN\r\n');
		await c.line(/^220 .*\r\n/m);
		expect((await newestSession(before)).summary.clientAddress).toBe(PROXY);
		c.socket.destroy();
	});

	it('from an address not listed, a PROXY line is only a line: no address changes', async () => {
		const before = new Set(lab.store.sessions.keys());
		const c = await Client.open('mx', '127.0.0.1', null);
		await c.line(/^220 .*\r\n/m);
		const reply = await c.say(HEADER.trimEnd(), /^5\d\d .*\r\n/m);
		const session = await newestSession(before);
		expect(session.summary.clientAddress).toBe('127.0.0.1');
		expect(reply).toMatch(/^5/);
		expect(session.events.some((e) => e.dir === 'client' && e.text === HEADER.trimEnd())).toBe(
			true
		);
		c.socket.destroy();
	});

	it('a listed address without a valid header is closed unanswered, unrecorded, said once', async () => {
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
		const before = new Set(lab.store.sessions.keys());
		const talker = await Client.open('mx', PROXY, 'EHLO learner.example\r\n');
		await talker.closed;
		expect(talker.text).toBe('');
		const forged = await Client.open('pop3', PROXY, 'PROXY TCP4 192.0.2.07 127.0.0.1 1 2\r\n');
		await forged.closed;
		expect(forged.text).toBe('');
		// Server speaks first: without a header both sides wait, until PROXY_PROTOCOL_TIMEOUT_SECONDS.
		const silent = await Client.open('imap', PROXY, null);
		await silent.closed;
		expect(silent.text).toBe('');
		expect([...lab.store.sessions.keys()].filter((id) => !before.has(id))).toEqual([]);
		const said = warn.mock.calls.map(([line]) => String(line)).filter((l) => l.includes('PROXY'));
		expect(said).toEqual([
			`SMTP Lab: the mx listener closed a connection from ${PROXY} (PROXY_PROTOCOL_FROM) whose PROXY protocol header was wrong: does not start with "PROXY " (§2.1). Each connection from there must start with a version 1 header (nginx: proxy_protocol on;). (Said once.)`
		]);
	});

	it('MAX_SESSIONS_PER_ADDRESS counts the header’s source, not the proxy', async () => {
		await lab.close();
		lab = await startQuickLab({ proxyProtocolFrom: [PROXY], maxSessionsPerAddress: 1 });
		const first = await Client.open('mx', PROXY, HEADER);
		await first.line(/^220 .*\r\n/m);
		const other = await Client.open('mx', PROXY, 'PROXY TCP4 192.0.2.8 127.0.0.1 1 25\r\n');
		await other.line(/^220 .*\r\n/m);
		const again = await Client.open('mx', PROXY, HEADER);
		expect(await again.line(/^421 .*\r\n/m)).toMatch(/^421 /);
		for (const c of [first, other, again]) c.socket.destroy();
	});
});

describe('PROXY_PROTOCOL_FROM=127.0.0.1, as deploy/smtp-lab@.service sets it', () => {
	it('the bridge’s own loopback sessions still open: they name their browser in-process', async () => {
		await lab.close();
		lab = await startQuickLab({ proxyProtocolFrom: ['127.0.0.1'] });
		const web = await startWebServer(lab);
		try {
			const client = await BridgeClient.connect(web.wsUrl);
			client.send({ type: 'open', listener: 'mx' });
			const opened = await client.next(isType('opened'));
			await client.reply(opened.session.id, /^220 /);
			expect(lab.store.sessions.get(opened.session.id)?.summary.origin).toBe('browser');
			client.close();
		} finally {
			await web.close();
		}
	});
});

describe('PROXY_PROTOCOL_FROM and PROXY_PROTOCOL_TIMEOUT_SECONDS', () => {
	it('empty (the default) reads no header from anyone', () => {
		expect(readConfig({}).proxyProtocolFrom).toEqual([]);
		expect(readConfig({ PROXY_PROTOCOL_FROM: '' }).proxyProtocolFrom).toEqual([]);
	});

	it('a comma-separated list of addresses, written as sockets report them', () => {
		expect(
			readConfig({ PROXY_PROTOCOL_FROM: ' 127.0.0.1, ::FFFF:10.0.0.5 ,2001:DB8::1,127.0.0.1' })
				.proxyProtocolFrom
		).toEqual(['127.0.0.1', '10.0.0.5', '2001:db8::1']);
	});

	it.each(['*', 'localhost', '10.0.0.0/8', '127.0.0.1,', '127.0.0.1 10.0.0.5', 'fe80::1%eth0'])(
		'refuses %j: addresses only',
		(value) => {
			expect(() => readConfig({ PROXY_PROTOCOL_FROM: value })).toThrow(ConfigError);
			expect(() => readConfig({ PROXY_PROTOCOL_FROM: value })).toThrow(
				/^PROXY_PROTOCOL_FROM must be a comma-separated list of IP addresses, got /
			);
		}
	);

	it('the timeout is at least 3 seconds (§2: to cover a TCP retransmit)', () => {
		expect(readConfig({}).proxyProtocolTimeoutSeconds).toBe(10);
		expect(readConfig({ PROXY_PROTOCOL_TIMEOUT_SECONDS: '3' }).proxyProtocolTimeoutSeconds).toBe(3);
		expect(() => readConfig({ PROXY_PROTOCOL_TIMEOUT_SECONDS: '2' })).toThrow(
			'PROXY_PROTOCOL_TIMEOUT_SECONDS must be at least 3, got 2'
		);
	});
});
