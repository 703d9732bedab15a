import { readFile } from 'node:fs/promises';
import { send, serverRows } from './labTerminal';
import { expect, test } from './fixtures';

/**
 * Issue 12 §4: the lab's "Download .txt" and /api/sessions/:id/transcript.txt are one format, so
 * the same session gives the same bytes — message content included (its last line ending is not
 * one more line).
 */

test('the lab export and transcript.txt of one session are byte-identical', async ({
	page,
	request
}) => {
	await page.goto('/lab');
	await expect(page.locator('.xterm-helper-textarea')).toBeAttached();
	await page.getByRole('button', { name: 'Connect' }).click();
	await expect(serverRows(page).first()).toHaveText(/^220 /);
	await page.locator('.xterm-helper-textarea').focus();
	await send(page, 'EHLO export.example.org', /^250 /);
	await send(page, 'MAIL FROM:<alice@example.org>', /^250 /);
	await send(page, 'RCPT TO:<bob@example.com>', /^250 /);
	await send(page, 'DATA', /^354 /);
	await send(page, 'Subject: export');
	await send(page, '');
	await send(page, '.a stuffed line');
	await send(page, 'last line');
	await send(page, '.', /^250 /);
	await send(page, 'QUIT', /^221 /);
	await expect(page.getByRole('status')).toHaveText('Session ended');

	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Download .txt' }).click()
	]);
	const exported = await readFile((await download.path())!, 'utf8');
	const id = /^smtp-lab-(.+)\.txt$/.exec(download.suggestedFilename())![1];
	const served = await (await request.get(`/api/sessions/${id}/transcript.txt`)).text();

	expect(exported).toContain('C: ..a stuffed line\nC: last line\nC: .\n');
	expect(exported).toBe(served);
});
