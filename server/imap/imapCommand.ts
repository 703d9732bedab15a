/**
 * The IMAP command table's row and what a handler gets: the mailbox-level commands
 * (imapCommands.ts) and the message-level ones (messageCommands.ts) are rows of one table, each
 * naming the states it is valid in (RFC 3501 §3, §6); the connection checks the state, then
 * calls run() with the parsed command (src/lib/imap/protocol/commandParser.ts) and the context.
 */
import type { ImapCommand } from '../../src/lib/imap/protocol/commandParser';
import type { ImapValue, ResponseCode } from '../../src/lib/imap/protocol/responseWriter';
import type { LabConfig } from '../config';
import type { FolderView } from '../mailboxes/folderView';
import type { ReadAccount } from '../mailboxes/mailboxes';
import type { SessionRecorder } from '../recorder/sessionRecorder';
import type { ImapReplyName } from './imapReplies';
import type { ImapMailboxes } from './imapServer';

/** RFC 3501 §3: not authenticated, authenticated, selected, logout. */
export type ImapState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

/** The parsed command of one name: `CommandOf<'FETCH'>` has `sequence`, `items`, `uid`. */
export type CommandOf<N extends ImapCommand['name']> = ImapCommand extends infer C
	? C extends { name: infer M }
		? // A member may stand for several names (SELECT | EXAMINE): narrowed to the one asked for.
			N extends M
			? C & { name: N }
			: never
		: never
	: never;

export interface ImapCommandRow<N extends ImapCommand['name'] = ImapCommand['name']> {
	name: N;
	/** The states it is valid in; in any other the server answers BAD naming the state. */
	states: readonly ImapState[];
	run(ctx: ImapContext, command: CommandOf<N>): void | Promise<void>;
}

/** What a handler reads and answers through: one per session. */
export interface ImapContext {
	/** The session's id (its recorder's, its store row's). */
	readonly id: string;
	readonly state: ImapState;
	/** The logged-in read account; null before LOGIN/AUTHENTICATE. */
	readonly account: ReadAccount | null;
	/** The SELECTed or EXAMINEd folder (EXAMINE: `readOnly`); null outside the selected state. */
	readonly selected: FolderView | null;
	readonly mailboxes: ImapMailboxes;
	readonly recorder: SessionRecorder;
	readonly config: LabConfig;
	/** Now, on the lab's clock (INTERNALDATE of an APPEND, \Recent bookkeeping). */
	now(): Date;
	/** "* <values>" (§7.2–§7.4): `ctx.data(atom('SEARCH'), 2, 84)`. */
	data(...values: ImapValue[]): Promise<void>;
	/**
	 * A whole untagged response as the response writer made it (fetchResponse(), …). A literal
	 * in it is recorded as content: `messageId` names the message it came from.
	 */
	send(response: Uint8Array, messageId?: string): Promise<void>;
	/** The tagged completion from the replies table (§7.1), with a response code if any. */
	tagged(
		tag: string,
		reply: ImapReplyName,
		values?: Record<string, string | number>,
		code?: ResponseCode
	): Promise<void>;
	/** "* OK|NO|BAD|BYE [code] text" from the replies table. */
	untagged(
		reply: ImapReplyName,
		values?: Record<string, string | number>,
		code?: ResponseCode
	): Promise<void>;
	/** Moves the session to another state, closing the folder it leaves (SELECT, CLOSE, …). */
	enter(state: ImapState, selected?: FolderView | null): void;
}

/** RFC 3501 §6.3: the mailbox commands are valid once logged in, a folder open or not. */
export const AUTHENTICATED: readonly ImapState[] = ['authenticated', 'selected'];
/** RFC 3501 §6.4: the message commands need a SELECTed or EXAMINEd folder. */
export const SELECTED: readonly ImapState[] = ['selected'];

/** A table row whose run() is checked against its command's parsed type. */
export function commandRow<N extends ImapCommand['name']>(row: ImapCommandRow<N>): ImapCommandRow {
	return row as unknown as ImapCommandRow;
}
