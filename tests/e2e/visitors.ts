/**
 * Visitors of a production server, as a browser is one: the owner cookie the site sets on a
 * first page, then a lab session over /ws (the page's Origin and that cookie) that sends mail.
 * Plain Node fetch and ws: real HTTP and WebSocket, no browser needed.
 */
import net from 'node:net';
import WebSocket from 'ws';
import { expect } from './fixtures';

export interface Visitor {
	/** `smtp_lab_owner=…`, for a Cookie header. */
	cookie: string;
}

/** A new visitor: the owner cookie the site sets on a first page. */
export async function visitor(site: string): Promise<Visitor> {
	const response = await fetch(`${site}/`);
	await response.arrayBuffer();
	const setCookie = response.headers.get('set-cookie') ?? '';
	const match = /smtp_lab_owner=[^;]+/.exec(setCookie);
	expect(match, setCookie).not.toBeNull();
	return { cookie: match![0] };
}

/**
 * Opens a lab session as `who` on mx, sends one message to bob@example.com with `subject`, and
 * quits; resolves once the session has ended, with its id.
 */
export async function sendAs(site: string, who: Visitor, subject: string): Promise<string> {
	const ws = new WebSocket(`${site.replace('http', 'ws')}/ws`, {
		headers: { origin: site, cookie: who.cookie }
	});
	await new Promise((resolve, reject) => {
		ws.once('open', resolve);
		ws.once('error', reject);
	});
	try {
		const messages: { type: string; [key: string]: unknown }[] = [];
		ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
		const until = (seen: () => boolean) => expect.poll(seen, { timeout: 10_000 }).toBe(true);
		ws.send(JSON.stringify({ type: 'open', listener: 'mx' }));
		await until(() => messages.some((m) => m.type === 'opened'));
		const opened = messages.find((m) => m.type === 'opened') as unknown as {
			session: { id: string };
		};
		const replied = (pattern: RegExp) =>
			until(() =>
				messages.some(
					(m) => m.type === 'event' && pattern.test((m.event as { text: string }).text ?? '')
				)
			);
		const input = (data: string) => ws.send(JSON.stringify({ type: 'input', data }));
		await replied(/^220 /);
		// PIPELINING up to DATA; the content only after 354 (RFC 2920 §3.1).
		input(
			'EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n'
		);
		await replied(/^354 /);
		input(`Subject: ${subject}\r\n\r\nhello\r\n.\r\nQUIT\r\n`);
		await until(() => messages.some((m) => m.type === 'closed'));
		return opened.session.id;
	} finally {
		ws.terminate();
	}
}

/**
 * Sends one message from a mail program (not the browser: nobody's) to mx, and quits. Resolves
 * when the sandbox has closed the connection.
 */
export async function sendUnclaimed(mxPort: number, subject: string): Promise<void> {
	const socket = net.connect({ port: mxPort, host: '127.0.0.1' });
	let received = '';
	socket.on('data', (chunk) => (received += chunk.toString()));
	const closed = new Promise((resolve) => socket.once('close', resolve));
	const replied = (pattern: RegExp) =>
		expect.poll(() => received, { timeout: 10_000 }).toMatch(pattern);
	await replied(/^220 /m);
	socket.write(
		'EHLO program.example\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n'
	);
	await replied(/^354 /m);
	socket.write(`Subject: ${subject}\r\n\r\nhello\r\n.\r\nQUIT\r\n`);
	await closed;
}
