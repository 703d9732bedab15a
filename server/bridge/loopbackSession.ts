/**
 * One browser's SMTP session: a real TCP (and, after STARTTLS or on the submissions listener,
 * TLS) connection from this server to one of the sandbox's own listeners. There is no host or
 * port to choose: the listener name picks one of the sandbox's ports (BAD-INPUTS W4).
 */
import net from 'node:net';
import tls from 'node:tls';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '../ids';
import { parseReply } from '../../src/lib/smtp/protocol/replyParser';
import { listenerRow } from '../../src/lib/listeners';
import { opensMultiLine, pop3CommandsByVerb } from '../../src/lib/pop3/commands';
import type { ListenerName } from '../../src/lib/messages';
import type { ClientAddressRegistry } from '../sandbox/clientAddresses';

/** An IMAP STARTTLS command line: its tag (RFC 3501 §6.2.1, §9: "STARTTLS" takes no arguments). */
const IMAP_STARTTLS = /^(\S+) STARTTLS\s*$/i;

export interface LoopbackTarget {
	host: string;
	port: number;
	implicitTls: boolean;
	/** The sandbox's own certificate fingerprint: the bridge trusts that one certificate only. */
	fingerprint256: string;
}

export class LoopbackSession {
	readonly id = newId();
	readonly resumeToken = randomBytes(18).toString('base64url');
	#socket: net.Socket | tls.TLSSocket;
	#raw: net.Socket;
	#closed = false;
	#closeListeners = new Set<(reason: string) => void>();
	#greetingListeners = new Set<(reply: string) => void>();
	/** What the sandbox answered on this socket so far, and the line it is still sending. */
	#greeted = false;
	#replyPartial = '';
	/** Command lines sent and not answered yet, oldest first: each gets one reply. */
	#unanswered: string[] = [];
	#sentPartial = '';
	/** Sending a message's content (after 354 to DATA), whose lines get no reply until ".". */
	#inContent = false;
	/** Input held while our STARTTLS waits for its reply or the handshake runs. */
	#held: string[] = [];
	#upgrading = false;
	/** POP3 (RFC 1939): +OK/-ERR status lines, and multi-line responses that end at ".". */
	readonly #pop3: boolean;
	#inMultiLine = false;
	/**
	 * IMAP (RFC 3501): responses are read to their tagged completion, a literal's octets ("{n}"
	 * at a line's end, §4.3) skipped, so message text never reads as a response.
	 */
	readonly #imap: boolean;
	#imapLiteralLeft = 0;
	/** The tag of an IMAP STARTTLS sent and not completed yet (§6.2.1). */
	#imapStartTlsTag: string | null = null;
	#onReplies = (chunk: Buffer) => this.#readReplies(chunk);
	/** Timer that closes a session whose browser went away and did not come back. */
	graceTimer: NodeJS.Timeout | null = null;

	constructor(
		readonly listener: ListenerName,
		readonly browserAddress: string,
		/** The owner of the browser that opened it. */
		readonly ownerId: string,
		readonly target: LoopbackTarget,
		registry: ClientAddressRegistry
	) {
		this.#pop3 = listenerRow(listener).protocol === 'pop3';
		this.#imap = listenerRow(listener).protocol === 'imap';
		const raw = net.connect({ host: target.host, port: target.port });
		this.#raw = raw;
		raw.setNoDelay(true);
		raw.once('connect', () =>
			registry.register(raw.localPort ?? 0, {
				address: browserAddress,
				origin: 'browser',
				sessionId: this.id,
				ownerId
			})
		);
		raw.on('error', () => undefined);
		raw.once('close', () => {
			this.#closed = true;
			if (this.graceTimer) clearTimeout(this.graceTimer);
			for (const listener of this.#closeListeners) listener('connection closed');
		});
		this.#socket = target.implicitTls ? this.#wrapTls(raw) : raw;
		this.#socket.on('data', this.#onReplies);
	}

	matches(token: string): boolean {
		const a = Buffer.from(token);
		const b = Buffer.from(this.resumeToken);
		return a.length === b.length && timingSafeEqual(a, b);
	}

	get closed(): boolean {
		return this.#closed;
	}

	onClose(listener: (reason: string) => void): void {
		this.#closeListeners.add(listener);
	}

	/** Called with the last line of the sandbox's opening reply (220, or 421 when refused). */
	onGreeting(listener: (reply: string) => void): void {
		this.#greetingListeners.add(listener);
	}

	write(data: string): void {
		if (this.#closed) return;
		// After STARTTLS, RFC 3207 §4.2: wait for the reply, and after 220 send only inside TLS.
		if (this.#upgrading || this.#awaitingStartTls()) {
			this.#held.push(data);
			return;
		}
		this.#socket.write(data);
		this.#track(data);
	}

	close(): void {
		this.#socket.destroy();
		this.#raw.destroy();
	}

	#awaitingStartTls(): boolean {
		if (this.#imap) return this.#imapStartTlsTag !== null;
		return this.#unanswered.some((line) => this.#isStartTls(line));
	}

	/** SMTP's STARTTLS (RFC 3207 §4) or POP3's STLS (RFC 2595 §4). */
	#isStartTls(line: string): boolean {
		return (this.#pop3 ? /^STLS\s*$/i : /^STARTTLS\s*$/i).test(line);
	}

	/** Splits what was sent into command lines (as smtp-server does) and message content. */
	#track(data: string): void {
		const lines = (this.#sentPartial + data).split(/\r?\n/);
		this.#sentPartial = lines.pop() ?? '';
		for (const line of lines) {
			if (this.#imap) {
				// Only STARTTLS matters here: the bridge holds what follows until TLS is up.
				this.#imapStartTlsTag ??= IMAP_STARTTLS.exec(line)?.[1] ?? null;
				continue;
			}
			if (!this.#inContent) this.#unanswered.push(line);
			else if (line === '.') {
				this.#inContent = false;
				this.#unanswered.push(line);
			}
		}
	}

	#readReplies(chunk: Buffer): void {
		if (this.#imap) return this.#imapReplies(chunk.toString('latin1'));
		const lines = (this.#replyPartial + chunk.toString('latin1')).split('\r\n');
		this.#replyPartial = lines.pop() ?? '';
		for (const line of lines) {
			if (this.#pop3) {
				this.#pop3Line(line);
				continue;
			}
			const reply = parseReply(line);
			if (reply?.last) this.#answered(reply.code, line);
		}
	}

	/**
	 * A POP3 line: a status line (+OK, -ERR, or a SASL "+ ") answers the oldest command; a +OK that
	 * opens a multi-line response is followed by lines up to "." that answer nothing (RFC 1939 §3).
	 */
	#pop3Line(line: string): void {
		if (this.#inMultiLine) {
			if (line === '.') this.#inMultiLine = false;
			return;
		}
		const [verb = '', ...args] = (this.#unanswered[0] ?? '').split(' ');
		const row = pop3CommandsByVerb.get(verb.toUpperCase());
		if (this.#greeted && line.startsWith('+OK') && row && opensMultiLine(row, args))
			this.#inMultiLine = true;
		// The code only tells a successful STLS (see #answered); POP3 has none of its own.
		this.#answered(line.startsWith('+OK') ? 220 : 0, line);
	}

	/** IMAP's response lines, each literal's octets skipped (latin1: one character per octet). */
	#imapReplies(text: string): void {
		text = this.#replyPartial + text;
		this.#replyPartial = '';
		for (;;) {
			const skip = Math.min(this.#imapLiteralLeft, text.length);
			text = text.slice(skip);
			this.#imapLiteralLeft -= skip;
			if (this.#imapLiteralLeft > 0) return;
			const end = text.indexOf('\r\n');
			if (end < 0) {
				this.#replyPartial = text;
				return;
			}
			const line = text.slice(0, end);
			text = text.slice(end + 2);
			this.#imapLiteralLeft = Number(/\{(\d+)\}$/.exec(line)?.[1] ?? 0);
			this.#imapLine(line);
		}
	}

	/** The greeting, then the tagged completion of STARTTLS: OK starts TLS, NO/BAD releases. */
	#imapLine(line: string): void {
		if (!this.#greeted) {
			this.#greeted = true;
			for (const listener of this.#greetingListeners) listener(line);
			return;
		}
		const tag = this.#imapStartTlsTag;
		if (tag === null || !line.startsWith(`${tag} `)) return;
		this.#imapStartTlsTag = null;
		if (/^\S+ OK\b/i.test(line)) {
			// Lines pipelined after STARTTLS went out in plaintext: the sandbox discards them.
			this.#sentPartial = '';
			this.#upgrade();
		} else this.#release();
	}

	/** One final reply arrived: it answers the oldest unanswered line (the first, the connection). */
	#answered(code: number, line: string): void {
		if (!this.#greeted) {
			this.#greeted = true;
			for (const listener of this.#greetingListeners) listener(line);
			return;
		}
		const command = this.#unanswered.shift();
		if (command === undefined) return;
		if (/^DATA\s*$/i.test(command) && code === 354) this.#startContent();
		if (this.#isStartTls(command) && code === 220) {
			// Lines pipelined after STARTTLS went out in plaintext: the sandbox discards them (S13).
			this.#unanswered = [];
			this.#sentPartial = '';
			this.#upgrade();
			return;
		}
		if (!this.#upgrading && !this.#awaitingStartTls()) this.#release();
	}

	/** Lines already sent after DATA are content up to "."; if "." is not sent yet, later ones too. */
	#startContent(): void {
		const end = this.#unanswered.indexOf('.');
		if (end < 0) {
			this.#unanswered = [];
			this.#inContent = true;
		} else this.#unanswered.splice(0, end);
	}

	#release(): void {
		for (const data of this.#held.splice(0)) this.write(data);
	}

	#upgrade(): void {
		this.#upgrading = true;
		this.#raw.off('data', this.#onReplies);
		const secure = this.#wrapTls(this.#raw);
		secure.on('data', this.#onReplies);
		secure.once('secureConnect', () => {
			this.#socket = secure;
			this.#upgrading = false;
			this.#release();
		});
	}

	#wrapTls(socket: net.Socket): tls.TLSSocket {
		const secure = tls.connect({
			socket,
			servername: 'localhost',
			// Self-signed: trust exactly the sandbox's own certificate, by fingerprint.
			rejectUnauthorized: false,
			checkServerIdentity: () => undefined
		});
		secure.once('secureConnect', () => {
			if (secure.getPeerCertificate().fingerprint256 !== this.target.fingerprint256)
				secure.destroy(new Error('the sandbox certificate did not match'));
		});
		secure.on('error', () => undefined);
		return secure;
	}
}
