/**
 * Pictures of the owner pages (issue 13) at the three sizes the team reviews, in the shared
 * server (VISIBILITY=open, known OPERATOR_TOKEN): /connect with the personal sandbox, a session's
 * page with its share panel open, the mailbox's delete dialog, and /operator signed in. Each
 * picture is taken once the page shows what it is about, and each page must fit the viewport.
 */
import { send } from './labTerminal';
import { expect, expectFitsViewport, operatorToken, test } from './fixtures';

const SIZES = [
	{ name: '1280x720', width: 1280, height: 720 },
	{ name: '1920x1080', width: 1920, height: 1080 },
	{ name: '390x844', width: 390, height: 844 }
];

for (const size of SIZES) {
	test(`owner pages at ${size.name}`, { tag: '@screenshots' }, async ({ page }) => {
		const shot = (name: string) =>
			page.screenshot({ path: `test-results/screenshots/${name}-${size.name}.png` });
		await page.setViewportSize({ width: size.width, height: size.height });

		await page.goto('/connect');
		await expect(page.getByText(/\.test$/).first()).toBeVisible();
		await shot('connect-personal');
		await expectFitsViewport(page);

		await page.goto('/lab');
		await expect(page.locator('.xterm-helper-textarea')).toBeAttached();
		await page.getByRole('button', { name: 'Connect', exact: true }).click();
		await send(page, 'EHLO class.example', /^250 /);
		await send(page, 'QUIT', /^221 /);
		await page.getByRole('link', { name: 'Permalink' }).click();
		await page.getByRole('button', { name: 'Share…' }).click();
		const panel = page.getByRole('region', { name: 'Share this session read-only' });
		await panel.getByRole('button', { name: 'Make a new link' }).click();
		await expect(panel.getByRole('textbox', { name: 'Link 1' })).toBeVisible();
		await shot('session-share');
		await expectFitsViewport(page);

		await page.goto('/mailbox');
		await expect(page.getByRole('status')).toHaveText(/Watching live/);
		await shot('mailbox-visitor');
		await expectFitsViewport(page);

		await page.goto(`/operator#token=${operatorToken()}`);
		await expect(page.getByRole('button', { name: /Sign out/ })).toBeVisible();
		await shot('operator');
		await expectFitsViewport(page);
		await page.getByRole('button', { name: /Sign out/ }).click();
	});
}
