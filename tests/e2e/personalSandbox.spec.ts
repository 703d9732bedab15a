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
const OPERATOR_TOKEN = 'personal-sandbox-spec-operator-token';

test.beforeAll(async () => {
	server = await startProductionServer({ VISIBILITY: 'private', OPERATOR_TOKEN });
});

/** Owners the lab knows (the operator's overview): each has rows in the database. */
async function ownerCount(): Promise<number> {
	const response = await fetch(`${server.url}/api/operator`, {
		headers: { authorization: `Bearer ${OPERATOR_TOKEN}` }
	});
	return ((await response.json()) as { overview: { owners: number } }).overview.owners;
}
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

test('a script that never keeps cookies gets no login on /connect and no share grant, and leaves no owner behind', async ({
	browser
}) => {
	const before = await ownerCount();
	for (let i = 0; i < 3; i++) {
		const page = await fetch(`${server.url}/connect`);
		expect(page.status).toBe(200);
		expect(page.headers.get('set-cookie')).toMatch(/^smtp_lab_owner=/);
		const html = await page.text();
		expect(html).not.toContain('data-testid="personal-user"');
		// A share link (well-formed; whether it exists is not looked at yet) comes back once for the
		// cookie, then says it needs one.
		const link = `${server.url}/share/${'A'.repeat(22)}`;
		const first = await fetch(link, { redirect: 'manual' });
		expect(first.status).toBe(303);
		expect(first.headers.get('location')).toBe(`/share/${'A'.repeat(22)}?cookie-check`);
		const second = await fetch(new URL(first.headers.get('location')!, server.url), {
			redirect: 'manual'
		});
		expect(second.status).toBe(400);
		expect(await second.text()).toContain('A share link needs this site’s cookie');
	}
	expect(await ownerCount()).toBe(before);

	// A browser that keeps its cookie gets its login on its first visit, and becomes one owner.
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(`${server.url}/connect`);
	expect((await personalOf(page)).user).toMatch(/^[a-z]+-[a-z]+-\d+$/);
	expect(await ownerCount()).toBe(before + 1);
	await context.close();
});
