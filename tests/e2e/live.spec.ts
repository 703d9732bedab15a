import net from 'node:net';
import tls from 'node:tls';
import nodemailer from 'nodemailer';
import { startProductionServer } from '../productionServer';
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

/** A hand-driven SMTP client on a real socket: one reply at a time, upgradable to TLS. */
class Wire {
	#socket: net.Socket | tls.TLSSocket;
	#buffer = '';
	#waiting: (() => void) | null = null;
	constructor(socket: net.Socket) {
		this.#socket = socket;
		this.#listen();
	}
	#listen() {
		this.#socket.on('data', (chunk: Buffer) => {
			this.#buffer += chunk.toString('latin1');
			this.#waiting?.();
		});
	}
	/** The next complete reply (its last line has a space after the code). */
	async reply(): Promise<string> {
		for (;;) {
			const end = /^\d{3} .*\r\n/m.exec(this.#buffer);
			if (end) {
				const reply = this.#buffer.slice(0, end.index + end[0].length);
				this.#buffer = this.#buffer.slice(reply.length);
				return reply;
			}
			await new Promise<void>((resolve) => (this.#waiting = resolve));
		}
	}
	async command(line: string): Promise<string> {
		this.#socket.write(`${line}\r\n`);
		return this.reply();
	}
	async startTls(): Promise<void> {
		const plain = this.#socket as net.Socket;
		plain.removeAllListeners('data');
		const secure = tls.connect({ socket: plain, rejectUnauthorized: false });
		await new Promise<void>((resolve) => secure.once('secureConnect', () => resolve()));
		this.#socket = secure;
		this.#listen();
	}
	close() {
		this.#socket.destroy();
	}
}

test('a session page follows the header live: TLS after STARTTLS, the message link after DATA', async ({
	page,
	request,
	smtpPorts
}) => {
	const socket = net.connect(smtpPorts.mx, '127.0.0.1');
	const wire = new Wire(socket);
	await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
	expect(await wire.reply()).toMatch(/^220 /);
	const helo = `live-header-${Date.now()}.test`;
	expect(await wire.command(`EHLO ${helo}`)).toMatch(/STARTTLS/);
	// Which session is ours: the open one whose transcript has our EHLO.
	let id = '';
	await expect
		.poll(async () => {
			const { sessions } = (await (await request.get('/api/sessions')).json()) as {
				sessions: { id: string; endedAt: number | null }[];
			};
			for (const s of sessions.filter((s) => s.endedAt === null)) {
				const text = await (await request.get(`/api/sessions/${s.id}/transcript.txt`)).text();
				if (text.includes(`EHLO ${helo}`)) id = s.id;
			}
			return id;
		})
		.not.toBe('');

	await page.goto(`/sessions/${id}`);
	const tlsFact = page.locator('dl.facts dt:text-is("TLS") + dd');
	await expect(tlsFact).toHaveText('no');
	await expect(page.getByRole('status')).toHaveText(/Open/);
	await expect(page.getByText(`EHLO ${helo}`)).toBeVisible();

	expect(await wire.command('STARTTLS')).toMatch(/^220 /);
	await wire.startTls();
	// No reload: the page learns it from the bridge.
	await expect(tlsFact).toHaveText(/^TLSv1\.[23], /);

	expect(await wire.command(`EHLO ${helo}`)).toMatch(/^250/);
	expect(await wire.command('MAIL FROM:<alice@example.com>')).toMatch(/^250 /);
	expect(await wire.command('RCPT TO:<bob@example.com>')).toMatch(/^250 /);
	expect(await wire.command('DATA')).toMatch(/^354 /);
	const queued = await wire.command('Subject: live header\r\n\r\nHello over TLS.\r\n.');
	const messageId = /Queued as ([^\s:]+)/.exec(queued)?.[1];
	expect(messageId).toBeTruthy();
	const link = page.getByRole('link', { name: `Message ${messageId}` });
	await expect(link).toHaveAttribute('href', `/mailbox/${messageId}`);

	expect(await wire.command('QUIT')).toMatch(/^221 /);
	wire.close();
	await expect(page.getByRole('status')).toHaveText(/Ended/);
});

test('/live and /mailbox say whether their lists survive a restart (DATA_DIR) and how long they are kept (RETENTION_HOURS)', async ({
	page
}) => {
	// The tests' server keeps a database in a temporary DATA_DIR, RETENTION_HOURS by default (168).
	await page.goto('/live');
	await expect(page.getByTestId('retention')).toContainText(
		'so they survive a restart, for 7 days'
	);
	await page.goto('/mailbox');
	await expect(page.getByTestId('retention')).toContainText(
		'so they survive a restart, for 7 days'
	);
	// DATA_DIR=memory: memory only; RETENTION_HOURS as set.
	const memoryOnly = await startProductionServer({ DATA_DIR: 'memory', RETENTION_HOURS: '36' });
	try {
		await page.goto(`${memoryOnly.url}/live`);
		await expect(page.getByTestId('retention')).toContainText(
			'restarting the server clears this list'
		);
		await expect(page.getByTestId('retention')).toContainText('kept 36 hours after a session ends');
		await page.goto(`${memoryOnly.url}/mailbox`);
		await expect(page.getByTestId('retention')).toContainText(
			'restarting the server empties every mailbox'
		);
		await expect(page.getByTestId('retention')).toContainText('kept 36 hours after they arrive');
		await expect(page.getByTestId('retention')).toContainText('new mail is refused (452)');
	} finally {
		await memoryOnly.stop();
	}
});
