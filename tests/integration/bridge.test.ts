import { networkInterfaces } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { ServerMessage } from '../../src/lib/messages';
import { ManualClock, startTestLab, until } from './harness';
import { WATCHER_FLUSH_SLICE } from '../../server/bridge/bridge';
import { startWebServer } from './webServer';
import { BridgeClient, isType, rawUpgrade } from './wsClient';

let lab: Lab;
let web: Awaited<ReturnType<typeof startWebServer>>;

beforeEach(async () => {
	lab = await startTestLab({ resumeGraceSeconds: 5 });
	web = await startWebServer(lab);
});
afterEach(async () => {
	await lab.close();
	await web.close();
});

/** Sends a real WebSocket upgrade request with exactly these Host and Origin headers. */
async function upgradeStatus(wsUrl: string, host: string, origin: string): Promise<number> {
	return (await rawUpgrade(wsUrl, { host, origin })).status;
}

async function openSession(
	client: BridgeClient,
	listener: 'mx' | 'submission' | 'submissions' = 'mx'
) {
	client.send({ type: 'open', listener });
	const opened = await client.next(isType('opened'));
	await client.reply(opened.session.id, /^220 /);
	return opened;
}

describe('the bridge opens real SMTP sessions', () => {
	it('opens, sends input, and streams both directions with annotations', async () => {
		const client = await BridgeClient.connect(web.wsUrl);
		const opened = await openSession(client);
		expect(opened.session.origin).toBe('browser');
		expect(opened.resumeToken).toMatch(/^[\w-]{16,}$/);
		client.send({ type: 'input', data: 'EHLO learner.test\r\n' });
		const last = await client.reply(opened.session.id, /^250 /);
		expect(last.event.annotation.class).toBe(2);
		const ehloLines = client.received.filter(
			(m) => m.type === 'event' && m.event.dir === 'server' && m.event.text.startsWith('250')
		) as Extract<ServerMessage, { type: 'event' }>[];
		expect(new Set(ehloLines.map((m) => m.event.replyId)).size).toBe(1);
		client.send({ type: 'input', data: 'QUIT\r\n' });
		await client.reply(opened.session.id, /^221 /);
		const closed = await client.next(isType('closed'));
		expect(closed.sessionId).toBe(opened.session.id);
		expect(closed.reason).toMatch(/QUIT/);
		client.close();
	});

	it('records the browser address, not the loopback address of the bridge', async () => {
		const client = await BridgeClient.connect(web.wsUrl, { localAddress: '127.0.0.2' });
		const opened = await openSession(client);
		expect(lab.store.sessions.get(opened.session.id)?.summary.clientAddress).toBe('127.0.0.2');
		client.close();
	});

	it('performs the TLS handshake after 220 to STARTTLS, and AUTH works inside', async () => {
		const client = await BridgeClient.connect(web.wsUrl);
		const { session } = await openSession(client, 'submission');
		client.send({ type: 'input', data: 'EHLO learner.test\r\n' });
		await client.reply(session.id, /^250 /);
		client.send({ type: 'input', data: 'STARTTLS\r\n' });
		await client.reply(session.id, /^220 /);
		const tlsEvent = await client.next(
			(m): m is Extract<ServerMessage, { type: 'event' }> =>
				m.type === 'event' && m.event.kind === 'tls'
		);
		expect(tlsEvent.event.text).toMatch(/TLSv1\.[23]/);
		client.send({ type: 'input', data: 'EHLO learner.test\r\n' });
		await client.reply(session.id, /^250-AUTH PLAIN LOGIN/);
		const plain = Buffer.from('\0alice\0wonderland').toString('base64');
		client.send({ type: 'input', data: `AUTH PLAIN ${plain}\r\n` });
		await client.reply(session.id, /^235 2\.7\.0/);
		// The owner sees its own credentials; the store and other viewers see them masked.
		const own = client.received.find(
			(m) => m.type === 'event' && m.event.dir === 'client' && m.event.text.startsWith('AUTH PLAIN')
		) as Extract<ServerMessage, { type: 'event' }>;
		expect(own.event.text).toContain(plain);
		const stored = lab.store.sessions
			.get(session.id)!
			.events.find((e) => e.text.startsWith('AUTH PLAIN'))!;
		expect(stored.text).not.toContain(plain);
		const watcher = await BridgeClient.connect(web.wsUrl);
		watcher.send({ type: 'watch', sessionId: session.id, since: 0 });
		const seen = await watcher.next(
			(m): m is Extract<ServerMessage, { type: 'event' }> =>
				m.type === 'event' && m.event.text.startsWith('AUTH PLAIN')
		);
		expect(seen.event.text).not.toContain(plain);
		expect(JSON.stringify(seen.event.annotation)).not.toContain('wonderland');
		watcher.close();
		client.close();
	});

	it('starts TLS on its own 220 to STARTTLS, even once the transcript stopped recording (MAX_EVENTS_PER_SESSION)', async () => {
		await lab.close();
		lab = await startTestLab({ maxEventsPerSession: 30 });
		await web.close();
		web = await startWebServer(lab);
		const client = await BridgeClient.connect(web.wsUrl);
		const { session } = await openSession(client);
		client.send({ type: 'input', data: 'EHLO learner.test\r\n' });
		await client.reply(session.id, /^250 /);
		const summary = () => lab.store.sessions.get(session.id)!.summary;
		while (!summary().truncated) {
			const from = client.received.length;
			client.send({ type: 'input', data: 'NOOP\r\n' });
			await client.next(isType('event'), 5000, from);
		}
		// Nothing of what follows is recorded: the bridge must see the 220 on its own socket.
		client.send({ type: 'input', data: 'STARTTLS\r\n' });
		client.send({ type: 'input', data: 'EHLO learner.test\r\n' });
		client.send({ type: 'input', data: 'MAIL FROM:<alice@example.com>\r\n' });
		client.send({ type: 'input', data: 'RCPT TO:<bob@example.com>\r\n' });
		client.send({ type: 'input', data: 'DATA\r\n' });
		client.send({ type: 'input', data: 'Subject: after the limit\r\n\r\nhello\r\n.\r\n' });
		await until(() => summary().messageIds.length === 1);
		expect(summary().tls?.protocol).toMatch(/^TLSv1\.[23]$/);
		const message = lab.store.messages.get(summary().messageIds[0])!;
		expect(message.summary.subject).toBe('after the limit');
		expect(lab.bridge.sessions.get(session.id)?.closed).toBe(false);
		client.close();
	});

	it('S13 through the bridge: input pipelined after STARTTLS goes out in plaintext and is discarded; later input travels inside TLS', async () => {
		const client = await BridgeClient.connect(web.wsUrl);
		const { session } = await openSession(client);
		client.send({ type: 'input', data: 'EHLO learner.test\r\n' });
		await client.reply(session.id, /^250 /);
		client.send({ type: 'input', data: 'STARTTLS\r\nMAIL FROM:<injected@example.com>\r\n' });
		client.send({ type: 'input', data: 'EHLO learner.test\r\n' });
		client.send({ type: 'input', data: 'RCPT TO:<bob@example.com>\r\n' });
		// Had the injected MAIL FROM run, RCPT would be accepted.
		await client.reply(session.id, /^503 5\.5\.1 /);
		expect(lab.store.sessions.get(session.id)?.summary.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
		client.close();
	});

	it('works on the implicit-TLS listener', async () => {
		const client = await BridgeClient.connect(web.wsUrl);
		const { session } = await openSession(client, 'submissions');
		client.send({ type: 'input', data: 'EHLO learner.test\r\n' });
		await client.reply(session.id, /^250 /);
		expect(lab.store.sessions.get(session.id)?.summary.tls?.protocol).toMatch(/TLS/);
		client.close();
	});
});

describe('a session the sandbox refuses (421 at a limit)', () => {
	async function refusedOpen(client: BridgeClient) {
		const from = client.received.length;
		client.send({ type: 'open', listener: 'mx' });
		const opened = await client.next(isType('opened'), 5000, from);
		const reply = await client.reply(opened.session.id, /^421 /, 5000, from);
		const closed = await client.next(isType('closed'), 5000, from);
		return { opened, reply, closed };
	}

	it('at MAX_SESSIONS_PER_ADDRESS: the page gets the 421 line, annotated, and a closed saying what to do', async () => {
		await lab.close();
		lab = await startTestLab({ maxSessionsPerAddress: 1 });
		await web.close();
		web = await startWebServer(lab);
		const first = await BridgeClient.connect(web.wsUrl);
		const { session } = await openSession(first);
		const second = await BridgeClient.connect(web.wsUrl);
		const { opened, reply, closed } = await refusedOpen(second);
		expect(opened.session.endedAt).not.toBeNull();
		expect(reply.event.text).toBe('421 4.7.0 Too many sessions from your address, try again later');
		expect(reply.event.annotation.code).toBe(421);
		expect(reply.event.annotation.enhanced).toBe('4.7.0');
		expect(closed.sessionId).toBe(opened.session.id);
		expect(closed.reason).toContain('421 4.7.0 Too many sessions from your address');
		expect(closed.reason).toContain('other tabs');
		expect(closed.reason).toContain('MAX_SESSIONS_PER_ADDRESS');
		// The page may try again: once the first session ends, a new one opens.
		first.send({ type: 'input', data: 'QUIT\r\n' });
		await first.next(
			(m): m is Extract<ServerMessage, { type: 'closed' }> =>
				m.type === 'closed' && m.sessionId === session.id
		);
		const from = second.received.length;
		second.send({ type: 'open', listener: 'mx' });
		const again = await second.next(isType('opened'), 5000, from);
		await second.reply(again.session.id, /^220 /, 5000, from);
		expect(second.received.slice(from).some((m) => m.type === 'error')).toBe(false);
		first.close();
		second.close();
	});

	it('at MAX_SESSIONS: the closed reason names MAX_SESSIONS', async () => {
		await lab.close();
		lab = await startTestLab({ maxSessions: 0 });
		await web.close();
		web = await startWebServer(lab);
		const client = await BridgeClient.connect(web.wsUrl);
		const { reply, closed } = await refusedOpen(client);
		expect(reply.event.text).toBe('421 4.7.0 Too many sessions on the sandbox, try again later');
		expect(closed.reason).toContain('421 4.7.0 Too many sessions on the sandbox');
		expect(closed.reason).toMatch(/MAX_SESSIONS\b(?!_)/);
		expect(lab.bridge.sessions.size).toBe(0);
		client.close();
	});
});

describe('resume and watch', () => {
	it('resumes the same SMTP session after the WebSocket drops', async () => {
		const first = await BridgeClient.connect(web.wsUrl);
		const opened = await openSession(first);
		first.send({ type: 'input', data: 'EHLO learner.test\r\n' });
		await first.reply(opened.session.id, /^250 /);
		first.ws.terminate();
		await first.closed;
		const second = await BridgeClient.connect(web.wsUrl);
		second.send({ type: 'resume', sessionId: opened.session.id, resumeToken: opened.resumeToken });
		const again = await second.next(isType('opened'));
		expect(again.session.id).toBe(opened.session.id);
		second.send({ type: 'input', data: 'MAIL FROM:<alice@example.com>\r\n' });
		await second.reply(opened.session.id, /^250 2\.1\.0/);
		second.close();
	});

	it('refuses a resume with the wrong token', async () => {
		const first = await BridgeClient.connect(web.wsUrl);
		const opened = await openSession(first);
		const other = await BridgeClient.connect(web.wsUrl);
		other.send({ type: 'resume', sessionId: opened.session.id, resumeToken: 'x'.repeat(24) });
		const error = await other.next(isType('error'));
		expect(error.message).toMatch(/cannot resume/);
		first.close();
		other.close();
	});

	it('closes a dropped session after the grace period', async () => {
		await lab.close();
		lab = await startTestLab({ resumeGraceSeconds: 1 });
		await web.close();
		web = await startWebServer(lab);
		const client = await BridgeClient.connect(web.wsUrl);
		const opened = await openSession(client);
		client.ws.terminate();
		await until(() => lab.store.sessions.get(opened.session.id)?.summary.endedAt !== null, 4000);
	});

	it('watch with since sends only later events, then follows live', async () => {
		const owner = await BridgeClient.connect(web.wsUrl);
		const { session } = await openSession(owner);
		owner.send({ type: 'input', data: 'NOOP\r\n' });
		await owner.reply(session.id, /^250 /);
		const watcher = await BridgeClient.connect(web.wsUrl);
		watcher.send({ type: 'watch', sessionId: session.id, since: 2 });
		owner.send({ type: 'input', data: 'RSET\r\n' });
		await watcher.next(
			(m): m is Extract<ServerMessage, { type: 'event' }> =>
				m.type === 'event' && m.event.text === 'RSET'
		);
		const seqs = watcher.received
			.filter((m) => m.type === 'event')
			.map((m) => (m as { event: { seq: number } }).event.seq);
		expect(Math.min(...seqs)).toBe(3);
		expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
		owner.close();
		watcher.close();
	});

	it(`a watcher gets a pipelined burst whole and in order, past WATCHER_FLUSH_SLICE (${WATCHER_FLUSH_SLICE}) lines a frame`, async () => {
		const owner = await BridgeClient.connect(web.wsUrl);
		const { session } = await openSession(owner);
		const watcher = await BridgeClient.connect(web.wsUrl);
		watcher.send({ type: 'watch', sessionId: session.id, since: 0 });
		await watcher.next(isType('event'));
		const noops = WATCHER_FLUSH_SLICE * 2;
		owner.send({ type: 'input', data: 'NOOP\r\n'.repeat(noops) });
		const stored = () => lab.store.sessions.get(session.id)!.events;
		await until(() => stored().filter((e) => /^250 /.test(e.text)).length === noops);
		const last = stored()[stored().length - 1].seq;
		await watcher.next(
			(m): m is Extract<ServerMessage, { type: 'event' }> =>
				m.type === 'event' && m.event.seq === last
		);
		const seqs = watcher.received.flatMap((m) => (m.type === 'event' ? [m.event.seq] : []));
		expect(seqs).toEqual(stored().map((e) => e.seq));
		owner.close();
		watcher.close();
	});

	it('replies to a watcher come after the lines gathered for it before them', async () => {
		const owner = await BridgeClient.connect(web.wsUrl);
		const { session } = await openSession(owner);
		const watcher = await BridgeClient.connect(web.wsUrl);
		watcher.send({ type: 'watch', sessionId: session.id, since: 0 });
		await watcher.next(isType('event'));
		// As soon as the reply is recorded (and gathered for the watcher), the watcher asks for
		// something that is answered at once: the answer must not overtake the gathered line.
		lab.store.on('event', (id, event) => {
			if (id === session.id && event.text.startsWith('250 ')) watcher.send('{not json');
		});
		owner.send({ type: 'input', data: 'NOOP\r\n' });
		await watcher.next(isType('error'));
		const order = watcher.received.map((m) => (m.type === 'event' ? m.event.text : m.type));
		const reply = order.findIndex((text) => text.startsWith('250 '));
		expect(reply).toBeGreaterThan(-1);
		expect(reply).toBeLessThan(order.indexOf('error'));
		owner.close();
		watcher.close();
	});

	it('watch-all sends a snapshot, then sessions and messages as they change', async () => {
		const watcher = await BridgeClient.connect(web.wsUrl);
		watcher.send({ type: 'watch-all' });
		const snapshot = await watcher.next(isType('snapshot'));
		expect(snapshot.sessions).toEqual([]);
		const owner = await BridgeClient.connect(web.wsUrl);
		const { session } = await openSession(owner);
		for (const line of [
			'EHLO a.test',
			'MAIL FROM:<alice@example.com>',
			'RCPT TO:<bob@example.com>',
			'DATA'
		])
			owner.send({ type: 'input', data: line + '\r\n' });
		await owner.reply(session.id, /^354 /);
		owner.send({ type: 'input', data: 'Subject: watched\r\n\r\nhello\r\n.\r\n' });
		const message = await watcher.next(isType('message'));
		expect(message.message.subject).toBe('watched');
		expect(message.message.sessionId).toBe(session.id);
		// The mx listener checked it (issue 20), but its report stays out of the live list: the
		// message page and GET /api/messages carry it.
		expect(lab.store.messages.get(message.message.id)?.summary.authentication?.spf.result).toBe(
			'softfail'
		);
		expect(message.message).not.toHaveProperty('authentication');
		const sessionUpdate = await watcher.next(
			(m): m is Extract<ServerMessage, { type: 'session' }> =>
				m.type === 'session' && m.session.id === session.id
		);
		expect(sessionUpdate.session.listener).toBe('mx');
		owner.close();
		watcher.close();
	});
});

describe('bad WebSocket input (BAD-INPUTS W1–W7)', () => {
	it('W1: refuses a foreign or missing Origin and a percent-encoded path with 403/404 before the upgrade', async () => {
		await expect(
			BridgeClient.connect(web.wsUrl, { origin: 'http://evil.example' })
		).rejects.toThrow('HTTP 403');
		await expect(BridgeClient.connect(web.wsUrl, { origin: null })).rejects.toThrow('HTTP 403');
		await expect(
			BridgeClient.connect(web.wsUrl.replace('/ws', '/%77s'), { origin: web.url })
		).rejects.toThrow(/HTTP 40[34]/);
	});

	it("W1: without ORIGIN, a forged Host with a matching Origin (DNS rebinding) is refused with 403 before the upgrade; loopback names and this machine's own addresses are accepted", async () => {
		const port = Number(new URL(web.wsUrl).port);
		const own = Object.values(networkInterfaces())
			.flat()
			.find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
		const cases: [string, number][] = [
			[`evil.example:${port}`, 403],
			[`127.0.0.1.evil.example:${port}`, 403],
			[`localhost.evil.example:${port}`, 403],
			[`127.0.0.1:${port + 1}`, 403], // the right host at another port
			[`localhost:${port}`, 101],
			[`app.localhost:${port}`, 101],
			[`127.0.0.1:${port}`, 101],
			[`127.0.0.2:${port}`, 101],
			[`[::1]:${port}`, 101],
			...(own ? [[`${own}:${port}`, 101] as [string, number]] : [])
		];
		for (const [host, status] of cases)
			expect([host, await upgradeStatus(web.wsUrl, host, `http://${host}`)]).toEqual([
				host,
				status
			]);
	});

	it('W1: with ORIGIN set, only ORIGIN is accepted, whatever the Host', async () => {
		await lab.close();
		lab = await startTestLab({ origin: 'https://lab.example.org' });
		await web.close();
		web = await startWebServer(lab);
		const port = new URL(web.wsUrl).port;
		expect(await upgradeStatus(web.wsUrl, 'lab.example.org', 'https://lab.example.org')).toBe(101);
		expect(await upgradeStatus(web.wsUrl, `localhost:${port}`, `http://localhost:${port}`)).toBe(
			403
		);
		expect(await upgradeStatus(web.wsUrl, 'evil.example', 'https://evil.example')).toBe(403);
	});

	it('W2: closes with 1009 on a frame over the size limit', async () => {
		const client = await BridgeClient.connect(web.wsUrl);
		client.send(
			JSON.stringify({ type: 'input', data: 'x'.repeat(lab.config.wsMaxPayloadBytes + 1) })
		);
		const { code } = await client.closed;
		expect(code).toBe(1009);
	});

	it('W3: invalid JSON, unknown type, wrong field types, binary frames get an error and the socket stays usable', async () => {
		const client = await BridgeClient.connect(web.wsUrl);
		const cases: [string | Buffer, RegExp][] = [
			['{not json', /invalid JSON/],
			['{"type":"teleport"}', /unknown message type/],
			['{"type":"open","listener":"mainframe"}', /listener/],
			['{"type":"input","data":42}', /"data" must be a string/],
			['{"type":"watch","sessionId":"x","since":-1}', /since/],
			['[1,2]', /JSON object/],
			[Buffer.from([1, 2, 3]), /binary/]
		];
		for (const [payload, pattern] of cases) {
			const from = client.received.length;
			client.ws.send(payload);
			const error = await client.next(isType('error'), 5000, from);
			expect(error.message).toMatch(pattern);
		}
		const opened = await openSession(client);
		expect(opened.session.id).toBeTruthy();
		client.close();
	});

	it('W4: the protocol has no host or port: extra fields are ignored and only sandbox listeners are reached', async () => {
		const client = await BridgeClient.connect(web.wsUrl);
		client.send(JSON.stringify({ type: 'open', listener: 'mx', host: '192.0.2.1', port: 25 }));
		const opened = await client.next(isType('opened'));
		expect(opened.session.listener).toBe('mx');
		await client.reply(opened.session.id, /^220 sandbox/);
		client.close();
	});

	it('W5: a peer that stops answering pings is terminated', async () => {
		await lab.close();
		lab = await startTestLab({ wsHeartbeatSeconds: 1 });
		await web.close();
		web = await startWebServer(lab);
		const client = await BridgeClient.connect(web.wsUrl);
		// Stop answering pings: ws answers them automatically unless the socket is paused.
		(client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
		await until(() => lab.bridge.clients.size === 0, 4000);
	});

	it('W6: a slow consumer is dropped, other watchers keep receiving', async () => {
		await lab.close();
		// Up to 300 messages of 256 KB: more than the owner's storage quota, which is not under test.
		lab = await startTestLab({
			wsMaxBufferedBytes: 64 * 1024,
			wsMessagesPerSecond: 100_000,
			maxStoredBytesPerOwner: 256 * 1024 * 1024
		});
		await web.close();
		web = await startWebServer(lab);
		const owner = await BridgeClient.connect(web.wsUrl);
		const { session } = await openSession(owner);
		const slow = await BridgeClient.connect(web.wsUrl);
		const healthy = await BridgeClient.connect(web.wsUrl);
		for (const c of [slow, healthy]) c.send({ type: 'watch', sessionId: session.id, since: 0 });
		await healthy.next(isType('event'));
		(slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
		// Each message body becomes one 256 KB DATA event.
		owner.send({ type: 'input', data: 'EHLO a.test\r\n' });
		const body = ('x'.repeat(998) + '\r\n').repeat(16);
		// Loopback sockets can absorb tens of MB in kernel buffers before ws buffers anything.
		for (let i = 0; i < 300; i++) {
			let from = owner.received.length;
			owner.send({
				type: 'input',
				data: 'MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n'
			});
			await owner.reply(session.id, /^354 /, 5000, from);
			from = owner.received.length;
			for (let k = 0; k < 16; k++) owner.send({ type: 'input', data: body });
			owner.send({ type: 'input', data: '.\r\n' });
			await owner.reply(session.id, /^250 2\.6\.0/, 5000, from);
			if (lab.bridge.clients.size === 2) break;
		}
		expect(lab.bridge.clients.size).toBe(2);
		owner.send({ type: 'input', data: 'NOOP\r\n' });
		await healthy.next(
			(m): m is Extract<ServerMessage, { type: 'event' }> =>
				m.type === 'event' && m.event.dir === 'client' && m.event.text === 'NOOP'
		);
		owner.close();
		healthy.close();
	});

	it('W7: an input flood is rate limited and over-long input is refused, with errors', async () => {
		await lab.close();
		await web.close();
		const clock = new ManualClock();
		lab = await startTestLab({ resumeGraceSeconds: 5 }, { clock });
		web = await startWebServer(lab);
		const rate = lab.config.wsMessagesPerSecond;
		const client = await BridgeClient.connect(web.wsUrl);
		await openSession(client);
		// The clock stands still: the open and rate - 1 inputs pass, every input after them is refused.
		for (let i = 0; i < rate * 3; i++) client.send({ type: 'input', data: 'NOOP\r\n' });
		const limited = () =>
			client.received.filter((m) => m.type === 'error' && /rate limit/.test(m.message));
		await until(() => limited().length === rate * 3 - (rate - 1));
		expect((limited()[0] as Extract<ServerMessage, { type: 'error' }>).message).toContain(
			String(rate)
		);
		// A second later the allowance is back.
		clock.advance(1000);
		const from = client.received.length;
		client.send({ type: 'input', data: 'x'.repeat(20_000) });
		const tooLong = await client.next(isType('error'), 5000, from);
		expect(tooLong.message).toMatch(/too long/);
		client.close();
	});
});
