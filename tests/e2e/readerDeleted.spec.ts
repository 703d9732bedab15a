/**
 * Issue 18, download-and-delete: a message read and deleted over POP3 by a real client (Python's
 * poplib, on the pop3s listener of the production server) leaves the reader's mailbox on /mailbox
 * — the other recipient's copy stays — and its page says it was deleted by the reader, when and
 * in which session, with a link that opens that POP3 session.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import type { APIRequestContext } from '@playwright/test';
import type { MessageSummary } from '../../src/lib/messages';
import { expect, test } from './fixtures';

const run = promisify(execFile);

async function messageId(request: APIRequestContext, subject: string): Promise<string> {
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
	return id;
}

/** Python's poplib on pop3s: the message with this UID read (RETR), deleted (DELE), then QUIT. */
async function readAndDelete(port: number, user: string, password: string, uid: string) {
	const { stdout } = await run('/usr/bin/python3', [
		'-c',
		`
import poplib, ssl, sys
c = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ssl._create_unverified_context())
c.user(sys.argv[2]); c.pass_(sys.argv[3])
number = next(line.split()[0] for line in c.uidl()[1] if line.split()[1] == sys.argv[4].encode())
c.retr(int(number)); c.dele(int(number))
print(c.quit().decode())
`,
		String(port),
		user,
		password,
		uid
	]);
	return stdout;
}

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
	const id = await messageId(request, subject);

	// Bob's POP3 client: find this message by its UID, read it, mark it, QUIT (the UPDATE state).
	expect(await readAndDelete(smtpPorts.pop3s, 'bob', 'builder', id)).toMatch(/^\+OK/);

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

test('the journey ends at the reader: its reading stage fills as the copy is read and deleted, live', async ({
	page,
	request,
	smtpPorts
}) => {
	const subject = `Journey to the reader ${Date.now()}`;
	// Submitted by alice (STARTTLS, AUTH): bob's copy is delivered here, carol's goes on to north.test.
	await nodemailer
		.createTransport({
			host: '127.0.0.1',
			port: smtpPorts.submission,
			secure: false,
			requireTLS: true,
			tls: { rejectUnauthorized: false },
			auth: { user: 'alice', pass: 'wonderland' }
		})
		.sendMail({
			from: 'alice@example.com',
			to: ['bob@example.com', 'carol@north.test'],
			subject,
			text: 'From the submission server to the reader.'
		});
	const id = await messageId(request, subject);

	// The page follows the journey once the lab's WebSocket has sent it the journey (watch-journey).
	const watching = page.waitForEvent('websocket').then((socket) =>
		socket.waitForEvent('framereceived', {
			predicate: (frame) => String(frame.payload).startsWith('{"type":"journey"')
		})
	);
	await page.goto(`/journey/${id}`);
	await watching;
	const local = page.getByRole('region', {
		name: /^Delivered where it arrived: bob@example\.com$/
	});
	await expect(local.getByRole('heading', { level: 3 })).toContainText('Not read yet');
	// Marks this document: a reload would lose it.
	await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

	expect(await readAndDelete(smtpPorts.pop3s, 'bob', 'builder', id)).toMatch(/^\+OK/);
	await expect(local.getByRole('heading', { level: 3 })).toContainText('Deleted by the reader');
	await expect(local).toContainText('read over POP3 (RETR), the copy in bob@example.com');
	await expect(local).toContainText('RFC 1939 §6');
	expect(
		await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)
	).toBe(true);
	await local.getByRole('link', { name: 'The reading session' }).click();
	await expect(page).toHaveURL(/\/sessions\/[\w-]+$/);
	await expect(page.getByText(/^RETR \d+$/).first()).toBeVisible();
});
