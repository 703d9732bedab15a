/**
 * The message-level IMAP commands (RFC 3501 §6.4: FETCH, STORE, SEARCH, COPY and their UID
 * forms; §6.3.11 APPEND): rows of the command table (imapCommands.ts), written by helper imapfetch.
 */
import type { ImapCommandRow } from './imapCommand';

export const MESSAGE_COMMANDS: ImapCommandRow[] = [];
