import net from 'node:net';
import type { Page } from '@playwright/test';
import nodemailer from 'nodemailer';
import { send, serverRows } from './labTerminal';
import { expect, test } from './fixtures';

/**
 * IMAP where learners meet it (issue 19): the lab's reading listeners and its protocol-aware
 * terminal on a real IMAP session, /live and a session's page, /connect's IMAP settings. The
 * IMAP example's run is in examples.spec.ts.
 */

const rows = (page: Page) => page.locator('section.timeline li.row');

/** Delivers a message to bob@example.com on the mx listener. */
async function deliverToBob(port: number, subject: string): Promise<void> {
	const transport = nodemailer.createTransport({
		host: '127.0.0.1',
		port,
		secure: false,
		ignoreTLS: true,
		name: 'e2e-imap.test'
	});
	await transport.sendMail({
		from: 'alice@example.com',
		to: 'bob@example.com',
		subject,
		text: 'Hello Bob, read me over IMAP.\n'
	});
	transport.close();
}

test('the lab on IMAP: STARTTLS before LOGIN, SELECT and FETCH explained, the selected state', async ({
	page,
	smtpPorts
}) => {
	const subject = `IMAP in the lab ${Date.now()}`;
	await deliverToBob(smtpPorts.mx, subject);
	await page.goto('/lab');
	await expect(page.locator('.xterm-helper-textarea')).toBeAttached();

	// The reading group holds POP3's and IMAP's listeners.
	const reading = page.getByRole('group', { name: 'Reading (POP3, IMAP)' });
	await expect(reading.getByRole('radio')).toHaveCount(4);
	await expect(reading).toContainText('IMAPS (port 993)');
	await reading.getByRole('radio', { name: /^IMAP \(port 143\)/ }).check();
	await page.getByRole('button', { name: 'Connect', exact: true }).click();
	await expect(serverRows(page).first()).toHaveText(/^\* OK /);
	await expect(page.locator('.xterm-helper-textarea')).toBeFocused();
	await expect(page.getByTestId('current-state')).toHaveText('not authenticated');
	await expect(page.locator('.xterm-rows')).toContainText('imap>');

	// The lab offers the next tag: Tab on an empty line gives a1.
	await page.keyboard.press('Tab');
	await page.keyboard.type('CAPABILITY');
	await page.keyboard.press('Enter');
	await expect(serverRows(page).last()).toHaveText(/^a1 OK/);
	await expect(serverRows(page).filter({ hasText: /^\* CAPABILITY/ })).toContainText(
		'LOGINDISABLED'
	);
	await expect(page.locator('.state-line')).toContainText('next tag: a2');
	await send(page, 'a2 STARTTLS', /^a2 OK/);
	await expect(page.locator('p.status')).toContainText('· TLS');

	// The log-in helper speaks IMAP: a tagged LOGIN.
	const helper = page.getByRole('region', { name: 'Log-in helper (LOGIN, or AUTHENTICATE PLAIN)' });
	await expect(helper).toContainText('LOGINDISABLED');
	await helper.getByLabel('User').fill('bob');
	await helper.getByLabel('Password').fill('builder');
	await helper.getByRole('button', { name: 'Put a3 LOGIN on the command line' }).click();
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('current-state')).toHaveText('authenticated');

	await send(page, 'a4 SELECT INBOX', /^a4 OK/);
	await expect(page.getByTestId('current-state')).toHaveText('selected');
	await expect(page.locator('g.state.current')).toContainText('selected');
	const exists = rows(page).filter({ hasText: /^S.*\* \d+ EXISTS/ });
	await expect(exists.locator('.summary')).toContainText(/message/i);

	// Tab completes from IMAP's command table: in the selected state FETCH is offered.
	await page.keyboard.type('a5 FET');
	await page.keyboard.press('Tab');
	await page.keyboard.type('* (FLAGS ENVELOPE BODY.PEEK[])');
	await page.keyboard.press('Enter');
	await expect(serverRows(page).last()).toHaveText(/^a5 OK/);
	// The message came as a literal: one timeline row with its text, and explained.
	const content = rows(page)
		.filter({ hasText: `Subject: ${subject}` })
		.last();
	await expect(content).toBeVisible();
	await expect(
		rows(page)
			.filter({ hasText: /FETCH \(/ })
			.last()
			.locator('.summary')
	).not.toBeEmpty();
	// No SMTP panel on an IMAP session.
	await expect(page.getByRole('heading', { name: 'Envelope' })).toHaveCount(0);
	// IDLE (RFC 2177): '+ idling', a message delivered meanwhile is announced, DONE ends it.
	await send(page, 'a6 IDLE', /^\+ idling/);
	await deliverToBob(smtpPorts.mx, `${subject} (while idling)`);
	await expect(serverRows(page).last()).toHaveText(/^\* \d+ (EXISTS|RECENT)$/);
	await send(page, 'DONE', /^a6 OK/);
	await send(page, 'a7 LOGOUT', /^a7 OK/);
	await expect(
		page.getByText(/Session ended: you said LOGOUT and the server said goodbye \(a7 OK/).first()
	).toBeVisible();
});

test('/live lists an IMAP session with its protocol, and its page draws the IMAP states', async ({
	page,
	smtpPorts
}) => {
	await page.goto('/live');
	await expect(page.getByRole('status')).toHaveText(/Watching live/);
	// A mail program's IMAP session: the greeting, CAPABILITY, LOGOUT.
	await new Promise<void>((resolve, reject) => {
		const socket = net.connect(smtpPorts.imap, '127.0.0.1');
		socket.once('data', () => socket.write('x1 CAPABILITY\r\nx2 LOGOUT\r\n'));
		socket.on('close', () => resolve());
		socket.on('error', reject);
	});
	const row = page.getByRole('row').filter({ hasText: 'IMAP, port 143' }).first();
	await expect(row).toContainText('imap');
	await row.getByRole('link').click();
	await expect(page.getByRole('heading', { name: 'Session on the imap listener' })).toBeVisible();
	await expect(page.getByTestId('protocol')).toHaveText(/^IMAP/);
	await expect(page.getByRole('heading', { name: 'Session state' })).toBeVisible();
	await expect(page.locator('g.state', { hasText: 'selected' })).toBeVisible();
});

test('/connect gives the IMAP incoming server settings, with the ports the server reports', async ({
	page,
	smtpPorts
}) => {
	await page.goto('/connect');
	const settings = page.getByRole('table', { name: 'Incoming server settings (IMAP)' });
	await expect(settings).toContainText(`${smtpPorts.imap}`);
	await expect(settings).toContainText(`${smtpPorts.imaps}`);
	await expect(settings).toContainText('STARTTLS');
	const user = await page.getByTestId('personal-user').innerText();
	await expect(settings.getByRole('row', { name: /User Name/ })).toContainText(user);
	const imaplib = page.locator('pre[aria-label="Python imaplib"]');
	await expect(imaplib).toContainText(`, ${smtpPorts.imap})`);
	await expect(imaplib).toContainText('imap.starttls(ssl_context=context)');
});
