/**
 * One POP3 session on an admitted socket: reads its command lines in order, one at a time,
 * keeps its state (RFC 1939 §3: AUTHORIZATION, TRANSACTION, UPDATE), upgrades it to TLS after
 * STLS (RFC 2595 §4), writes responses (a message with backpressure, never buffered whole) and
 * hands every line and response to the session's recorder, which is its only framer.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Anomaly } from '../../src/lib/messages';
import type { ReadAccount } from '../mailboxes/mailboxes';
import { wireText } from '../recorder/wireText';
import type { LiveSession } from '../sandbox/sessions';
import { byteStuffed } from './byteStuffing';
import { LineReader, type ReadLine } from './lineReader';
import { runCommand } from './pop3Commands';
import { pop3Reply, type Pop3ReplyName } from './pop3Replies';
import type { Pop3Server } from './pop3Server';

export type Pop3State = 'authorization' | 'transaction' | 'update';

/** A message of the maildrop as the session numbers it (RFC 1939 §5: fixed for the session). */
export interface MaildropMessage {
	messageId: string;
	size: number;
	uid: string;
	deleted: boolean;
}

/** Lines read ahead while one is answered; past this the socket is paused (TCP pushes back). */
const MAX_QUEUED_LINES = 64;
/** Bytes of a message written at once; each write waits for the last to drain. */
const WRITE_CHUNK_BYTES = 64 * 1024;
const ENHANCED_CODE = /^\d\.\d{1,3}\.\d{1,3} /;
/** How long a closing session waits for the peer before its socket is destroyed. */
const CLOSE_GRACE_MS = 1000;

export class Pop3Connection {
	state: Pop3State = 'authorization';
	/** The user of an accepted USER, waiting for PASS (RFC 1939 §7). */
	pendingUser: string | null = null;
	/** Waiting for the client's answer to a SASL continuation (RFC 5034 §4). */
	saslPending = false;
	failedLogins = 0;
	account: ReadAccount | null = null;
	maildrop: MaildropMessage[] = [];
	#socket: net.Socket;
	#reader: LineReader;
	#queue: ReadLine[] = [];
	#busy = false;
	#closed = false;

	constructor(
		readonly server: Pop3Server,
		socket: net.Socket,
		readonly id: string,
		readonly live: LiveSession
	) {
		this.#socket = socket;
		this.#reader = new LineReader(server.deps.config.pop3MaxLineBytes);
	}

	get secure(): boolean {
		return this.#socket instanceof tls.TLSSocket;
	}

	/** A password may be sent: inside TLS, or anywhere when the operator allows it. */
	get loginAllowed(): boolean {
		return this.secure || this.server.deps.config.readAllowPlaintext;
	}

	get closed(): boolean {
		return this.#closed;
	}

	start(): void {
		// The lifetime limit and shutdown (server/sandbox/sessions.ts) end a session through this.
		// SMTP's enhanced status code (RFC 3463) in front of the text means nothing in POP3.
		this.live.connection = {
			send: (_code, text) => this.closeWith(String(text).replace(ENHANCED_CODE, ''))
		};
		this.#socket.once('close', () => this.#onClose());
		this.#listen(this.#socket);
		this.reply(this.secure ? 'greetingTls' : 'greeting', {
			server: this.server.deps.config.serverName
		});
	}

	#listen(socket: net.Socket): void {
		socket.on('data', this.#onData);
		const idle = this.server.deps.config.pop3IdleTimeoutSeconds * 1000;
		socket.setTimeout(idle);
		socket.on('timeout', this.#onIdle);
	}

	#onData = (chunk: Buffer): void => {
		for (const line of this.#reader.push(chunk)) this.#queue.push(line);
		if (this.#queue.length > MAX_QUEUED_LINES) this.#socket.pause();
		void this.#drain();
	};

	/** RFC 1939 §3: the autologout closes without a response and without the UPDATE state. */
	#onIdle = (): void => {
		const seconds = this.server.deps.config.pop3IdleTimeoutSeconds;
		this.live.endReason = `Idle timeout: no command for ${seconds} s (POP3_IDLE_TIMEOUT_SECONDS); closed without a response and without removing anything (RFC 1939 §3)`;
		this.#socket.destroy();
	};

	async #drain(): Promise<void> {
		if (this.#busy) return;
		this.#busy = true;
		try {
			while (this.#queue.length && !this.#closed) {
				const line = this.#queue.shift()!;
				if (line.kind === 'tooLong') {
					this.live.recorder.system(
						'note',
						`A command line of ${line.octets} octets was not kept: POP3_MAX_LINE_BYTES is ${this.#reader.maxLineBytes}, CRLF included (RFC 2449 §4)`
					);
					this.reply('lineTooLong', { max: this.#reader.maxLineBytes });
					continue;
				}
				await runCommand(this, line.bytes, line.anomalies);
			}
		} finally {
			this.#busy = false;
			if (!this.#closed && this.#socket.isPaused() && !this.upgrading) this.#socket.resume();
		}
	}

	/** Records a client line as read; `maskFrom` hides a credential from everyone but its owner. */
	record(bytes: Buffer, anomalies: Anomaly[], maskFrom?: number): void {
		this.live.recorder.clientLine(wireText(bytes), anomalies, maskFrom);
	}

	/** A one-line response from the table. */
	reply(name: Pop3ReplyName, values: Record<string, string | number> = {}): void {
		this.send([pop3Reply(name, values)]);
	}

	/** Lines of one response (a listing ends with its own "."), written and recorded as one. */
	send(lines: string[]): void {
		if (this.#closed) return;
		this.live.recorder.serverResponse(lines);
		this.#socket.write(lines.map((line) => `${line}\r\n`).join(''));
	}

	/**
	 * A status line and a message (RETR, TOP): byte-stuffed and ended with "." (RFC 1939 §3),
	 * written a chunk at a time, each after the last has drained, so a slow reader holds one chunk
	 * in memory rather than a stuffed copy of the message.
	 */
	async sendMessage(status: string, content: Buffer, messageId: string): Promise<void> {
		if (this.#closed) return;
		this.live.recorder.serverResponse([status], { bytes: content, messageId });
		await this.#write(`${status}\r\n`);
		let from = 0;
		while (from < content.length && !this.#closed) {
			// Cut after a line end, so each chunk starts a line and is stuffed on its own.
			const lf = content.lastIndexOf(0x0a, from + WRITE_CHUNK_BYTES - 1);
			const fallback = content.indexOf(0x0a, from + WRITE_CHUNK_BYTES);
			const end = lf >= from ? lf + 1 : fallback < 0 ? content.length : fallback + 1;
			await this.#write(byteStuffed(content.subarray(from, end)));
			from = end;
		}
		await this.#write('.\r\n');
	}

	/** Writes, and waits for 'drain' when the socket's buffer is full (or for the close). */
	#write(data: Buffer | string): Promise<void> {
		if (this.#closed) return Promise.resolve();
		if (this.#socket.write(data)) return Promise.resolve();
		const socket = this.#socket;
		return new Promise((resolve) => {
			const done = () => {
				socket.off('drain', done);
				socket.off('close', done);
				resolve();
			};
			socket.on('drain', done);
			socket.on('close', done);
		});
	}

	/** Ends the session after a last response: `reason` is what the session list says. */
	close(reason: string): void {
		this.live.endReason ??= reason;
		this.#closed = true;
		this.#queue = [];
		const socket = this.#socket;
		socket.end();
		setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
	}

	/** The lifetime limit or shutdown: one -ERR [SYS/TEMP] with the reason, then the close. */
	closeWith(reason: string): void {
		if (this.#closed) return;
		this.reply('closing', { reason });
		this.close(reason);
	}

	upgrading = false;

	/**
	 * STLS answered +OK: the TLS handshake starts on this connection (RFC 2595 §4). Whatever the
	 * client sent after STLS in plaintext, before the handshake, is discarded, never read as a
	 * command inside TLS (the STARTTLS command injection class, CVE-2011-0411).
	 */
	async startTls(): Promise<void> {
		const raw = this.#socket;
		const { recorder } = this.live;
		raw.pause();
		raw.removeListener('data', this.#onData);
		raw.removeListener('timeout', this.#onIdle);
		raw.setTimeout(0);
		this.upgrading = true;
		const queued = this.#queue.splice(0);
		const discarded =
			this.#reader.discard() +
			queued.reduce(
				(sum, line) => sum + (line.kind === 'line' ? line.bytes.length + 2 : line.octets),
				0
			);
		recorder.serverResponse([pop3Reply('stls')]);
		if (discarded)
			recorder.system(
				'note',
				`${discarded} bytes sent in plaintext after STLS, before the TLS handshake, were discarded by the server (RFC 2595 §4: the client must wait for the response and the handshake)`
			);
		recorder.system(
			'starttls',
			'The server agreed (+OK): the TLS handshake starts now, and everything after it is encrypted on the wire (RFC 2595 §4).'
		);
		await this.#write(`${pop3Reply('stls')}\r\n`);
		if (this.#closed || raw.destroyed) return;
		// The tap's carrier lets the wire tap count the handshake and records (server/sandbox/wireTap.ts).
		raw.removeAllListeners('data');
		const secure = new tls.TLSSocket(this.live.tap ? this.live.tap.carrier(raw) : raw, {
			isServer: true,
			secureContext: this.server.secureContext
		});
		secure.on('error', () => raw.destroy());
		secure.once('secure', () => {
			this.#socket = secure;
			this.upgrading = false;
			recorder.tlsStarted(secure.getProtocol() ?? 'TLS', secure.getCipher()?.name ?? '');
			this.#listen(secure);
		});
	}

	#onClose(): void {
		this.#closed = true;
		this.#queue = [];
		if (this.account) this.server.deps.locks.release(this.account.mailbox, this.id);
		const rest = this.#reader.pending;
		if (rest.length)
			this.live.recorder.system(
				'note',
				`Unfinished line when the connection closed: ${wireText(rest).slice(0, 200)}`
			);
	}
}
