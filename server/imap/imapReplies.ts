/**
 * Every status response the sandbox's IMAP server sends, with the RFC section that defines it,
 * and its capability lists: the server looks its words up here (like server/pop3/pop3Replies.ts).
 * A row is a status (RFC 3501 §7.1: OK, NO, BAD, PREAUTH, BYE), an optional response code in
 * brackets (§7.1) and a text with {placeholders}; the tag, or "*", is the caller's. Texts are
 * 7-bit (§9 TEXT-CHAR): the response writer spells "§" as "section ".
 */
import type { RfcRef } from '../../src/lib/messages';
import { ref } from '../../src/lib/smtp/rfc';

export type ImapStatus = 'OK' | 'NO' | 'BAD' | 'BYE' | 'PREAUTH';

export interface ImapReply {
	status: ImapStatus;
	/** A response code with no value (§7.1); codes with values are added by the caller. */
	code?: 'ALERT' | 'READ-ONLY' | 'READ-WRITE' | 'TRYCREATE' | 'CANNOT' | 'CLIENTBUG';
	/** With {placeholders} filled by imapReplyText(). */
	text: string;
	rfc: RfcRef[];
}

/**
 * Capabilities (RFC 3501 §7.2.1): before TLS the server offers STARTTLS and says LOGINDISABLED
 * (§6.2.3, RFC 2595 §3.2: no password in the clear); inside TLS it offers AUTH=PLAIN (RFC 4616)
 * and the extensions it implements. Never IMAP4rev2: that promises all of RFC 9051.
 */
export const IMAP_CAPABILITIES = {
	beforeTls: ['IMAP4rev1', 'STARTTLS', 'LOGINDISABLED'],
	/** READ_ALLOW_PLAINTEXT: a log-in is taken before TLS too. */
	plaintextAllowed: ['IMAP4rev1', 'STARTTLS', 'AUTH=PLAIN', 'IDLE', 'UNSELECT', 'ENABLE'],
	afterTls: ['IMAP4rev1', 'AUTH=PLAIN', 'IDLE', 'UNSELECT', 'ENABLE']
} as const;

export const IMAP_REPLIES = {
	greeting: {
		status: 'OK',
		text: '{server} IMAP4rev1 ready: STARTTLS first, then LOGIN or AUTHENTICATE PLAIN',
		rfc: [ref(3501, '7.1.1'), ref(3501, '6.2.1')]
	},
	greetingTls: {
		status: 'OK',
		text: '{server} IMAP4rev1 ready over TLS: LOGIN or AUTHENTICATE PLAIN',
		rfc: [ref(3501, '7.1.1'), ref(8314, '3.1')]
	},
	capability: { status: 'OK', text: 'CAPABILITY completed', rfc: [ref(3501, '6.1.1')] },
	noop: { status: 'OK', text: 'NOOP completed', rfc: [ref(3501, '6.1.2')] },
	logoutBye: {
		status: 'BYE',
		text: '{server} logging out',
		rfc: [ref(3501, '6.1.3'), ref(3501, '7.1.5')]
	},
	logout: { status: 'OK', text: 'LOGOUT completed', rfc: [ref(3501, '6.1.3')] },
	starttls: { status: 'OK', text: 'Begin TLS negotiation now', rfc: [ref(3501, '6.2.1')] },
	starttlsActive: {
		status: 'BAD',
		text: 'TLS is already active: STARTTLS is offered only before TLS',
		rfc: [ref(3501, '6.2.1'), ref(2595, '3.1')]
	},
	// RFC 3501 §6.2.3: LOGIN fails with NO when LOGINDISABLED is advertised.
	loginDisabled: {
		status: 'NO',
		text: '{verb} refused before TLS: anyone on the path could read the password. Send STARTTLS first, then log in',
		rfc: [ref(3501, '6.2.3'), ref(2595, '3.2')]
	},
	loggedIn: { status: 'OK', text: '{user} logged in', rfc: [ref(3501, '6.2.3')] },
	authenticated: {
		status: 'OK',
		text: '{user} authenticated (PLAIN)',
		rfc: [ref(3501, '6.2.2'), ref(4616, '2')]
	},
	badCredentials: {
		status: 'NO',
		text: 'Invalid user name or password',
		rfc: [ref(3501, '6.2.3')]
	},
	sharedAccountInBrowserOnly: {
		status: 'NO',
		text: 'Shared accounts log in only in the lab in your browser on this server: use your personal login from the Connect page',
		rfc: [ref(3501, '6.2.3')]
	},
	tooManyFailedLogins: {
		status: 'BYE',
		text: '{count} failed log-ins: closing the connection (IMAP_MAX_FAILED_LOGINS)',
		rfc: [ref(3501, '7.1.5')]
	},
	authUnknownMechanism: {
		status: 'NO',
		text: 'Unsupported authentication mechanism {mechanism}: this server offers AUTH=PLAIN',
		rfc: [ref(3501, '6.2.2')]
	},
	authCancelled: {
		status: 'BAD',
		text: 'AUTHENTICATE cancelled by the client ("*")',
		rfc: [ref(3501, '6.2.2')]
	},
	authNotBase64: {
		status: 'BAD',
		text: 'Not base64: an AUTHENTICATE response is one line of base64, or "*" to cancel',
		rfc: [ref(3501, '6.2.2')]
	},
	authMalformed: {
		status: 'NO',
		text: 'Malformed PLAIN response: base64 of [authzid] NUL user NUL password',
		rfc: [ref(4616, '2')]
	},
	authzidRefused: {
		status: 'NO',
		text: 'Authorization identity must be empty or the user itself',
		rfc: [ref(4616, '2')]
	},
	// RFC 3501 §6: a command in a state it is not valid in is a protocol error.
	needLogin: {
		status: 'BAD',
		text: '{verb} is valid only after logging in (the authenticated or selected state); log in with LOGIN or AUTHENTICATE first',
		rfc: [ref(3501, '3'), ref(3501, '6')]
	},
	needSelected: {
		status: 'BAD',
		text: '{verb} is valid only in the selected state: SELECT or EXAMINE a mailbox first',
		rfc: [ref(3501, '3.3'), ref(3501, '6.4')]
	},
	notWhileSelected: {
		status: 'BAD',
		text: '{verb} is valid only in the authenticated state, before a mailbox is selected: CLOSE or UNSELECT first',
		rfc: [ref(5161, '3.1')]
	},
	alreadyLoggedIn: {
		status: 'BAD',
		text: '{verb} is valid only in the not authenticated state: this session is already logged in',
		rfc: [ref(3501, '3.1'), ref(3501, '6.2')]
	},
	syntax: { status: 'BAD', text: '{message}', rfc: [ref(3501, '9')] },
	unknownCommand: {
		status: 'BAD',
		text: '{message}: this server implements IMAP4rev1 (RFC 3501) and IDLE, UNSELECT, ENABLE',
		rfc: [ref(3501, '6'), ref(3501, '7.1.3')]
	},
	noTag: {
		status: 'BAD',
		text: '{message}',
		rfc: [ref(3501, '2.2.1'), ref(3501, '7.1.3')]
	},
	lineTooLong: { status: 'BAD', text: '{message}', rfc: [ref(3501, '4.3')] },
	literalTooLarge: { status: 'NO', text: '{message}', rfc: [ref(3501, '7.5')] },
	nonSynchronizingLiteral: { status: 'BAD', text: '{message}', rfc: [ref(3501, '7.5')] },
	list: { status: 'OK', text: 'LIST completed', rfc: [ref(3501, '6.3.8')] },
	lsub: { status: 'OK', text: 'LSUB completed', rfc: [ref(3501, '6.3.9')] },
	create: { status: 'OK', text: 'CREATE completed', rfc: [ref(3501, '6.3.3')] },
	delete: { status: 'OK', text: 'DELETE completed', rfc: [ref(3501, '6.3.4')] },
	rename: { status: 'OK', text: 'RENAME completed', rfc: [ref(3501, '6.3.5')] },
	subscribe: { status: 'OK', text: 'SUBSCRIBE completed', rfc: [ref(3501, '6.3.6')] },
	unsubscribe: { status: 'OK', text: 'UNSUBSCRIBE completed', rfc: [ref(3501, '6.3.7')] },
	status: { status: 'OK', text: 'STATUS completed', rfc: [ref(3501, '6.3.10')] },
	// The IMAP store's refusals (server/mailboxes/imapFolders.ts) for the mailbox commands.
	folderExists: {
		status: 'NO',
		text: '{verb}: a mailbox named "{mailbox}" already exists',
		rfc: [ref(3501, '6.3.3'), ref(3501, '6.3.5')]
	},
	systemFolder: {
		status: 'NO',
		text: '{verb}: INBOX, Sent and Junk always exist here; they cannot be created, deleted or renamed (renaming INBOX moves its messages)',
		rfc: [ref(3501, '6.3.3'), ref(3501, '6.3.4'), ref(3501, '6.3.5')]
	},
	noinferiors: {
		status: 'NO',
		text: '{verb}: INBOX has no inferior mailboxes here (\\Noinferiors in LIST)',
		rfc: [ref(3501, '7.2.2')]
	},
	intoItself: {
		status: 'NO',
		text: 'RENAME: a mailbox cannot move inside itself',
		rfc: [ref(3501, '6.3.5')]
	},
	nameTooLong: {
		status: 'NO',
		text: '{verb}: a mailbox name here is at most {limit} octets (IMAP_MAX_FOLDER_NAME_BYTES)',
		rfc: [ref(3501, '6.3.3')]
	},
	tooManyFolders: {
		status: 'NO',
		text: '{verb}: this account has its {limit} mailboxes (IMAP_MAX_FOLDERS_PER_ACCOUNT)',
		rfc: [ref(3501, '6.3.3')]
	},
	noSuchMailbox: {
		status: 'NO',
		text: '{verb}: no mailbox named "{mailbox}"; LIST "" "*" shows the mailboxes there are',
		rfc: [ref(3501, '6.3.1'), ref(3501, '6.3.4'), ref(3501, '6.3.10')]
	},
	select: {
		status: 'OK',
		code: 'READ-WRITE',
		text: 'SELECT completed: {mailbox} is open',
		rfc: [ref(3501, '6.3.1')]
	},
	examine: {
		status: 'OK',
		code: 'READ-ONLY',
		text: 'EXAMINE completed: {mailbox} is open read-only',
		rfc: [ref(3501, '6.3.2')]
	},
	unseen: {
		status: 'OK',
		text: 'Message {n} is the first unseen',
		rfc: [ref(3501, '6.3.1'), ref(3501, '7.1')]
	},
	permanentFlags: {
		status: 'OK',
		text: 'Flags that stay',
		rfc: [ref(3501, '6.3.1'), ref(3501, '7.1')]
	},
	permanentFlagsNone: {
		status: 'OK',
		text: 'No flag can be changed: the mailbox is open read-only',
		rfc: [ref(3501, '6.3.2'), ref(3501, '7.1')]
	},
	uidValidity: { status: 'OK', text: 'UIDs valid', rfc: [ref(3501, '2.3.1.1')] },
	uidNext: { status: 'OK', text: 'Predicted next UID', rfc: [ref(3501, '2.3.1.1')] },
	check: { status: 'OK', text: 'CHECK completed', rfc: [ref(3501, '6.4.1')] },
	close: {
		status: 'OK',
		text: 'CLOSE completed: messages marked \\Deleted were removed without EXPUNGE responses',
		rfc: [ref(3501, '6.4.2')]
	},
	closeReadOnly: {
		status: 'OK',
		text: 'CLOSE completed: nothing was removed, the mailbox was open read-only',
		rfc: [ref(3501, '6.4.2')]
	},
	unselect: {
		status: 'OK',
		text: 'UNSELECT completed: nothing was removed',
		rfc: [ref(3691, '2')]
	},
	expunge: { status: 'OK', text: 'EXPUNGE completed', rfc: [ref(3501, '6.4.3')] },
	readOnly: {
		status: 'NO',
		text: '{verb} refused: the mailbox is open read-only (EXAMINE); SELECT it to change it',
		rfc: [ref(3501, '6.3.2')]
	},
	enable: { status: 'OK', text: 'ENABLE completed', rfc: [ref(5161)] },
	idleDone: { status: 'OK', text: 'IDLE terminated', rfc: [ref(2177, '3')] },
	idleNotDone: {
		status: 'BAD',
		text: 'Expected DONE to end IDLE; IDLE ended',
		rfc: [ref(2177, '3')]
	},
	autologout: {
		status: 'BYE',
		text: 'Autologout: no command for {seconds} s (IMAP_IDLE_TIMEOUT_SECONDS)',
		rfc: [ref(3501, '5.4'), ref(3501, '7.1.5')]
	},
	closing: { status: 'BYE', text: '{reason}', rfc: [ref(3501, '7.1.5')] },
	tlsOnPlainPort: {
		status: 'BYE',
		text: "That was a TLS handshake, but this port starts in plaintext and upgrades with STARTTLS; for TLS from the first byte connect to the imaps port (993 in the real world; /connect gives this lab's ports)",
		rfc: [ref(3501, '6.2.1'), ref(8314, '3.1'), ref(3501, '7.1.5')]
	},
	notImplemented: {
		status: 'BAD',
		text: '{verb} is not implemented by this server yet',
		rfc: [ref(3501, '7.1.3')]
	},
	serverError: {
		status: 'NO',
		text: '{verb} failed on the server: {reason}',
		rfc: [ref(3501, '7.1.2')]
	},
	// The message-level commands (server/imap/messageCommands.ts).
	fetch: { status: 'OK', text: '{verb} completed', rfc: [ref(3501, '6.4.5'), ref(3501, '6.4.8')] },
	// §7.4.1: a message another session expunged may be answered with NO until this one is told.
	fetchGone: {
		status: 'NO',
		text: '{verb} answered for the rest: messages asked for and expunged by another session: {count} (the next NOOP reports them)',
		rfc: [ref(3501, '7.4.1')]
	},
	badSequence: { status: 'BAD', text: '{message}', rfc: [ref(3501, '9'), ref(3501, '6.4.8')] },
	store: { status: 'OK', text: '{verb} completed', rfc: [ref(3501, '6.4.6'), ref(3501, '6.4.8')] },
	search: { status: 'OK', text: '{verb} completed', rfc: [ref(3501, '6.4.4'), ref(3501, '7.2.5')] },
	badCharset: {
		status: 'NO',
		text: 'Charset {charset} is not supported: search in US-ASCII or UTF-8',
		rfc: [ref(3501, '6.4.4'), ref(3501, '7.1')]
	},
	copy: {
		status: 'OK',
		text: '{verb} completed: {count} copied to {mailbox}',
		rfc: [ref(3501, '6.4.7'), ref(3501, '6.4.8')]
	},
	append: {
		status: 'OK',
		text: 'APPEND completed: {octets} octets stored in {mailbox}',
		rfc: [ref(3501, '6.3.11')]
	},
	tryCreate: {
		status: 'NO',
		code: 'TRYCREATE',
		text: '{verb} refused: no mailbox named "{mailbox}"; CREATE it, then try again',
		rfc: [ref(3501, '6.4.7'), ref(3501, '6.3.11'), ref(3501, '7.1')]
	},
	folderFull: {
		status: 'NO',
		text: '{verb} refused: {mailbox} holds its limit of {limit} messages (IMAP_MAX_MESSAGES_PER_FOLDER)',
		rfc: [ref(3501, '6.4.7'), ref(3501, '6.3.11')]
	},
	storageFull: {
		status: 'NO',
		text: '{verb} refused: the lab keeps at most {limit} octets here (MAX_DB_BYTES, MAX_STORED_BYTES_PER_OWNER)',
		rfc: [ref(3501, '6.3.11')]
	},
	notSelectable: {
		status: 'NO',
		text: '{verb} refused: {mailbox} holds no messages (\\Noselect)',
		rfc: [ref(3501, '7.2.2')]
	},
	badMailboxName: {
		status: 'NO',
		text: '{verb} refused: "{mailbox}" is not a mailbox name this server can use',
		rfc: [ref(3501, '5.1'), ref(3501, '5.1.3')]
	}
} as const satisfies Record<string, ImapReply>;

export type ImapReplyName = keyof typeof IMAP_REPLIES;

/** The continuation request's text for a literal (RFC 3501 §7.5). */
export const LITERAL_CONTINUATION = 'Ready for the literal';
/** RFC 2177 §3: the server's "+" to IDLE (any text; "idling" is the RFC's example). */
export const IDLE_CONTINUATION = 'idling';

/** A row's text with its {placeholders} filled. */
export function imapReplyText(
	name: ImapReplyName,
	values: Record<string, string | number> = {}
): string {
	return IMAP_REPLIES[name].text.replace(/\{(\w+)\}/g, (_, key: string) =>
		String(values[key] ?? `{${key}}`)
	);
}
