import type { RfcRef } from '../messages';
import { ref } from '../smtp/rfc';
import { imapRowId, type ImapRow } from './reference';
import type { ImapStateId } from './stateMachine';

export interface ImapCommandRow extends ImapRow {
	name: string;
	/** RFC 3501 §6's "Arguments", written as a command line. */
	syntax: string;
	/** The states it is valid in; anywhere else the server answers BAD or NO (RFC 3501 §3). */
	states: ImapStateId[];
	/** The untagged responses it produces, by data row key ("EXISTS", "FETCH"; "" for none). */
	untagged: string[];
	/** What its tagged OK, NO and BAD mean. */
	okMeans: string;
	noMeans: string;
	/** The password or SASL data it carries: never repeated in an annotation. */
	secret?: boolean;
}

const NOT_AUTHENTICATED: ImapStateId[] = ['imap-not-authenticated'];
const AUTHENTICATED: ImapStateId[] = ['imap-authenticated', 'imap-selected'];
const SELECTED: ImapStateId[] = ['imap-selected'];
const ANY: ImapStateId[] = ['imap-not-authenticated', 'imap-authenticated', 'imap-selected'];

const cmd = (
	name: string,
	row: Omit<ImapCommandRow, 'name' | 'key' | 'slug' | 'ref' | 'untagged'> & {
		untagged?: string[];
		rfc: RfcRef[];
	}
): ImapCommandRow => ({ ...imapRowId('commands', name), name, untagged: [], ...row });

// RFC 3501 §6 gives each command its arguments, responses, results and the state it belongs to
// (§6.1 any state, §6.2 not authenticated, §6.3 authenticated — valid in selected too, §6.4
// selected); IDLE, UNSELECT and ENABLE come from their own RFCs.
export const imapCommandTable: readonly ImapCommandRow[] = [
	cmd('CAPABILITY', {
		title: 'CAPABILITY — what the server supports',
		syntax: 'tag CAPABILITY',
		states: ANY,
		untagged: ['CAPABILITY'],
		summary:
			'Asks the server to list its capabilities: IMAP4rev1 first, then the extensions and login mechanisms (AUTH=…) it offers now.',
		detail:
			'The list may change after STARTTLS and after login, so a client asks again then (or reads the [CAPABILITY …] response code the server sends unasked).',
		okMeans: 'The untagged CAPABILITY line above is the list.',
		noMeans: 'CAPABILITY does not fail: a NO here would be a server fault.',
		rfc: [ref(3501, '6.1.1')]
	}),
	cmd('NOOP', {
		title: 'NOOP — do nothing, hear the news',
		syntax: 'tag NOOP',
		states: ANY,
		untagged: ['EXISTS', 'RECENT', 'EXPUNGE', 'FETCH'],
		summary:
			'Does nothing, which makes it the way to poll: the server may send any pending untagged updates (new messages, expunges, flag changes) before its OK. It also resets the autologout timer.',
		okMeans: 'Done; any untagged updates came before this OK.',
		noMeans: 'NOOP does not fail.',
		rfc: [ref(3501, '6.1.2')]
	}),
	cmd('LOGOUT', {
		title: 'LOGOUT — end the session',
		syntax: 'tag LOGOUT',
		states: ANY,
		untagged: ['BYE'],
		summary:
			'The client is done. The server sends an untagged BYE, then the tagged OK, and closes the connection.',
		okMeans: 'The session is over; the server closes the connection.',
		noMeans: 'LOGOUT does not fail.',
		rfc: [ref(3501, '6.1.3'), ref(3501, '3.4')]
	}),
	cmd('STARTTLS', {
		title: 'STARTTLS — encrypt this connection',
		syntax: 'tag STARTTLS',
		states: NOT_AUTHENTICATED,
		summary:
			'Asks to begin TLS on this connection. After the tagged OK the TLS handshake starts at once; afterwards the client must ask CAPABILITY again, since what was said before TLS may have been tampered with.',
		okMeans: 'The TLS handshake starts right after this line.',
		noMeans: 'TLS is not available (or already active).',
		rfc: [ref(3501, '6.2.1')]
	}),
	cmd('AUTHENTICATE', {
		title: 'AUTHENTICATE — log in with a SASL mechanism',
		syntax: 'tag AUTHENTICATE mechanism',
		states: NOT_AUTHENTICATED,
		summary:
			'Starts a SASL exchange with the named mechanism (PLAIN here): the server answers "+ " with a base64 challenge, the client answers with one base64 line (or "*" to cancel), until the tagged OK or NO.',
		detail:
			'PLAIN sends the user name and password in one base64 message (RFC 4616): base64 is an encoding, not encryption, so it belongs only under TLS.',
		okMeans: 'Logged in: the session is now in the authenticated state.',
		noMeans: 'Wrong credentials or mechanism: still not authenticated.',
		secret: true,
		rfc: [ref(3501, '6.2.2'), ref(4616, '2')]
	}),
	cmd('LOGIN', {
		title: 'LOGIN — user name and password',
		syntax: 'tag LOGIN userid password',
		states: NOT_AUTHENTICATED,
		summary:
			'Logs in with a user name and a password, both sent as typed. A server that keeps passwords off unencrypted connections advertises LOGINDISABLED before STARTTLS and refuses it then.',
		okMeans: 'Logged in: the session is now in the authenticated state.',
		noMeans: 'Wrong user name or password (or LOGIN not allowed now): still not authenticated.',
		secret: true,
		rfc: [ref(3501, '6.2.3')]
	}),
	cmd('SELECT', {
		title: 'SELECT — open a mailbox',
		syntax: 'tag SELECT mailbox',
		states: AUTHENTICATED,
		untagged: ['FLAGS', 'EXISTS', 'RECENT'],
		summary:
			'Opens a mailbox (INBOX, Sent …) read-write. The server first describes it in untagged lines: FLAGS, how many messages EXISTS, how many are RECENT, and OK responses with [UNSEEN], [PERMANENTFLAGS], [UIDNEXT] and [UIDVALIDITY].',
		detail:
			'Only one mailbox is selected at a time: SELECT first deselects the current one, so a SELECT that fails leaves none selected.',
		okMeans: 'The mailbox is open: the session is in the selected state.',
		noMeans: 'No such mailbox, or no access: no mailbox is selected now.',
		rfc: [ref(3501, '6.3.1')]
	}),
	cmd('EXAMINE', {
		title: 'EXAMINE — open a mailbox read-only',
		syntax: 'tag EXAMINE mailbox',
		states: AUTHENTICATED,
		untagged: ['FLAGS', 'EXISTS', 'RECENT'],
		summary:
			'Like SELECT, but read-only: nothing the client does changes the mailbox, not even the \\Seen flag when it reads a message. The tagged OK carries [READ-ONLY].',
		okMeans: 'The mailbox is open read-only.',
		noMeans: 'No such mailbox, or no access: no mailbox is selected now.',
		rfc: [ref(3501, '6.3.2')]
	}),
	cmd('CREATE', {
		title: 'CREATE — make a mailbox',
		syntax: 'tag CREATE mailbox',
		states: AUTHENTICATED,
		summary:
			'Creates a mailbox with the given name. A name with the hierarchy delimiter (/ here) makes a folder inside another.',
		okMeans: 'The mailbox exists now.',
		noMeans: 'It exists already, or the name is not allowed.',
		rfc: [ref(3501, '6.3.3')]
	}),
	cmd('DELETE', {
		title: 'DELETE — remove a mailbox',
		syntax: 'tag DELETE mailbox',
		states: AUTHENTICATED,
		summary:
			'Removes a mailbox and the messages in it. INBOX cannot be deleted. A mailbox created again later with the same name gets a new UIDVALIDITY.',
		okMeans: 'The mailbox is gone.',
		noMeans: 'No such mailbox, or one that may not be deleted (INBOX).',
		rfc: [ref(3501, '6.3.4')]
	}),
	cmd('RENAME', {
		title: 'RENAME — rename a mailbox',
		syntax: 'tag RENAME existing-mailbox new-mailbox',
		states: AUTHENTICATED,
		summary:
			'Renames a mailbox. Renaming INBOX is special: its messages move to the new mailbox and INBOX stays, empty.',
		okMeans: 'Renamed.',
		noMeans: 'No such mailbox, or the new name exists already.',
		rfc: [ref(3501, '6.3.5')]
	}),
	cmd('SUBSCRIBE', {
		title: 'SUBSCRIBE — add a mailbox to the subscriptions',
		syntax: 'tag SUBSCRIBE mailbox',
		states: AUTHENTICATED,
		summary:
			'Adds the name to the list of “active” mailboxes that LSUB returns: the ones a mail program shows by default.',
		okMeans: 'Subscribed.',
		noMeans: 'The subscription was refused.',
		rfc: [ref(3501, '6.3.6')]
	}),
	cmd('UNSUBSCRIBE', {
		title: 'UNSUBSCRIBE — remove a mailbox from the subscriptions',
		syntax: 'tag UNSUBSCRIBE mailbox',
		states: AUTHENTICATED,
		summary: 'Removes the name from the subscription list; the mailbox itself is untouched.',
		okMeans: 'Unsubscribed.',
		noMeans: 'The name was not subscribed, or the server refused.',
		rfc: [ref(3501, '6.3.7')]
	}),
	cmd('LIST', {
		title: 'LIST — list mailboxes',
		syntax: 'tag LIST reference mailbox-pattern',
		states: AUTHENTICATED,
		untagged: ['LIST'],
		summary:
			'Lists the mailboxes whose names match a pattern: "*" matches anything (folders inside folders too), "%" anything but the delimiter. One untagged LIST line per mailbox, with its attributes and delimiter.',
		detail: 'LIST "" "" asks only for the hierarchy delimiter and root.',
		okMeans: 'The untagged LIST lines above are the matches (none is a valid answer).',
		noMeans: 'The reference or pattern cannot be listed.',
		rfc: [ref(3501, '6.3.8')]
	}),
	cmd('LSUB', {
		title: 'LSUB — list subscribed mailboxes',
		syntax: 'tag LSUB reference mailbox-pattern',
		states: AUTHENTICATED,
		untagged: ['LSUB'],
		summary:
			'Like LIST, but among the subscribed names only (SUBSCRIBE, UNSUBSCRIBE). One untagged LSUB line per match.',
		okMeans: 'The untagged LSUB lines above are the matches.',
		noMeans: 'The reference or pattern cannot be listed.',
		rfc: [ref(3501, '6.3.9')]
	}),
	cmd('STATUS', {
		title: 'STATUS — counts of a mailbox without opening it',
		syntax: 'tag STATUS mailbox (MESSAGES UIDNEXT UIDVALIDITY UNSEEN RECENT)',
		states: AUTHENTICATED,
		untagged: ['STATUS'],
		summary:
			'Asks for some counts of a mailbox (how many messages, unseen, recent, the next UID, UIDVALIDITY) without selecting it. Not meant for the selected mailbox.',
		okMeans: 'The untagged STATUS line above has the counts.',
		noMeans: 'No such mailbox.',
		rfc: [ref(3501, '6.3.10')]
	}),
	cmd('APPEND', {
		title: 'APPEND — add a message to a mailbox',
		syntax: 'tag APPEND mailbox [(flags)] ["date-time"] {octets}',
		states: AUTHENTICATED,
		summary:
			'Stores a whole message (sent as a literal, {octets} then the bytes) in a mailbox, with optional flags and internal date: how a mail program keeps a copy of what it sent in Sent.',
		detail:
			'The mailbox must exist: if it does not, the NO carries [TRYCREATE] and the client may CREATE it and try again.',
		okMeans: 'The message is stored.',
		noMeans: 'Not stored: no such mailbox ([TRYCREATE]), or too big, or refused.',
		rfc: [ref(3501, '6.3.11')]
	}),
	cmd('CHECK', {
		title: 'CHECK — checkpoint the mailbox',
		syntax: 'tag CHECK',
		states: SELECTED,
		summary:
			'Asks the server to do any housekeeping for the selected mailbox (write it to disk, for instance). Many servers have nothing to do and answer OK at once.',
		okMeans: 'Done.',
		noMeans: 'CHECK does not fail.',
		rfc: [ref(3501, '6.4.1')]
	}),
	cmd('CLOSE', {
		title: 'CLOSE — expunge and close the mailbox',
		syntax: 'tag CLOSE',
		states: SELECTED,
		summary:
			'Removes every message marked \\Deleted (silently: no untagged EXPUNGE lines) and closes the mailbox: back to the authenticated state. Read-only (EXAMINE) mailboxes are closed without removing anything.',
		okMeans: 'Closed; the session is back in the authenticated state.',
		noMeans: 'CLOSE does not fail in the selected state.',
		rfc: [ref(3501, '6.4.2')]
	}),
	cmd('UNSELECT', {
		title: 'UNSELECT — close the mailbox, removing nothing',
		syntax: 'tag UNSELECT',
		states: SELECTED,
		summary:
			'Closes the selected mailbox like CLOSE, but without removing the messages marked \\Deleted: back to the authenticated state.',
		okMeans: 'Closed; the session is back in the authenticated state.',
		noMeans: 'No mailbox was selected.',
		rfc: [ref(3691, '2')]
	}),
	cmd('EXPUNGE', {
		title: 'EXPUNGE — remove the messages marked \\Deleted',
		syntax: 'tag EXPUNGE',
		states: SELECTED,
		untagged: ['EXPUNGE'],
		summary:
			'Permanently removes every message with the \\Deleted flag from the selected mailbox; an untagged EXPUNGE line names each by its sequence number as it goes.',
		okMeans: 'The marked messages are gone; the EXPUNGE lines above said which.',
		noMeans: 'Not allowed (a read-only mailbox, for instance).',
		rfc: [ref(3501, '6.4.3')]
	}),
	cmd('SEARCH', {
		title: 'SEARCH — find messages',
		syntax: 'tag [UID] SEARCH [CHARSET name] criteria…',
		states: SELECTED,
		untagged: ['SEARCH'],
		summary:
			'Finds the messages matching every criterion (UNSEEN, FROM "bob", SINCE 1-Feb-1994, OR … …, NOT …). The untagged SEARCH line lists their sequence numbers, or UIDs for UID SEARCH.',
		okMeans: 'The untagged SEARCH line above has the matches (it may be empty).',
		noMeans: 'The search cannot be done (an unknown charset: [BADCHARSET]).',
		rfc: [ref(3501, '6.4.4')]
	}),
	cmd('FETCH', {
		title: 'FETCH — read message data',
		syntax: 'tag [UID] FETCH sequence-set (items…)',
		states: SELECTED,
		untagged: ['FETCH'],
		summary:
			'Reads data of the messages in a sequence set (1:*, 2,4:7): flags, UID, sizes, ENVELOPE, BODYSTRUCTURE, or the content itself (BODY[…]). One untagged FETCH line per message.',
		detail:
			'Reading content with BODY[…] sets \\Seen; BODY.PEEK[…] reads without setting it. ALL, FAST and FULL are shorthands for lists of items.',
		okMeans: 'The untagged FETCH lines above are the data.',
		noMeans: 'The data could not be read (a message expunged by another session, for instance).',
		rfc: [ref(3501, '6.4.5')]
	}),
	cmd('STORE', {
		title: 'STORE — change flags',
		syntax: 'tag [UID] STORE sequence-set (+|-)FLAGS[.SILENT] (flags…)',
		states: SELECTED,
		untagged: ['FETCH'],
		summary:
			'Changes the flags of messages: FLAGS replaces them, +FLAGS adds, -FLAGS removes. The server answers with each message’s new flags in an untagged FETCH, unless .SILENT.',
		detail:
			'Marking a message \\Deleted does not remove it: EXPUNGE or CLOSE does. \\Recent cannot be set.',
		okMeans: 'The flags are changed.',
		noMeans: 'Not allowed (a read-only mailbox).',
		rfc: [ref(3501, '6.4.6')]
	}),
	cmd('COPY', {
		title: 'COPY — copy messages to another mailbox',
		syntax: 'tag [UID] COPY sequence-set mailbox',
		states: SELECTED,
		summary:
			'Copies messages, with their flags and internal dates, to the end of another mailbox. Moving a message is COPY, then STORE +FLAGS \\Deleted and EXPUNGE.',
		okMeans: 'Copied.',
		noMeans: 'Nothing copied: the target does not exist ([TRYCREATE]) or cannot be written.',
		rfc: [ref(3501, '6.4.7')]
	}),
	cmd('UID', {
		title: 'UID — the same commands by UID',
		syntax: 'tag UID (FETCH|STORE|SEARCH|COPY) …',
		states: SELECTED,
		summary:
			'UID FETCH, UID STORE, UID COPY take unique identifiers instead of sequence numbers, and UID SEARCH answers with UIDs. UIDs do not shift when other messages are expunged, which is why programs that keep a copy of the mailbox use them.',
		okMeans: 'As the command it carries.',
		noMeans: 'As the command it carries.',
		rfc: [ref(3501, '6.4.8')]
	}),
	cmd('IDLE', {
		title: 'IDLE — wait for news',
		syntax: 'tag IDLE … DONE',
		states: AUTHENTICATED,
		untagged: ['EXISTS', 'EXPUNGE', 'FETCH'],
		summary:
			'The client says it is listening: the server answers "+ idling" and may then send untagged updates (a new message: * n EXISTS) at any moment, until the client sends DONE.',
		detail:
			'Only the line DONE may follow while idling. Clients re-issue IDLE at least every 29 minutes so that the server’s inactivity timer does not log them out.',
		okMeans: 'IDLE ended after DONE.',
		noMeans: 'The server will not IDLE now.',
		rfc: [ref(2177, '3'), ref(2177, '4')]
	}),
	cmd('ENABLE', {
		title: 'ENABLE — turn on extensions',
		syntax: 'tag ENABLE capability…',
		states: ['imap-authenticated'],
		untagged: ['ENABLED'],
		summary:
			'Tells the server which extensions the client understands, for those that change how the server answers. The untagged ENABLED line lists those that are now on.',
		okMeans: 'The ENABLED line above lists what is on (it may be none).',
		noMeans: 'ENABLE is not allowed now.',
		rfc: [ref(5161, '3.1')]
	})
];

export const imapCommandsByName: ReadonlyMap<string, ImapCommandRow> = new Map(
	imapCommandTable.map((r) => [r.name, r])
);
