/**
 * The class pages (issue 15, phase 1) in Chromium, one browser context per person (each its own
 * owner cookie): a teacher starts a class and sees its code, QR code and teacher link; students
 * join by the code and by the join URL; every refusal shows beside its field, in words a screen
 * reader reads out (the field's accessible description), with what was typed kept; a student
 * rejoins from a fresh browser; the teacher releases a nickname, opens the class on another
 * device with the teacher link, and ends the class.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { startProductionServer, type ProductionServer } from '../productionServer';
import { expect, expectFitsViewport, test } from './fixtures';
import { joinForm, rejoinForm, startClass } from './classes';

/** A new person: a browser context with no cookie. */
async function person(browser: Browser, baseURL: string | undefined): Promise<BrowserContext> {
	return browser.newContext({ baseURL });
}

/** A student joins on /join with `code` as typed; resolves once their card shows. */
async function join(page: Page, code: string, nickname: string): Promise<Locator> {
	await page.goto('/join');
	const form = joinForm(page);
	await form.getByLabel('Class code').fill(code);
	await form.getByLabel('Your nickname').fill(nickname);
	await form.getByRole('button', { name: 'Join' }).click();
	const card = page.getByTestId('student-card');
	await expect(card).toBeVisible();
	return card;
}

/**
 * The teacher's console again, with the roster as it is now; resolves once the page's script runs
 * (the navigation then names the class), so its buttons work.
 */
async function reloadConsole(page: Page, code: string) {
	await page.reload();
	await expect(
		page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Your class' })
	).toHaveAttribute('href', `/class/${code}`);
}

/** The refusal is beside the field: it describes the input, which is marked invalid. */
async function expectProblem(field: Locator, problem: RegExp) {
	await expect(field).toHaveAttribute('aria-invalid', 'true');
	await expect(field).toHaveAccessibleDescription(problem);
}

test('a teacher starts a class and sees its code split 3 + 3, the QR code of the join URL and the teacher link', async ({
	page,
	baseURL
}) => {
	const code = await startClass(page, 'SMTP, first lesson');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('SMTP, first lesson');
	const shown = page.getByTestId('join-code');
	await expect(shown).toHaveText(code);
	// The two halves are two boxes, side by side.
	const halves = await shown.locator('span').allTextContents();
	expect(halves).toEqual([code.slice(0, 3), code.slice(3)]);

	const joinUrl = `${baseURL}/join?code=${code}`;
	await expect(page.getByTestId('join-url')).toHaveText(joinUrl);
	// The class-wide address the teacher may send to (the local part "class" at the class domain).
	await expect(page.getByTestId('class-wide-address')).toContainText(
		`class@${code.toLowerCase()}.class.test`
	);
	await expect(page.getByTestId('join-url')).toHaveAttribute('href', joinUrl);
	const qr = page.getByTestId('join-qr');
	await expect(qr).toHaveAttribute('alt', `QR code of ${joinUrl}`);
	const source = decodeURIComponent((await qr.getAttribute('src')) ?? '');
	expect(source).toMatch(/^data:image\/svg\+xml;charset=utf-8,<svg [^>]*viewBox="0 0 \d+ \d+"/);
	// The image is drawn (a broken one has no natural size).
	expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

	// The teacher link is hidden until asked for: the console is on the projector.
	await expect(page.getByTestId('teacher-link')).toHaveCount(0);
	await page.getByRole('button', { name: 'Show teacher link' }).click();
	await expect(page.getByTestId('teacher-link')).toHaveValue(
		new RegExp(`^${baseURL}/class/${code}/teach#key=[A-Za-z0-9_-]{22}$`)
	);
	await expect(
		page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Your class' })
	).toHaveAttribute('href', `/class/${code}`);
	await expectFitsViewport(page);
});

test('students join by code and by the join URL; a nickname taken in another case is refused beside the field, with what was typed kept', async ({
	page,
	browser,
	baseURL
}) => {
	const code = await startClass(page, 'Nicknames');
	const joinUrl = (await page.getByTestId('join-url').getAttribute('href'))!;

	// By code, typed as a person does: lower case, with a space.
	const ana = await person(browser, baseURL);
	const anaPage = await ana.newPage();
	const card = await join(anaPage, `${code.slice(0, 3).toLowerCase()} ${code.slice(3)}`, 'Ana');
	await expect(card.getByTestId('student-address')).toHaveText(
		`ana@${code.toLowerCase()}.class.test`
	);
	await expect(card.getByTestId('rejoin-code')).toHaveText(/^[A-Z0-9]{3} [A-Z0-9]{3}$/);
	// The class-wide address, on the card (RFC 5321 §4.1.2: local part "class" at the class domain).
	await expect(card.getByTestId('class-wide-address')).toHaveText(
		`class@${code.toLowerCase()}.class.test`
	);
	// The card leads on to following the teacher.
	await card.getByRole('link', { name: 'Follow the teacher' }).click();
	await expect(anaPage).toHaveURL(new RegExp(`/class/${code}/follow$`));
	await expect(anaPage.getByRole('heading', { level: 1 })).toBeVisible();

	// By the join URL (the QR code's): the code is filled in and the class named.
	const other = await person(browser, baseURL);
	const otherPage = await other.newPage();
	await otherPage.goto(joinUrl);
	const form = joinForm(otherPage);
	await expect(form.getByLabel('Class code')).toHaveValue(code);
	await expect(form.getByTestId('class-found')).toContainText('Nicknames');
	const nickname = form.getByLabel('Your nickname');

	// Not a local part: nicknameProblem()'s words, with their RFC section.
	await nickname.fill('Ana Maria');
	await form.getByRole('button', { name: 'Join' }).click();
	await expectProblem(nickname, /RFC 5321 §4\.1\.2/);
	await expect(nickname).toBeFocused();

	// Taken, whatever the case: the server's refusal, beside the nickname, still typed.
	await nickname.fill('ANA');
	await form.getByRole('button', { name: 'Join' }).click();
	await expectProblem(nickname, /taken/);
	await expect(form.locator('[aria-live]', { hasText: /taken/ })).toBeVisible();
	await expect(nickname).toHaveValue('ANA');
	await expect(form.getByLabel('Class code')).toHaveValue(code);

	await nickname.fill('Ben');
	await form.getByRole('button', { name: 'Join' }).click();
	await expect(otherPage.getByTestId('student-address')).toHaveText(
		`ben@${code.toLowerCase()}.class.test`
	);

	// The teacher's roster has both.
	await reloadConsole(page, code);
	const roster = page.getByTestId('roster');
	await expect(roster.getByTestId('roster-nickname')).toHaveText(['Ana', 'Ben']);
	await expect(roster).toContainText(`ben@${code.toLowerCase()}.class.test`);
	await ana.close();
	await other.close();
});

test('an unknown code and a malformed one are refused beside the code field', async ({ page }) => {
	await page.goto('/join?code=KKKKKK');
	const form = joinForm(page);
	await expectProblem(form.getByLabel('Class code'), /No class has the code/);

	await page.goto('/join');
	await form.getByLabel('Class code').fill('K7M 2QP');
	await form.getByLabel('Your nickname').fill('ana');
	await form.getByRole('button', { name: 'Join' }).click();
	await expectProblem(form.getByLabel('Class code'), /never has 0, O, 1, I, L, 5, S, 2, Z, 8 or B/);
	await expect(form.getByLabel('Class code')).toBeFocused();
	await expect(form.getByLabel('Your nickname')).toHaveValue('ana');
});

test('a student rejoins from a fresh browser with the code, their nickname and the rejoin code', async ({
	page,
	browser,
	baseURL
}) => {
	const code = await startClass(page, 'Rejoining');
	const first = await person(browser, baseURL);
	const card = await join(await first.newPage(), code, 'Chen');
	const rejoinCode = (await card.getByTestId('rejoin-code').textContent())!.trim();
	await card.getByRole('button', { name: 'Show password' }).click();
	const password = await card.getByTestId('student-password').textContent();
	expect(password).toMatch(/^[A-Za-z0-9_-]{8,}$/);
	await first.close();

	const fresh = await person(browser, baseURL);
	const freshPage = await fresh.newPage();
	await freshPage.goto('/join');
	const form = rejoinForm(freshPage);
	await form.getByLabel('Class code').fill(code);
	await form.getByLabel('Your nickname').fill('chen');
	// A wrong rejoin code: refused beside it, everything kept.
	const wrong = rejoinCode.startsWith('A') ? 'CCC CCC' : 'AAA AAA';
	await form.getByLabel('Rejoin code').fill(wrong);
	await form.getByRole('button', { name: 'Rejoin' }).click();
	await expectProblem(form.getByLabel('Rejoin code'), /do not match/);
	await expect(form.getByLabel('Rejoin code')).toHaveValue(wrong);
	await expect(form.getByLabel('Your nickname')).toHaveValue('chen');

	await form.getByLabel('Rejoin code').fill(rejoinCode.toLowerCase());
	await form.getByRole('button', { name: 'Rejoin' }).click();
	const again = freshPage.getByTestId('student-card');
	await expect(again.getByTestId('student-address')).toHaveText(
		`chen@${code.toLowerCase()}.class.test`
	);
	await expect(again.getByTestId('rejoin-code')).toHaveText(rejoinCode);
	// The same student: the same password, on the class page too.
	await freshPage.goto(`/class/${code}`);
	await expect(freshPage.getByTestId('student-card')).toBeVisible();
	await freshPage.getByRole('button', { name: 'Show password' }).click();
	await expect(freshPage.getByTestId('student-password')).toHaveText(password!);
	await expect(
		freshPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Your class' })
	).toHaveAttribute('href', `/class/${code}`);
	await fresh.close();
});

test('the teacher releases a nickname: it is free again', async ({ page, browser, baseURL }) => {
	const code = await startClass(page, 'Releasing');
	const first = await person(browser, baseURL);
	await join(await first.newPage(), code, 'Dana');
	await reloadConsole(page, code);
	const roster = page.getByTestId('roster');
	await expect(roster.getByTestId('roster-nickname')).toHaveText(['Dana']);

	await roster.getByRole('button', { name: 'Release Dana…' }).click();
	const dialog = page.getByRole('dialog', { name: 'Release the nickname Dana?' });
	await expect(dialog).toContainText('rejoin code stops working');
	await dialog.getByRole('button', { name: 'Release Dana' }).click();
	await expect(dialog).toBeHidden();
	await expect(page.getByText('No student has joined yet')).toBeVisible();

	const second = await person(browser, baseURL);
	const card = await join(await second.newPage(), code, 'dana');
	await expect(card.getByTestId('student-address')).toHaveText(
		`dana@${code.toLowerCase()}.class.test`
	);
	await first.close();
	await second.close();
});

test('the teacher link makes a fresh browser the teacher, and is taken out of the address bar', async ({
	page,
	browser,
	baseURL
}) => {
	const code = await startClass(page, 'Two devices');
	await page.getByRole('button', { name: 'Show teacher link' }).click();
	const link = await page.getByTestId('teacher-link').inputValue();

	const laptop = await person(browser, baseURL);
	const laptopPage = await laptop.newPage();
	await laptopPage.goto(link);
	await laptopPage.waitForURL(new RegExp(`/class/${code}$`));
	await expect(laptopPage.getByTestId('join-code')).toHaveText(code);
	await expect(laptopPage.getByRole('button', { name: 'End class…' })).toBeVisible();
	expect(laptopPage.url()).not.toContain('key=');

	// A wrong key opens nothing.
	const stranger = await person(browser, baseURL);
	const strangerPage = await stranger.newPage();
	await strangerPage.goto(`/class/${code}/teach#key=AAAAAAAAAAAAAAAAAAAAAA`);
	await expect(strangerPage.getByRole('alert')).toHaveText(/does not open the class/);
	expect(strangerPage.url()).not.toContain('key=');
	await strangerPage.goto(`/class/${code}`);
	await expect(strangerPage.getByRole('link', { name: 'Join this class' })).toBeVisible();
	await expect(strangerPage.getByTestId('join-code')).toHaveCount(0);
	await laptop.close();
	await stranger.close();
});

test('ending the class, after its dialog, makes its code ended or unknown on /join', async ({
	page,
	browser,
	baseURL
}) => {
	const code = await startClass(page, 'Last lesson');
	const student = await person(browser, baseURL);
	const studentPage = await student.newPage();
	await join(studentPage, code, 'Eve');
	await reloadConsole(page, code);

	await page.getByRole('button', { name: 'End class…' }).click();
	const dialog = page.getByRole('dialog', {
		name: 'End the class Last lesson and delete its data?'
	});
	await expect(dialog).toContainText('their sessions and mail in the class');
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await expect(dialog).toBeHidden();
	await expect(page.getByTestId('join-code')).toHaveText(code);

	await page.getByRole('button', { name: 'End class…' }).click();
	await dialog.getByRole('button', { name: 'End the class and delete its data' }).click();
	await expect(page.getByRole('status')).toContainText('has ended');

	await studentPage.goto(`/join?code=${code}`);
	await expectProblem(
		joinForm(studentPage).getByLabel('Class code'),
		/has ended|No class has the code/
	);
	await studentPage.goto(`/class/${code}`);
	await expect(studentPage.getByRole('heading', { level: 1 })).toHaveText(
		/has ended|No class has this code/
	);
	await student.close();
});

test('/join is used with the keyboard alone; the console, /join, a refusal and the card pass axe (contrast included, the console in both themes)', async ({
	page,
	browser,
	baseURL
}) => {
	const code = await startClass(page, 'Keyboard');
	expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
	await page.emulateMedia({ colorScheme: 'dark' });
	expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

	const student = await person(browser, baseURL);
	const studentPage = await student.newPage();
	await studentPage.goto('/join');
	expect((await new AxeBuilder({ page: studentPage }).analyze()).violations).toEqual([]);
	const form = joinForm(studentPage);
	await form.getByLabel('Class code').focus();
	await studentPage.keyboard.type(code);
	await studentPage.keyboard.press('Tab');
	await expect(form.getByLabel('Your nickname')).toBeFocused();
	await studentPage.keyboard.type('Finn');
	await studentPage.keyboard.press('Tab');
	await expect(form.getByRole('button', { name: 'Join' })).toBeFocused();
	await studentPage.keyboard.press('Enter');
	await expect(studentPage.getByTestId('student-address')).toHaveText(
		`finn@${code.toLowerCase()}.class.test`
	);
	expect((await new AxeBuilder({ page: studentPage }).analyze()).violations).toEqual([]);

	// A refusal shown beside its field passes too (its red on the page's background).
	const second = await person(browser, baseURL);
	const secondPage = await second.newPage();
	await secondPage.goto(`/join?code=${code}`);
	await joinForm(secondPage).getByLabel('Your nickname').fill('finn');
	await joinForm(secondPage).getByRole('button', { name: 'Join' }).click();
	await expectProblem(joinForm(secondPage).getByLabel('Your nickname'), /taken/);
	expect((await new AxeBuilder({ page: secondPage }).analyze()).violations).toEqual([]);
	await student.close();
	await second.close();
});

test.describe('limits', () => {
	let server: ProductionServer;

	test.beforeAll(async () => {
		server = await startProductionServer({
			CLASS_MAX_STUDENTS: '1',
			CLASS_REJOIN_FAILURES_PER_MINUTE: '2'
		});
	});

	test.afterAll(() => server.stop());

	test('a full class and too many wrong rejoin codes are refused beside their fields', async ({
		browser
	}) => {
		const teacher = await person(browser, server.url);
		const code = await startClass(await teacher.newPage(), 'Small room');
		const first = await person(browser, server.url);
		await join(await first.newPage(), code, 'Gil');

		const late = await person(browser, server.url);
		const latePage = await late.newPage();
		await latePage.goto('/join');
		const form = joinForm(latePage);
		await form.getByLabel('Class code').fill(code);
		await form.getByLabel('Your nickname').fill('Hana');
		await form.getByRole('button', { name: 'Join' }).click();
		await expectProblem(form.getByLabel('Class code'), /full.*CLASS_MAX_STUDENTS/);
		await expect(form.getByLabel('Your nickname')).toHaveValue('Hana');

		const rejoin = rejoinForm(latePage);
		await rejoin.getByLabel('Class code').fill(code);
		await rejoin.getByLabel('Your nickname').fill('Gil');
		await rejoin.getByLabel('Rejoin code').fill('AAAAAA');
		// Two wrong tries are answered 403; the third, 429 with how long to wait.
		for (const problem of [/do not match/, /do not match/, /CLASS_REJOIN_FAILURES_PER_MINUTE/]) {
			await rejoin.getByRole('button', { name: 'Rejoin' }).click();
			await expectProblem(rejoin.getByLabel('Rejoin code'), problem);
		}
		await expect(rejoin.getByLabel('Rejoin code')).toHaveAccessibleDescription(/try again in/i);
		await teacher.close();
		await first.close();
		await late.close();
	});
});

const SIZES = [
	{ name: '1280x720', width: 1280, height: 720 },
	{ name: '1920x1080', width: 1920, height: 1080 },
	{ name: '390x844', width: 390, height: 844 }
];

for (const size of SIZES) {
	test(
		`class pages at ${size.name}`,
		{ tag: '@screenshots' },
		async ({ page, browser, baseURL }) => {
			const shot = (name: string) =>
				page.screenshot({ path: `test-results/screenshots/${name}-${size.name}.png` });
			await page.setViewportSize({ width: size.width, height: size.height });
			const code = await startClass(page, 'Networks 2B — SMTP');
			for (const nickname of ['ana', 'ben.k', 'Chen_Li']) {
				const student = await person(browser, baseURL);
				await join(await student.newPage(), code, nickname);
				await student.close();
			}
			await reloadConsole(page, code);
			await expect(page.getByTestId('roster').getByTestId('roster-nickname')).toHaveCount(3);
			await shot('class-teacher');
			await expectFitsViewport(page);

			const student = await person(browser, baseURL);
			const studentPage = await student.newPage();
			await studentPage.setViewportSize({ width: size.width, height: size.height });
			await studentPage.goto(`/join?code=${code}`);
			await expect(joinForm(studentPage).getByTestId('class-found')).toContainText('Networks');
			await studentPage.screenshot({ path: `test-results/screenshots/join-${size.name}.png` });
			await expectFitsViewport(studentPage);
			await joinForm(studentPage).getByLabel('Your nickname').fill('dora');
			await joinForm(studentPage).getByRole('button', { name: 'Join' }).click();
			await expect(studentPage.getByTestId('student-card')).toBeVisible();
			await studentPage.screenshot({ path: `test-results/screenshots/join-card-${size.name}.png` });
			await expectFitsViewport(studentPage);
			await student.close();
		}
	);
}
