/**
 * Exercises in a class (issue 16) in Chromium, one browser context per person (each its own owner
 * cookie): two students mail each other at their class addresses through the lab's terminal; the
 * teacher hands out "Start over with RSET"; Ana does it in the lab, and her class page's checklist
 * and the teacher's roster turn green while they are open (no reload), while Ben, who only said
 * EHLO, has not passed on either screen; the CSV export says what the roster says.
 */
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Locator, Page } from '@playwright/test';
import { expect, expectFitsViewport, test } from './fixtures';
import { send, serverRows } from './labTerminal';
import { joinByLink, startClass } from './classes';

/**
 * A new person: a browser context with no cookie, and its page. Times on the pages are in the
 * browser's zone and locale: UTC and a 24-hour clock here, so the tests can compare them with the
 * CSV's ISO 8601 UTC times.
 */
async function person(browser: Browser, baseURL: string | undefined): Promise<Page> {
	const context = await browser.newContext({ baseURL, timezoneId: 'UTC', locale: 'en-GB' });
	return context.newPage();
}

/** Opens the lab on mx (a new session) and waits for the greeting; the terminal has the focus. */
async function openLab(page: Page): Promise<void> {
	await page.goto('/lab?listener=mx');
	await expect(page.locator('section.timeline li.row.server .text').first()).toHaveText(/^220 /);
	await page.locator('.xterm-helper-textarea').focus();
}

/**
 * Ends the lab's session (QUIT, 221: RFC 5321 §4.1.1.10) and connects again: a new session, as a
 * student does to start an exercise handed out while their lab was open (work counts in the
 * sessions begun after the handout).
 */
async function newSession(page: Page): Promise<void> {
	await send(page, 'QUIT', /^221 /);
	await page.getByRole('button', { name: 'Connect', exact: true }).click();
	await expect(serverRows(page).last()).toHaveText(/^220 /);
	await page.locator('.xterm-helper-textarea').focus();
}

/** The console's script runs once the navigation names the class: its buttons then work. */
async function consoleReady(page: Page, code: string): Promise<void> {
	await expect(
		page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Your class' })
	).toHaveAttribute('href', `/class/${code}`);
}

/** Marks the page's document: the mark is gone if the page is loaded again. */
const markDocument = (page: Page) =>
	page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
const stillSameDocument = (page: Page) =>
	page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);

const rosterCell = (page: Page, nickname: string, exercise: string): Locator =>
	page
		.locator(`[data-testid="roster-row"][data-nickname="${nickname}"]`)
		.locator(`[data-testid="roster-exercise"][data-exercise="${exercise}"]`);

const studentExercise = (page: Page, exercise: string): Locator =>
	page.getByTestId('student-exercises').locator(`[data-exercise="${exercise}"]`);

/** The checks of the exercise on a student's page: symbol, label, state, then RFC sections. */
const checkTexts = (page: Page, exercise: string) =>
	studentExercise(page, exercise).getByTestId('exercise-check');

const RSET = 'rset-transaction';
/** Its checklist, in catalogue order (src/lib/exercises/catalogue.ts). */
const RSET_CHECKS = [
	'A transaction began: MAIL FROM was accepted',
	'RSET (answered 250) abandoned it before the message was sent',
	'A new MAIL FROM after the RSET was accepted'
];

/** What each of RSET_CHECKS says in the checklist: `✓ … — done` or `○ … — not yet`. */
const checklistSays = (mark: '✓' | '○', state: 'done' | 'not yet') =>
	RSET_CHECKS.map(
		(label) => new RegExp(`^${mark} ${label.replace(/[()]/g, '\\$&')} — ${state} RFC 5321 §`)
	);

/**
 * Ana's lab session for the RSET exercise: a transaction (MAIL accepted, RFC 5321 §4.1.1.2),
 * abandoned by RSET (§4.1.1.5: 250, the transaction's buffers cleared), then a new MAIL accepted,
 * not 503 (§4.1.1.5: no transaction is open after RSET).
 */
async function rsetTransaction(page: Page, from: string, to: string): Promise<void> {
	await send(page, 'EHLO ana.example.test', /^250 /);
	await send(page, `MAIL FROM:<${from}>`, /^250 /);
	await send(page, `RCPT TO:<${to}>`, /^250 /);
	await send(page, 'RSET', /^250 /);
	await send(page, `MAIL FROM:<${from}>`, /^250 /);
}

test('students mail each other at their class addresses; a handed-out exercise turns green live on the student’s page and the roster, and the CSV says the same', async ({
	browser,
	baseURL
}) => {
	const teacher = await person(browser, baseURL);
	const code = await startClass(teacher, 'Exercises 3C');
	const anaLab = await person(browser, baseURL);
	const ben = await person(browser, baseURL);
	const ana = await joinByLink(anaLab, code, 'ana');
	const benAddress = await joinByLink(ben, code, 'ben');
	expect([ana, benAddress]).toEqual([
		`ana@${code.toLowerCase()}.class.test`,
		`ben@${code.toLowerCase()}.class.test`
	]);

	// (a) Ana mails Ben at his class address through the lab's terminal, on mx; Ben reads it.
	await openLab(anaLab);
	await send(anaLab, 'EHLO ana.example.test', /^250 /);
	await send(anaLab, `MAIL FROM:<${ana}>`, /^250 /);
	await send(anaLab, `RCPT TO:<${benAddress}>`, /^250 /);
	await send(anaLab, 'DATA', /^354 /);
	await send(anaLab, `From: <${ana}>`);
	await send(anaLab, `To: <${benAddress}>`);
	await send(anaLab, 'Subject: Hello Ben, from Ana');
	await send(anaLab, '');
	await send(anaLab, 'See you in class.');
	await send(anaLab, '.', /^250 /);
	await ben.goto('/mailbox');
	await expect(ben.getByText('Hello Ben, from Ana').first()).toBeVisible();

	// Ana's class page, open from before the handout: nothing handed out yet.
	const anaClass = await anaLab.context().newPage();
	await anaClass.goto(`/class/${code}`);
	await expect(anaClass.getByTestId('student-exercises')).toContainText(
		'No exercise handed out yet'
	);
	await markDocument(anaClass);

	// (b) The teacher hands out the RSET exercise from the console.
	await teacher.goto(`/class/${code}`);
	await consoleReady(teacher, code);
	await markDocument(teacher);
	const card = teacher.locator(`[data-testid="exercise-card"][data-exercise="${RSET}"]`);
	await card.getByRole('button', { name: 'Hand out “Start over with RSET”' }).click();
	await expect(card.getByTestId('exercise-status')).toContainText('0 of 2 passed');
	// Its Hand out button is gone: the focus is on the handed-out card, not lost.
	await expect(card).toBeFocused();
	await expect(card).toContainText(`/class/${code}#exercise-${RSET}`);
	// It reaches Ana's page live: every check open.
	await expect(studentExercise(anaClass, RSET)).toContainText('Start over with RSET');
	await expect(checkTexts(anaClass, RSET)).toHaveText(checklistSays('○', 'not yet'));
	await expect(studentExercise(anaClass, RSET).getByTestId('exercise-tally')).toHaveText(
		'0 of 3 checks'
	);
	// One roster column: nobody has passed, no check passes yet.
	await expect(rosterCell(teacher, 'ana', RSET)).toHaveText(
		'0/3Start over with RSET: not passed yet, 0 of 3 checks pass'
	);
	await expect(rosterCell(teacher, 'ben', RSET)).toContainText('0/3');

	// Ana does it in a new session of her lab, still open; Ben only says EHLO.
	await newSession(anaLab);
	await rsetTransaction(anaLab, ana, benAddress);
	await openLab(ben);
	await send(ben, 'EHLO ben.example.test', /^250 /);

	// Ana's page turns green, check by check, and says Passed with the time, with no reload.
	await expect(checkTexts(anaClass, RSET)).toHaveText(checklistSays('✓', 'done'));
	const passed = studentExercise(anaClass, RSET).getByTestId('exercise-passed');
	await expect(passed).toHaveText(/^✓ Passed at \d\d:\d\d$/);
	expect(await stillSameDocument(anaClass)).toBe(true);
	const passedAt = (await passed.textContent())!.slice(-5);

	// The teacher's roster and panel say so too, live.
	await expect(rosterCell(teacher, 'ana', RSET)).toHaveText(
		`✓ ${passedAt}Start over with RSET: passed at ${passedAt}`
	);
	await expect(card.getByTestId('exercise-status')).toContainText('1 of 2 passed');
	await expect(rosterCell(teacher, 'ben', RSET)).toContainText('0/3');
	expect(await stillSameDocument(teacher)).toBe(true);

	// Ben has not passed, on his page nor on the follow view's compact checklist.
	await ben.goto(`/class/${code}`);
	await expect(studentExercise(ben, RSET).getByTestId('exercise-tally')).toHaveText(
		'0 of 3 checks'
	);
	await expect(studentExercise(ben, RSET).getByTestId('exercise-passed')).toHaveCount(0);
	await ben.goto(`/class/${code}/follow`);
	await expect(studentExercise(ben, RSET).getByTestId('exercise-tally')).toHaveText(
		'0 of 3 checks'
	);

	// The CSV export: a row a student, the same as the roster (RFC 4180: CRLF line ends).
	const [download] = await Promise.all([
		teacher.waitForEvent('download'),
		teacher.getByTestId('progress-csv').click()
	]);
	expect(download.suggestedFilename()).toBe(`class-${code}-progress.csv`);
	const csv = await readFile((await download.path())!, 'utf8');
	const lines = csv.split('\r\n').filter((line) => line !== '');
	expect(lines[0]).toBe(`nickname,address,joined_at,${RSET},${RSET} passed_at,exercises_passed`);
	const rows = new Map(lines.slice(1).map((line) => [line.split(',')[0], line.split(',')]));
	expect([...rows.keys()].sort()).toEqual(['ana', 'ben']);
	const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
	const [anaNick, anaAddress, anaJoined, anaState, anaPassedAt, anaCount] = rows.get('ana')!;
	expect([anaNick, anaAddress, anaState, anaCount]).toEqual(['ana', ana, 'passed', '1']);
	expect(anaJoined).toMatch(iso);
	expect(anaPassedAt).toMatch(iso);
	// The time the roster and Ana's page show (UTC in these browsers).
	expect(anaPassedAt.slice(11, 16)).toBe(passedAt);
	const [, benAddr, benJoined, benState, benPassedAt, benCount] = rows.get('ben')!;
	expect([benAddr, benState, benPassedAt, benCount]).toEqual([benAddress, '0/3', '', '0']);
	expect(benJoined).toMatch(iso);

	// The screens with the exercise pass axe, in both themes.
	for (const page of [teacher, anaClass, ben]) {
		expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
		await page.emulateMedia({ colorScheme: 'dark' });
		expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
	}

	for (const page of [teacher, anaLab, ben]) await page.context().close();
});

test('withdrawing an exercise takes it off the student’s page and the roster', async ({
	browser,
	baseURL
}) => {
	const teacher = await person(browser, baseURL);
	const code = await startClass(teacher, 'Withdrawn');
	const student = await person(browser, baseURL);
	await joinByLink(student, code, 'cy');
	await teacher.goto(`/class/${code}`);
	await consoleReady(teacher, code);
	const card = teacher.locator(`[data-testid="exercise-card"][data-exercise="blind-copy"]`);
	await card.getByRole('button', { name: /^Hand out/ }).click();
	await student.goto(`/class/${code}`);
	await expect(studentExercise(student, 'blind-copy')).toBeVisible();
	await expect(rosterCell(teacher, 'cy', 'blind-copy')).toBeVisible();

	await card.getByRole('button', { name: 'Withdraw…' }).click();
	await teacher.getByRole('dialog').getByRole('button', { name: 'Withdraw the exercise' }).click();
	await expect(card.getByRole('button', { name: /^Hand out/ })).toBeFocused();
	await expect(rosterCell(teacher, 'cy', 'blind-copy')).toHaveCount(0);
	await expect(student.getByTestId('student-exercises')).toContainText(
		'No exercise handed out yet'
	);
	for (const page of [teacher, student]) await page.context().close();
});

const SIZES = [
	{ name: '1280x720', width: 1280, height: 720 },
	{ name: '1920x1080', width: 1920, height: 1080 },
	{ name: '390x844', width: 390, height: 844 }
];

for (const size of SIZES) {
	test(
		`exercises on the console and the student's page at ${size.name}`,
		{ tag: '@screenshots' },
		async ({ browser, baseURL }) => {
			const teacher = await person(browser, baseURL);
			await teacher.setViewportSize({ width: size.width, height: size.height });
			const code = await startClass(teacher, 'Networks 2B — SMTP');
			const ana = await person(browser, baseURL);
			await ana.setViewportSize({ width: size.width, height: size.height });
			const anaAddress = await joinByLink(ana, code, 'ana');
			const others: Page[] = [];
			for (const nickname of ['ben.k', 'Chen_Li']) {
				const other = await person(browser, baseURL);
				await joinByLink(other, code, nickname);
				others.push(other);
			}
			await teacher.goto(`/class/${code}`);
			await consoleReady(teacher, code);
			for (const exercise of [RSET, 'angle-brackets']) {
				const card = teacher.locator(`[data-testid="exercise-card"][data-exercise="${exercise}"]`);
				await card.getByRole('button', { name: /^Hand out/ }).click();
				await expect(card.getByTestId('exercise-status')).toBeVisible();
			}
			await openLab(ana);
			await rsetTransaction(ana, anaAddress, anaAddress);
			await expect(rosterCell(teacher, 'ana', RSET)).toContainText('✓');
			// Ben has begun: a transaction, no RSET yet.
			const [ben] = others;
			await openLab(ben);
			await send(ben, 'EHLO ben.example.test', /^250 /);
			await send(ben, `MAIL FROM:<ben.k@${code.toLowerCase()}.class.test>`, /^250 /);
			await expect(rosterCell(teacher, 'ben.k', RSET)).toContainText('1/3');

			// The roster's heading at the top: its exercise columns, then the handouts below.
			await teacher
				.getByRole('heading', { name: /^Students/ })
				.evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
			await teacher.screenshot({
				path: `test-results/screenshots/class-exercises-roster-${size.name}.png`
			});
			await teacher.getByTestId('exercise-panel').scrollIntoViewIfNeeded();
			await teacher.screenshot({
				path: `test-results/screenshots/class-exercises-console-${size.name}.png`
			});
			await expectFitsViewport(teacher);

			await ana.goto(`/class/${code}#exercise-${RSET}`);
			await expect(studentExercise(ana, RSET).getByTestId('exercise-passed')).toBeVisible();
			await ana
				.getByRole('heading', { name: 'Exercises', exact: true })
				.evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
			await ana.screenshot({
				path: `test-results/screenshots/class-exercises-student-${size.name}.png`
			});
			await expectFitsViewport(ana);
			await ana.goto(`/class/${code}/follow`);
			await expect(studentExercise(ana, RSET).getByTestId('exercise-passed')).toBeVisible();
			await ana.screenshot({
				path: `test-results/screenshots/class-exercises-follow-${size.name}.png`,
				fullPage: true
			});
			await expectFitsViewport(ana);
			for (const page of [teacher, ana, ...others]) await page.context().close();
		}
	);
}
