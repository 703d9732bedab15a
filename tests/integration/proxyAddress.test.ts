/**
 * The client address behind a proxy (TRUST_PROXY) and the WebSocket limit per address
 * (MAX_WS_PER_ADDRESS), over real sockets against the bridge. The same rule behind a real nginx
 * and for the HTTP API is tested in tests/e2e/reverseProxy.spec.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LabConfig } from '../../server/config';
import type { Lab } from '../../server/lab';
import { startTestLab } from './harness';
import { startWebServer } from './webServer';
import { BridgeClient, isType, rawUpgrade } from './wsClient';

let lab: Lab | undefined;
let web: Awaited<ReturnType<typeof startWebServer>> | undefined;
const clients: BridgeClient[] = [];

afterEach(async () => {
	clients.splice(0).forEach((client) => client.ws.terminate());
	await web?.close();
	await lab?.close();
	lab = undefined;
	web = undefined;
});

async function start(overrides: Partial<LabConfig>) {
	lab = await startTestLab(overrides);
	web = await startWebServer(lab);
	return web;
}

async function connect(options: Parameters<typeof BridgeClient.connect>[1] = {}) {
	const client = await BridgeClient.connect(web!.wsUrl, options);
	clients.push(client);
	return client;
}

/** The client address the sandbox recorded for a browser session opened through `client`. */
async function recordedAddress(client: BridgeClient): Promise<string> {
	client.send({ type: 'open', listener: 'mx' });
	const opened = await client.next(isType('opened'));
	await client.reply(opened.session.id, /^220 /);
	return lab!.store.sessions.get(opened.session.id)!.summary.clientAddress;
}

describe('TRUST_PROXY: the browser session is recorded under the forwarded address', () => {
	it('TRUST_PROXY=1: the rightmost address of X-Forwarded-For', async () => {
		await start({ trustProxy: 1 });
		const client = await connect({ headers: { 'x-forwarded-for': '10.1.1.1, 203.0.113.5' } });
		expect(await recordedAddress(client)).toBe('203.0.113.5');
	});

	it('without TRUST_PROXY a forged header is ignored: the socket address', async () => {
		await start({});
		const client = await connect({ headers: { 'x-forwarded-for': '203.0.113.5' } });
		expect(await recordedAddress(client)).toBe('127.0.0.1');
	});

	it('TRUST_PROXY=2 with one address only: the socket address', async () => {
		await start({ trustProxy: 2 });
		const client = await connect({ headers: { 'x-forwarded-for': '203.0.113.5' } });
		expect(await recordedAddress(client)).toBe('127.0.0.1');
	});

	it('MAX_SESSIONS_PER_ADDRESS counts the forwarded address', async () => {
		await start({ trustProxy: 1, maxSessionsPerAddress: 1 });
		const first = await connect({ headers: { 'x-forwarded-for': '203.0.113.5' } });
		expect(await recordedAddress(first)).toBe('203.0.113.5');
		const other = await connect({ headers: { 'x-forwarded-for': '203.0.113.6' } });
		expect(await recordedAddress(other)).toBe('203.0.113.6');
		const same = await connect({ headers: { 'x-forwarded-for': '203.0.113.5' } });
		same.send({ type: 'open', listener: 'mx' });
		const closed = await same.next(isType('closed'));
		expect(closed.reason).toMatch(/421/);
	});
});

describe('MAX_WS_PER_ADDRESS', () => {
	const LIMIT = 3;

	it('exactly the limit connects; one more gets 429 with a JSON reason before the upgrade', async () => {
		const { wsUrl } = await start({ maxWsPerAddress: LIMIT });
		for (let i = 0; i < LIMIT; i++) await connect();
		const refused = await rawUpgrade(wsUrl);
		expect(refused.status).toBe(429);
		expect(refused.type).toBe('application/json');
		expect(JSON.parse(refused.body)).toEqual({
			error: `too many WebSocket connections from 127.0.0.1: at most ${LIMIT} at once (MAX_WS_PER_ADDRESS); close other tabs and try again`
		});
		// Another address is not affected.
		await connect({ localAddress: '127.0.0.2' });
	});

	it('a closed connection frees its place', async () => {
		const { wsUrl } = await start({ maxWsPerAddress: LIMIT });
		for (let i = 0; i < LIMIT; i++) await connect();
		expect((await rawUpgrade(wsUrl)).status).toBe(429);
		const leaving = clients.shift()!;
		leaving.ws.close();
		await leaving.closed;
		// The server learns of the close a moment after the client.
		let status = 0;
		for (let tries = 0; tries < 100 && status !== 101; tries++) {
			if (tries) await new Promise((resolve) => setTimeout(resolve, 20));
			status = (await rawUpgrade(wsUrl)).status;
		}
		expect(status).toBe(101);
	});

	it('counts the forwarded address under TRUST_PROXY', async () => {
		const { wsUrl } = await start({ maxWsPerAddress: 1, trustProxy: 1 });
		await connect({ headers: { 'x-forwarded-for': '203.0.113.5' } });
		expect((await rawUpgrade(wsUrl, { 'x-forwarded-for': '203.0.113.5' })).status).toBe(429);
		expect((await rawUpgrade(wsUrl, { 'x-forwarded-for': '203.0.113.6' })).status).toBe(101);
	});
});
