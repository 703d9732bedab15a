import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { startProductionServer, type ProductionServer } from '../productionServer';
import { expect, test } from './fixtures';
import { send, serverRows } from './labTerminal';

/**
 * Share links (issue 13) in VISIBILITY=private, two browsers = two owners: the owner shares a
 * session they typed in the lab; the other browser opens the link and reads the transcript and
 * its message read-only; once the owner revokes the link, the other browser gets 404 again.
 * A production server of its own, with a fresh DATA_DIR.
 */

let server: ProductionServer;

test.beforeAll(async () => {
	server = await startProductionServer({ VISIBILITY: 'private' });
});

test.afterAll(() => server.stop());

async function newOwner(browser: Browser): Promise<Page> {
	const context = await browser.newContext({ baseURL: server.url });
	await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
	return context.newPage();
}

/** axe's serious and critical findings on the page as it stands. */
async function seriousViolations(page: Page): Promise<string[]> {
	const results = await new AxeBuilder({ page }).analyze();
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A lab session with one message to bob@example.com; returns the session's id. */
async function labSessionWithMail(page: Page): Promise<string> {
	await page.goto('/lab');
	await expect(page.locator('.xterm-helper-textarea')).toBeAttached();
	await page.getByRole('button', { name: 'Connect', exact: true }).click();
	// The greeting first, as the other lab specs wait for it: a line typed before the session is
	// open was lost now and then (fresh-clone CI: no 250 to this EHLO within 5 s).
	await expect(serverRows(page).first()).toHaveText(/^220 /);
	await expect(page.locator('.xterm-helper-textarea')).toBeFocused();
	await send(page, 'EHLO owner.example.org', /^250 /);
	await send(page, 'MAIL FROM:<alice@example.com>', /^250 /);
	await send(page, 'RCPT TO:<bob@example.com>', /^250 /);
	await send(page, 'DATA', /^354 /);
	await send(page, 'Subject: Shared with the class');
	await send(page, '');
	await send(page, 'Read me through the link.');
	await send(page, '.', /^250 /);
	const permalink = page.getByRole('link', { name: 'Permalink' });
	return (await permalink.getAttribute('href'))!.replace('/sessions/', '');
}

test('the owner shares a session; another browser reads it read-only until the owner revokes the link', async ({
	browser
}) => {
	const owner = await newOwner(browser);
	const stranger = await newOwner(browser);
	const sessionId = await labSessionWithMail(owner);

	// Private: the other browser cannot read it, by id or through the API.
	const before = await stranger.goto(`/sessions/${sessionId}`);
	expect(before?.status()).toBe(404);
	expect((await stranger.request.get(`/api/sessions/${sessionId}`)).status()).toBe(404);

	// The owner shares it from the session's page, with the keyboard.
	await owner.goto(`/sessions/${sessionId}`);
	const share = owner.getByRole('button', { name: 'Share…' });
	await expect(share).toBeEnabled();
	await share.focus();
	await owner.keyboard.press('Enter');
	await expect(share).toHaveAttribute('aria-expanded', 'true');
	const panel = owner.getByRole('region', { name: 'Share this session read-only' });
	await expect(panel).toContainText('No links yet.');
	await panel.getByRole('button', { name: 'Make a new link' }).click();
	const copy = panel.getByRole('button', { name: 'Copy link 1' });
	await expect(copy).toBeFocused();
	const link = await panel.getByRole('textbox', { name: 'Link 1' }).inputValue();
	expect(link).toMatch(new RegExp(`^${server.url}/share/[A-Za-z0-9_-]{22}$`));
	await owner.keyboard.press('Enter');
	await expect(copy).toHaveText('Copied');
	expect(await owner.evaluate(() => navigator.clipboard.readText())).toBe(link);
	expect(await seriousViolations(owner)).toEqual([]);

	// The other browser opens the link: the transcript, read-only, and the message it sent.
	await stranger.goto(link);
	await expect(stranger).toHaveURL(`${server.url}/sessions/${sessionId}`);
	await expect(stranger.getByRole('note')).toContainText('Shared with you, read-only.');
	const transcript = stranger.getByRole('region', { name: `Transcript of session ${sessionId}` });
	await expect(transcript).toContainText('EHLO owner.example.org');
	await expect(transcript).toContainText('Read me through the link.');
	await expect(stranger.getByRole('button', { name: 'Share…' })).toHaveCount(0);
	expect(await seriousViolations(stranger)).toEqual([]);
	await stranger.getByRole('link', { name: /^Message / }).click();
	await expect(stranger.getByRole('heading', { level: 1 })).toHaveText('Shared with the class');
	await expect(stranger.getByRole('note').first()).toContainText('Shared with you, read-only.');
	expect(await seriousViolations(stranger)).toEqual([]);
	await expect(stranger.getByRole('button', { name: 'Share…' })).toHaveCount(0);
	// A student who never visited the site before opens the same link: the owner cookie it is
	// given comes with the redirect.
	const newcomer = await newOwner(browser);
	await newcomer.goto(link);
	await expect(newcomer).toHaveURL(`${server.url}/sessions/${sessionId}`);
	await expect(
		newcomer.getByRole('region', { name: `Transcript of session ${sessionId}` })
	).toContainText('EHLO owner.example.org');
	// The owner's own page has no such note.
	await owner.reload();
	await expect(owner.getByText('Shared with you, read-only.')).toHaveCount(0);

	// The owner revokes the link from the list it reopens with.
	await owner.getByRole('button', { name: 'Share…' }).click();
	await owner.getByRole('button', { name: 'Revoke link 1' }).click();
	await expect(owner.getByRole('region', { name: 'Share this session read-only' })).toContainText(
		'No links yet.'
	);
	await expect(owner.getByRole('button', { name: 'Make a new link' })).toBeFocused();

	expect((await stranger.goto(`/sessions/${sessionId}`))?.status()).toBe(404);
	const reopened = await stranger.goto(link);
	expect(reopened?.status()).toBe(404);
	await expect(stranger.getByRole('heading', { level: 1 })).toHaveText(
		'This share link was revoked or never existed.'
	);
});
