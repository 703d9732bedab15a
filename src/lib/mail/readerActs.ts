/**
 * What a reader did to a delivered copy of a message (issue 18): read it, or removed it from
 * their mailbox. Recorded by server/mailboxes, kept on the message's summary (and in its own
 * table in the database), shown on the message page, /mailbox and the message's journey.
 */
import type { Protocol } from '../listeners';

export type ReaderActKind = 'read' | 'removed';

export interface ReaderAct {
	act: ReaderActKind;
	/**
	 * The mailbox whose copy it was (server/mailboxes/readAccount.ts): a shared account's user
	 * (`alice`), a personal domain, or a class address. Never an owner id.
	 */
	mailbox: string;
	/** The reading session (/sessions/<id>). */
	sessionId: string;
	at: number;
	protocol: Protocol;
	/** The command that did it, as the reader's protocol names it (RETR, TOP, DELE …). */
	command: string;
}
