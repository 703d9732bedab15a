import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, expectFitsViewport, test } from './fixtures';

/** /annotate (issue 3 §6): paste a transcript, read it annotated. Keyboard only where it counts. */

const SWAKS = `=== Trying lab.example:587...
=== Connected to lab.example.
<-  220 lab.example ESMTP
 -> EHLO me.example
<-  250-lab.example
<-  250-PIPELINING
<-  250 STARTTLS
 -> STARTTLS
<-  220 2.0.0 Ready to start TLS
=== TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256
 ~> EHLO me.example
<~  250 AUTH PLAIN
 ~> AUTH PLAIN AGFsaWNlAHNlY3JldA==
<~  235 2.7.0 Authentication successful
 ~> MAIL FROM:<alice@me.example>
<~  250 2.1.0 OK
 ~> RCPT TO:<nobody@lab.example>
<~* 550 5.1.1 No such user here
 ~> QUIT
<~  221 2.0.0 Bye
=== Connection closed with remote host.`;

async function open(page: Page) {
	await page.goto('/annotate');
	await page.waitForLoadState('networkidle');
}

/** Tab until the element is focused (at most 30 presses). */
async function tabTo(page: Page, selector: string) {
	for (let i = 0; i < 30; i++) {
		if (await page.locator(selector).evaluate((el) => el === document.activeElement)) return;
		await page.keyboard.press('Tab');
	}
	throw new Error(`could not reach ${selector} with Tab`);
}

function row(page: Page, text: string) {
	return page.locator('li.row').filter({ has: page.locator('.text', { hasText: text }) });
}

test.describe('/annotate', () => {
	test('a pasted swaks transcript is annotated with codes and explanations, by keyboard', async ({
		page
	}) => {
		await open(page);
		await tabTo(page, '#transcript');
		await page.keyboard.insertText(SWAKS);
		await page.keyboard.press('Control+Enter');
		await expect(page.getByRole('status')).toHaveText(/21 lines annotated/);
		// A pasted transcript has no real times: no "+12 ms" column.
		await expect(page.locator('li.row .delta')).toHaveCount(0);

		const refused = row(page, '550 5.1.1 No such user here');
		await expect(refused.locator('.badge')).toHaveText('5xx refused');
		await expect(refused.locator('.dir')).toContainText('S');
		await expect(row(page, 'RCPT TO:<nobody@lab.example>').locator('.summary')).toHaveText(
			/recipient/i
		);
		await expect(row(page, '250-PIPELINING').locator('.summary')).toHaveText(
			/several commands at once/
		);
		await expect(row(page, '220 2.0.0 Ready to start TLS').locator('.summary')).toHaveText(
			/TLS handshake/
		);
		await expect(row(page, 'AUTH PLAIN AGFsaWNlAHNlY3JldA==').locator('.summary')).toBeVisible();

		// Into the timeline: Tab past the buttons, then arrows between rows, Enter to expand.
		await tabTo(page, 'li.row >> nth=0 >> button.row-head');
		for (let i = 0; i < 25; i++) {
			const text = await page.evaluate(() => document.activeElement?.textContent ?? '');
			if (text.includes('550 5.1.1')) break;
			await page.keyboard.press('ArrowDown');
		}
		await page.keyboard.press('Enter');
		const detail = refused.locator('.detail');
		await expect(detail).toContainText(/Reply code\s*550/);
		await expect(detail).toContainText(/Enhanced code\s*5\.1\.1/);
		await expect(detail).toContainText('Bad destination mailbox address');
		await expect(detail).toContainText(/Answers\s*RCPT TO:<nobody@lab\.example>/);

		// The AUTH line's base64 is decoded in its notes.
		await row(page, 'AUTH PLAIN AGFsaWNlAHNlY3JldA==').locator('button.row-head').focus();
		await page.keyboard.press('Enter');
		await expect(row(page, 'AUTH PLAIN AGFsaWNlAHNlY3JldA==').locator('.notes')).toContainText(
			'user "alice"'
		);

		// Its reference link resolves.
		await tabTo(page, 'li.row a[href="/reference/replies/550"]');
		await page.keyboard.press('Enter');
		await expect(page).toHaveURL(/\/reference\/replies\/550$/);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^550 /);
	});

	test('the Annotate button works too, and Clear empties the page', async ({ page }) => {
		await open(page);
		await page.getByLabel('Transcript').fill('S: 220 hi\nC: EHLO me\nS: 250 hello');
		await page.getByRole('button', { name: 'Annotate', exact: true }).click();
		await expect(page.getByRole('status')).toHaveText(/3 lines annotated/);
		await expect(row(page, '250 hello').locator('.summary')).toHaveText(
			/first line names the server/
		);
		await page.getByRole('button', { name: 'Clear' }).click();
		await expect(page.getByLabel('Transcript')).toHaveValue('');
		await expect(page.locator('li.row')).toHaveCount(0);
	});

	test('garbage lines get a note each, never an error page', async ({ page }) => {
		await open(page);
		await page
			.getByLabel('Transcript')
			.fill('-> EHLO me.example\nthis is not smtp\n%%%%\n<- not a reply\n<-  250 fine');
		await page.getByLabel('Transcript').press('Control+Enter');
		await expect(page.getByRole('status')).toHaveText(/3 could not be placed/);
		await expect(row(page, 'Unrecognised line, skipped: this is not smtp')).toBeVisible();
		await expect(row(page, 'Unrecognised line, skipped: %%%%')).toBeVisible();
		await expect(row(page, 'Server line without a reply code: not a reply')).toBeVisible();
		await expect(row(page, '250 fine').locator('.badge')).toHaveText('2xx success');
	});

	test('markup in a pasted transcript stays text', async ({ page }) => {
		await open(page);
		await page
			.getByLabel('Transcript')
			.fill('C: <img src=x onerror="window.__pwned=1">\nS: 500 <b>bold</b>');
		await page.getByLabel('Transcript').press('Control+Enter');
		await expect(row(page, '500 <b>bold</b>')).toBeVisible();
		await expect(page.locator('li.row b')).toHaveCount(0);
		expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
	});

	test('each sample button annotates its transcript', async ({ page }) => {
		await open(page);
		for (const [name, expected] of [
			['swaks: STARTTLS and AUTH', '550 5.1.1 No such user here'],
			['C:/S: pipelining (RFC 2920)', '250 recipient <kvc@innosoft.example> OK'],
			['Bare: RFC 5321 appendix D.1', '550 No such user here']
		] as const) {
			await page.getByRole('button', { name, exact: true }).click();
			await expect(page.getByRole('status')).toHaveText(/lines annotated/);
			await expect(row(page, expected)).toBeVisible();
		}
		// The bare sample: RFC 5321 D.1 — server lines recognised by their reply code.
		await expect(row(page, '550 No such user here').locator('.summary')).toHaveText(/recipient/i);
		await expect(row(page, 'RCPT TO:<Green@foo.com>').locator('.dir')).toContainText('C');
	});

	test('axe: no serious or critical violations, empty and annotated', async ({ page }) => {
		await open(page);
		for (let pass = 0; pass < 2; pass++) {
			const results = await new AxeBuilder({ page }).analyze();
			const bad = results.violations
				.filter((v) => v.impact === 'serious' || v.impact === 'critical')
				.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
			expect(bad).toEqual([]);
			await page.getByRole('button', { name: 'swaks: STARTTLS and AUTH' }).click();
			await page.locator('li.row button.row-head').nth(3).click();
		}
	});

	for (const size of [
		{ name: '1280x720', width: 1280, height: 720 },
		{ name: '390x844', width: 390, height: 844 }
	])
		test(`screenshots at ${size.name}`, { tag: '@screenshots' }, async ({ page }) => {
			await page.setViewportSize({ width: size.width, height: size.height });
			await open(page);
			await page.screenshot({ path: `test-results/screenshots/annotate-${size.name}.png` });
			await page.getByRole('button', { name: 'swaks: STARTTLS and AUTH' }).click();
			await row(page, '550 5.1.1 No such user here').locator('button.row-head').click();
			await row(page, '550 5.1.1 No such user here').scrollIntoViewIfNeeded();
			await expect(row(page, '550 5.1.1 No such user here')).toBeInViewport();
			await page.screenshot({
				path: `test-results/screenshots/annotate-${size.name}-annotated.png`
			});
			await page.screenshot({
				path: `test-results/screenshots/annotate-${size.name}-full.png`,
				fullPage: true
			});
			await expectFitsViewport(page);
		});
});
