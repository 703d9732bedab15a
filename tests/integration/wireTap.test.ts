/**
 * The wire tap (issue 17, "What an eavesdropper sees"): a browser session opened by the bridge
 * over real sockets, then GET /api/sessions/<id>/wire as a passive observer would count it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { LabConfig } from '../../server/config';
import { GET as sessionWire } from '../../src/routes/api/sessions/[id]/wire/+server';
import type { WireRecord, WireView } from '../../src/lib/wire/wireRecords';
import { startTestLab, until } from './harness';
import { callRoute } from './routeCall';
import { ehlo, open, plain, startTls } from './smtpSession';
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
		expect(body.tapped).toBe(true);
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
		expect(body.tapped).toBe(true);
		expect(body.records.filter((r) => r.kind === 'plaintext')).toEqual([]);
		expect(body.records[0]).toMatchObject({ dir: 'client', kind: 'tls', tlsType: 'handshake' });
	});

	it('keeps MAX_WIRE_RECORDS_PER_SESSION records, counts the rest, and the session goes on', async () => {
		const { lab, client } = await start({ maxWireRecordsPerSession: 5 });
		const id = await submissionOverStartTls(lab, client);
		const { body } = await wire(id);
		expect(body.tapped).toBe(true);
		expect(body.records).toHaveLength(5);
		expect(body.dropped).toBeGreaterThan(0);
		// The oldest are kept: the greeting's plaintext comes first.
		expect(body.records[0]).toMatchObject({ dir: 'server', kind: 'plaintext' });
	});

	it('says tapped: false for a session the bridge did not open (a mail program)', async () => {
		const { lab } = await start();
		const { c, id } = await open(lab, 'submission');
		await ehlo(c);
		await startTls(c);
		await ehlo(c);
		c.socket.destroy();
		const { status, body } = await wire(id);
		expect(status).toBe(200);
		expect(body).toEqual({ tapped: false, records: [], dropped: 0 });
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
