/**
 * /connect renders the listener table (src/lib/listeners.ts) with the ports the server reports,
 * is in the navigation, and warns when it is opened from another machine while the SMTP
 * listeners are bound to loopback (issue 10, issue 12 §1).
 */
import { chromium } from '@playwright/test';
import { LISTENER_TABLE } from '../../src/lib/listeners';
import { ACCOUNTS, SANDBOX_DOMAINS, TEACHING_MAILBOXES } from '../../src/lib/sandboxPolicy';
import { expect, test } from './fixtures';

test('/connect lists every listener of the table with the port the server reports', async ({
	page,
	smtpPorts
}) => {
	await page.goto('/connect');
	const rows = page.getByRole('table', { name: 'The listeners' }).locator('tbody tr');
	await expect(rows).toHaveCount(LISTENER_TABLE.length);
	for (const [i, row] of LISTENER_TABLE.entries()) {
		const cells = rows.nth(i).locator('td');
		await expect(cells.nth(0)).toHaveText(`127.0.0.1:${smtpPorts[row.name]}`);
		await expect(cells.nth(1)).toContainText(row.title);
		await expect(cells.nth(2)).toHaveText(row.role);
	}
	// Opened on this machine: the listeners are reachable, no warning.
	await expect(page.getByTestId('local-only')).toHaveCount(0);
});

test('/connect renders the accounts, domains and teaching mailboxes of the policy table', async ({
	page
}) => {
	await page.goto('/connect');
	const accounts = page.getByRole('listitem').filter({ hasText: 'Accounts for AUTH' });
	for (const account of ACCOUNTS)
		await expect(accounts).toContainText(`${account.user} / ${account.password}`);
	const domains = page.getByRole('listitem').filter({ hasText: 'Sandbox domains' });
	await expect(domains).toContainText(`${SANDBOX_DOMAINS.join(', ')}, and anything under`);
	const rows = page.locator('table.mailboxes tbody tr');
	// One row per teaching mailbox, then the GTUBE rule.
	await expect(rows).toHaveCount(TEACHING_MAILBOXES.length + 1);
	for (const [i, mailbox] of TEACHING_MAILBOXES.entries()) {
		await expect(rows.nth(i).locator('td').first()).toHaveText(
			`${mailbox.localPart}@${SANDBOX_DOMAINS[0]}`
		);
		await expect(rows.nth(i).locator('td').nth(1)).toContainText(
			mailbox.reply
				? `${mailbox.reply.code} ${mailbox.reply.enhanced} — ${mailbox.happens}`
				: mailbox.happens
		);
	}
});

test('the lab renders the same policy: its hint and the AUTH helper', async ({ page }) => {
	await page.goto('/lab');
	// The hint comes with the lab's lower parts, when they scroll into view (first-load budget).
	await page.getByRole('heading', { name: 'Session state' }).scrollIntoViewIfNeeded();
	const hint = page.locator('p.try');
	for (const account of ACCOUNTS)
		await expect(hint).toContainText(`${account.user}/${account.password}`);
	// A .test name the sandbox DNS does not know is refused (README, The sandbox).
	await expect(hint).toContainText(
		`addresses at ${SANDBOX_DOMAINS.join(', ')}, or your personal domain`
	);
	for (const mailbox of TEACHING_MAILBOXES)
		await expect(hint).toContainText(
			`${mailbox.localPart}@${mailbox.reply ? ` (${mailbox.reply.code})` : ''}`
		);
	await page.locator('input[name=listener][value=submission]').check({ force: true });
	const helper = page.locator('section.auth');
	await expect(helper.getByLabel('User')).toHaveValue(ACCOUNTS[0].user);
	await expect(helper.getByLabel('Password')).toHaveValue(ACCOUNTS[0].password);
});

test('/connect is in the navigation', async ({ page }) => {
	await page.goto('/');
	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Connect' })
		.click();
	await expect(page).toHaveURL(/\/connect$/);
	await expect(
		page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connect' })
	).toHaveAttribute('aria-current', 'page');
});

test('opened under another host name, /connect says the listeners are local only and how to open them', async ({
	baseURL
}) => {
	// The browser resolves lab.example.test to this machine: to the page it is another host.
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--no-sandbox', '--host-resolver-rules=MAP lab.example.test 127.0.0.1']
	});
	try {
		const page = await browser.newPage();
		const url = new URL('/connect', baseURL);
		url.hostname = 'lab.example.test';
		await page.goto(url.href);
		const warning = page.getByTestId('local-only');
		await expect(warning).toContainText('bound to 127.0.0.1');
		await expect(warning).toContainText('SMTP_HOST=0.0.0.0');
	} finally {
		await browser.close();
	}
});
