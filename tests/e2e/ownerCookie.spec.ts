import { startProductionServer, type ProductionServer } from '../productionServer';
import { BridgeClient, mailThroughLab } from '../integration/wsClient';
import { expect, test } from './fixtures';

/**
 * The owner cookie over real HTTP, as the production server's SvelteKit hooks set it (issue 13
 * "Who owns what", "Bad input"): a browser without one gets it HttpOnly, SameSite=Lax, for the
 * whole site, Secure only where ORIGIN is https; a tampered or oversized one starts a new owner,
 * with a 200 and a new cookie, never an error page and never the owner's mail. Requests go out
 * with Node's fetch, which keeps no cookies of its own: each test says exactly what it sends.
 */

const OWNER = 'smtp_lab_owner';

let server: ProductionServer;

test.beforeAll(async () => {
	server = await startProductionServer({ VISIBILITY: 'private' });
});

test.afterAll(() => server.stop());

function get(path: string, cookie?: string): Promise<Response> {
	return fetch(server.url + path, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
}

/** The owner cookie a response sets, as its Set-Cookie line, or undefined. */
function ownerSetCookie(response: Response): string | undefined {
	return response.headers.getSetCookie().find((line) => line.startsWith(`${OWNER}=`));
}

/** `name=value` of a Set-Cookie line: what the browser sends back. */
function sentBack(setCookie: string): string {
	return setCookie.split(';')[0];
}

/** A visitor's cookie, as the site gives it, and one message sent from the lab page with it. */
async function visitorWithMail(
	subject: string
): Promise<{ cookie: string; messageId: string; sessionId: string }> {
	const cookie = sentBack(ownerSetCookie(await get('/'))!);
	const page = await BridgeClient.connect(server.url.replace(/^http/, 'ws') + '/ws', {
		headers: { cookie }
	});
	const sent = await mailThroughLab(page, subject);
	page.close();
	return { cookie, ...sent };
}

async function messageSubjects(cookie: string): Promise<string[]> {
	const response = await get('/api/messages', cookie);
	expect(response.status).toBe(200);
	return ((await response.json()) as { messages: { subject: string }[] }).messages.map(
		(m) => m.subject
	);
}

test('a first request gets the owner cookie: HttpOnly, SameSite=Lax, Path=/, not Secure over http', async () => {
	for (const path of ['/', '/api/messages']) {
		const response = await get(path);
		expect(response.status, path).toBe(200);
		const line = ownerSetCookie(response);
		expect(line, path).toMatch(new RegExp(`^${OWNER}=[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{22};`));
		const attributes = line!
			.split(';')
			.slice(1)
			.map((a) => a.trim().toLowerCase());
		expect(attributes).toContain('httponly');
		expect(attributes).toContain('samesite=lax');
		expect(attributes).toContain('path=/');
		expect(attributes).not.toContain('secure');
		// Sent back, it is kept: no new cookie.
		expect(ownerSetCookie(await get(path, sentBack(line!))), path).toBeUndefined();
	}
	// Each browser without a cookie is a new owner.
	const first = ownerSetCookie(await get('/'));
	const second = ownerSetCookie(await get('/'));
	expect(first).not.toBe(second);
});

test("a tampered owner cookie is a new owner: 200, a new cookie, none of the owner's mail", async () => {
	const { cookie, messageId } = await visitorWithMail('tampered-cookie test');
	// The control: the owner's own cookie sees the mail.
	expect(await messageSubjects(cookie)).toContain('tampered-cookie test');
	expect((await get(`/mailbox/${messageId}`, cookie)).status).toBe(200);

	const flip = (c: string) => (c === 'A' ? 'B' : 'A');
	const value = cookie.slice(OWNER.length + 1);
	const dot = value.indexOf('.');
	for (const tampered of [
		value.replace(/.$/, flip),
		value.slice(0, dot - 1) + flip(value[dot - 1]) + value.slice(dot),
		value.slice(0, dot)
	]) {
		const sent = `${OWNER}=${tampered}`;
		const response = await get('/api/messages', sent);
		expect(response.status).toBe(200);
		expect(((await response.json()) as { messages: unknown[] }).messages).toEqual([]);
		const renewed = ownerSetCookie(response);
		expect(renewed).toBeDefined();
		expect(sentBack(renewed!)).not.toBe(cookie);
		expect(sentBack(renewed!)).not.toBe(sent);
		// Pages answer too, never with an error page; the owner's message is not there.
		const mailbox = await get('/mailbox', sent);
		expect(mailbox.status).toBe(200);
		expect(await mailbox.text()).not.toContain('tampered-cookie test');
		const permalink = await get(`/mailbox/${messageId}`, sent);
		expect(permalink.status).toBe(404);
		expect(await permalink.text()).not.toContain('tampered-cookie test');
		expect((await get(`/api/messages/${messageId}/raw`, sent)).status).toBe(404);
	}
});

test('an oversized owner cookie (8 KB) is a new owner, not an error', async () => {
	const { cookie } = await visitorWithMail('oversized-cookie test');
	for (const sent of [
		`${OWNER}=${'A'.repeat(8 * 1024)}`,
		`${cookie}${'A'.repeat(8 * 1024)}`,
		`${OWNER}=${'%ff'.repeat(2700)}`
	]) {
		for (const path of ['/', '/mailbox', '/api/messages']) {
			const response = await get(path, sent);
			expect(response.status, path).toBe(200);
			expect(ownerSetCookie(response), path).toBeDefined();
		}
		expect(await messageSubjects(sent)).toEqual([]);
	}
	// The server still serves its owner.
	expect(await messageSubjects(cookie)).toContain('oversized-cookie test');
});

test('with ORIGIN on https the owner cookie is Secure', async () => {
	const https = await startProductionServer({ ORIGIN: 'https://lab.example.test' });
	try {
		const response = await fetch(https.url + '/', { redirect: 'manual' });
		expect(response.status).toBe(200);
		const line = response.headers.getSetCookie().find((l) => l.startsWith(`${OWNER}=`));
		expect(line?.split(';').map((a) => a.trim().toLowerCase())).toContain('secure');
	} finally {
		await https.stop();
	}
});

test('a message whose session is no longer kept says so on its page, with no link to a 404', async () => {
	const { cookie, messageId, sessionId } = await visitorWithMail('session-gone test');
	const link = `sessions/${sessionId}`;
	expect(await (await get(`/mailbox/${messageId}`, cookie)).text()).toContain(link);
	// The visitor deletes their ended sessions from a page of the site, and keeps their mail.
	const deleted = await fetch(server.url + '/api/sessions', {
		method: 'DELETE',
		headers: { cookie, origin: server.url }
	});
	expect(deleted.status).toBe(200);
	const page = await get(`/mailbox/${messageId}`, cookie);
	expect(page.status).toBe(200);
	const html = await page.text();
	expect(html).toContain('session-gone test');
	expect(html).not.toContain(link);
	expect(html).toContain('in a session that is no longer kept or not yours to open');
});
