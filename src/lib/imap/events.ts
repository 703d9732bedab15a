import type { SessionEvent } from '../messages';
import { ref } from '../smtp/rfc';
import { imapRowId, type ImapRow } from './reference';

type SystemKind = NonNullable<SessionEvent['kind']>;

export interface ImapEventRow extends ImapRow {
	kind: SystemKind;
}

const event = (kind: SystemKind, row: Omit<ImapEventRow, 'kind' | 'key' | 'slug' | 'ref'>) => ({
	...imapRowId('events', kind),
	kind,
	...row
});

// What the recorder notes about an IMAP session besides its lines (POP3's: src/lib/pop3/events.ts).
export const imapEventTable: readonly ImapEventRow[] = [
	event('connect', {
		title: 'Connection opened',
		summary: 'A TCP connection is open. In IMAP the server speaks first, with its greeting.',
		rfc: [ref(3501, '3')]
	}),
	event('starttls', {
		title: 'TLS handshake starting',
		summary:
			'Right after the tagged OK to STARTTLS the TLS handshake begins on the same connection; the session stays not authenticated.',
		rfc: [ref(3501, '6.2.1')]
	}),
	event('tls', {
		title: 'TLS established',
		summary:
			'From here on everything on this connection is encrypted, passwords and mail included. The client should ask CAPABILITY again: LOGINDISABLED is gone and AUTH=PLAIN offered.',
		rfc: [ref(3501, '6.2.1')]
	}),
	event('auth', {
		title: 'Login recorded',
		summary: 'The server recorded who logged in; the session is in the authenticated state.',
		rfc: [ref(3501, '3.2')]
	}),
	event('disconnect', {
		title: 'Connection closed',
		summary:
			'The TCP connection is closed. A server should say why in an untagged BYE first; a client should LOGOUT rather than just close.',
		rfc: [ref(3501, '3.4')]
	}),
	event('timeout', {
		title: 'Autologout',
		summary:
			'Nothing arrived for too long. An IMAP server’s autologout timer must be at least 30 minutes; it sends BYE and closes.',
		rfc: [ref(3501, '5.4')]
	}),
	event('truncated', {
		title: 'Recording truncated',
		summary: 'The recorder stopped keeping events for this session.',
		rfc: []
	}),
	event('note', { title: 'Note', summary: '', rfc: [] })
];

export const imapEventsByKind: ReadonlyMap<string, ImapEventRow> = new Map(
	imapEventTable.map((r) => [r.kind, r])
);
