/**
 * The operator and who may delete (issue 13), over real HTTP and WebSocket against the production
 * server in VISIBILITY=private with a known OPERATOR_TOKEN: a DELETE without an Origin header is
 * a script and deletes nothing unless it carries the operator token; a page's DELETE needs its
 * owner cookie and deletes only that owner's; /operator signs in (the #token= link included) and
 * clears everything; wrong tokens are limited per address. Then the token the server makes when
 * OPERATOR_TOKEN is unset: printed once, kept 0600 in DATA_DIR, reused after a restart.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startProductionServer, type ProductionServer } from '../productionServer';
import { expect, test } from './fixtures';
import { sendAs, sendUnclaimed, visitor, type Visitor } from './visitors';

const TOKEN = 'operator-token-of-the-operator-test';
const AS_OPERATOR = { authorization: `Bearer ${TOKEN}` };
/** OPERATOR_TOKEN_FAILURES_PER_MINUTE for this server: small, to reach its edge. */
const FAILURES_PER_MINUTE = 3;

let server: ProductionServer;
let site: string;

test.beforeAll(async () => {
	server = await startProductionServer({
		VISIBILITY: 'private',
		OPERATOR_TOKEN: TOKEN,
		OPERATOR_TOKEN_FAILURES_PER_MINUTE: String(FAILURES_PER_MINUTE),
		// The per-address tests name their address in X-Forwarded-For, so that wrong tokens in one
		// test never hold up another (requests without the header count under 127.0.0.1).
		TRUST_PROXY: '1'
	});
	site = server.url;
});
test.afterAll(() => server.stop());

/** A fresh address per test for the per-address limit (TRUST_PROXY=1 reads the last entry). */
let addressCounter = 0;
const fromAddress = () => ({ 'x-forwarded-for': `198.51.100.${++addressCounter}` });

async function listAs(headers: Record<string, string>) {
	const get = async (what: 'sessions' | 'messages') => {
		const response = await fetch(`${site}/api/${what}`, { headers });
		expect(response.status).toBe(200);
		return (await response.json()) as Record<string, { id: string; subject?: string }[]>;
	};
	return { sessions: (await get('sessions')).sessions, messages: (await get('messages')).messages };
}

const subjects = (list: { subject?: string }[]) => list.map((m) => m.subject ?? '');

function del(what: 'sessions' | 'messages' | 'operator', headers: Record<string, string>) {
	return fetch(`${site}/api/${what}`, { method: 'DELETE', headers });
}

test('a DELETE without Origin and without the operator token (curl) is refused and deletes nothing', async () => {
	const ann = await visitor(site);
	const tag = `curl-${Date.now()}`;
	await sendAs(site, ann, tag);
	for (const headers of [{}, { cookie: ann.cookie }] as Record<string, string>[]) {
		for (const what of ['messages', 'sessions'] as const) {
			const response = await del(what, headers);
			expect(response.status, `${what} ${JSON.stringify(headers)}`).toBe(403);
			expect(await response.json()).toEqual({
				error: expect.stringContaining('Authorization: Bearer <operator token>')
			});
		}
	}
	expect(subjects((await listAs({ cookie: ann.cookie })).messages)).toContain(tag);
	expect(subjects((await listAs(AS_OPERATOR)).messages)).toContain(tag);
});

test("a page's DELETE needs its owner cookie, and deletes only that owner's: another's mail survives", async () => {
	const ann = await visitor(site);
	const ben = await visitor(site);
	const stamp = Date.now();
	const annSession = await sendAs(site, ann, `ann-${stamp}`);
	const benSession = await sendAs(site, ben, `ben-${stamp}`);
	const page = { origin: site };

	// From the site's page, but with no owner cookie, or a forged one: refused.
	const forged = {
		...page,
		cookie: 'smtp_lab_owner=AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA'
	};
	for (const headers of [page, forged]) {
		const response = await del('messages', headers);
		expect(response.status).toBe(403);
	}
	expect(subjects((await listAs(AS_OPERATOR)).messages)).toEqual(
		expect.arrayContaining([`ann-${stamp}`, `ben-${stamp}`])
	);

	// Ann's page: her own go, Ben's stay.
	const asAnn = { ...page, cookie: ann.cookie };
	const messages = await del('messages', asAnn);
	expect(messages.status).toBe(200);
	expect(await messages.json()).toEqual({ ok: true, removed: 1 });
	// Only ended sessions are deleted: Ann's has, once the sandbox recorded her QUIT.
	const annEnded = async () =>
		(await listAs({ cookie: ann.cookie })).sessions.find((s) => s.id === annSession) as
			{ endedAt: number | null } | undefined;
	await expect.poll(async () => (await annEnded())?.endedAt ?? null).not.toBeNull();
	const sessions = await del('sessions', asAnn);
	expect(await sessions.json()).toEqual({ ok: true, removed: 1 });
	const all = await listAs(AS_OPERATOR);
	expect(subjects(all.messages)).toContain(`ben-${stamp}`);
	expect(subjects(all.messages)).not.toContain(`ann-${stamp}`);
	expect(all.sessions.map((s) => s.id)).toContain(benSession);
	expect(all.sessions.map((s) => s.id)).not.toContain(annSession);
	expect(subjects((await listAs({ cookie: ben.cookie })).messages)).toEqual([`ben-${stamp}`]);
});

test("the operator's bearer token clears everything, anyone's and nobody's; a wrong one is 401 and clears nothing", async () => {
	const health = (await (await fetch(`${site}/api/health`)).json()) as {
		listeners: { name: string; port: number }[];
	};
	const mx = health.listeners.find((l) => l.name === 'mx')!.port;
	const stamp = Date.now();
	await sendAs(site, await visitor(site), `owned-${stamp}`);
	await sendUnclaimed(mx, `unclaimed-${stamp}`);
	await expect
		.poll(async () => subjects((await listAs(AS_OPERATOR)).messages))
		.toEqual(expect.arrayContaining([`owned-${stamp}`, `unclaimed-${stamp}`]));

	const wrong = await del('messages', {
		authorization: 'Bearer not-the-operator-token',
		...fromAddress()
	});
	expect(wrong.status).toBe(401);
	expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer /);
	expect(await wrong.json()).toEqual({ error: expect.stringMatching(/wrong operator token/) });
	expect((await listAs(AS_OPERATOR)).messages.length).toBeGreaterThanOrEqual(2);

	// curl -X DELETE -H 'Authorization: Bearer …': no Origin, no cookie. The scheme in any case.
	const messages = await del('messages', { authorization: `bearer ${TOKEN}` });
	expect(messages.status).toBe(200);
	expect((await messages.json()).removed).toBeGreaterThanOrEqual(2);
	const sessions = await del('sessions', AS_OPERATOR);
	expect(sessions.status).toBe(200);
	const left = await listAs(AS_OPERATOR);
	expect(left.messages).toEqual([]);
	expect(left.sessions.filter((s) => (s as { endedAt?: number | null }).endedAt !== null)).toEqual(
		[]
	);
});

test('POST /api/operator: a wrong token is 401; the right one signs in, and the cookie sees everything in private mode', async () => {
	const ann = await visitor(site);
	const tag = `signin-${Date.now()}`;
	await sendAs(site, ann, tag);
	const signIn = (token: unknown, headers: Record<string, string> = {}) =>
		fetch(`${site}/api/operator`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: JSON.stringify({ token })
		});

	const address = fromAddress();
	const wrong = await signIn('operator-token-of-someone-else', address);
	expect(wrong.status).toBe(401);
	expect(await wrong.json()).toEqual({ error: 'wrong operator token' });
	expect(wrong.headers.getSetCookie().join()).not.toContain('smtp_lab_operator');
	const malformed = await signIn(42, address);
	expect(malformed.status).toBe(400);
	expect(await malformed.json()).toEqual({ error: expect.stringContaining('"token"') });

	const right = await signIn(TOKEN, address);
	expect(right.status).toBe(200);
	const setCookie = right.headers.getSetCookie().find((c) => c.startsWith('smtp_lab_operator='));
	expect(setCookie).toBeDefined();
	expect(setCookie).toMatch(/; HttpOnly/i);
	expect(setCookie).toMatch(/; SameSite=Lax/i);
	// A cookie for the browser session only, holding a MAC of the token, never the token.
	expect(setCookie).not.toMatch(/Max-Age|Expires/i);
	expect(setCookie).not.toContain(TOKEN);
	const operatorCookie = setCookie!.split(';')[0];

	// A stranger sees nothing of Ann's; the same stranger with the operator cookie sees it all.
	expect(subjects((await listAs({})).messages)).not.toContain(tag);
	expect(subjects((await listAs({ cookie: operatorCookie })).messages)).toContain(tag);
	const standing = await (
		await fetch(`${site}/api/operator`, { headers: { cookie: operatorCookie } })
	).json();
	expect(standing).toMatchObject({ operator: true, visibility: 'private' });
	expect(standing.overview.messages).toBeGreaterThanOrEqual(1);
	expect(await (await fetch(`${site}/api/operator`)).json()).toEqual({
		operator: false,
		visibility: 'private'
	});
});

test(`wrong tokens past OPERATOR_TOKEN_FAILURES_PER_MINUTE (${FAILURES_PER_MINUTE}) get 429 from that address, the right one too; other addresses are not held up`, async () => {
	const address = fromAddress();
	const signIn = (token: string, headers: Record<string, string>) =>
		fetch(`${site}/api/operator`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: JSON.stringify({ token })
		});
	// Sign-in and Bearer failures count together.
	for (let i = 1; i < FAILURES_PER_MINUTE; i++)
		expect((await signIn(`guess-number-${i}-of-many`, address)).status).toBe(401);
	const bearer = await fetch(`${site}/api/messages`, {
		headers: { authorization: 'Bearer guess-by-bearer', ...address }
	});
	expect(bearer.status).toBe(401);

	const held = await signIn(TOKEN, address);
	expect(held.status).toBe(429);
	expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(0);
	expect(await held.json()).toEqual({
		error: expect.stringContaining('OPERATOR_TOKEN_FAILURES_PER_MINUTE')
	});
	const heldBearer = await fetch(`${site}/api/messages`, {
		headers: { ...AS_OPERATOR, ...address }
	});
	expect(heldBearer.status).toBe(429);

	expect((await signIn(TOKEN, fromAddress())).status).toBe(200);
});

test.describe('in the browser', () => {
	/** The owner cookie of the page's browser context, after it opened a page of the site. */
	async function ownerOf(context: import('@playwright/test').BrowserContext): Promise<Visitor> {
		const cookie = (await context.cookies(site)).find((c) => c.name === 'smtp_lab_owner');
		expect(cookie).toBeDefined();
		return { cookie: `smtp_lab_owner=${cookie!.value}` };
	}

	test('a visitor deletes their own mail and sessions from /mailbox and /live; the rows leave at once', async ({
		page,
		context
	}) => {
		await page.goto(`${site}/mailbox`);
		await expect(page.getByRole('status')).toHaveText(/Watching live/);
		const me = await ownerOf(context);
		const stamp = Date.now();
		await sendAs(site, me, `mine-${stamp}`);
		const other = `theirs-${stamp}`;
		await sendAs(site, await visitor(site), other);
		const mine = page.getByRole('link', { name: `mine-${stamp}` });
		await expect(mine).toBeVisible();

		await expect(page.getByRole('button', { name: 'Clear everything…' })).toHaveCount(0);
		await page.getByRole('button', { name: 'Delete my messages…' }).click();
		const dialog = page.getByRole('dialog', { name: 'Delete your messages?' });
		await expect(dialog).toContainText('Nobody else’s mail is touched');
		await dialog.getByRole('button', { name: 'Delete my messages' }).click();
		await expect(dialog).toBeHidden();
		await expect(page.getByText('Deleted 1 message of yours.')).toBeVisible();
		await expect(mine).toHaveCount(0);
		expect(subjects((await listAs(AS_OPERATOR)).messages)).toContain(other);

		await page.goto(`${site}/live`);
		await expect(page.getByRole('status')).toHaveText(/Watching live/);
		await expect(page.locator('tbody tr')).toHaveCount(1);
		await page.getByRole('button', { name: 'Delete my ended sessions…' }).click();
		await page
			.getByRole('dialog', { name: 'Delete your ended sessions?' })
			.getByRole('button', { name: 'Delete my ended sessions' })
			.click();
		await expect(page.getByText('Deleted 1 ended session of yours.')).toBeVisible();
		await expect(page.getByText('No sessions yet.')).toBeVisible();
	});

	test('/operator#token= signs in, drops the token from the address bar, and clears everything', async ({
		page
	}) => {
		const stamp = Date.now();
		await sendAs(site, await visitor(site), `for-the-operator-${stamp}`);
		await page.goto(`${site}/operator#token=${encodeURIComponent(TOKEN)}`);
		const counts = page.getByRole('table', { name: 'The whole lab, now' });
		await expect(counts).toBeVisible();
		expect(new URL(page.url()).hash).toBe('');
		const messages = counts.getByRole('row', { name: /^Messages/ }).getByRole('cell');
		await expect(messages).not.toHaveText('0');
		await expect(page.getByText('Credentials stay masked for you too')).toBeVisible();

		await page.getByRole('button', { name: 'Clear every message…' }).click();
		const dialog = page.getByRole('dialog', { name: 'Clear every message?' });
		await expect(dialog).toContainText('for everyone');
		await dialog.getByRole('button', { name: 'Delete all messages' }).click();
		await expect(page.getByText(/^Deleted \d+ messages?\.$/)).toBeVisible();
		await expect(messages).toHaveText('0');
		expect((await listAs(AS_OPERATOR)).messages).toEqual([]);

		// Signed in, /mailbox offers the operator's button; signed out, the visitor's again.
		await page.goto(`${site}/mailbox`);
		await expect(page.getByRole('button', { name: 'Clear everything…' })).toBeVisible();
		await page.goto(`${site}/operator`);
		await page.getByRole('button', { name: 'Sign out' }).click();
		await expect(page.getByLabel('Operator token')).toBeVisible();
		await page.goto(`${site}/mailbox`);
		await expect(page.getByRole('button', { name: 'Delete my messages…' })).toBeVisible();
	});

	test('the sign-in form says when the token is wrong', async ({ page }) => {
		await page.goto(`${site}/operator`);
		await page.getByLabel('Operator token').fill('certainly-not-the-token');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('alert')).toHaveText('That is not the operator token.');
		await page.getByLabel('Operator token').fill(TOKEN);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('table', { name: 'The whole lab, now' })).toBeVisible();
	});
});

test.describe('the token the server makes (OPERATOR_TOKEN unset)', () => {
	const notice = /^SMTP Lab: operator token \((.*?)\): (\S+) — sign in at (\S+)$/m;

	test('is printed once with its sign-in link, kept 0600 in DATA_DIR, and reused after a restart', async () => {
		const dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-operator-'));
		try {
			const first = await startProductionServer({ OPERATOR_TOKEN: undefined, DATA_DIR: dataDir });
			let printed: RegExpExecArray | null;
			try {
				printed = notice.exec(first.stdout());
				expect(printed, first.stdout()).not.toBeNull();
			} finally {
				await first.stop();
			}
			const [, kept, token, link] = printed!;
			const file = path.join(dataDir, 'operator-token');
			expect(kept).toBe(`made now, kept in ${file}; printed once`);
			expect(readFileSync(file, 'utf8').trim()).toBe(token);
			expect(statSync(file).mode & 0o777).toBe(0o600);
			expect(link).toBe(`${first.url}/operator#token=${token}`);

			const second = await startProductionServer({ OPERATOR_TOKEN: undefined, DATA_DIR: dataDir });
			try {
				expect(second.stdout()).not.toMatch(/operator token/);
				const signIn = await fetch(`${second.url}/api/operator`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ token })
				});
				expect(signIn.status).toBe(200);
			} finally {
				await second.stop();
			}
		} finally {
			rmSync(dataDir, { recursive: true, force: true });
		}
	});

	test('with DATA_DIR=memory it is made for this run only; with OPERATOR_TOKEN nothing is printed', async () => {
		const memoryOnly = await startProductionServer({
			OPERATOR_TOKEN: undefined,
			DATA_DIR: 'memory'
		});
		try {
			expect(notice.exec(memoryOnly.stdout())?.[1]).toMatch(/^made for this run only/);
		} finally {
			await memoryOnly.stop();
		}
		// This file's own server was started with OPERATOR_TOKEN.
		expect(server.stdout()).not.toMatch(/operator token/);
	});
});
