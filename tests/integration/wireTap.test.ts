/**
 * The wire tap (issue 17, "What an eavesdropper sees"): sessions over real sockets (opened by
 * the bridge, by a mail program, by the outgoing queue), then GET /api/sessions/<id>/wire as a
 * passive observer would count it. The tap sits where the sandbox owns the socket.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { LabConfig } from '../../server/config';
import { GET as sessionWire } from '../../src/routes/api/sessions/[id]/wire/+server';
import type { WireRecord, WireView } from '../../src/lib/wire/wireRecords';
import { ports, startTestLab, until } from './harness';
import { callRoute } from './routeCall';
import {
	ehlo,
	open,
	plain,
	ready,
	startQuickLab,
	startTls,
	transaction,
	message
} from './smtpSession';
import { startWebServer } from './webServer';
import { BridgeClient, isType } from './wsClient';

let lab: Lab | undefined;
let web: Awaited<ReturnType<typeof startWebServer>> | undefined;
let client: BridgeClient | undefined;

afterEach(async () => {
	client?.close();
	await web?.close();
	await lab?.close();
	client = web = lab = undefined;
});

async function start(overrides: Partial<LabConfig> = {}) {
	lab = await startTestLab(overrides);
	web = await startWebServer(lab);
	client = await BridgeClient.connect(web.wsUrl);
	return { lab, client };
}

async function wire(id: string, viewer?: Parameters<typeof callRoute>[2]) {
	const response = await callRoute(sessionWire, { id }, viewer);
	return { status: response.status, body: (await response.json()) as WireView };
}

const EHLO = 'EHLO learner.test\r\n';
const STARTTLS = 'STARTTLS\r\n';
const AUTH = `AUTH PLAIN ${plain('alice', 'wonderland')}\r\n`;

/** Sends a line and waits for the final reply line matching `reply`. */
async function say(browser: BridgeClient, sessionId: string, line: string, reply: RegExp) {
	const from = browser.received.length;
	browser.send({ type: 'input', data: line });
	await browser.reply(sessionId, reply, 5000, from);
}

/** EHLO, STARTTLS, EHLO, AUTH, QUIT on submission through the bridge; the wire once closed. */
async function submissionOverStartTls(lab: Lab, browser: BridgeClient) {
	browser.send({ type: 'open', listener: 'submission' });
	const { session } = await browser.next(isType('opened'));
	const connection = lab.bridge.sessions.get(session.id)!;
	await browser.reply(session.id, /^220 /);
	await say(browser, session.id, EHLO, /^250 /);
	await say(browser, session.id, STARTTLS, /^220 /);
	await say(browser, session.id, EHLO, /^250 /);
	await say(browser, session.id, AUTH, /^235 /);
	await say(browser, session.id, 'QUIT\r\n', /^221 /);
	// The bridge's socket closed: every byte the sandbox sent has passed the tap.
	await until(() => connection.closed);
	return session.id;
}

const tlsTypes = (records: WireRecord[], dir: WireRecord['dir']) =>
	records.filter((r) => r.dir === dir && r.kind === 'tls').map((r) => r.tlsType);

describe('the wire tap', () => {
	it('shows plaintext up to STARTTLS, then handshake records both ways, then only encrypted records', async () => {
		const { lab, client } = await start();
		const id = await submissionOverStartTls(lab, client);
		const { status, body } = await wire(id);
		expect(status).toBe(200);
		expect(body.untapped).toBeNull();
		expect(body.dropped).toBe(0);
		const { records } = body;
		// Plaintext first, then TLS only: nothing in the clear once the handshake started.
		const firstTls = records.findIndex((r) => r.kind === 'tls');
		expect(firstTls).toBeGreaterThan(0);
		expect(records.slice(0, firstTls).every((r) => r.kind === 'plaintext')).toBe(true);
		expect(records.slice(firstTls).every((r) => r.kind === 'tls')).toBe(true);
		// The client's plaintext is exactly its first EHLO and STARTTLS: the AUTH line (and the
		// second EHLO, and QUIT) never crossed the wire readable.
		const clientPlain = records.filter((r) => r.dir === 'client' && r.kind === 'plaintext');
		expect(clientPlain.reduce((sum, r) => sum + r.bytes, 0)).toBe(
			Buffer.byteLength(EHLO + STARTTLS)
		);
		expect(records.some((r) => r.dir === 'server' && r.kind === 'plaintext')).toBe(true);
		for (const dir of ['client', 'server'] as const) {
			const types = tlsTypes(records, dir);
			// ClientHello / ServerHello in the clear, then protected records (RFC 8446 §5.1, §5.2).
			expect(types[0]).toBe('handshake');
			const firstProtected = types.indexOf('application_data');
			expect(firstProtected).toBeGreaterThan(0);
			expect(types.slice(firstProtected)).not.toContain('handshake');
			expect(types.at(-1)).toBe('application_data');
		}
		// The encrypted EHLO, AUTH and QUIT (and the client's Finished) are four records at least.
		expect(
			tlsTypes(records, 'client').filter((t) => t === 'application_data').length
		).toBeGreaterThanOrEqual(4);
		// The tap keeps sizes, types and times, no content.
		for (const record of records)
			expect(Object.keys(record).sort()).toEqual(
				record.kind === 'tls'
					? ['at', 'bytes', 'dir', 'kind', 'tlsType']
					: ['at', 'bytes', 'dir', 'kind']
			);
		const times = records.map((r) => r.at);
		expect(times).toEqual([...times].sort((a, b) => a - b));
	});

	it('on implicit TLS (submissions), the handshake is the first thing on the wire', async () => {
		const { lab, client } = await start();
		client.send({ type: 'open', listener: 'submissions' });
		const { session } = await client.next(isType('opened'));
		const connection = lab.bridge.sessions.get(session.id)!;
		await client.reply(session.id, /^220 /);
		await say(client, session.id, 'QUIT\r\n', /^221 /);
		await until(() => connection.closed);
		const { body } = await wire(session.id);
		expect(body.untapped).toBeNull();
		expect(body.records.filter((r) => r.kind === 'plaintext')).toEqual([]);
		expect(body.records[0]).toMatchObject({ dir: 'client', kind: 'tls', tlsType: 'handshake' });
	});

	it('keeps MAX_WIRE_RECORDS_PER_SESSION records, counts the rest, and the session goes on', async () => {
		const { lab, client } = await start({ maxWireRecordsPerSession: 5 });
		const id = await submissionOverStartTls(lab, client);
		const { body } = await wire(id);
		expect(body.untapped).toBeNull();
		expect(body.records).toHaveLength(5);
		expect(body.dropped).toBeGreaterThan(0);
		// The oldest are kept: the greeting's plaintext comes first.
		expect(body.records[0]).toMatchObject({ dir: 'server', kind: 'plaintext' });
	});

	it('taps a mail program’s STARTTLS session (Python smtplib): plaintext, then only TLS records', async () => {
		lab = await startTestLab();
		const before = new Set(lab.store.sessions.keys());
		const script = [
			'import smtplib, ssl, sys',
			'c = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))',
			'c.ehlo("python.example.test")',
			'c.starttls(context=ssl._create_unverified_context())',
			'c.ehlo("python.example.test")',
			'c.quit()'
		].join('\n');
		await new Promise<void>((resolve, reject) =>
			execFile('python3', ['-c', script, String(ports(lab!).submission)], (error) =>
				error ? reject(error) : resolve()
			)
		);
		const id = [...lab.store.sessions.keys()].find((key) => !before.has(key))!;
		await until(() => lab!.store.sessions.get(id)!.summary.endedAt !== null);
		const { status, body } = await wire(id);
		expect(status).toBe(200);
		expect(body.untapped).toBeNull();
		const { records } = body;
		// The greeting is the first thing on the wire: the server's, in plaintext.
		expect(records[0]).toMatchObject({ dir: 'server', kind: 'plaintext' });
		const firstTls = records.findIndex((r) => r.kind === 'tls');
		expect(firstTls).toBeGreaterThan(0);
		expect(records.slice(firstTls).every((r) => r.kind === 'tls')).toBe(true);
		const clientPlain = records.filter((r) => r.dir === 'client' && r.kind === 'plaintext');
		expect(clientPlain.reduce((sum, r) => sum + r.bytes, 0)).toBe(
			Buffer.byteLength('ehlo python.example.test\r\nSTARTTLS\r\n')
		);
		for (const dir of ['client', 'server'] as const) {
			const types = tlsTypes(records, dir);
			expect(types[0]).toBe('handshake');
			expect(types).toContain('application_data');
		}
		// The ClientHello is the first TLS record: the client speaks first after the 220.
		expect(records[firstTls]).toMatchObject({ dir: 'client', tlsType: 'handshake' });
	});

	it('taps a mail program’s implicit-TLS session: its first record is the client’s handshake', async () => {
		lab = await startTestLab();
		const { c, id } = await open(lab, 'submissions');
		await c.command('QUIT');
		await c.closed;
		await until(() => lab!.store.sessions.get(id)!.summary.endedAt !== null);
		const { body } = await wire(id);
		expect(body.untapped).toBeNull();
		expect(body.records.filter((r) => r.kind === 'plaintext')).toEqual([]);
		expect(body.records[0]).toMatchObject({ dir: 'client', kind: 'tls', tlsType: 'handshake' });
		expect(tlsTypes(body.records, 'server')).toContain('application_data');
	});

	it('taps a hop of the outgoing queue at the mail host that answers it', async () => {
		lab = await startQuickLab({ mailHostsPort: 0, dnsPort: 0 });
		const { c } = await ready(lab, 'submission');
		const t = await transaction(
			c,
			'alice@example.com',
			['carol@north.test'],
			message('tapped hop')
		);
		expect(t.end).toMatch(/^250 /);
		await c.command('QUIT');
		const hop = () =>
			[...lab!.store.sessions.values()].find(
				(s) => s.summary.origin === 'queue' && s.summary.endedAt !== null
			);
		await until(() => hop() !== undefined);
		const { body } = await wire(hop()!.summary.id);
		expect(body.untapped).toBeNull();
		expect(body.records[0]).toMatchObject({ dir: 'server', kind: 'plaintext' });
		expect(body.records.some((r) => r.dir === 'client' && r.kind === 'plaintext')).toBe(true);
		// The queue's client takes the host's STARTTLS (RFC 3207): the message crossed encrypted.
		expect(tlsTypes(body.records, 'client')[0]).toBe('handshake');
		expect(tlsTypes(body.records, 'client')).toContain('application_data');
	});

	it('keeps WIRE_TAPS_KEPT sessions’ taps: the next one forgets the oldest, whose view says so', async () => {
		lab = await startTestLab({ wireTapsKept: 2 });
		const ids: string[] = [];
		const session = async () => {
			const { c, id } = await open(lab!, 'mx');
			await c.command('QUIT');
			ids.push(id);
		};
		await session();
		await session();
		expect((await wire(ids[0])).body.untapped).toBeNull();
		expect((await wire(ids[1])).body.untapped).toBeNull();
		await session();
		expect((await wire(ids[0])).body).toEqual({ untapped: 'forgotten', records: [], dropped: 0 });
		for (const id of ids.slice(1)) {
			const { body } = await wire(id);
			expect(body.untapped).toBeNull();
			expect(body.records[0]).toMatchObject({ dir: 'server', kind: 'plaintext' });
		}
	});

	it('MAX_WIRE_RECORDS_PER_SESSION=0 turns the tap off: STARTTLS still works, the view says off', async () => {
		lab = await startTestLab({ maxWireRecordsPerSession: 0 });
		const { c, id } = await open(lab, 'submission');
		await ehlo(c);
		await startTls(c);
		expect((await ehlo(c))[0]).toMatch(/^250/);
		c.socket.destroy();
		expect((await wire(id)).body).toEqual({ untapped: 'off', records: [], dropped: 0 });
		// Implicit TLS too, terminated on the socket itself.
		const implicit = await open(lab, 'submissions');
		expect(await implicit.c.command('QUIT')).toMatch(/^221 /);
		expect((await wire(implicit.id)).body.untapped).toBe('off');
	});

	it('says a session recorded before a restart lost its tap records with it', async () => {
		const dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-wire-'));
		try {
			lab = await startTestLab({ dataDir });
			const { c, id } = await open(lab, 'mx');
			await c.command('QUIT');
			await until(() => lab!.store.sessions.get(id)!.summary.endedAt !== null);
			expect((await wire(id)).body.untapped).toBeNull();
			await lab.close();
			lab = await startTestLab({ dataDir });
			expect((await wire(id)).body).toEqual({ untapped: 'restart', records: [], dropped: 0 });
		} finally {
			await lab?.close();
			lab = undefined;
			rmSync(dataDir, { recursive: true, force: true });
		}
	});

	it('has the session’s visibility: a stranger gets the 404 of a missing session', async () => {
		const { lab, client } = await start({ visibility: 'private' });
		const id = await submissionOverStartTls(lab, client);
		const stranger = { ownerId: 'a-stranger', operator: false };
		const hidden = await wire(id, stranger);
		const missing = await wire('no-such-session', stranger);
		expect(hidden).toEqual({ status: 404, body: { error: 'no such session' } });
		expect(missing).toEqual(hidden);
		expect((await wire(id)).status).toBe(200);
		expect((await wire('bad id!')).status).toBe(400);
	});
});
