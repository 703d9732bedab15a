/**
 * MAX_SESSIONS_PER_OWNER (issue 13): one browser (its owner cookie) holds at most that many live
 * SMTP sessions through the bridge; past it the bridge refuses without connecting and tells the
 * page why, as it tells the sandbox's refusals. Other owners behind the same address are not
 * affected. Real WebSockets, real cookies issued by the lab's own signer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { ServerMessage } from '../../src/lib/messages';
import { OWNER_COOKIE } from '../../src/lib/server/cookieNames';
import { startTestLab } from './harness';
import { startWebServer } from './webServer';
import { BridgeClient, isType } from './wsClient';

let lab: Lab;
let web: Awaited<ReturnType<typeof startWebServer>>;
const clients: BridgeClient[] = [];

beforeEach(async () => {
	// The defaults: MAX_SESSIONS_PER_OWNER 10, MAX_SESSIONS_PER_ADDRESS 100.
	lab = await startTestLab();
	web = await startWebServer(lab);
});
afterEach(async () => {
	for (const client of clients.splice(0)) client.close();
	await lab.close();
	await web.close();
});

/** A page of the browser whose owner cookie is `cookie` (all from 127.0.0.1). */
async function page(cookie: string): Promise<BridgeClient> {
	const client = await BridgeClient.connect(web.wsUrl, {
		headers: { cookie: `${OWNER_COOKIE}=${cookie}` }
	});
	clients.push(client);
	return client;
}

/** Opens a session on the page and waits for the sandbox's greeting. */
async function openGreeted(client: BridgeClient): Promise<string> {
	const from = client.received.length;
	client.send({ type: 'open', listener: 'mx' });
	const opened = await client.next(isType('opened'), 5000, from);
	await client.reply(opened.session.id, /^220 /, 5000, from);
	return opened.session.id;
}

describe('MAX_SESSIONS_PER_OWNER', () => {
	it('refuses the 11th concurrent session of one owner, naming the limit, while another owner at the same address opens one', async () => {
		expect(lab.config.maxSessionsPerOwner).toBe(10);
		const owner = lab.owners.signer.issueOwner().cookie;
		const held: { client: BridgeClient; sessionId: string }[] = [];
		for (let i = 0; i < 10; i++) {
			const client = await page(owner);
			held.push({ client, sessionId: await openGreeted(client) });
		}

		const eleventh = await page(owner);
		eleventh.send({ type: 'open', listener: 'mx' });
		const opened = await eleventh.next(isType('opened'));
		const closed = await eleventh.next(isType('closed'));
		const line = await eleventh.next(isType('event'));
		expect(opened.session.endedAt).not.toBeNull();
		expect(closed.sessionId).toBe(opened.session.id);
		expect(closed.reason).toContain('MAX_SESSIONS_PER_OWNER (10 open SMTP sessions at once)');
		expect(closed.reason).toContain('other tabs');
		expect(opened.session.endReason).toBe(closed.reason);
		// No connection was made: the page's one line is the lab's own, not a reply from the sandbox.
		expect(line.sessionId).toBe(opened.session.id);
		expect(line.event.dir).toBe('system');
		expect(line.event.text).toBe(
			'Not connected: this browser holds 10 open SMTP sessions, the most MAX_SESSIONS_PER_OWNER allows (10)'
		);
		expect(line.event.annotation.title).toMatch(/Not connected/);
		expect(lab.store.sessions.has(opened.session.id)).toBe(false);

		// Another browser behind the same address (a classmate) is not limited by the first one.
		const classmate = await page(lab.owners.signer.issueOwner().cookie);
		await openGreeted(classmate);
		expect(lab.sandbox.sessions.size).toBe(11);

		// The limit counts open sessions: once one ends, the owner may open another.
		const first = held[0];
		first.client.send({ type: 'input', data: 'QUIT\r\n' });
		await first.client.next(
			(m): m is Extract<ServerMessage, { type: 'closed' }> =>
				m.type === 'closed' && m.sessionId === first.sessionId
		);
		await openGreeted(eleventh);
	});

	it('counts a session whose page went away while it waits RESUME_GRACE_SECONDS for the page', async () => {
		await lab.close();
		await web.close();
		lab = await startTestLab({ maxSessionsPerOwner: 1 });
		web = await startWebServer(lab);
		const owner = lab.owners.signer.issueOwner().cookie;
		const gone = await page(owner);
		await openGreeted(gone);
		gone.close();
		await gone.closed;
		const next = await page(owner);
		next.send({ type: 'open', listener: 'mx' });
		const closed = await next.next(isType('closed'));
		expect(closed.reason).toContain('MAX_SESSIONS_PER_OWNER (1 open SMTP session at once)');
		expect(closed.reason).toContain('RESUME_GRACE_SECONDS');
	});
});
