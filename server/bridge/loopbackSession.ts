/**
 * One browser's SMTP session: a real TCP (and, after STARTTLS or on the submissions listener,
 * TLS) connection from this server to one of the sandbox's own listeners. There is no host or
 * port to choose: the listener name picks one of the sandbox's ports (BAD-INPUTS W4).
 */
import net from 'node:net';
import tls from 'node:tls';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '../ids';
import type { ListenerName, SessionEvent } from '../../src/lib/messages';
import type { ClientAddressRegistry } from '../sandbox/clientAddresses';

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
	#queue: string[] = [];
	#upgrading = false;
	#closed = false;
	#closeListeners = new Set<(reason: string) => void>();
	/** Final reply lines the sandbox recorded, and those that reached this socket. */
	#recordedReplies = 0;
	#receivedReplies = 0;
	#partialLine = '';
	/** After which received reply the TLS handshake must start (the 220 to STARTTLS). */
	#tlsAfterReply: number | null = null;
	#countReplies = (chunk: Buffer) => this.#count(chunk);
	/** Timer that closes a session whose browser went away and did not come back. */
	graceTimer: NodeJS.Timeout | null = null;

	constructor(
		readonly listener: ListenerName,
		readonly browserAddress: string,
		readonly target: LoopbackTarget,
		registry: ClientAddressRegistry
	) {
		const raw = net.connect({ host: target.host, port: target.port });
		this.#raw = raw;
		raw.setNoDelay(true);
		raw.once('connect', () =>
			registry.register(raw.localPort ?? 0, {
				address: browserAddress,
				origin: 'browser',
				sessionId: this.id
			})
		);
		raw.on('error', () => undefined);
		raw.once('close', () => {
			this.#closed = true;
			if (this.graceTimer) clearTimeout(this.graceTimer);
			for (const listener of this.#closeListeners) listener('connection closed');
		});
		if (target.implicitTls) {
			this.#socket = this.#wrapTls(raw);
			this.#socket.on('data', this.#countReplies);
		} else {
			this.#socket = raw;
			raw.on('data', this.#countReplies);
		}
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

	write(data: string): void {
		if (this.#closed) return;
		if (this.#upgrading || this.#tlsAfterReply !== null) this.#queue.push(data);
		else this.#socket.write(data);
	}

	/**
	 * Fed with this session's recorded events. The recorder says when the sandbox answered
	 * STARTTLS with 220; the handshake starts once that reply has also arrived here, since replies
	 * to earlier pipelined commands may still be on their way.
	 */
	observe(event: SessionEvent): void {
		if (event.dir === 'server' && /^\d{3}(?!-)/.test(event.text)) this.#recordedReplies++;
		else if (event.dir === 'system' && event.kind === 'starttls') {
			this.#tlsAfterReply = this.#recordedReplies;
			this.#maybeUpgrade();
		}
	}

	close(): void {
		this.#socket.destroy();
		this.#raw.destroy();
	}

	#count(chunk: Buffer): void {
		const lines = (this.#partialLine + chunk.toString('latin1')).split('\r\n');
		this.#partialLine = lines.pop() ?? '';
		for (const line of lines) if (/^\d{3}(?!-)/.test(line)) this.#receivedReplies++;
		this.#maybeUpgrade();
	}

	#maybeUpgrade(): void {
		if (this.#tlsAfterReply === null || this.#receivedReplies < this.#tlsAfterReply) return;
		this.#tlsAfterReply = null;
		this.#upgrading = true;
		this.#raw.off('data', this.#countReplies);
		const secure = this.#wrapTls(this.#raw);
		secure.on('data', this.#countReplies);
		secure.once('secureConnect', () => {
			this.#socket = secure;
			this.#upgrading = false;
			for (const data of this.#queue.splice(0)) secure.write(data);
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
