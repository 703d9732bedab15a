import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { pop3TranscriptEvents } from '../../src/lib/pop3/transcriptImport';
import { sampleTranscripts } from '../../src/routes/annotate/samples';
import { expect, test } from './fixtures';

/**
 * POP3 explained in the browser (issue 18): /annotate recognises a POP3 transcript, the
 * reference has a page for every POP3 row, deep-linkable, and an annotation links to it.
 */

async function hydrated(page: Page, path: string) {
	await page.goto(path);
	await page.waitForLoadState('networkidle');
}

async function seriousViolations(page: Page): Promise<string[]> {
	const results = await new AxeBuilder({ page }).analyze();
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

function row(page: Page, text: string) {
	return page.locator('li.row').filter({ has: page.locator('.text', { hasText: text }) });
}

// RFC 1939 §7's UIDL example after a login, as pasted from a telnet session.
const PASTED = `+OK POP3 server ready
USER mrose
+OK mrose is a real hoopy frood
PASS secret
+OK mrose's maildrop has 2 messages (320 octets)
UIDL
+OK
1 whqtswO00WBw418f9t5JxYwZ
2 QhdPYR:00WBw1Ph7x7
.
QUIT
+OK dewey POP3 server signing off`;

test.describe('POP3 on /annotate', () => {
	test('a pasted POP3 transcript is recognised and explained; SMTP can be chosen instead', async ({
		page
	}) => {
		await hydrated(page, '/annotate');
		await page.locator('#transcript').fill(PASTED);
		await page.getByRole('button', { name: 'Annotate', exact: true }).click();
		await expect(page.getByRole('status')).toHaveText(/read as POP3 \(recognised\), 12 lines/);
		const listing = row(page, '1 whqtswO00WBw418f9t5JxYwZ');
		await expect(listing.locator('.dir')).toContainText('S');
		await listing.locator('button.row-head').click();
		await expect(listing.locator('.notes')).toContainText(
			'Message 1 has the unique id whqtswO00WBw418f9t5JxYwZ.'
		);
		// The explanation links to the command's reference page.
		await listing.getByRole('link', { name: 'pop3/commands/uidl' }).click();
		await expect(page).toHaveURL(/\/reference\/pop3\/commands\/uidl$/);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('UIDL — unique ids');

		await page.goBack();
		await hydrated(page, '/annotate');
		await page.locator('#transcript').fill(PASTED);
		await page.getByRole('radio', { name: 'SMTP' }).check();
		await page.getByRole('button', { name: 'Annotate', exact: true }).click();
		await expect(page.getByRole('status')).toHaveText(/read as SMTP, /);
	});

	test('the POP3 samples: download and keep shows byte-stuffing and a response code', async ({
		page
	}) => {
		await hydrated(page, '/annotate');
		await page.getByRole('button', { name: 'POP3, bare: download and keep' }).click();
		await expect(page.getByRole('status')).toHaveText(/read as POP3 \(recognised\)/);
		const stuffed = row(page, '..signature');
		await stuffed.locator('button.row-head').click();
		await expect(stuffed.locator('.notes')).toContainText('byte-stuffed');
		await expect(row(page, '-ERR [AUTH] Invalid').locator('.summary')).toContainText(
			'Login failed'
		);
		await page.getByRole('button', { name: 'POP3, C:/S: RFC 1939 §10' }).click();
		await expect(row(page, 'QUIT').locator('.summary')).toContainText('Ends the session');
		expect(await seriousViolations(page)).toEqual([]);
	});
});

test.describe('/reference/pop3', () => {
	test('the index lists every kind and links to entries', async ({ page }) => {
		await hydrated(page, '/reference');
		await page.getByRole('link', { name: 'POP3 reference' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('POP3 reference');
		for (const kind of [
			'Commands',
			'Responses',
			'Response codes',
			'CAPA capabilities',
			'Session states'
		])
			await expect(page.getByRole('heading', { level: 2, name: kind })).toBeVisible();
		await page.getByRole('link', { name: /^IN-USE/ }).click();
		await expect(page).toHaveURL(/\/reference\/pop3\/codes\/in-use$/);
		expect(await seriousViolations(page)).toEqual([]);
	});

	for (const [path, title] of [
		['/reference/pop3/commands/retr', 'RETR — download a message'],
		['/reference/pop3/responses/terminator', 'End of the multi-line response'],
		['/reference/pop3/codes/sys-temp', '[SYS/TEMP] — a temporary server problem'],
		['/reference/pop3/capabilities/stls', 'STLS — TLS can be started'],
		['/reference/pop3/states/transaction', 'TRANSACTION']
	])
		test(`deep link ${path} loads with its title, RFC links and a way back`, async ({ page }) => {
			await hydrated(page, path);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
			await expect(
				page.locator('a[href^="https://www.rfc-editor.org/rfc/rfc"]').first()
			).toBeVisible();
			await page.getByRole('link', { name: '← Back to reference' }).first().click();
			await expect(page).toHaveURL(/\/reference\/pop3#/);
		});

	test('a state page links to the commands valid in it and the states it leads to', async ({
		page
	}) => {
		await hydrated(page, '/reference/pop3/states/transaction');
		await page.getByRole('link', { name: 'UPDATE' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('UPDATE');
		expect(await seriousViolations(page)).toEqual([]);
	});

	test('an unknown POP3 entry is a 404, a known one is not', async ({ request }) => {
		expect((await request.get('/reference/pop3/commands/quit')).status()).toBe(200);
		expect((await request.get('/reference/pop3/commands/helo')).status()).toBe(404);
	});

	test('every ref the POP3 samples link to resolves (no 404)', async ({ request }) => {
		const refs = new Set<string>();
		for (const sample of sampleTranscripts.filter((s) => s.protocol === 'pop3'))
			for (const event of pop3TranscriptEvents(sample.text))
				if (event.annotation.ref) refs.add(event.annotation.ref);
		expect(refs.size).toBeGreaterThan(15);
		for (const ref of refs)
			expect((await request.get(`/reference/${ref}`)).status(), ref).toBe(200);
	});
});
