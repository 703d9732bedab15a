/**
 * A raw IMAP client for the IMAP tests: exact bytes out, lines in, and a command's responses
 * read up to its tagged completion (RFC 3501 §2.2.2). Literals in responses are kept in the line
 * that announced them.
 */
import net from 'node:net';
import tls from 'node:tls';
import { ImapFlow } from 'imapflow';
import type { Lab } from '../../server/lab';

export class RawImap {
	lines: string[] = [];
	greeting = '';
	#buffer = Buffer.alloc(0);
	#waiters: (() => void)[] = [];
	closed: Promise<void>;

	constructor(public socket: net.Socket) {
		this.#listen(socket);
		this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
		socket.on('error', () => undefined);
	}

	static async open(lab: Lab, listener: 'imap' | 'imaps'): Promise<RawImap> {
		const port = lab.sandbox.port(listener);
		const socket =
			listener === 'imaps'
				? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
				: net.connect({ port, host: '127.0.0.1' });
		await new Promise((resolve) =>
			socket.once(listener === 'imaps' ? 'secureConnect' : 'connect', resolve)
		);
		const client = new RawImap(socket);
		client.greeting = await client.line();
		return client;
	}

	#listen(socket: net.Socket): void {
		socket.on('data', (chunk: Buffer) => {
			this.#buffer = Buffer.concat([this.#buffer, chunk]);
			for (;;) {
				const lf = this.#buffer.indexOf('\n');
				if (lf < 0) break;
				let line = this.#buffer.subarray(0, lf + 1).toString('latin1');
				let used = lf + 1;
				const literal = /\{(\d+)\}\r\n$/.exec(line);
				if (literal) {
					const need = Number(literal[1]);
					const restLf = this.#buffer.indexOf('\n', used + need);
					if (this.#buffer.length < used + need || restLf < 0) break;
					line += this.#buffer.subarray(used, restLf + 1).toString('latin1');
					used = restLf + 1;
				}
				this.lines.push(line.replace(/\r\n$/, ''));
				this.#buffer = this.#buffer.subarray(used);
			}
			for (const waiter of this.#waiters.splice(0)) waiter();
		});
		socket.on('close', () => {
			for (const waiter of this.#waiters.splice(0)) waiter();
		});
	}

	send(text: string | Buffer): void {
		this.socket.write(text);
	}

	/** The next line, waiting for it; '' once the connection closed without one. */
	async line(): Promise<string> {
		while (!this.lines.length) {
			if (this.socket.destroyed || this.socket.readableEnded) return '';
			await new Promise<void>((resolve) => this.#waiters.push(resolve));
		}
		return this.lines.shift()!;
	}

	/** Lines up to and including the one starting with `tag ` (the tagged completion). */
	async until(tag: string): Promise<string[]> {
		const got: string[] = [];
		for (;;) {
			const line = await this.line();
			if (line === '') return got;
			got.push(line);
			if (line.startsWith(`${tag} `)) return got;
		}
	}

	/** Sends `tag command` and returns its responses up to the tagged completion. */
	async command(tag: string, command: string): Promise<string[]> {
		this.send(`${tag} ${command}\r\n`);
		return this.until(tag);
	}

	/** STARTTLS, then the rest of the session inside TLS. */
	async startTls(tag = 'tls'): Promise<string[]> {
		const answer = await this.command(tag, 'STARTTLS');
		const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false });
		await new Promise((resolve) => secure.once('secureConnect', resolve));
		this.socket = secure;
		this.#listen(secure);
		secure.on('error', () => undefined);
		return answer;
	}
}

/**
 * imapflow, a mail program nobody here wrote, as alice on 127.0.0.1:`port` (not yet connected):
 * STARTTLS on a plain port, TLS from the start on an imaps one, the lab's self-signed certificate
 * accepted. Its 'error' events are dropped: a failure reaches the test as the call that rejects.
 */
export function aliceImapFlow(port: number, secure = false): ImapFlow {
	const flow = new ImapFlow({
		host: '127.0.0.1',
		port,
		secure,
		doSTARTTLS: secure ? undefined : true,
		tls: { rejectUnauthorized: false },
		auth: { user: 'alice', pass: 'wonderland' },
		logger: false
	});
	flow.on('error', () => undefined);
	return flow;
}
