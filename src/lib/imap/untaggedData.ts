import { ref } from '../smtp/rfc';
import { imapRowId, type ImapRow } from './reference';

export interface ImapDataRow extends ImapRow {
	/** The response's name as on the wire ("EXISTS"). */
	name: string;
	wire: string;
	/** The commands that ask for it; empty when it comes unasked too. */
	answers: string[];
}

const data = (
	name: string,
	row: Omit<ImapDataRow, 'name' | 'key' | 'slug' | 'ref'>
): ImapDataRow => ({ ...imapRowId('data', name), name, ...row });

// RFC 3501 §7.2 (server and mailbox status), §7.3 (mailbox size), §7.4 (message status); ENABLED
// is RFC 5161's.
export const imapDataTable: readonly ImapDataRow[] = [
	data('CAPABILITY', {
		wire: '* CAPABILITY IMAP4rev1 …',
		title: 'CAPABILITY — the server’s capabilities',
		summary:
			'The list of what the server supports now: IMAP4rev1, extensions (IDLE, UNSELECT …), AUTH=mechanisms, and LOGINDISABLED when LOGIN is refused.',
		answers: ['CAPABILITY'],
		rfc: [ref(3501, '7.2.1')]
	}),
	data('LIST', {
		wire: '* LIST (attributes) "delimiter" name',
		title: 'LIST — one mailbox',
		summary:
			'One mailbox matching a LIST pattern: its attributes (\\Noselect: cannot be selected, \\HasChildren …), the hierarchy delimiter, and its name.',
		answers: ['LIST'],
		rfc: [ref(3501, '7.2.2')]
	}),
	data('LSUB', {
		wire: '* LSUB (attributes) "delimiter" name',
		title: 'LSUB — one subscribed mailbox',
		summary: 'Like LIST, for a subscribed name matching an LSUB pattern.',
		answers: ['LSUB'],
		rfc: [ref(3501, '7.2.3')]
	}),
	data('STATUS', {
		wire: '* STATUS name (MESSAGES n UNSEEN n …)',
		title: 'STATUS — counts of a mailbox',
		summary:
			'The counts a STATUS command asked for: MESSAGES, RECENT, UNSEEN, UIDNEXT, UIDVALIDITY.',
		answers: ['STATUS'],
		rfc: [ref(3501, '7.2.4')]
	}),
	data('SEARCH', {
		wire: '* SEARCH 2 5 7',
		title: 'SEARCH — the messages found',
		summary:
			'The sequence numbers (or, for UID SEARCH, the UIDs) of the messages that matched; nothing after SEARCH means none did.',
		answers: ['SEARCH'],
		rfc: [ref(3501, '7.2.5')]
	}),
	data('FLAGS', {
		wire: '* FLAGS (\\Answered \\Flagged …)',
		title: 'FLAGS — the flags this mailbox knows',
		summary:
			'The flags defined in the selected mailbox. Sent by SELECT and EXAMINE; which of them can be changed permanently is PERMANENTFLAGS’ business.',
		answers: ['SELECT', 'EXAMINE'],
		rfc: [ref(3501, '7.2.6')]
	}),
	data('EXISTS', {
		wire: '* n EXISTS',
		title: 'EXISTS — how many messages',
		summary:
			'The number of messages in the selected mailbox. Sent by SELECT, and again whenever the number grows: new mail has arrived (the way IDLE tells the client).',
		answers: [],
		rfc: [ref(3501, '7.3.1')]
	}),
	data('RECENT', {
		wire: '* n RECENT',
		title: 'RECENT — how many new messages',
		summary:
			'The number of messages with \\Recent: those that arrived since the last session that selected this mailbox.',
		answers: [],
		rfc: [ref(3501, '7.3.2')]
	}),
	data('EXPUNGE', {
		wire: '* n EXPUNGE',
		title: 'EXPUNGE — a message was removed',
		summary:
			'The message with this sequence number has been removed; every message after it moves down by one. Several EXPUNGE lines in a row apply one after another.',
		answers: ['EXPUNGE'],
		rfc: [ref(3501, '7.4.1')]
	}),
	data('FETCH', {
		wire: '* n FETCH (item value …)',
		title: 'FETCH — data of one message',
		summary:
			'Data of the message with this sequence number, item by item (FLAGS, UID, ENVELOPE, BODY[…] …): the answer to FETCH, to STORE (the new flags), or unasked when flags change.',
		answers: ['FETCH', 'STORE'],
		rfc: [ref(3501, '7.4.2')]
	}),
	data('ENABLED', {
		wire: '* ENABLED capability…',
		title: 'ENABLED — the extensions now on',
		summary: 'Which of the extensions an ENABLE asked for are now on (it may be none).',
		answers: ['ENABLE'],
		rfc: [ref(5161, '3.2')]
	})
];

export const imapDataByName: ReadonlyMap<string, ImapDataRow> = new Map(
	imapDataTable.map((r) => [r.name, r])
);
