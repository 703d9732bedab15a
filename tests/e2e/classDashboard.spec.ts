/**
 * The teacher's dashboard (issue 15 phase 2) in Chromium, one browser context per person (each
 * its own owner cookie): the roster is live over the class channel (a student's page opening and
 * closing, their session's state, last reply and 5xx count after a refused RCPT, the stuck student
 * first); the teacher watches a student's session live; the teacher puts it in the spotlight and a
 * following student sees it, then "Back to my session" shows the teacher's again. None of it
 * reloads the console: the page is loaded once, and only the WebSocket brings what changes.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Locator, Page } from '@playwright/test';
import { expect, expectFitsViewport, test } from './fixtures';
import { send } from './labTerminal';
import { joinByLink, startClass } from './classes';

/** A new person: a browser context with no cookie, and its page. */
async function person(browser: Browser, baseURL: string | undefined): Promise<Page> {
	const context = await browser.newContext({ baseURL });
	return context.newPage();
}

/** Opens the lab on mx and waits for the greeting; the terminal has the focus. */
async function openLab(page: Page): Promise<void> {
	await page.goto('/lab?listener=mx');
	await expect(page.locator('section.timeline li.row.server .text').first()).toHaveText(/^220 /);
	await page.locator('.xterm-helper-textarea').focus();
}

/**
 * The student's lab session, refused at RCPT: a nickname nobody has at the class's domain is an
 * unknown mailbox, 550 5.1.1 (RFC 5321 §4.2.2 and §3.3; RFC 3463 §3.2, X.1.1).
 */
async function refusedRecipient(page: Page, nickname: string, code: string): Promise<void> {
	const domain = `${code.toLowerCase()}.class.test`;
	await openLab(page);
	await send(page, `EHLO ${nickname}.example.test`, /^250 /);
	await send(page, `MAIL FROM:<${nickname}@${domain}>`, /^250 /);
	await send(page, `RCPT TO:<nobody@${domain}>`, /^550 5\.1\.1/);
}

const row = (page: Page, nickname: string): Locator =>
	page.locator(`[data-testid="roster-row"][data-nickname="${nickname}"]`);
const rosterOrder = (page: Page) =>
	page.getByTestId('roster').getByTestId('roster-nickname').allTextContents();

test('the roster is live: a student connects, is refused at RCPT (state, 5xx count, stuck first), and disconnects', async ({
	page,
	browser,
	baseURL
}) => {
	const code = await startClass(page, 'Live roster');
	const ben = await person(browser, baseURL);
	const zoe = await person(browser, baseURL);
	await joinByLink(ben, code, 'ben');
	await joinByLink(zoe, code, 'zoe');
	// Joined after the console loaded: the live roster brings them, with no page of theirs open.
	await expect(row(page, 'zoe').getByTestId('roster-page')).toHaveText('○ Not connected');
	await expect(row(page, 'zoe').getByTestId('roster-state')).toHaveText('No session yet');

	await openLab(ben);
	await expect(row(page, 'ben').getByTestId('roster-page')).toHaveText('● Connected');
	// The greeting (RFC 5321 §4.2: 220) is a positive completion, 2yz (§4.2.1).
	await expect(row(page, 'ben').getByTestId('roster-reply')).toContainText(
		'2xx Positive completion'
	);

	await refusedRecipient(zoe, 'zoe', code);
	const zoeRow = row(page, 'zoe');
	await expect(zoeRow.getByTestId('roster-page')).toHaveText('● Connected');
	// MAIL was accepted and no recipient yet: the transaction is open (RFC 5321 §3.3).
	await expect(zoeRow.getByTestId('roster-state')).toContainText('In a mail transaction');
	await expect(zoeRow.getByTestId('roster-state')).toContainText('mx · open');
	// 550 is a 5yz reply: permanent negative completion (RFC 5321 §4.2.1).
	await expect(zoeRow.getByTestId('roster-reply')).toContainText(
		'5xx Permanent negative completion'
	);
	await expect(zoeRow.getByTestId('roster-5xx')).toHaveText('1');
	await expect(zoeRow.getByTestId('roster-4xx')).toHaveText('0');
	// Zoe, stuck on a refusal, comes before Ben, whose last reply went well.
	await expect.poll(() => rosterOrder(page)).toEqual(['zoe', 'ben']);

	await zoe.close();
	await expect(zoeRow.getByTestId('roster-page')).toHaveText('○ Not connected');
	// With no page open she goes last; her counts stay.
	await expect.poll(() => rosterOrder(page)).toEqual(['ben', 'zoe']);
	await expect(zoeRow.getByTestId('roster-5xx')).toHaveText('1');
	await ben.context().close();
});

test("the teacher watches a student's session live from the roster, with the keyboard, and closes it", async ({
	page,
	browser,
	baseURL
}) => {
	const code = await startClass(page, 'Watching');
	const ana = await person(browser, baseURL);
	await joinByLink(ana, code, 'ana');
	await refusedRecipient(ana, 'ana', code);

	const watchAna = row(page, 'ana').getByRole('button', { name: 'Watch ana' });
	await watchAna.focus();
	await page.keyboard.press('Enter');
	const panel = page.getByTestId('watched-student');
	await expect(panel.getByRole('heading', { name: 'Watching ana' })).toBeFocused();
	await expect(watchAna).toHaveAttribute('aria-pressed', 'true');
	const lines = panel.locator('section.timeline li.row .text');
	await expect(lines.filter({ hasText: /^RCPT TO:<nobody@/ })).toHaveCount(1);
	await expect(lines.filter({ hasText: /^550 5\.1\.1/ })).toHaveCount(1);

	// What she types next appears as she types it.
	await send(ana, 'RSET', /^250 /);
	await expect(lines.last()).toHaveText(/^250 /);
	await expect(lines.filter({ hasText: /^RSET$/ })).toHaveCount(1);
	// RSET ends the transaction (RFC 5321 §4.1.1.5): the session is as after EHLO again.
	await expect(panel).toContainText('Identified (after EHLO)');

	// Escape closes the panel and gives the focus back to her row.
	await page.keyboard.press('Escape');
	await expect(panel).toHaveCount(0);
	await expect(watchAna).toBeFocused();
	await expect(watchAna).toHaveAttribute('aria-pressed', 'false');

	// The Close button does the same.
	await watchAna.click();
	await panel.getByRole('button', { name: 'Close' }).click();
	await expect(panel).toHaveCount(0);
	await expect(watchAna).toBeFocused();
	await ana.context().close();
});

test("the teacher spotlights a student's session: a follower sees it, and Back to my session shows the teacher's again", async ({
	page,
	browser,
	baseURL
}) => {
	const code = await startClass(page, 'Spotlight');
	const ana = await person(browser, baseURL);
	const ben = await person(browser, baseURL);
	await joinByLink(ana, code, 'ana');
	await joinByLink(ben, code, 'ben');

	// The teacher's own session, in the lab in another tab.
	const lab = await page.context().newPage();
	await openLab(lab);
	await send(lab, 'EHLO teacher.example.test', /^250 /);

	await ben.goto(`/class/${code}/follow`);
	const banner = ben.getByTestId('follow-banner');
	const followed = ben.locator('section.timeline li.row.client .text');
	await expect(banner).toHaveText("The teacher's session");
	await expect(followed.first()).toHaveText('EHLO teacher.example.test');

	await refusedRecipient(ana, 'ana', code);
	const status = page.getByTestId('spotlight-status');
	await expect(status).toHaveText(/Following students see your session/);
	const show = row(page, 'ana').getByRole('button', { name: /^Show to the class/ });
	await show.click();
	await expect(show).toHaveAttribute('aria-pressed', 'true');
	await expect(status).toHaveText(/Following students see ana’s session, in the spotlight/);
	await expect(banner).toHaveText("Spotlight: ana's session");
	await expect(followed.last()).toHaveText(`RCPT TO:<nobody@${code.toLowerCase()}.class.test>`);
	await expect(followed.filter({ hasText: 'teacher.example.test' })).toHaveCount(0);

	await page.getByRole('button', { name: 'Back to my session' }).click();
	await expect(status).toHaveText(/Following students see your session/);
	await expect(show).toHaveAttribute('aria-pressed', 'false');
	await expect(banner).toHaveText("The teacher's session");
	await expect(followed.first()).toHaveText('EHLO teacher.example.test');
	await expect(page.getByRole('button', { name: 'Back to my session' })).toHaveCount(0);
	await ana.context().close();
	await ben.context().close();
});

/** A class in full swing: a stuck student, one at work, one gone; one watched and spotlighted. */
async function busyClass(page: Page, browser: Browser, baseURL: string | undefined) {
	const code = await startClass(page, 'Networks 2B — SMTP');
	const students: Page[] = [];
	for (const nickname of ['ana', 'ben.k', 'Chen_Li']) {
		const student = await person(browser, baseURL);
		await joinByLink(student, code, nickname);
		students.push(student);
	}
	const [ana, ben, chen] = students;
	await refusedRecipient(ana, 'ana', code);
	await openLab(ben);
	await send(ben, 'EHLO ben.example.test', /^250 /);
	await ben.goto('/examples/first-message');
	await chen.context().close();
	await expect(row(page, 'ben.k').getByTestId('roster-example')).not.toBeEmpty();
	await row(page, 'ana').getByRole('button', { name: 'Watch ana' }).click();
	await row(page, 'ana')
		.getByRole('button', { name: /^Show to the class/ })
		.click();
	await expect(
		page.getByTestId('watched-student').locator('section.timeline li.row')
	).not.toHaveCount(0);
	return students;
}

test('the console passes axe with the live roster, a watched session and the spotlight, in both themes', async ({
	page,
	browser,
	baseURL
}) => {
	const students = await busyClass(page, browser, baseURL);
	const serious = async () =>
		(await new AxeBuilder({ page }).analyze()).violations.filter(
			(v) => v.impact === 'serious' || v.impact === 'critical'
		);
	expect(await serious()).toEqual([]);
	await page.emulateMedia({ colorScheme: 'dark' });
	expect(await serious()).toEqual([]);
	for (const student of students) await student.context().close();
});

const SIZES = [
	{ name: '1280x720', width: 1280, height: 720 },
	{ name: '1920x1080', width: 1920, height: 1080 },
	{ name: '390x844', width: 390, height: 844 }
];

for (const size of SIZES) {
	test(
		`the teacher's dashboard at ${size.name}`,
		{ tag: '@screenshots' },
		async ({ page, browser, baseURL }) => {
			await page.setViewportSize({ width: size.width, height: size.height });
			const students = await busyClass(page, browser, baseURL);
			await page.getByTestId('spotlight-status').scrollIntoViewIfNeeded();
			await page.screenshot({
				path: `test-results/screenshots/class-dashboard-${size.name}.png`
			});
			await page.getByTestId('watched-student').scrollIntoViewIfNeeded();
			await page.screenshot({
				path: `test-results/screenshots/class-dashboard-watched-${size.name}.png`
			});
			await expectFitsViewport(page);
			for (const student of students) await student.context().close();
		}
	);
}
