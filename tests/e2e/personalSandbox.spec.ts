/**
 * The personal sandbox on /connect (issue 13): each browser (its owner cookie) gets its own
 * submission login and mail domain, the same on every visit, never another's; Python's smtplib,
 * using them as the page says, lands mail in that browser's /mailbox and no other's. A production
 * server of its own with VISIBILITY=private, on ports the OS picks.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { startProductionServer, type ProductionServer } from '../productionServer';
import { expect, test } from './fixtures';

const run = promisify(execFile);

let server: ProductionServer;

test.beforeAll(async () => {
	server = await startProductionServer({ VISIBILITY: 'private' });
});
test.afterAll(() => server.stop());

/** The login and domain /connect shows this page's browser. */
async function personalOf(page: Page) {
	const text = (id: string) => page.getByTestId(id).innerText();
	return {
		user: await text('personal-user'),
		password: await text('personal-password'),
		domain: await text('personal-domain')
	};
}

test('/connect shows each browser its own login and domain, the same after a reload, never cached for others', async ({
	browser
}) => {
	const one = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
	const page = await one.newPage();
	const response = await page.goto(`${server.url}/connect`);
	expect(response?.headers()['cache-control']).toBe('private, no-store');
	const mine = await personalOf(page);
	expect(mine.user).toMatch(/^[a-z]+-[a-z]+-\d+$/);
	expect(mine.domain).toBe(`${mine.user}.test`);
	await expect(page.getByTestId('visibility')).toContainText('VISIBILITY=private');
	await expect(page.getByTestId('visibility')).toContainText('alice and bob work only inside');
	// The snippets log in as this browser.
	await expect(page.getByLabel('Python smtplib', { exact: true })).toContainText(
		`smtp.login('${mine.user}', '${mine.password}')`
	);
	await page.getByRole('button', { name: 'Copy: password' }).click();
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(mine.password);

	await page.reload();
	expect(await personalOf(page)).toEqual(mine);

	const two = await browser.newContext();
	const otherPage = await two.newPage();
	await otherPage.goto(`${server.url}/connect`);
	const other = await personalOf(otherPage);
	expect(other.user).not.toBe(mine.user);
	expect(other.password).not.toBe(mine.password);
	expect(await otherPage.content()).not.toContain(mine.password);
	await one.close();
	await two.close();
});

test('mail smtplib sends with the login /connect shows lands in that browser’s /mailbox, not in another’s', async ({
	browser
}) => {
	const one = await browser.newContext();
	const page = await one.newPage();
	await page.goto(`${server.url}/connect`);
	const mine = await personalOf(page);
	const health = (await (await fetch(`${server.url}/api/health`)).json()) as {
		listeners: { name: string; port: number }[];
	};
	const submission = health.listeners.find((l) => l.name === 'submission')!.port;
	const subject = `Personal login ${Date.now()}`;
	// What the page's Python snippet does, with this browser's login and an address at its domain.
	await run('/usr/bin/python3', [
		'-c',
		`
import smtplib, ssl, sys
from email.message import EmailMessage
port, user, password, domain, subject = sys.argv[1:]
msg = EmailMessage()
msg['From'] = 'me@' + domain
msg['To'] = 'someone@' + domain
msg['Subject'] = subject
msg.set_content('It works.')
with smtplib.SMTP('127.0.0.1', int(port)) as smtp:
    smtp.starttls(context=ssl._create_unverified_context())
    smtp.login(user, password)
    smtp.send_message(msg)
`,
		String(submission),
		mine.user,
		mine.password,
		mine.domain,
		subject
	]);

	await page.goto(`${server.url}/mailbox`);
	await expect(page.getByText(subject)).toBeVisible();

	const two = await browser.newContext();
	const stranger = await two.newPage();
	await stranger.goto(`${server.url}/mailbox`);
	await expect(stranger.getByRole('heading', { name: 'Mailbox' })).toBeVisible();
	await expect(stranger.getByText(subject)).toHaveCount(0);
	await one.close();
	await two.close();
});
