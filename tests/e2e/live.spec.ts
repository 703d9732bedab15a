import nodemailer from 'nodemailer';
import { expect, test } from './fixtures';

test('a session sent by nodemailer appears on /live as it happens, and its page shows the transcript', async ({
	page,
	smtpPorts
}) => {
	await page.goto('/live');
	await expect(page.getByRole('status')).toHaveText(/Watching live/);
	const subject = `Live test ${Date.now()}`;
	const transport = nodemailer.createTransport({
		host: '127.0.0.1',
		port: smtpPorts.mx,
		secure: false,
		ignoreTLS: true,
		name: 'e2e-client.test'
	});
	await transport.sendMail({
		from: 'alice@example.com',
		to: 'bob@example.com',
		subject,
		text: 'Hello from the browser test.'
	});
	transport.close();
	// No reload: the row arrives over the WebSocket.
	const row = page.getByRole('row').filter({ hasText: 'external' }).first();
	await expect(row).toBeVisible();
	await expect(row).toContainText('mx');
	await row.getByRole('link').click();
	await expect(page.getByRole('heading', { name: 'Session on the mx listener' })).toBeVisible();
	await expect(page.getByText('EHLO e2e-client.test').first()).toBeVisible();
	await expect(page.getByText(`Subject: ${subject}`, { exact: false }).first()).toBeVisible();
	await expect(page.getByText(/^250 2\.6\.0 Queued as/)).toBeVisible();
	await expect(
		page.getByText('A line holding only a dot ends the message', { exact: false }).first()
	).toBeVisible();
	await expect(page.getByRole('status')).toHaveText(/Ended/);
	// A recorded session has real times: each line after the first says how long after the last.
	await expect(page.locator('li.row .delta').nth(1)).toHaveText(/^\+\d+(\.\d)? (ms|s)$/);
});
