/**
 * What a reader did to a delivered copy of a message (issue 18): read it, or removed it from
 * their mailbox. Recorded by server/mailboxes, kept on the message's summary (and in its own
 * table in the database), shown on the message page, /mailbox and the message's journey, each
 * explained by its row of READER_ACT_NOTES.
 */
import type { Protocol } from '../listeners';
import type { RfcRef } from '../messages';
import { SANDBOX_DOMAINS } from '../sandboxPolicy';
import { ref } from '../smtp/rfc';

export type ReaderActKind = 'read' | 'removed';

export interface ReaderAct {
	act: ReaderActKind;
	/**
	 * The mailbox whose copy it was (server/mailboxes/readAccount.ts): a shared account's user
	 * (`alice`), a personal domain (`quiet-otter-42.test`), or a class address in lower case.
	 * Never an owner id: every viewer of the message sees it.
	 */
	mailbox: string;
	/** The reading session (/sessions/<id>). */
	sessionId: string;
	at: number;
	protocol: Protocol;
	/** The command that did it, as the reader's protocol names it (RETR, TOP, DELE …). */
	command: string;
	/** The IMAP folder of the copy (Sent, a user folder); absent: INBOX, POP3's one maildrop. */
	folder?: string;
}

/**
 * The recipient address is one of the mailbox's (its key as ReaderAct.mailbox gives it): a
 * shared user at each sandbox domain, any address at a personal domain, or the class address
 * itself. Domains compare without case (RFC 5321 §2.4), as the sandbox's local parts do.
 */
export function mailboxHolds(mailbox: string, address: string): boolean {
	const lower = address.toLowerCase().replace(/\.$/, '');
	const at = lower.lastIndexOf('@');
	if (mailbox.includes('@')) return lower === mailbox;
	if (mailbox.includes('.')) return lower.slice(at + 1) === mailbox;
	return (
		lower.slice(0, at) === mailbox &&
		(SANDBOX_DOMAINS as readonly string[]).includes(lower.slice(at + 1))
	);
}

/** The mailbox in a few words, by its key: `alice@example.com, .net, .org`, `@domain`, the address. */
export function mailboxLabel(mailbox: string): string {
	if (mailbox.includes('@')) return mailbox;
	if (mailbox.includes('.')) return `@${mailbox}`;
	const [first, ...others] = SANDBOX_DOMAINS;
	return `${mailbox}@${first}, ${others.map((d) => d.slice(d.indexOf('.'))).join(', ')}`;
}

/** The reader removed the copy delivered to this address: that removal, else undefined. */
export function removalOf(
	acts: readonly ReaderAct[] | undefined,
	address: string
): ReaderAct | undefined {
	return acts?.find(
		(a) => a.act === 'removed' && a.folder === undefined && mailboxHolds(a.mailbox, address)
	);
}

export interface ReaderActNote {
	protocol: Protocol;
	act: ReaderActKind;
	/** A few words, as the message page and the journey name the act. */
	title: string;
	/** Why it matters, for a learner. */
	explanation: string;
	rfc: RfcRef[];
}

/** One row per protocol and act (IMAP's come with issue 19). */
export const READER_ACT_NOTES: readonly ReaderActNote[] = [
	{
		protocol: 'pop3',
		act: 'read',
		title: 'read over POP3',
		explanation:
			"A POP3 client downloaded this copy (RETR the whole message, TOP its header and first lines). Reading changes nothing on the server: the copy stays in the maildrop until the client deletes it — 'download and keep'.",
		rfc: [ref(1939, '5'), ref(1939, '7')]
	},
	{
		protocol: 'pop3',
		act: 'removed',
		title: 'deleted by the reader over POP3',
		explanation:
			"The reader's POP3 client marked this copy deleted (DELE) and ended with QUIT: only then, in the UPDATE state, does the server remove it from the maildrop — 'download and delete', POP3's usual way. A dropped connection or RSET would have kept it. Only this mailbox's copy is gone; the message's page, its sessions and its journey stay as the lab's record.",
		rfc: [ref(1939, '6'), ref(1939, '5'), ref(1939, '3')]
	},
	{
		protocol: 'imap',
		act: 'read',
		title: 'read over IMAP',
		explanation:
			'An IMAP client fetched this copy’s body (FETCH BODY[] or RFC822, not BODY.PEEK): the server set its \\Seen flag, which every client of this mailbox now sees as “read”. The copy stays on the server; IMAP keeps mail there and only flags change.',
		rfc: [ref(3501, '6.4.5'), ref(3501, '2.3.2')]
	},
	{
		protocol: 'imap',
		act: 'removed',
		title: 'deleted by the reader over IMAP',
		explanation:
			'The reader’s IMAP client flagged this copy \\Deleted (STORE) and then EXPUNGE (or CLOSE) removed it: a flag alone removes nothing, and the expunge is permanent. POP3 and IMAP read the same INBOX: a copy expunged from INBOX is gone for both. Only this mailbox’s copy is gone; the message’s page, its sessions and its journey stay as the lab’s record.',
		rfc: [ref(3501, '6.4.3'), ref(3501, '6.4.6'), ref(3501, '6.4.2'), ref(3501, '2.3.2')]
	}
];

export function readerActNote(act: Pick<ReaderAct, 'protocol' | 'act'>): ReaderActNote | undefined {
	return READER_ACT_NOTES.find((row) => row.protocol === act.protocol && row.act === act.act);
}
