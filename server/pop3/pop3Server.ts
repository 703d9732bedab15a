/**
 * The sandbox's POP3 server (RFC 1939, with CAPA from RFC 2449, STLS from RFC 2595 §4 and AUTH
 * PLAIN from RFC 5034 and RFC 4616): what a listener row with protocol 'pop3' hands its
 * accepted sockets to, with the same `connect(socket, { id, remoteAddress })` as smtp-server
 * (server/sandbox/listeners.ts admits and records the session first). One module per concern:
 * lineReader.ts (command lines and their limit), pop3Connection.ts (a session: states, TLS,
 * timers, writing), pop3Commands.ts (what each command does), pop3Replies.ts (every response).
 */
import type net from 'node:net';
import tls from 'node:tls';
import type { Listener } from '../../src/lib/listeners';
import type { Clock } from '../clock';
import type { LabConfig } from '../config';
import type { Mailboxes } from '../mailboxes/mailboxes';
import type { LiveSessions } from '../sandbox/sessions';
import type { LabStore } from '../store/labStore';
import type { TlsMaterial } from '../tls/certificate';
import { Pop3Connection } from './pop3Connection';

/** What the POP3 server reads mail through (server/mailboxes/). */
export type Pop3Mailboxes = Pick<
	Mailboxes,
	'resolveReadLogin' | 'list' | 'content' | 'recordRead' | 'remove'
>;

export interface Pop3ServerDeps {
	config: LabConfig;
	tls: TlsMaterial;
	sessions: LiveSessions;
	store: LabStore;
	mailboxes: Pop3Mailboxes;
	/** Held by the session that has a maildrop open (RFC 1939 §4): shared by both listeners. */
	locks: MaildropLocks;
	clock: Clock;
}

/**
 * Which session holds each maildrop (a read account's mailbox key): one at a time; and when each
 * last logged in, for POP3_LOGIN_DELAY_SECONDS (RFC 2449 §6.5).
 */
export class MaildropLocks {
	#holders = new Map<string, string>();
	/** Mailbox → its last log-in; only entries still inside the delay matter, so older go. */
	#lastLogin = new Map<string, number>();

	constructor(
		/** POP3_LOGIN_DELAY_SECONDS, in ms (0: none). */
		readonly loginDelayMs: number
	) {}

	/** What a log-in now must wait for, or null when it may go ahead. */
	loginWait(mailbox: string, now: number): { seconds: number; delay: number; wait: number } | null {
		const last = this.#lastLogin.get(mailbox);
		if (last === undefined || now - last >= this.loginDelayMs) return null;
		return {
			seconds: Math.floor((now - last) / 1000),
			delay: this.loginDelayMs / 1000,
			wait: Math.ceil((last + this.loginDelayMs - now) / 1000)
		};
	}

	take(mailbox: string, sessionId: string, now: number): boolean {
		if (this.#holders.has(mailbox)) return false;
		this.#holders.set(mailbox, sessionId);
		if (this.loginDelayMs > 0) {
			for (const [key, at] of this.#lastLogin)
				if (now - at >= this.loginDelayMs) this.#lastLogin.delete(key);
			this.#lastLogin.set(mailbox, now);
		}
		return true;
	}

	release(mailbox: string, sessionId: string): void {
		if (this.#holders.get(mailbox) === sessionId) this.#holders.delete(mailbox);
	}
}

export class Pop3Server {
	readonly secureContext: tls.SecureContext;

	constructor(
		readonly spec: Listener,
		readonly deps: Pop3ServerDeps
	) {
		this.secureContext = tls.createSecureContext({ key: deps.tls.key, cert: deps.tls.cert });
	}

	/** Runs the session the listener admitted (its id) on `socket`, greeting first (RFC 1939 §4). */
	connect(socket: net.Socket, options: { id: string; remoteAddress: string }): void {
		const live = this.deps.sessions.get(options.id);
		if (!live) {
			socket.destroy();
			return;
		}
		new Pop3Connection(this, socket, options.id, live).start();
	}
}
