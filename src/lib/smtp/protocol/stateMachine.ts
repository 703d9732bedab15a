import type { RfcRef } from '../../messages';
import { indexBy, rowId, type ReferenceRow } from '../reference/reference';
import { ref } from '../rfc';

/** The session states, in the order a typical session passes through them. */
export const STATE_IDS = [
	'connected',
	'greeted',
	'identified',
	'tls',
	'auth',
	'authenticated',
	'mail',
	'rcpt',
	'data',
	'closed'
] as const;
export type StateId = (typeof STATE_IDS)[number];

export interface StateRow extends ReferenceRow {
	id: StateId;
	label: string;
	/** Position in a typical session, for drawing. */
	order: number;
	/** What the client may send next ("message content" and "AUTH response" are not verbs). */
	validNext: string[];
}

const state = (
	id: StateId,
	label: string,
	summary: string,
	validNext: string[],
	rfc: RfcRef[]
): StateRow => ({
	...rowId('states', id),
	id,
	label,
	title: label,
	order: STATE_IDS.indexOf(id),
	summary,
	validNext,
	rfc
});

// NOOP, HELP, EXPN, VRFY and RSET may be used at any time (RFC 5321 §4.1.4).
const ANYTIME = ['NOOP', 'RSET', 'VRFY', 'EXPN', 'HELP', 'QUIT'];

export const stateTable: readonly StateRow[] = [
	state(
		'connected',
		'Connected, awaiting greeting',
		'The TCP connection is open; the client waits for the server to speak first.',
		[],
		[ref(5321, '3.1')]
	),
	state(
		'greeted',
		'Greeted',
		'The server said 220. The client introduces itself with EHLO (or HELO).',
		['EHLO', 'HELO', ...ANYTIME],
		[ref(5321, '3.2'), ref(5321, '4.1.4')]
	),
	state(
		'identified',
		'Identified (after EHLO)',
		'The server knows the client’s name and has listed its extensions. A mail transaction may start, or the client may first secure the connection and authenticate.',
		['MAIL', 'STARTTLS', 'AUTH', 'EHLO', 'HELO', ...ANYTIME],
		[ref(5321, '4.1.1.1')]
	),
	state(
		'tls',
		'In TLS, EHLO again',
		'The TLS handshake is done. Both sides have forgotten what was said before TLS; the client should send EHLO as its first command (RFC 3207 §4.2), and must before a mail transaction (RFC 5321 §4.1.4).',
		['EHLO', 'HELO', ...ANYTIME],
		[ref(3207, '4.2')]
	),
	state(
		'auth',
		'Authentication exchange',
		'An AUTH exchange is in progress: the server sent 334, the client answers with one base64 line (or "*" to cancel).',
		['AUTH response (base64)', '*'],
		[ref(4954, '4')]
	),
	state(
		'authenticated',
		'Authenticated',
		'The client proved its identity (235). A submission server now accepts mail for any domain from it.',
		['MAIL', 'EHLO', 'HELO', ...ANYTIME],
		[ref(4954, '4'), ref(6409, '')]
	),
	state(
		'mail',
		'In a mail transaction',
		'The sender is accepted (MAIL FROM). The client now names recipients.',
		['RCPT', ...ANYTIME],
		[ref(5321, '3.3'), ref(5321, '4.1.1.2')]
	),
	state(
		'rcpt',
		'With recipients',
		'At least one recipient is accepted. More RCPT TO may follow, then DATA (or BDAT).',
		['RCPT', 'DATA', 'BDAT', ...ANYTIME],
		[ref(5321, '3.3'), ref(5321, '4.1.1.3')]
	),
	state(
		'data',
		'Receiving message content',
		'After 354, every line is part of the message until a line holding only a dot.',
		['message content', '.'],
		[ref(5321, '4.1.1.4'), ref(5321, '4.5.2')]
	),
	state('closed', 'Closed', 'The connection is closed.', [], [ref(5321, '3.8')])
];

export const statesById: ReadonlyMap<string, StateRow> = indexBy(stateTable, (r) => r.id);

/**
 * Where a transition goes: a state, 'idle' (no transaction open: greeted, tls, identified or
 * authenticated depending on what the session has done), or 'same'.
 */
export type TransitionTarget = StateId | 'idle' | 'same';

export interface TransitionRow {
	/** The command or moment the reply answers ('*' = any). */
	on: readonly string[] | '*';
	/** First digit of the reply, or one exact code. */
	replyClass?: readonly number[];
	code?: number;
	to: TransitionTarget;
	/** What the session remembers after this transition. */
	sets?: Partial<Pick<SessionContext, 'identified' | 'tls' | 'authenticated'>>;
	label: string;
	rfc: RfcRef[];
}

const END = ['DATA-END', 'BDAT-LAST'];

/** Tried in order; the first row that matches decides. No row: the state is unchanged. */
export const transitionTable: readonly TransitionRow[] = [
	{
		on: '*',
		code: 421,
		to: 'closed',
		label: '421: the server closes the connection',
		rfc: [ref(5321, '3.8')]
	},
	{
		on: ['QUIT'],
		replyClass: [2],
		to: 'closed',
		label: 'QUIT → 221',
		rfc: [ref(5321, '4.1.1.10')]
	},
	{
		on: ['GREETING'],
		replyClass: [2],
		to: 'greeted',
		label: 'greeting 220',
		rfc: [ref(5321, '3.1')]
	},
	{
		on: ['EHLO', 'HELO'],
		replyClass: [2],
		to: 'idle',
		sets: { identified: true },
		label: 'EHLO → 250 (a later EHLO also resets any transaction, as RSET does)',
		rfc: [ref(5321, '4.1.4')]
	},
	{
		on: ['STARTTLS'],
		replyClass: [2],
		to: 'tls',
		sets: { tls: true, identified: false, authenticated: false },
		label: 'STARTTLS → 220: TLS handshake; everything said before is forgotten',
		rfc: [ref(3207, '4.2')]
	},
	{
		on: ['AUTH', 'AUTH-CONT'],
		replyClass: [3],
		to: 'auth',
		label: 'AUTH → 334: the exchange continues',
		rfc: [ref(4954, '4')]
	},
	{
		on: ['AUTH', 'AUTH-CONT'],
		replyClass: [2],
		to: 'authenticated',
		sets: { authenticated: true },
		label: 'AUTH → 235',
		rfc: [ref(4954, '4')]
	},
	{
		on: ['AUTH-CONT', 'AUTH-CANCEL'],
		replyClass: [4, 5],
		to: 'idle',
		label: 'AUTH exchange failed or cancelled',
		rfc: [ref(4954, '4')]
	},
	{ on: ['MAIL'], replyClass: [2], to: 'mail', label: 'MAIL → 250', rfc: [ref(5321, '3.3')] },
	{ on: ['RCPT'], replyClass: [2], to: 'rcpt', label: 'RCPT → 250', rfc: [ref(5321, '3.3')] },
	{ on: ['DATA'], replyClass: [3], to: 'data', label: 'DATA → 354', rfc: [ref(5321, '4.1.1.4')] },
	{
		on: END,
		replyClass: [2, 4, 5],
		to: 'idle',
		label: 'end of data → reply: the transaction is over, whatever the reply',
		rfc: [ref(5321, '4.1.1.4')]
	},
	{
		on: ['BDAT'],
		replyClass: [4, 5],
		to: 'idle',
		label: 'BDAT refused: the transaction has failed; no more chunks may be sent',
		rfc: [ref(3030, '2')]
	},
	{ on: ['RSET'], replyClass: [2], to: 'idle', label: 'RSET → 250', rfc: [ref(5321, '4.1.1.5')] }
];

/** What the session has done so far; enough to resolve 'idle'. */
export interface SessionContext {
	state: StateId;
	identified: boolean;
	tls: boolean;
	authenticated: boolean;
}

export function initialContext(options: { tls?: boolean } = {}): SessionContext {
	return { state: 'connected', identified: false, tls: options.tls ?? false, authenticated: false };
}

function idleState(ctx: SessionContext): StateId {
	if (!ctx.identified) return ctx.tls && ctx.state === 'tls' ? 'tls' : 'greeted';
	return ctx.authenticated ? 'authenticated' : 'identified';
}

// The row each (on, code) takes, found once: every reply of a session looks one up. Bounded by
// the contexts (verbs of the command table and the moments above) times the codes 200–599.
const transitionsFound = new Map<string, Map<number, TransitionRow | undefined>>();

/** The transition row a reply to `on` with `code` takes, if any. */
export function findTransition(on: string, code: number): TransitionRow | undefined {
	let byCode = transitionsFound.get(on);
	if (!byCode) transitionsFound.set(on, (byCode = new Map()));
	if (byCode.has(code)) return byCode.get(code);
	const digit = Math.floor(code / 100);
	const row = transitionTable.find(
		(row) =>
			(row.on === '*' || row.on.includes(on)) &&
			(row.code === undefined || row.code === code) &&
			(!row.replyClass || row.replyClass.includes(digit))
	);
	byCode.set(code, row);
	return row;
}

/**
 * The session after the server replied `code` to `on` (a verb, or GREETING, DATA-END,
 * BDAT-LAST, AUTH-CONT, AUTH-CANCEL). Errors leave the state unchanged (RFC 5321 §4.1.4).
 */
export function transition(ctx: SessionContext, on: string, code: number): SessionContext {
	const row = findTransition(on, code);
	if (!row || row.to === 'same') return ctx;
	// Field by field rather than spread: this runs for every reply of every session.
	const next: SessionContext = {
		state: ctx.state,
		identified: row.sets?.identified ?? ctx.identified,
		tls: row.sets?.tls ?? ctx.tls,
		authenticated: row.sets?.authenticated ?? ctx.authenticated
	};
	next.state = row.to === 'idle' ? idleState(next) : row.to;
	return next;
}
