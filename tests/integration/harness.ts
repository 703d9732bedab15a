/** Starts a real lab on port 0 for a test, and talks to it over real sockets. */
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { Clock } from '../../server/clock';
import { readConfig, type LabConfig } from '../../server/config';
import { startLab, type Lab, type LabOptions } from '../../server/lab';
import { LISTENER_TABLE, type ListenerName } from '../../src/lib/listeners';
import { isFinalReplyLine } from '../../src/lib/smtp/protocol/replyParser';

/**
 * Every listener on a port the system chooses; sessions and messages in memory only unless the
 * test gives a `dataDir` (its own: no test shares a database), and the self-signed certificate
 * made once for all tests outside the repository, never in its `.data/`.
 */
const ANY_FREE_PORT = Object.fromEntries(LISTENER_TABLE.map((row) => [row.configKey, 0]));
const TEST_TLS_DIR = path.join(tmpdir(), 'smtp-lab-tests-tls');

export async function startTestLab(
	overrides: Partial<LabConfig> = {},
	options: LabOptions = {}
): Promise<Lab> {
	return startLab(
		readConfig(
			{},
			{
				...ANY_FREE_PORT,
				dnsPort: 0,
				mailHostsPort: 0,
				smtpHost: '127.0.0.1',
				dataDir: null,
				tlsDir: TEST_TLS_DIR,
				...overrides
			}
		),
		options
	);
}

/**
 * A clock that stands still until the test moves it: `advance(ms)` runs, in time order, every
 * callback that falls due. Hand it to startTestLab to test a policy's time limit at its edge
 * without waiting for it.
 */
export class ManualClock implements Clock {
	#now = Date.now();
	#pending = new Set<{ at: number; callback: () => void }>();

	now(): number {
		return this.#now;
	}

	after(ms: number, callback: () => void): () => void {
		const timer = { at: this.#now + ms, callback };
		this.#pending.add(timer);
		return () => this.#pending.delete(timer);
	}

	advance(ms: number): void {
		const until = this.#now + ms;
		for (;;) {
			const due = [...this.#pending].filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
			if (!due) break;
			this.#pending.delete(due);
			this.#now = due.at;
			due.callback();
		}
		this.#now = until;
	}
}

export function ports(lab: Lab): Record<ListenerName, number> {
	return Object.fromEntries(
		LISTENER_TABLE.map((row) => [row.name, lab.sandbox.port(row.name)])
	) as Record<ListenerName, number>;
}

/**
 * A raw SMTP client: send exact bytes, read whole replies. `reply()` resolves with the next
 * complete reply (all lines of a multi-line one).
 */
export class RawSmtp {
	socket: net.Socket | tls.TLSSocket;
	#buffer = '';
	#lines: string[] = [];
	#waiters: (() => void)[] = [];
	closed: Promise<void>;

	private constructor(socket: net.Socket | tls.TLSSocket) {
		this.socket = socket;
		this.#listen(socket);
		this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
	}

	static async connect(port: number, implicitTls = false, host = '127.0.0.1'): Promise<RawSmtp> {
		const socket = implicitTls
			? tls.connect({ port, host, rejectUnauthorized: false })
			: net.connect({ port, host });
		socket.on('error', () => undefined);
		await new Promise<void>((resolve, reject) => {
			socket.once(implicitTls ? 'secureConnect' : 'connect', () => resolve());
			socket.once('error', reject);
		});
		return new RawSmtp(socket);
	}

	#listen(socket: net.Socket | tls.TLSSocket): void {
		socket.on('data', (chunk: Buffer) => {
			this.#buffer += chunk.toString('utf8');
			let at: number;
			while ((at = this.#buffer.indexOf('\r\n')) >= 0) {
				this.#lines.push(this.#buffer.slice(0, at));
				this.#buffer = this.#buffer.slice(at + 2);
			}
			this.#waiters.splice(0).forEach((w) => w());
		});
		socket.once('close', () => this.#waiters.splice(0).forEach((w) => w()));
	}

	send(data: string | Buffer): void {
		this.socket.write(data);
	}

	async reply(timeoutMs = 5000): Promise<string[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const end = this.#lines.findIndex(isFinalReplyLine);
			if (end >= 0) return this.#lines.splice(0, end + 1);
			if (this.socket.destroyed && !this.#lines.length) throw new Error('connection closed');
			const left = deadline - Date.now();
			if (left <= 0)
				throw new Error(`no reply within ${timeoutMs} ms; have ${JSON.stringify(this.#lines)}`);
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, left);
				this.#waiters.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
	}

	/** Sends a command line and returns the last line of its reply. */
	async command(line: string): Promise<string> {
		this.send(line + '\r\n');
		const lines = await this.reply();
		return lines[lines.length - 1];
	}

	async startTls(): Promise<void> {
		const secure = tls.connect({ socket: this.socket as net.Socket, rejectUnauthorized: false });
		await new Promise<void>((resolve, reject) => {
			secure.once('secureConnect', () => resolve());
			secure.once('error', reject);
		});
		this.socket = secure;
		this.#listen(secure);
	}

	close(): void {
		this.socket.destroy();
	}
}

export function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const tick = () => {
			if (check()) return resolve();
			if (Date.now() - started > timeoutMs) return reject(new Error('condition not met in time'));
			setTimeout(tick, 10);
		};
		tick();
	});
}
