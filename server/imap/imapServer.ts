/**
 * The sandbox's IMAP server (RFC 3501 IMAP4rev1, with IDLE RFC 2177, UNSELECT RFC 3691, ENABLE
 * RFC 5161, AUTHENTICATE PLAIN RFC 4616): what a listener row with protocol 'imap' hands its
 * accepted sockets to, with the same `connect(socket, { id, remoteAddress })` as smtp-server
 * and the POP3 server (server/sandbox/listeners.ts admits and records the session first). One
 * module per concern: imapConnection.ts (a session: reading, states, TLS, log-in, timers,
 * writing), imapCommand.ts (the command table's row and a handler's context), imapCommands.ts
 * (the mailbox-level commands), messageCommands.ts (the message-level ones), imapReplies.ts
 * (every status response). The grammar is src/lib/imap/protocol/.
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
import { ImapConnection } from './imapConnection';

/** What the IMAP server reads mail through (server/mailboxes/). */
export type ImapMailboxes = Pick<Mailboxes, 'resolveReadLogin' | 'imap'>;

export interface ImapServerDeps {
	config: LabConfig;
	tls: TlsMaterial;
	sessions: LiveSessions;
	store: LabStore;
	clock: Clock;
	mailboxes: ImapMailboxes;
}

export class ImapServer {
	readonly secureContext: tls.SecureContext;

	constructor(
		readonly spec: Listener,
		readonly deps: ImapServerDeps
	) {
		this.secureContext = tls.createSecureContext({ key: deps.tls.key, cert: deps.tls.cert });
	}

	/** Runs the session the listener admitted (its id) on `socket`, greeting first (RFC 3501 §7.1.1). */
	connect(socket: net.Socket, options: { id: string; remoteAddress: string }): void {
		const live = this.deps.sessions.get(options.id);
		if (!live) {
			socket.destroy();
			return;
		}
		new ImapConnection(this, socket, options.id, live).start();
	}
}
