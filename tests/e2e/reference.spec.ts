import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { protocolTranscriptEvents, transcriptProtocol } from '../../src/lib/transcriptProtocols';
import { sampleTranscripts } from '../../src/routes/annotate/samples';
import { expect, expectFitsViewport, test } from './fixtures';

/** The reference pages (issue 3 §7) against the production server. */

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

test.describe('/reference', () => {
	test('the search box filters live and says how many match', async ({ page }) => {
		await hydrated(page, '/reference');
		const search = page.getByRole('searchbox', { name: 'Search the reference' });
		const count = page.getByRole('status');
		await expect(count).toHaveText(/^\d+ entries$/);
		const total = Number((await count.textContent())!.match(/\d+/)![0]);
		expect(total).toBeGreaterThan(200);

		await search.fill('5.1.1');
		await expect(count).toHaveText(new RegExp(`^\\d+ of ${total} entries match “5.1.1”$`));
		await expect(
			page.getByRole('link', { name: /^X\.1\.1 Bad destination mailbox address/ })
		).toBeVisible();
		await expect(page.getByRole('link', { name: /^RCPT/ })).toHaveCount(0);

		await search.fill('unsubscribe');
		await expect(page.getByRole('link', { name: /^List-Unsubscribe\b/ }).first()).toBeVisible();
		await expect(page.locator('#replies')).toHaveCount(0);

		await search.fill('zzzz no such thing');
		await expect(count).toHaveText(/^0 of \d+ entries match/);
		await expect(page.getByText(/Nothing matches/)).toBeVisible();

		await search.fill('');
		await expect(count).toHaveText(`${total} entries`);
	});

	test('a beginner’s word finds the glossary: typing IMAP shows the entry, which opens', async ({
		page
	}) => {
		await hydrated(page, '/reference');
		await page.getByRole('searchbox', { name: 'Search the reference' }).fill('IMAP');
		await expect(page.getByRole('status')).toHaveText(/entries match “IMAP”$/);
		const entry = page.getByRole('link', { name: /^IMAP\s*reading mail that stays on the server/ });
		await expect(entry).toBeVisible();
		await expect(entry).toHaveAttribute('href', '/reference/glossary/imap');
		await entry.click();
		await expect(page).toHaveURL(/\/reference\/glossary\/imap$/);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^IMAP — reading mail/);
		await expect(page.getByRole('link', { name: 'RFC 9051 §2.1' })).toHaveAttribute(
			'href',
			'https://www.rfc-editor.org/rfc/rfc9051#section-2.1'
		);
		await expect(page.locator('a[href="/reference/glossary/pop3"]').first()).toBeVisible();
	});

	test('a search can be shared as ?q=', async ({ page }) => {
		await hydrated(page, '/reference?q=pipelining');
		await expect(page.getByRole('searchbox', { name: 'Search the reference' })).toHaveValue(
			'pipelining'
		);
		await expect(page.getByRole('status')).toHaveText(/entries match “pipelining”/);
	});

	const deepLinks: [string, RegExp, string][] = [
		// [path, heading, a related link that must be there]
		['/reference/replies/550', /^550 Requested action not taken/, '/reference/enhanced/5.1.1'],
		[
			'/reference/enhanced/5.1.1',
			/^5\.1\.1 Bad destination mailbox address/,
			'/reference/replies/550'
		],
		['/reference/extensions/pipelining', /^PIPELINING/, ''],
		['/reference/headers/list-unsubscribe', /^List-Unsubscribe$/, ''],
		['/reference/commands/rcpt', /^RCPT TO/, '/reference/replies/550']
	];
	for (const [path, heading, related] of deepLinks)
		test(`deep link ${path} loads with its title, RFC links and a way back`, async ({ page }) => {
			const response = await page.goto(path);
			expect(response?.status()).toBe(200);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
			const rfc = page.getByRole('link', { name: /^RFC \d+/ }).first();
			await expect(rfc).toHaveAttribute('href', /^https:\/\/www\.rfc-editor\.org\/rfc\/rfc\d+/);
			await expect(page.getByRole('link', { name: '← Back to reference' }).first()).toHaveAttribute(
				'href',
				/^\/reference#/
			);
			if (related) await expect(page.locator(`a[href="${related}"]`).first()).toBeVisible();
		});

	test('related entries link to each other, and back leads to the index', async ({ page }) => {
		await hydrated(page, '/reference/replies/550');
		await page.locator('a[href="/reference/enhanced/5.1.1"]').first().click();
		await expect(page).toHaveURL(/\/reference\/enhanced\/5\.1\.1$/);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^5\.1\.1 /);
		await page.getByRole('link', { name: '← Back to reference' }).first().click();
		await expect(page).toHaveURL(/\/reference#enhanced$/);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('SMTP reference');
	});

	test('an unknown entry is a 404 page with a way back', async ({ page }) => {
		for (const path of [
			'/reference/replies/999',
			'/reference/nope/thing',
			'/reference/enhanced/3.1.1'
		]) {
			const response = await page.goto(path);
			expect(response?.status(), path).toBe(404);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('No such reference entry');
			await expect(page.getByRole('link', { name: '← Back to reference' })).toBeVisible();
		}
	});

	test('every ref an annotated transcript links to resolves (no 404)', async ({ request }) => {
		const refs = new Set<string>();
		for (const sample of sampleTranscripts)
			for (const event of protocolTranscriptEvents(sample.text, transcriptProtocol(sample.text)))
				if (event.annotation.ref) refs.add(event.annotation.ref);
		expect(refs.size).toBeGreaterThan(25);
		for (const ref of refs) {
			const response = await request.get(`/reference/${ref}`);
			expect(response.status(), ref).toBe(200);
		}
	});

	test('axe: no serious or critical violations on the index and an entry', async ({ page }) => {
		await hydrated(page, '/reference');
		expect(await seriousViolations(page)).toEqual([]);
		await hydrated(page, '/reference/replies/550');
		expect(await seriousViolations(page)).toEqual([]);
	});

	for (const size of [
		{ name: '1280x720', width: 1280, height: 720 },
		{ name: '390x844', width: 390, height: 844 }
	])
		test(`screenshots at ${size.name}`, { tag: '@screenshots' }, async ({ page }) => {
			await page.setViewportSize({ width: size.width, height: size.height });
			await hydrated(page, '/reference');
			await page.screenshot({ path: `test-results/screenshots/reference-${size.name}.png` });
			await expectFitsViewport(page);
			await page.getByRole('searchbox', { name: 'Search the reference' }).fill('550');
			await page.screenshot({ path: `test-results/screenshots/reference-${size.name}-search.png` });
			await hydrated(page, '/reference/replies/550');
			await page.screenshot({
				path: `test-results/screenshots/reference-${size.name}-550.png`,
				fullPage: true
			});
			await expect(page.getByRole('heading', { level: 1 })).toContainText('550');
			await expectFitsViewport(page);
		});
});
