/**
 * Issue 18, download-and-delete: a message read and deleted over POP3 by a real client (Python's
 * poplib, on the pop3s listener of the production server) leaves the reader's mailbox on /mailbox
 * — the other recipient's copy stays — and its page says it was deleted by the reader, when and
 * in which session, with a link that opens that POP3 session.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import type { MessageSummary } from '../../src/lib/messages';
import { expect, test } from './fixtures';

const run = promisify(execFile);

test('a copy deleted over POP3 is gone from that mailbox, and its page names the reading session', async ({
	page,
	request,
	smtpPorts
}) => {
	const subject = `Download and delete ${Date.now()}`;
	await nodemailer
		.createTransport({ host: '127.0.0.1', port: smtpPorts.mx, secure: false, ignoreTLS: true })
		.sendMail({
			from: 'carol@example.org',
			to: ['bob@example.com', 'alice@example.com'],
			subject,
			text: 'Read me, then delete me.'
		});
	let id = '';
	await expect
		.poll(async () => {
			const { messages } = (await (await request.get('/api/messages')).json()) as {
				messages: MessageSummary[];
			};
			id = messages.find((m) => m.subject === subject)?.id ?? '';
			return id;
		})
		.not.toBe('');

	// Bob's POP3 client: find this message by its UID, read it, mark it, QUIT (the UPDATE state).
	const { stdout } = await run('/usr/bin/python3', [
		'-c',
		`
import poplib, ssl, sys
c = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ssl._create_unverified_context())
c.user('bob'); c.pass_('builder')
number = next(line.split()[0] for line in c.uidl()[1] if line.split()[1] == sys.argv[2].encode())
c.retr(int(number)); c.dele(int(number))
print(c.quit().decode())
`,
		String(smtpPorts.pop3s),
		id
	]);
	expect(stdout).toMatch(/^\+OK/);

	await page.goto('/mailbox');
	const row = `[data-message-id="${id}"]`;
	await expect(
		page.getByRole('region', { name: 'Mailbox alice@example.com' }).locator(row)
	).toHaveCount(1);
	await expect(
		page.getByRole('region', { name: 'Mailbox bob@example.com' }).locator(row)
	).toHaveCount(0);
	await expect(page.locator(row).first()).toBeVisible();

	await page.goto(`/mailbox/${id}`);
	const readers = page.getByRole('region', { name: 'Its readers' });
	await expect(readers).toContainText('Deleted by the reader');
	await expect(readers).toContainText('bob@example.com');
	await expect(readers).toContainText('RFC 1939 §6');
	const sessionLinks = readers.getByRole('link', { name: /^session / });
	await expect(sessionLinks).toHaveCount(2);
	await sessionLinks.last().click();
	await expect(page).toHaveURL(/\/sessions\/[\w-]+$/);
	await expect(page.getByText(/^DELE \d+$/).first()).toBeVisible();
});
