import type { SessionEvent } from '../messages';
import { ref } from '../smtp/rfc';
import { pop3RowId, type Pop3Row } from './reference';

type SystemKind = NonNullable<SessionEvent['kind']>;

export interface Pop3EventRow extends Pop3Row {
	kind: SystemKind;
}

const event = (kind: SystemKind, row: Omit<Pop3EventRow, 'kind' | 'key' | 'slug' | 'ref'>) => ({
	...pop3RowId('events', kind),
	kind,
	...row
});

// What the recorder notes about a POP3 session besides its lines (SMTP's are in
// src/lib/smtp/tables/systemEvents.ts; the kinds are the event schema's).
export const pop3EventTable: readonly Pop3EventRow[] = [
	event('connect', {
		title: 'Connection opened',
		summary: 'A TCP connection is open. In POP3 the server speaks first, with a +OK greeting.',
		rfc: [ref(1939, '3')]
	}),
	event('starttls', {
		title: 'TLS handshake starting',
		summary:
			'Right after the +OK to STLS, the TLS handshake begins on the same connection; the session stays in AUTHORIZATION.',
		rfc: [ref(2595, '4')]
	}),
	event('tls', {
		title: 'TLS established',
		summary:
			'From here on everything on this connection is encrypted, passwords and mail included. After STLS the client should send CAPA again.',
		rfc: [ref(2595, '4'), ref(8314, '3.1')]
	}),
	event('auth', {
		title: 'Login recorded',
		summary:
			'The server recorded who logged in; the session is now in TRANSACTION with that user’s maildrop locked.',
		rfc: [ref(1939, '4')]
	}),
	event('disconnect', {
		title: 'Connection closed',
		summary:
			'The TCP connection is closed. Only a QUIT in TRANSACTION removes the messages marked by DELE: a connection that closes any other way removes nothing.',
		rfc: [ref(1939, '6')]
	}),
	event('timeout', {
		title: 'Inactivity timeout',
		summary:
			'Nothing arrived for too long. A POP3 autologout timer must be at least 10 minutes; when it expires the server closes the connection without entering UPDATE, so nothing is deleted.',
		rfc: [ref(1939, '3')]
	}),
	event('truncated', {
		title: 'Recording truncated',
		summary: 'The recorder stopped keeping events for this session.',
		rfc: []
	}),
	event('note', { title: 'Note', summary: '', rfc: [] })
];

export const pop3EventsByKind: ReadonlyMap<string, Pop3EventRow> = new Map(
	pop3EventTable.map((r) => [r.kind, r])
);
