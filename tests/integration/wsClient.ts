import http from 'node:http';
/** A `ws` test client for the bridge: sends JSON, waits for the next message matching a test. */
import WebSocket from 'ws';
import type { ClientMessage, ServerMessage } from '../../src/lib/messages';

export class BridgeClient {
	readonly received: ServerMessage[] = [];
	#waiters: (() => void)[] = [];
	closed: Promise<{ code: number; reason: string }>;

	private constructor(readonly ws: WebSocket) {
		ws.on('message', (data) => {
			this.received.push(JSON.parse(data.toString()) as ServerMessage);
			this.#waiters.splice(0).forEach((w) => w());
		});
		this.closed = new Promise((resolve) =>
			ws.once('close', (code, reason) => {
				this.#waiters.splice(0).forEach((w) => w());
				resolve({ code, reason: reason.toString() });
			})
		);
	}

	static connect(
		url: string,
		options: {
			origin?: string | null;
			localAddress?: string;
			headers?: Record<string, string>;
		} = {}
	): Promise<BridgeClient> {
		const origin =
			options.origin === undefined ? new URL(url).origin.replace('ws', 'http') : options.origin;
		const ws = new WebSocket(url, {
			headers: { ...options.headers, ...(origin ? { origin } : {}) },
			localAddress: options.localAddress
		});
		return new Promise((resolve, reject) => {
			ws.once('open', () => resolve(new BridgeClient(ws)));
			ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
			ws.once('error', reject);
		});
	}

	send(message: ClientMessage | string): void {
		this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
	}

	/** Resolves with the first message (from index `from` on) that satisfies `test`. */
	async next<T extends ServerMessage>(
		test: (m: ServerMessage) => m is T,
		timeoutMs = 5000,
		from = 0
	): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const found = this.received.slice(from).find(test);
			if (found) return found;
			const left = deadline - Date.now();
			if (left <= 0 || this.ws.readyState === WebSocket.CLOSED)
				throw new Error(`no matching message; got ${JSON.stringify(this.received.slice(-5))}`);
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, left);
				this.#waiters.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
	}

	/** Waits for a server reply event in the given session whose text matches, from index `from` on. */
	reply(sessionId: string, pattern: RegExp, timeoutMs = 5000, from = 0) {
		return this.next(
			(m): m is Extract<ServerMessage, { type: 'event' }> =>
				m.type === 'event' &&
				m.sessionId === sessionId &&
				m.event.dir === 'server' &&
				pattern.test(m.event.text),
			timeoutMs,
			from
		);
	}

	close(): void {
		this.ws.close();
	}
}

export const isType =
	<K extends ServerMessage['type']>(type: K) =>
	(m: ServerMessage): m is Extract<ServerMessage, { type: K }> =>
		m.type === type;

/**
 * As the lab page does: opens an mx session, sends one message with `subject` to
 * bob@example.com (pipelined up to DATA, the content after 354: RFC 2920 §3.1) and quits.
 * Resolves once the session has closed, with its id and the id of the message queued.
 */
export async function mailThroughLab(
	page: BridgeClient,
	subject: string
): Promise<{ sessionId: string; messageId: string }> {
	page.send({ type: 'open', listener: 'mx' });
	const { session } = await page.next(isType('opened'));
	await page.reply(session.id, /^220 /);
	page.send({
		type: 'input',
		data: 'EHLO a.test\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n'
	});
	await page.reply(session.id, /^354 /);
	page.send({ type: 'input', data: `Subject: ${subject}\r\n\r\nhello\r\n.\r\nQUIT\r\n` });
	const queued = await page.reply(session.id, /^250 .*Queued as/);
	await page.next(isType('closed'));
	return {
		sessionId: session.id,
		messageId: /Queued as ([A-Za-z0-9_-]+)/.exec(queued.event.text)![1]
	};
}

/**
 * A raw WebSocket upgrade request to the bridge (the page's own Origin unless `headers` say
 * otherwise): its status, and Content-Type and body when it was refused.
 */
export function rawUpgrade(
	wsUrl: string,
	headers: Record<string, string> = {}
): Promise<{ status: number; type?: string; body: string }> {
	const { port, origin } = new URL(wsUrl.replace('ws', 'http'));
	return new Promise((resolve, reject) => {
		const request = http.request({
			host: '127.0.0.1',
			port,
			path: '/ws',
			headers: {
				origin,
				connection: 'Upgrade',
				upgrade: 'websocket',
				'sec-websocket-version': '13',
				'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
				...headers
			}
		});
		request.once('upgrade', (response, socket) => {
			socket.destroy();
			resolve({ status: response.statusCode ?? 0, body: '' });
		});
		request.once('response', (response) => {
			let body = '';
			response.on('data', (chunk: Buffer) => (body += chunk.toString()));
			response.once('end', () =>
				resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'], body })
			);
		});
		request.once('error', reject);
		request.end();
	});
}
