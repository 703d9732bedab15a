import { ref } from '../smtp/rfc';
import { imapRowId, type ImapRow } from './reference';

export interface ImapResponseCodeRow extends ImapRow {
	/** The code as written in brackets, upper case ("UIDVALIDITY"). */
	code: string;
	/** What follows the code inside the brackets. */
	arguments: string;
	/** What a client does with it. */
	clientAction: string;
}

const code = (
	key: string,
	row: Omit<ImapResponseCodeRow, 'code' | 'key' | 'slug' | 'ref'>
): ImapResponseCodeRow => ({ ...imapRowId('codes', key), code: key, ...row });

// RFC 3501 §7.1 lists the response codes (no subsections of their own); their uses are in the
// sections cited after it.
export const imapResponseCodeTable: readonly ImapResponseCodeRow[] = [
	code('ALERT', {
		title: '[ALERT] — show this to the user',
		arguments: 'none',
		summary: 'The text is a special alert that the client must show to the user.',
		clientAction: 'Display the text prominently.',
		rfc: [ref(3501, '7.1')]
	}),
	code('BADCHARSET', {
		title: '[BADCHARSET] — unsupported search charset',
		arguments: 'optionally, the supported charsets in parentheses',
		summary: 'A SEARCH failed because the server does not support the CHARSET it named.',
		clientAction: 'Search again in one of the listed charsets (US-ASCII, UTF-8).',
		rfc: [ref(3501, '7.1'), ref(3501, '6.4.4')]
	}),
	code('CAPABILITY', {
		title: '[CAPABILITY …] — the capability list, unasked',
		arguments: 'the capabilities, separated by spaces',
		summary:
			'The server’s capability list, in a greeting or a login’s OK, so the client needs no separate CAPABILITY command.',
		clientAction: 'Use this list as if CAPABILITY had been asked.',
		rfc: [ref(3501, '7.1'), ref(3501, '7.2.1')]
	}),
	code('PARSE', {
		title: '[PARSE] — a message could not be parsed',
		arguments: 'none',
		summary: 'The text describes an error in parsing a message’s header or MIME structure.',
		clientAction: 'Expect ENVELOPE or BODYSTRUCTURE of that message to be incomplete.',
		rfc: [ref(3501, '7.1')]
	}),
	code('PERMANENTFLAGS', {
		title: '[PERMANENTFLAGS (…)] — flags that are kept',
		arguments: 'a parenthesized list of flags, possibly with \\* (new keywords allowed)',
		summary:
			'Which flags the client can change permanently in this mailbox; \\* means it may also create new keywords. Other flags last only as long as the session.',
		clientAction: 'Only rely on these flags surviving the session.',
		rfc: [ref(3501, '7.1'), ref(3501, '6.3.1')]
	}),
	code('READ-ONLY', {
		title: '[READ-ONLY] — the mailbox is read-only',
		arguments: 'none',
		summary:
			'The mailbox is selected read-only (EXAMINE, or no write access): flags and content cannot be changed, and reading does not set \\Seen.',
		clientAction: 'Do not try to STORE, EXPUNGE or mark messages read.',
		rfc: [ref(3501, '7.1'), ref(3501, '6.3.2')]
	}),
	code('READ-WRITE', {
		title: '[READ-WRITE] — the mailbox is writable',
		arguments: 'none',
		summary: 'The mailbox is selected read-write: flags can be changed and messages expunged.',
		clientAction: 'Flags and deletions will be kept.',
		rfc: [ref(3501, '7.1'), ref(3501, '6.3.1')]
	}),
	code('TRYCREATE', {
		title: '[TRYCREATE] — create the mailbox first',
		arguments: 'none',
		summary:
			'An APPEND or COPY failed because the target mailbox does not exist; it would succeed once the mailbox is created.',
		clientAction: 'CREATE the mailbox (perhaps after asking the user), then try again.',
		rfc: [ref(3501, '7.1'), ref(3501, '6.3.11'), ref(3501, '6.4.7')]
	}),
	code('UIDNEXT', {
		title: '[UIDNEXT n] — the next UID',
		arguments: 'a number',
		summary:
			'The UID the next message to arrive in this mailbox will at least get. If it grew since last time, new mail has arrived.',
		clientAction: 'Remember it: a later, larger UIDNEXT means new messages.',
		rfc: [ref(3501, '7.1'), ref(3501, '2.3.1.1')]
	}),
	code('UIDVALIDITY', {
		title: '[UIDVALIDITY n] — the UIDs’ validity',
		arguments: 'a number',
		summary:
			'Together with a UID, names a message for good. If it changed since the client last saw the mailbox, every UID the client remembers is void.',
		clientAction: 'Compare with the stored value; if it differs, forget the cached messages.',
		rfc: [ref(3501, '7.1'), ref(3501, '2.3.1.1')]
	}),
	code('UNSEEN', {
		title: '[UNSEEN n] — the first unseen message',
		arguments: 'a message sequence number',
		summary:
			'The sequence number of the first message without \\Seen. It is not the count of unseen messages (STATUS … (UNSEEN) gives that).',
		clientAction: 'Start showing the mailbox there.',
		rfc: [ref(3501, '7.1'), ref(3501, '6.3.1')]
	})
];

export const imapResponseCodesByCode: ReadonlyMap<string, ImapResponseCodeRow> = new Map(
	imapResponseCodeTable.map((r) => [r.code, r])
);
