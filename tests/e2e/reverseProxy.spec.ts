/**
 * The production server behind a real nginx (Debian's), configured by the committed
 * deploy/nginx/smtp-lab.conf with only its ports changed (tests/nginx.ts), the server's ORIGIN set
 * to the proxy's URL. A school NAT: a whole class from one address gets lab sessions (with
 * MAX_SESSIONS_PER_ADDRESS raised); distinct addresses forwarded through the proxy are limited
 * each on its own with TRUST_PROXY; without it a client's X-Forwarded-For is ignored. Every
 * server runs VISIBILITY=private, as deploy/smtp-lab.service does: the tests read the lists as the
 * operator (bearer token); two visitors never see each other's sessions or mail, one's DELETE
 * never touches the other's, and a share link opens read-only for a stranger.
 */
import WebSocket from 'ws';
import { freePort, startNginx, type Nginx } from '../nginx';
import { startProductionServer, type ProductionServer } from '../productionServer';
import { expect, test } from './fixtures';
import { sendAs, visitor } from './visitors';

interface BehindNginx {
	server: ProductionServer;
	proxy: Nginx;
	stop(): Promise<void>;
}

const OPERATOR_TOKEN = 'operator-token-of-the-proxy-test';
const AS_OPERATOR = { authorization: `Bearer ${OPERATOR_TOKEN}` };

/** A production server with `env`, behind nginx, in private mode; ORIGIN is the proxy's URL. */
async function behindNginx(env: Record<string, string>): Promise<BehindNginx> {
	const port = await freePort();
	const server = await startProductionServer({
		ORIGIN: `http://127.0.0.1:${port}`,
		VISIBILITY: 'private',
		OPERATOR_TOKEN,
		...env
	});
	let proxy: Nginx;
	try {
		proxy = await startNginx(port, Number(new URL(server.url).port));
	} catch (error) {
		await server.stop();
		throw error;
	}
	return {
		server,
		proxy,
		stop: async () => {
			await proxy.stop();
			await server.stop();
		}
	};
}

/** A lab session opened through the proxy's /ws, as a browser page would. */
interface LabSession {
	ws: WebSocket;
	/** The sandbox's first line: its 220 greeting, or the 421 refusing the session. */
	greeting: string;
}

const openSockets: WebSocket[] = [];
test.afterEach(() => openSockets.splice(0).forEach((ws) => ws.terminate()));

function connectWs(proxy: Nginx, headers: Record<string, string> = {}): Promise<WebSocket> {
	const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/ws`, {
		headers: { origin: proxy.url, ...headers }
	});
	openSockets.push(ws);
	return new Promise((resolve, reject) => {
		ws.once('open', () => resolve(ws));
		ws.once('unexpected-response', (_req, res) => {
			let body = '';
			res.on('data', (chunk: Buffer) => (body += chunk.toString()));
			res.on('end', () => reject(new Error(`HTTP ${res.statusCode} ${body}`)));
		});
		ws.once('error', reject);
	});
}

async function openLabSession(
	proxy: Nginx,
	headers: Record<string, string> = {}
): Promise<LabSession> {
	const ws = await connectWs(proxy, headers);
	const greeting = new Promise<string>((resolve) =>
		ws.on('message', (data) => {
			const message = JSON.parse(data.toString()) as {
				type: string;
				event?: { dir: string; text: string };
			};
			if (message.type === 'event' && message.event?.dir === 'server') resolve(message.event.text);
		})
	);
	ws.send(JSON.stringify({ type: 'open', listener: 'mx' }));
	return { ws, greeting: await greeting };
}

async function browserSessionAddresses(proxy: Nginx): Promise<string[]> {
	const response = await fetch(`${proxy.url}/api/sessions`, { headers: AS_OPERATOR });
	const { sessions } = (await response.json()) as {
		sessions: { origin: string; clientAddress: string }[];
	};
	return sessions.filter((s) => s.origin === 'browser').map((s) => s.clientAddress);
}

async function annotate(proxy: Nginx, forwardedFor: string): Promise<number> {
	const response = await fetch(`${proxy.url}/api/annotate`, {
		method: 'POST',
		headers: { 'content-type': 'text/plain', 'x-forwarded-for': forwardedFor },
		body: 'C: NOOP\nS: 250 OK\n'
	});
	await response.arrayBuffer();
	return response.status;
}

test.describe('a school NAT: 30 students from one address, TRUST_PROXY=1', () => {
	const STUDENTS = 30;
	let lab: BehindNginx;
	test.beforeAll(async () => {
		lab = await behindNginx({ TRUST_PROXY: '1', MAX_SESSIONS_PER_ADDRESS: '100' });
	});
	test.afterAll(() => lab?.stop());

	test('30 WebSocket clients through nginx all get lab sessions, recorded under the one address', async () => {
		const sessions = await Promise.all(
			Array.from({ length: STUDENTS }, () => openLabSession(lab.proxy))
		);
		for (const { greeting } of sessions) expect(greeting).toMatch(/^220 /);
		const addresses = await browserSessionAddresses(lab.proxy);
		expect(addresses.filter((address) => address === '127.0.0.1').length).toBeGreaterThanOrEqual(
			STUDENTS
		);
	});

	test('a few Chromium pages through nginx each get a lab session', async ({ browser }) => {
		const contexts = await Promise.all([1, 2, 3].map(() => browser.newContext()));
		try {
			await Promise.all(
				contexts.map(async (context) => {
					const page = await context.newPage();
					await page.goto(`${lab.proxy.url}/lab`);
					await expect(page.locator('.xterm-helper-textarea')).toBeAttached();
					await page.getByRole('button', { name: 'Connect', exact: true }).click();
					await expect(page.locator('section.timeline li.row.server .text').first()).toHaveText(
						/^220 /
					);
				})
			);
		} finally {
			await Promise.all(contexts.map((context) => context.close()));
		}
	});
});

test.describe('distinct addresses forwarded through nginx, TRUST_PROXY=2', () => {
	let lab: BehindNginx;
	test.beforeAll(async () => {
		lab = await behindNginx({
			TRUST_PROXY: '2',
			MAX_SESSIONS_PER_ADDRESS: '2',
			ANNOTATE_REQUESTS_PER_MINUTE: '2',
			MAX_WS_PER_ADDRESS: '3'
		});
	});
	test.afterAll(() => lab?.stop());

	test('lab sessions are limited per forwarded address and recorded under it', async () => {
		const a = { 'x-forwarded-for': '203.0.113.1' };
		expect((await openLabSession(lab.proxy, a)).greeting).toMatch(/^220 /);
		expect((await openLabSession(lab.proxy, a)).greeting).toMatch(/^220 /);
		expect((await openLabSession(lab.proxy, a)).greeting).toMatch(
			/^421 4\.7\.0 Too many sessions from your address/
		);
		const b = { 'x-forwarded-for': '203.0.113.2' };
		expect((await openLabSession(lab.proxy, b)).greeting).toMatch(/^220 /);
		const addresses = await browserSessionAddresses(lab.proxy);
		expect(addresses.filter((address) => address === '203.0.113.1')).toHaveLength(2);
		expect(addresses).toContain('203.0.113.2');
	});

	test('the API limits each forwarded address on its own (SvelteKit reads the same rule)', async () => {
		expect(await annotate(lab.proxy, '203.0.113.11')).toBe(200);
		expect(await annotate(lab.proxy, '203.0.113.11')).toBe(200);
		expect(await annotate(lab.proxy, '203.0.113.11')).toBe(429);
		expect(await annotate(lab.proxy, '203.0.113.12')).toBe(200);
	});

	test('MAX_WS_PER_ADDRESS: one more WebSocket from an address gets 429 and the reason through nginx', async () => {
		const a = { 'x-forwarded-for': '203.0.113.21' };
		for (let i = 0; i < 3; i++) await connectWs(lab.proxy, a);
		await expect(connectWs(lab.proxy, a)).rejects.toThrow(
			'HTTP 429 {"error":"too many WebSocket connections from 203.0.113.21: at most 3 at once (MAX_WS_PER_ADDRESS); close other tabs and try again"}'
		);
		await connectWs(lab.proxy, { 'x-forwarded-for': '203.0.113.22' });
	});

	test('a request with fewer forwarded addresses than TRUST_PROXY: the socket address, said once', async () => {
		// nginx adds the one address it saw; the second trusted proxy is missing.
		expect((await openLabSession(lab.proxy)).greeting).toMatch(/^220 /);
		expect(await annotate(lab.proxy, '')).toBe(200);
		expect(await browserSessionAddresses(lab.proxy)).toContain('127.0.0.1');
		const said = lab.server.stderr().split('TRUST_PROXY=2, but a request').length - 1;
		expect(said).toBe(1);
		expect(lab.server.stderr()).toContain('using 127.0.0.1 instead');
	});
});

test.describe('without TRUST_PROXY, behind nginx', () => {
	let lab: BehindNginx;
	test.beforeAll(async () => {
		lab = await behindNginx({ MAX_SESSIONS_PER_ADDRESS: '2', ANNOTATE_REQUESTS_PER_MINUTE: '2' });
	});
	test.afterAll(() => lab?.stop());

	test("a client's X-Forwarded-For is ignored for lab sessions", async () => {
		const from = (address: string) => openLabSession(lab.proxy, { 'x-forwarded-for': address });
		expect((await from('203.0.113.1')).greeting).toMatch(/^220 /);
		expect((await from('203.0.113.2')).greeting).toMatch(/^220 /);
		expect((await from('203.0.113.3')).greeting).toMatch(/^421 4\.7\.0 /);
		expect(await browserSessionAddresses(lab.proxy)).toEqual(['127.0.0.1', '127.0.0.1']);
	});

	test("a client's X-Forwarded-For is ignored for the API's limits", async () => {
		expect(await annotate(lab.proxy, '203.0.113.11')).toBe(200);
		expect(await annotate(lab.proxy, '203.0.113.12')).toBe(200);
		expect(await annotate(lab.proxy, '203.0.113.13')).toBe(429);
	});
});

async function listAs(proxy: Nginx, headers: Record<string, string>) {
	const get = async (what: 'sessions' | 'messages') =>
		(await (await fetch(`${proxy.url}/api/${what}`, { headers })).json()) as Record<
			string,
			{ id: string; subject?: string }[]
		>;
	return { sessions: (await get('sessions')).sessions, messages: (await get('messages')).messages };
}

test.describe('two visitors through nginx, VISIBILITY=private', () => {
	let lab: BehindNginx;
	test.beforeAll(async () => {
		lab = await behindNginx({ TRUST_PROXY: '1' });
	});
	test.afterAll(() => lab?.stop());

	test('each sees only their own sessions and mail; the operator sees both', async () => {
		const ann = await visitor(lab.proxy.url);
		const ben = await visitor(lab.proxy.url);
		expect(ann.cookie).not.toBe(ben.cookie);
		const annSession = await sendAs(lab.proxy.url, ann, 'from Ann');
		const benSession = await sendAs(lab.proxy.url, ben, 'from Ben');

		const annSees = await listAs(lab.proxy, { cookie: ann.cookie });
		expect(annSees.sessions.map((s) => s.id)).toEqual([annSession]);
		expect(annSees.messages.map((m) => m.subject)).toEqual(['from Ann']);
		const benSees = await listAs(lab.proxy, { cookie: ben.cookie });
		expect(benSees.sessions.map((s) => s.id)).toEqual([benSession]);
		expect(benSees.messages.map((m) => m.subject)).toEqual(['from Ben']);
		// Another's permalink answers as if it did not exist.
		const peek = await fetch(`${lab.proxy.url}/api/sessions/${benSession}`, {
			headers: { cookie: ann.cookie }
		});
		expect(peek.status).toBe(404);
		// A stranger with no cookie sees nothing; the operator sees both.
		expect((await listAs(lab.proxy, {})).messages).toEqual([]);
		const operatorSees = await listAs(lab.proxy, AS_OPERATOR);
		expect(operatorSees.messages.map((m) => m.subject).sort()).toEqual(['from Ann', 'from Ben']);

		// The watch of another's session is refused like an unknown one.
		const ws = await connectWs(lab.proxy, { cookie: ann.cookie });
		const reply = new Promise<{ type: string; message?: string }>((resolve) =>
			ws.once('message', (data) => resolve(JSON.parse(data.toString())))
		);
		ws.send(JSON.stringify({ type: 'watch', sessionId: benSession }));
		expect(await reply).toEqual({ type: 'error', message: `unknown session ${benSession}` });
	});

	test("a visitor's DELETE cannot touch another's data; a share link opens read-only for a stranger", async () => {
		const ann = await visitor(lab.proxy.url);
		const ben = await visitor(lab.proxy.url);
		const cy = await visitor(lab.proxy.url);
		await sendAs(lab.proxy.url, ann, 'kept by Ann');
		const benSession = await sendAs(lab.proxy.url, ben, 'kept by Ben');
		const fromPage = (who: { cookie: string }) => ({ cookie: who.cookie, origin: lab.proxy.url });

		// Ann deletes "her messages" and "her sessions": Ben's stay, as the operator sees.
		for (const what of ['messages', 'sessions'])
			expect(
				(
					await fetch(`${lab.proxy.url}/api/${what}`, {
						method: 'DELETE',
						headers: fromPage(ann)
					})
				).status
			).toBe(200);
		const left = await listAs(lab.proxy, AS_OPERATOR);
		expect(left.messages.map((m) => m.subject)).toContain('kept by Ben');
		expect(left.messages.map((m) => m.subject)).not.toContain('kept by Ann');
		expect(left.sessions.map((s) => s.id)).toContain(benSession);

		// Ben shares his session; Cy, a stranger, opens the link through the proxy.
		const shared = await fetch(`${lab.proxy.url}/api/sessions/${benSession}/share`, {
			method: 'POST',
			headers: fromPage(ben)
		});
		expect(shared.status).toBe(201);
		const { url } = (await shared.json()) as { url: string };
		expect(
			(
				await fetch(`${lab.proxy.url}/api/sessions/${benSession}`, {
					headers: { cookie: cy.cookie }
				})
			).status
		).toBe(404);
		const opened = await fetch(`${lab.proxy.url}${url}`, {
			headers: { cookie: cy.cookie },
			redirect: 'manual'
		});
		expect(opened.status).toBe(303);
		expect(opened.headers.get('location')).toBe(`/sessions/${benSession}`);
		const read = await fetch(`${lab.proxy.url}/api/sessions/${benSession}`, {
			headers: { cookie: cy.cookie }
		});
		expect(read.status).toBe(200);
		expect(((await read.json()) as { mine: boolean }).mine).toBe(false);
		expect((await listAs(lab.proxy, { cookie: cy.cookie })).messages.map((m) => m.subject)).toEqual(
			['kept by Ben']
		);
		// Read-only: Cy's delete lets go of nothing of Ben's.
		await fetch(`${lab.proxy.url}/api/sessions`, { method: 'DELETE', headers: fromPage(cy) });
		await fetch(`${lab.proxy.url}/api/messages`, { method: 'DELETE', headers: fromPage(cy) });
		expect(
			(await listAs(lab.proxy, { cookie: ben.cookie })).messages.map((m) => m.subject)
		).toEqual(['kept by Ben']);
		expect((await listAs(lab.proxy, { cookie: cy.cookie })).sessions.map((s) => s.id)).toEqual([
			benSession
		]);
	});
});
