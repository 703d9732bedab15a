/**
 * Following the teacher (issue 15 phase 2) in Chromium, one browser context per person (each its
 * own owner cookie): the teacher types in the lab and a student's follow view shows the line in
 * its terminal and transcript; the teacher presses Next in an example and a follower's step moves;
 * a student presses "Try it from here" after the teacher's AUTH and MAIL and gets a session of
 * their own at that point — AUTH with the student's class login, MAIL FROM the student's address,
 * no DATA and no message. On the shared server, and behind nginx (deploy/nginx/smtp-lab.conf) with
 * VISIBILITY=private, where a class's data is the class's alone.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import WebSocket from 'ws';
import { freePort, startNginx } from '../nginx';
import { startProductionServer } from '../productionServer';
import { expect, test } from './fixtures';
import { send } from './labTerminal';
import { joinByLink, startClass } from './classes';

/** A new person: a browser context with no cookie, and its page. */
async function person(browser: Browser, baseURL: string | undefined): Promise<Page> {
	const context = await browser.newContext({ baseURL });
	contexts.push(context);
	return context.newPage();
}

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
	for (const context of contexts.splice(0)) await context.close();
});

const followTerminal = (page: Page) => page.getByTestId('follow-terminal');
const clientRows = (page: Page) => page.locator('section.timeline li.row.client .text');
const banner = (page: Page) => page.getByTestId('follow-banner');

/** What the lab's page knows of its session (LabSession, exposed for tests as __smtpLab). */
function labSession(page: Page) {
	return page.evaluate(() => {
		const lab = (
			window as unknown as {
				__smtpLab: {
					lab: {
						session: { id: string } | null;
						events: { dir: string; text: string }[];
					};
				};
			}
		).__smtpLab.lab;
		return {
			id: lab.session?.id ?? null,
			client: lab.events.filter((e) => e.dir === 'client').map((e) => e.text)
		};
	});
}

/**
 * The teacher types in the lab and then steps through an example; Ana and Ben follow; Ana tries
 * it from here after the teacher's AUTH and MAIL.
 */
async function followAndTry(browser: Browser, baseURL: string | undefined) {
	const teacher = await person(browser, baseURL);
	const code = await startClass(teacher, 'SMTP, following');
	const ana = await person(browser, baseURL);
	const ben = await person(browser, baseURL);
	const anaAddress = await joinByLink(ana, code, 'ana');
	await joinByLink(ben, code, 'ben');

	await ana.goto(`/class/${code}/follow`);
	await ben.goto(`/class/${code}/follow`);
	await expect(banner(ana)).toHaveText(/The teacher has no session open yet/);

	// The teacher types in the lab, on submission: every follower sees each line.
	await teacher.goto('/lab?listener=submission');
	await expect(teacher.locator('section.timeline li.row.server .text').first()).toHaveText(/^220 /);
	await expect(banner(ana)).toHaveText("The teacher's session");
	await teacher.locator('.xterm-helper-textarea').focus();
	await send(teacher, 'EHLO teacher.example.test', /^250 /);
	await expect(followTerminal(ana)).toContainText('EHLO teacher.example.test');
	await expect(clientRows(ben).first()).toHaveText('EHLO teacher.example.test');
	await send(teacher, 'STARTTLS', /^220 /);
	await send(teacher, 'EHLO teacher.example.test', /^250 /);
	// alice / wonderland, the sandbox's shared account (RFC 4616 §2: \0alice\0wonderland).
	await send(teacher, 'AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=', /^235 /);
	await send(teacher, 'MAIL FROM:<alice@example.com>', /^250 /);
	await expect(followTerminal(ana)).toContainText('MAIL FROM:<alice@example.com>');
	await expect(clientRows(ana).last()).toHaveText('MAIL FROM:<alice@example.com>');
	// The state diagram follows too: after MAIL, the transaction waits for recipients.
	await expect(ana.locator('g.state.current')).toHaveAttribute('data-state', 'mail');
	const teacherSession = (await labSession(teacher)).id;

	// Ana leaves follow mode to try it herself from the teacher's point.
	await ana.getByRole('link', { name: 'Try it from here' }).click();
	await ana.waitForURL(/\/lab\?from=/);
	await expect(ana.getByTestId('catch-up')).toHaveText(
		/Your session is at the teacher's point:\s*EHLO\s✓\s*STARTTLS\s✓\s*EHLO again\s✓\s*AUTH\s✓\s*MAIL\s✓/
	);
	const own = await labSession(ana);
	expect(own.id).not.toBe(teacherSession);
	// The sandbox recorded her login as the session's AUTH user (GET /api/sessions/<id>).
	const recorded = await (await ana.request.get(`/api/sessions/${own.id}`)).json();
	expect(recorded.session.authUser).toBe(anaAddress);
	expect(own.client).toContain(`MAIL FROM:<${anaAddress}>`);
	expect(own.client.join('\n')).not.toMatch(/alice|DATA/i);
	// She types on in her own session.
	await send(ana, `RCPT TO:<${anaAddress}>`, /^250 /);

	// The teacher opens an example: Next moves Ben's step.
	await teacher.goto('/examples/first-message');
	await expect(teacher.locator('.player')).toHaveAttribute('data-status', 'ready');
	await expect(ben.getByTestId('followed-step')).toHaveText('Introduction');
	await teacher.getByRole('button', { name: 'Next' }).click();
	await expect(ben.getByTestId('followed-step')).toHaveText(/^Step 1 of \d+: Connect to mx$/);
	await teacher.getByRole('button', { name: 'Next' }).click();
	await expect(ben.getByTestId('followed-step')).toHaveText(
		/^Step 2 of \d+: EHLO: say who we are$/
	);
	// The example's session is the one followed now.
	await expect(clientRows(ben).first()).toHaveText(/^EHLO /);
}

test('students follow the teacher in the lab and in an example, and one tries it from here with their own login', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(120_000);
	await followAndTry(browser, baseURL);
});

test("a follower sees the session the teacher spotlights, named by its student, and the teacher's again after", async ({
	browser,
	baseURL
}) => {
	const teacher = await person(browser, baseURL);
	const code = await startClass(teacher, 'SMTP, spotlight');
	const ana = await person(browser, baseURL);
	const ben = await person(browser, baseURL);
	await joinByLink(ana, code, 'ana');
	await joinByLink(ben, code, 'ben');
	await ana.goto(`/class/${code}/follow`);
	await expect(banner(ana)).toHaveText(/The teacher has no session open yet/);

	await ben.goto('/lab?listener=mx');
	await expect(ben.locator('section.timeline li.row.server .text').first()).toHaveText(/^220 /);
	await ben.locator('.xterm-helper-textarea').focus();
	await send(ben, 'EHLO ben.example.test', /^250 /);
	const benSession = (await labSession(ben)).id;

	// The console's spotlight button is the teacher page's; its message, from the teacher's browser.
	const cookies = await teacher.context().cookies();
	const spotlight = new WebSocket(`${baseURL!.replace('http', 'ws')}/ws`, {
		headers: { origin: baseURL!, cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') }
	});
	await new Promise((resolve, reject) => {
		spotlight.once('open', resolve);
		spotlight.once('error', reject);
	});
	try {
		spotlight.send(JSON.stringify({ type: 'spotlight', sessionId: benSession }));
		await expect(banner(ana)).toHaveText("Spotlight: ben's session");
		await expect(clientRows(ana).first()).toHaveText('EHLO ben.example.test');
		await expect(followTerminal(ana)).toContainText('EHLO ben.example.test');
		spotlight.send(JSON.stringify({ type: 'spotlight', sessionId: null }));
		await expect(banner(ana)).toHaveText(/The teacher has no session open yet/);
		await expect(clientRows(ana)).toHaveCount(0);
	} finally {
		spotlight.close();
	}
});

test('try it from here, outside any class, from a tab with a session of its own: a fresh session that stops at the login it does not have, and says why', async ({
	browser,
	baseURL
}) => {
	const page = await person(browser, baseURL);
	await page.goto('/lab?listener=submissions');
	await expect(page.locator('section.timeline li.row.server .text').first()).toHaveText(/^220 /);
	await page.locator('.xterm-helper-textarea').focus();
	await send(page, 'EHLO visitor.example.test', /^250 /);
	await send(page, 'AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=', /^235 /);
	const followed = (await labSession(page)).id;

	// This tab holds its session for resuming; "Try it from here" starts afresh all the same.
	await page.goto(`/lab?from=${followed}`);
	await expect(page.getByTestId('catch-up')).toHaveText(
		/had logged in or started a message: to do the same with your own login and address, join a class first/
	);
	expect((await labSession(page)).id).toBeNull();
});

test('the same through the reverse proxy, with VISIBILITY=private', async ({ browser }) => {
	test.setTimeout(120_000);
	const port = await freePort();
	const server = await startProductionServer({
		ORIGIN: `http://127.0.0.1:${port}`,
		VISIBILITY: 'private'
	});
	try {
		const proxy = await startNginx(port, Number(new URL(server.url).port));
		try {
			await followAndTry(browser, proxy.url);
			// Their pages close before the server stops (it waits for its WebSockets to say goodbye).
			for (const context of contexts.splice(0)) await context.close();
		} finally {
			await proxy.stop();
		}
	} finally {
		await server.stop();
	}
});
