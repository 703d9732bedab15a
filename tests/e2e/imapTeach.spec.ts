import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { imapTranscriptEvents } from '../../src/lib/imap/transcriptImport';
import { sampleTranscripts } from '../../src/routes/annotate/samples';
import { expect, test } from './fixtures';

/**
 * IMAP explained in the browser (issue 19): /annotate recognises an IMAP transcript, the
 * reference has a page for every IMAP row, deep-linkable, and an annotation links to it.
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

// RFC 2177 §3's IDLE example after a greeting, as pasted from a telnet session.
const PASTED = `* OK IMAP4rev1 ready
A001 SELECT INBOX
* FLAGS (Deleted Seen)
* 3 EXISTS
* 0 RECENT
* OK [UIDVALIDITY 1]
A001 OK SELECT completed
A002 IDLE
+ idling
* 4 EXISTS
DONE
A002 OK IDLE terminated`;

test.describe('IMAP on /annotate', () => {
	test('a pasted IMAP transcript is recognised and explained, linked to the reference', async ({
		page
	}) => {
		await hydrated(page, '/annotate');
		await page.locator('#transcript').fill(PASTED);
		await page.getByRole('button', { name: 'Annotate', exact: true }).click();
		await expect(page.getByRole('status')).toHaveText(/read as IMAP \(recognised\), 12 lines/);
		const news = row(page, '* 4 EXISTS');
		await expect(news.locator('.dir')).toContainText('S');
		await news.locator('button.row-head').click();
		await expect(news.locator('.notes')).toContainText('Up from 3: 1 new message(s) arrived.');
		await news.getByRole('link', { name: 'imap/data/exists' }).click();
		await expect(page).toHaveURL(/\/reference\/imap\/data\/exists$/);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('EXISTS — how many messages');
	});

	test('the IMAP sample, RFC 3501 §8: the literal {342} announced on its FETCH line', async ({
		page
	}) => {
		await hydrated(page, '/annotate');
		await page.getByRole('button', { name: 'IMAP, C:/S: RFC 3501 §8' }).click();
		await expect(page.getByRole('status')).toHaveText(/read as IMAP \(recognised\)/);
		const literal = row(page, '* 12 FETCH (BODY[HEADER] {342}');
		await literal.locator('button.row-head').click();
		await expect(literal.locator('.notes')).toContainText(
			'BODY[HEADER] follows as a literal of 342 octets'
		);
		expect(await seriousViolations(page)).toEqual([]);
	});
});

test.describe('/reference/imap', () => {
	test('the index lists every kind and links to entries', async ({ page }) => {
		await hydrated(page, '/reference');
		await page.getByRole('link', { name: 'IMAP reference' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('IMAP reference');
		for (const kind of [
			'Commands',
			'Status responses',
			'Response codes',
			'Untagged data',
			'FETCH items',
			'System flags',
			'Capabilities',
			'Session states',
			'Where IMAP4rev2 differs'
		])
			await expect(page.getByRole('heading', { level: 2, name: kind })).toBeVisible();
		await page.getByRole('link', { name: /^UIDVALIDITY/ }).click();
		await expect(page).toHaveURL(/\/reference\/imap\/codes\/uidvalidity$/);
		expect(await seriousViolations(page)).toEqual([]);
	});

	test('a command page links to the states it is valid in', async ({ page }) => {
		await hydrated(page, '/reference/imap/commands/fetch');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('FETCH — read message data');
		await expect(
			page.locator('a[href^="https://www.rfc-editor.org/rfc/rfc3501"]').first()
		).toBeVisible();
		await page.getByRole('link', { name: 'Selected' }).first().click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Selected');
		expect(await seriousViolations(page)).toEqual([]);
	});

	test('an unknown IMAP entry is a 404, a known one is not', async ({ request }) => {
		expect((await request.get('/reference/imap/commands/idle')).status()).toBe(200);
		expect((await request.get('/reference/imap/commands/retr')).status()).toBe(404);
	});

	test('every ref the IMAP sample links to resolves (no 404)', async ({ request }) => {
		const refs = new Set<string>();
		for (const sample of sampleTranscripts.filter((s) => s.protocol === 'imap'))
			for (const event of imapTranscriptEvents(sample.text))
				if (event.annotation.ref) refs.add(event.annotation.ref);
		expect(refs.size).toBeGreaterThan(12);
		for (const ref of refs)
			expect((await request.get(`/reference/${ref}`)).status(), ref).toBe(200);
	});
});
