import net from 'node:net';
import type { Page } from '@playwright/test';
import nodemailer from 'nodemailer';
import { send, serverRows } from './labTerminal';
import { expect, test } from './fixtures';

/**
 * POP3 where learners meet it (issue 18): the lab's listener picker and protocol-aware terminal
 * on a real POP3 session, /live and a session's page, /connect's incoming-server settings. The
 * POP3 example's run is in examples.spec.ts.
 */

const rows = (page: Page) => page.locator('section.timeline li.row');

/** Delivers a message to bob@example.com on the mx listener; resolves with its id (its UIDL). */
async function deliverToBob(port: number, subject: string): Promise<string> {
	const transport = nodemailer.createTransport({
		host: '127.0.0.1',
		port,
		secure: false,
		ignoreTLS: true,
		name: 'e2e-pop3.test'
	});
	const info = await transport.sendMail({
		from: 'alice@example.com',
		to: 'bob@example.com',
		subject,
		text: 'Hello Bob.\n.\nThe line above holds a single dot.\n'
	});
	transport.close();
	return /Queued as ([^\s:]+)/.exec(info.response)![1];
}

test('the lab on POP3: the reading listeners, STLS before the log-in, RETR explained, TRANSACTION', async ({
	page,
	smtpPorts
}) => {
	const subject = `POP3 in the lab ${Date.now()}`;
	const id = await deliverToBob(smtpPorts.mx, subject);
	await page.goto('/lab');
	await expect(page.locator('.xterm-helper-textarea')).toBeAttached();

	// The picker groups the listeners: sending (SMTP) and reading (POP3, and IMAP since issue 19).
	const reading = page.getByRole('group', { name: 'Reading (POP3, IMAP)' });
	await expect(reading.getByRole('radio')).toHaveCount(4);
	await expect(reading).toContainText('POP3 (port 110)');
	await expect(reading).toContainText('POP3S (port 995)');
	await expect(page.getByRole('group', { name: 'Sending (SMTP)' }).getByRole('radio')).toHaveCount(
		3
	);
	await reading.getByRole('radio', { name: /POP3 \(port 110\)/ }).check();
	await page.getByRole('button', { name: 'Connect', exact: true }).click();
	await expect(serverRows(page).first()).toHaveText(/^\+OK /);
	await expect(page.locator('.xterm-helper-textarea')).toBeFocused();
	await expect(page.getByTestId('current-state')).toHaveText('AUTHORIZATION');
	await expect(page.locator('.xterm-rows')).toContainText('pop3>');

	// Before TLS: STLS offered, no USER and no SASL (RFC 2595 §2.3).
	await send(page, 'CAPA', /^\.$/);
	const beforeTls = await serverRows(page).allInnerTexts();
	expect(beforeTls).toContain('STLS');
	expect(beforeTls.filter((t) => /^(USER|SASL)\b/.test(t))).toEqual([]);
	await send(page, 'STLS', /^\+OK/);
	await expect(page.locator('p.status')).toContainText('· TLS');

	// The log-in helper speaks POP3: it fills USER and PASS.
	const helper = page.getByRole('region', { name: 'Log-in helper (AUTH PLAIN, or USER and PASS)' });
	await expect(helper).toContainText('STLS');
	await helper.getByLabel('User').fill('bob');
	await helper.getByLabel('Password').fill('builder');
	await helper.getByRole('button', { name: 'Put USER' }).click();
	await page.keyboard.press('Enter');
	await expect(serverRows(page).last()).toHaveText(/^\+OK/);
	await helper.getByRole('button', { name: 'Put PASS' }).click();
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('current-state')).toHaveText('TRANSACTION');
	await expect(page.locator('g.state.current')).toContainText('TRANSACTION');

	// Tab completes from the POP3 command table: in TRANSACTION only STAT begins with ST.
	await page.keyboard.type('ST');
	await page.keyboard.press('Tab');
	await page.keyboard.press('Enter');
	await expect(rows(page).filter({ hasText: /^C\s*\(client\).*STAT/ })).toHaveCount(1);
	await expect(serverRows(page).last()).toHaveText(/^\+OK \d+ \d+/);

	await send(page, 'UIDL', /^\.$/);
	const listing = (await serverRows(page).allInnerTexts()).find((t) => t.endsWith(` ${id}`));
	expect(listing, `the UIDL listing names ${id}`).toBeDefined();
	const number = listing!.split(' ')[0];
	await send(page, `RETR ${number}`, /^\.$/);
	// The message is one line of the timeline, explained; the lone dot went over the wire stuffed.
	const content = rows(page).filter({ hasText: `Subject: ${subject}` });
	await expect(content.locator('.summary')).toContainText('byte-stuffing');
	await expect(content.locator('.text')).toContainText('\n..\n');
	await expect(rows(page).last().locator('.summary')).toContainText('ends a multi-line response');
	// No SMTP panel on a POP3 session.
	await expect(page.getByRole('heading', { name: 'Envelope' })).toHaveCount(0);
	await send(page, 'QUIT', /^\+OK/);
	await expect(
		page.getByText(/Session ended: you said QUIT and the server said goodbye \(\+OK/).first()
	).toBeVisible(); // The reply to PASS, opened: its state change named as RFC 1939 §3 writes the states.
	const loggedIn = page
		.locator('section.timeline li.row.server')
		.filter({ hasText: /^S.*\+OK bob's maildrop/ });
	await loggedIn.locator('.row-head').click();
	await expect(loggedIn.locator('.state-before')).toHaveText('AUTHORIZATION');
	await expect(loggedIn.locator('.state-after')).toHaveText('TRANSACTION');
});

test('/live lists a POP3 session with its protocol, and its page draws the POP3 states', async ({
	page,
	smtpPorts
}) => {
	await page.goto('/live');
	await expect(page.getByRole('status')).toHaveText(/Watching live/);
	// A mail program's POP3 session: the greeting, NOOP, QUIT in AUTHORIZATION.
	await new Promise<void>((resolve, reject) => {
		const socket = net.connect(smtpPorts.pop3, '127.0.0.1');
		socket.once('data', () => socket.write('NOOP\r\nQUIT\r\n'));
		socket.on('close', () => resolve());
		socket.on('error', reject);
	});
	const row = page.getByRole('row').filter({ hasText: 'POP3, port 110' }).first();
	await expect(row).toContainText('pop3');
	await row.getByRole('link').click();
	await expect(page.getByRole('heading', { name: 'Session on the pop3 listener' })).toBeVisible();
	await expect(page.getByTestId('protocol')).toHaveText(/^POP3/);
	await expect(page.getByRole('heading', { name: 'Session state' })).toBeVisible();
	await expect(page.locator('g.state', { hasText: 'TRANSACTION' })).toBeVisible();
	await expect(page.getByTestId('current-state')).toHaveText('Closed');
});

test('/connect gives the incoming server settings for POP3, with the ports the server reports', async ({
	page,
	smtpPorts
}) => {
	await page.goto('/connect');
	const settings = page.getByRole('table', { name: 'Incoming server settings (POP3)' });
	await expect(settings).toContainText(`${smtpPorts.pop3}`);
	await expect(settings).toContainText(`${smtpPorts.pop3s}`);
	await expect(settings).toContainText('STLS');
	const user = await page.getByTestId('personal-user').innerText();
	await expect(settings.getByRole('row', { name: /User Name/ })).toContainText(user);
	await expect(page.getByRole('heading', { name: /Leave messages on server/ })).toBeVisible();
	await expect(page.getByRole('table', { name: 'Which mailbox each login reads' })).toContainText(
		'bob@example.com'
	);
});
