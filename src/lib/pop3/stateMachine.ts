import { ref } from '../smtp/rfc';
import { pop3RowId, type Pop3Row } from './reference';

/**
 * POP3's session states (RFC 1939 §3), in the order a session passes through them. The three of
 * the RFC plus the moments before the greeting and after the connection closes, which the
 * recorder sees too.
 */
export const POP3_STATE_IDS = [
	'pop3-connected',
	'pop3-authorization',
	'pop3-transaction',
	'pop3-update',
	'pop3-closed'
] as const;
export type Pop3StateId = (typeof POP3_STATE_IDS)[number];

export interface Pop3StateRow extends Pop3Row {
	id: Pop3StateId;
	label: string;
	/** Position in a session, for drawing. */
	order: number;
	/** What the client may send in this state. */
	validNext: string[];
}

const state = (
	id: Pop3StateId,
	label: string,
	row: Omit<Pop3StateRow, 'id' | 'label' | 'order' | 'key' | 'slug' | 'ref' | 'title'>
): Pop3StateRow => ({
	...pop3RowId('states', id.slice('pop3-'.length)),
	id,
	label,
	title: label,
	order: POP3_STATE_IDS.indexOf(id),
	...row
});

export const pop3StateTable: readonly Pop3StateRow[] = [
	state('pop3-connected', 'Connected, awaiting greeting', {
		summary: 'The TCP connection is open; the POP3 server speaks first, with a +OK greeting.',
		validNext: [],
		rfc: [ref(1939, '3')]
	}),
	state('pop3-authorization', 'AUTHORIZATION', {
		summary:
			'The server has greeted the client, which must now identify itself: USER and PASS, or AUTH. CAPA, STLS and QUIT are allowed too. Nothing about the mailbox is shown yet.',
		detail:
			'Once the client has identified itself, the server locks the maildrop (so that no other session changes it meanwhile) and the session enters TRANSACTION. QUIT here ends the session without entering UPDATE: nothing is deleted.',
		validNext: ['CAPA', 'STLS', 'USER', 'PASS', 'AUTH', 'QUIT'],
		rfc: [ref(1939, '4')]
	}),
	state('pop3-transaction', 'TRANSACTION', {
		summary:
			'The client is logged in and the maildrop is locked. It lists (STAT, LIST, UIDL), downloads (RETR, TOP) and marks messages for deletion (DELE, undone by RSET).',
		detail:
			'A DELE only marks a message: it is removed in UPDATE, after QUIT. If the connection drops, or the server’s inactivity timer expires, the session never reaches UPDATE and nothing is removed.',
		validNext: ['STAT', 'LIST', 'UIDL', 'RETR', 'TOP', 'DELE', 'RSET', 'NOOP', 'CAPA', 'QUIT'],
		rfc: [ref(1939, '5')]
	}),
	state('pop3-update', 'UPDATE', {
		summary:
			'The client sent QUIT in TRANSACTION: the server removes the messages marked as deleted, releases the lock, answers and closes the connection.',
		detail:
			'This is the only moment a POP3 server removes mail: download-and-delete is DELE then QUIT; download-and-keep is RETR without DELE (or RSET before QUIT).',
		validNext: [],
		rfc: [ref(1939, '6')]
	}),
	state('pop3-closed', 'Closed', {
		summary: 'The connection is closed.',
		validNext: [],
		rfc: [ref(1939, '6')]
	})
];

export const pop3StatesById: ReadonlyMap<string, Pop3StateRow> = new Map(
	pop3StateTable.map((r) => [r.id, r])
);

/** How a session moves from state to state: one row per edge the diagram draws. */
export interface Pop3TransitionRow {
	from: Pop3StateId;
	to: Pop3StateId;
	/** What moves it: a command whose response was +OK, the greeting, or an event. */
	on: string;
	/**
	 * 'response': a +OK to `on` moves it; 'command': sending `on` does (QUIT in TRANSACTION enters
	 * UPDATE whatever the answer, RFC 1939 §6); 'event': the connection closing.
	 */
	when: 'response' | 'command' | 'event';
	label: string;
	rfc: ReturnType<typeof ref>[];
}

export const pop3TransitionTable: readonly Pop3TransitionRow[] = [
	{
		from: 'pop3-connected',
		to: 'pop3-authorization',
		on: 'GREETING',
		when: 'response',
		label: '+OK greeting',
		rfc: [ref(1939, '4')] // "the session enters the AUTHORIZATION state"
	},
	{
		from: 'pop3-authorization',
		to: 'pop3-transaction',
		on: 'PASS',
		when: 'response',
		label: 'USER, then PASS +OK',
		rfc: [ref(1939, '7')]
	},
	{
		from: 'pop3-authorization',
		to: 'pop3-transaction',
		on: 'AUTH',
		when: 'response',
		label: 'AUTH … +OK',
		rfc: [ref(5034, '4')]
	},
	{
		from: 'pop3-authorization',
		to: 'pop3-closed',
		on: 'QUIT',
		when: 'response',
		label: 'QUIT (nothing deleted)',
		rfc: [ref(1939, '4')]
	},
	{
		from: 'pop3-transaction',
		to: 'pop3-update',
		on: 'QUIT',
		when: 'command',
		label: 'QUIT',
		rfc: [ref(1939, '6')]
	},
	{
		from: 'pop3-update',
		to: 'pop3-closed',
		on: 'CLOSE',
		when: 'event',
		label: 'marked messages removed, +OK, close',
		rfc: [ref(1939, '6')]
	},
	{
		from: 'pop3-transaction',
		to: 'pop3-closed',
		on: 'DROP',
		when: 'event',
		label: 'connection lost or timed out (nothing deleted)',
		rfc: [ref(1939, '3'), ref(1939, '6')]
	}
];

/** Where `on` (a verb, GREETING, CLOSE, DROP) leads from `from` at that moment, or `from`. */
export function pop3Transition(
	from: Pop3StateId,
	on: string,
	when: Pop3TransitionRow['when']
): Pop3StateId {
	return (
		pop3TransitionTable.find((t) => t.from === from && t.on === on && t.when === when)?.to ?? from
	);
}
