import { ref } from '../smtp/rfc';
import { imapRowId, type ImapRow } from './reference';

/**
 * IMAP's connection states (RFC 3501 §3), in the order a session passes through them: the four
 * of the RFC plus the moment before the greeting and after the connection closes, which the
 * recorder sees too (POP3's table has the same two).
 */
export const IMAP_STATE_IDS = [
	'imap-connected',
	'imap-not-authenticated',
	'imap-authenticated',
	'imap-selected',
	'imap-logout',
	'imap-closed'
] as const;
export type ImapStateId = (typeof IMAP_STATE_IDS)[number];

export interface ImapStateRow extends ImapRow {
	id: ImapStateId;
	label: string;
	/** Position in a session, for drawing. */
	order: number;
	/** What the client may send in this state (RFC 3501 §6.1–§6.4 and the extensions). */
	validNext: string[];
}

const ANY = ['CAPABILITY', 'NOOP', 'LOGOUT'];
const AUTHENTICATED = [
	...ANY,
	'SELECT',
	'EXAMINE',
	'CREATE',
	'DELETE',
	'RENAME',
	'SUBSCRIBE',
	'UNSUBSCRIBE',
	'LIST',
	'LSUB',
	'STATUS',
	'APPEND',
	'IDLE'
];

const state = (
	id: ImapStateId,
	label: string,
	row: Omit<ImapStateRow, 'id' | 'label' | 'order' | 'key' | 'slug' | 'ref' | 'title'>
): ImapStateRow => ({
	...imapRowId('states', id.slice('imap-'.length)),
	id,
	label,
	title: label,
	order: IMAP_STATE_IDS.indexOf(id),
	...row
});

export const imapStateTable: readonly ImapStateRow[] = [
	state('imap-connected', 'Connected, awaiting greeting', {
		summary:
			'The TCP connection is open; the IMAP server speaks first. Its greeting says which state the session starts in: OK (not authenticated), PREAUTH (already authenticated) or BYE (refused).',
		validNext: [],
		rfc: [ref(3501, '3'), ref(3501, '7.1')]
	}),
	state('imap-not-authenticated', 'Not authenticated', {
		summary:
			'The client must log in (LOGIN or AUTHENTICATE) before most commands are allowed; CAPABILITY, NOOP, LOGOUT and STARTTLS work too.',
		detail:
			'A server that keeps passwords off unencrypted connections advertises LOGINDISABLED before STARTTLS and refuses LOGIN then.',
		validNext: [...ANY, 'STARTTLS', 'AUTHENTICATE', 'LOGIN'],
		rfc: [ref(3501, '3.1'), ref(3501, '6.2')]
	}),
	state('imap-authenticated', 'Authenticated', {
		summary:
			'Logged in. The client works with mailboxes (LIST, CREATE, STATUS, APPEND …) and must SELECT or EXAMINE one before it can touch messages.',
		detail:
			'This state is entered by a successful login, a PREAUTH greeting, a failed SELECT/EXAMINE, or a CLOSE (or UNSELECT) of the selected mailbox.',
		validNext: [...AUTHENTICATED, 'ENABLE'],
		rfc: [ref(3501, '3.2'), ref(3501, '6.3')]
	}),
	state('imap-selected', 'Selected', {
		summary:
			'A mailbox is open: the client reads messages by sequence number or UID (FETCH, SEARCH), changes their flags (STORE), copies them (COPY) and removes those marked \\Deleted (EXPUNGE, CLOSE).',
		detail:
			'The authenticated state’s commands still work here; a SELECT of another mailbox switches to it. The server may report changes at any time in untagged EXISTS, EXPUNGE and FETCH responses.',
		validNext: [
			...AUTHENTICATED,
			'CHECK',
			'CLOSE',
			'UNSELECT',
			'EXPUNGE',
			'SEARCH',
			'FETCH',
			'STORE',
			'COPY',
			'UID'
		],
		rfc: [ref(3501, '3.3'), ref(3501, '6.4')]
	}),
	state('imap-logout', 'Logout', {
		summary:
			'The connection is ending: after LOGOUT the server sends an untagged BYE and a tagged OK, then closes. A BYE at any other time is the server ending the session on its own.',
		validNext: [],
		rfc: [ref(3501, '3.4')]
	}),
	state('imap-closed', 'Closed', {
		summary: 'The connection is closed.',
		validNext: [],
		rfc: [ref(3501, '3.4')]
	})
];

export const imapStatesById: ReadonlyMap<string, ImapStateRow> = new Map(
	imapStateTable.map((r) => [r.id, r])
);

/** How a session moves from state to state: one row per edge RFC 3501 §3's diagram draws. */
export interface ImapTransitionRow {
	from: ImapStateId;
	to: ImapStateId;
	/**
	 * What moves it: a command completed OK ('response'), an untagged status ('untagged': the
	 * greeting's OK/PREAUTH/BYE, a BYE), or the connection closing ('event').
	 */
	on: string;
	when: 'response' | 'untagged' | 'event';
	label: string;
	rfc: ReturnType<typeof ref>[];
}

const edge = (
	from: ImapStateId,
	to: ImapStateId,
	on: string,
	when: ImapTransitionRow['when'],
	label: string,
	rfc: ReturnType<typeof ref>[]
): ImapTransitionRow => ({ from, to, on, when, label, rfc });

// RFC 3501 §3's diagram: (1) connection without pre-authentication (OK greeting), (2)
// pre-authenticated (PREAUTH), (3) rejected (BYE), (4) successful LOGIN or AUTHENTICATE, (5)
// successful SELECT or EXAMINE, (6) CLOSE or failed SELECT/EXAMINE, (7) LOGOUT, server shutdown or
// connection closed. UNSELECT is CLOSE without the expunge (RFC 3691 §2).
export const imapTransitionTable: readonly ImapTransitionRow[] = [
	edge('imap-connected', 'imap-not-authenticated', 'OK', 'untagged', 'OK greeting', [
		ref(3501, '3')
	]),
	edge('imap-connected', 'imap-authenticated', 'PREAUTH', 'untagged', 'PREAUTH greeting', [
		ref(3501, '7.1.4')
	]),
	edge('imap-connected', 'imap-logout', 'BYE', 'untagged', 'BYE greeting (rejected)', [
		ref(3501, '7.1.5')
	]),
	edge('imap-not-authenticated', 'imap-authenticated', 'LOGIN', 'response', 'LOGIN OK', [
		ref(3501, '6.2.3')
	]),
	edge(
		'imap-not-authenticated',
		'imap-authenticated',
		'AUTHENTICATE',
		'response',
		'AUTHENTICATE OK',
		[ref(3501, '6.2.2')]
	),
	edge('imap-authenticated', 'imap-selected', 'SELECT', 'response', 'SELECT OK', [
		ref(3501, '6.3.1')
	]),
	edge('imap-authenticated', 'imap-selected', 'EXAMINE', 'response', 'EXAMINE OK (read-only)', [
		ref(3501, '6.3.2')
	]),
	edge('imap-selected', 'imap-authenticated', 'CLOSE', 'response', 'CLOSE OK (expunges)', [
		ref(3501, '6.4.2')
	]),
	edge('imap-selected', 'imap-authenticated', 'UNSELECT', 'response', 'UNSELECT OK', [
		ref(3691, '2')
	]),
	edge(
		'imap-selected',
		'imap-authenticated',
		'SELECT-FAILED',
		'response',
		'SELECT or EXAMINE NO: no mailbox selected',
		[ref(3501, '6.3.1')]
	),
	...(['imap-not-authenticated', 'imap-authenticated', 'imap-selected'] as const).map((from) =>
		edge(from, 'imap-logout', 'BYE', 'untagged', 'LOGOUT (BYE), or the server ends it (BYE)', [
			ref(3501, '3.4')
		])
	),
	edge('imap-logout', 'imap-closed', 'CLOSE', 'event', 'connection closed', [ref(3501, '3.4')])
];

/** Where `on` leads from `from`, or `from`. */
export function imapTransition(
	from: ImapStateId,
	on: string,
	when: ImapTransitionRow['when']
): ImapStateId {
	return (
		imapTransitionTable.find((t) => t.from === from && t.on === on && t.when === when)?.to ?? from
	);
}
