import type { RfcRef } from '../../messages';
import { ref } from '../rfc';

/**
 * What a reply answers. Command verbs, plus the moments that are not a command line:
 * the greeting, the end of the message data, and the client's lines inside an AUTH exchange.
 */
export type ReplyContext =
	'GREETING' | 'DATA-END' | 'BDAT-LAST' | 'AUTH-CONT' | 'AUTH-CANCEL' | 'UNKNOWN' | (string & {});

/** The meaning of a reply code after a particular command; rows are tried in order. */
export interface ReplyContextRow {
	code: number;
	/** Matches when the reply answers one of these; absent = any context. */
	after?: readonly string[];
	/** Matches only with this enhanced code. */
	enhanced?: string;
	/** Matches only when the reply text matches. */
	text?: RegExp;
	title: string;
	summary: string;
	rfc: RfcRef[];
}

const AUTH = ['AUTH', 'AUTH-CONT'] as const;
const END = ['DATA-END', 'BDAT-LAST'] as const;

/** 552 for "too many recipients", known by its enhanced code (X.5.3) or its text. */
const OLD_TOO_MANY_RECIPIENTS = {
	title: 'Too many recipients (old code)',
	summary:
		'RFC 821 wrongly used 552 for "too many recipients"; the correct code is 452, and a client should treat this 552 as temporary: send the message to the recipients already accepted, then the rest in another transaction.',
	rfc: [ref(5321, '4.5.3.1.10')]
};

export const replyContextTable: readonly ReplyContextRow[] = [
	{
		code: 220,
		after: ['GREETING'],
		title: 'Greeting: the server is ready',
		summary:
			'The first thing a server says. It names itself; the client now introduces itself with EHLO.',
		rfc: [ref(5321, '3.1'), ref(5321, '4.3.2')]
	},
	{
		code: 220,
		after: ['STARTTLS'],
		title: 'Ready to start TLS',
		summary:
			'The next bytes on this connection are the TLS handshake. After it, both sides forget what was said before TLS, and the client should send EHLO again as its first command, to learn the extensions offered over TLS.',
		rfc: [ref(3207, '4'), ref(3207, '4.2')]
	},
	{
		code: 554,
		after: ['GREETING'],
		title: 'No SMTP service here',
		summary:
			'The server refuses this connection. It waits for QUIT and answers 503 to anything else.',
		rfc: [ref(5321, '3.1')]
	},
	{
		code: 421,
		after: ['GREETING'],
		title: 'Not now: the server is closing the connection',
		summary:
			'The server cannot take this connection (for example, too many connections from this address). A sending server will try again later.',
		rfc: [ref(5321, '3.1'), ref(5321, '4.2.3')]
	},
	{
		code: 421,
		enhanced: '4.4.2',
		title: 'Timeout: connection closed',
		summary:
			'The server waited too long for the client and closed the connection (bad connection, 4.4.2). Anything not completed must be sent again.',
		rfc: [ref(5321, '4.5.3.2'), ref(3463, '3.5')]
	},
	{
		code: 250,
		after: ['EHLO'],
		title: 'EHLO accepted: here are my extensions',
		summary:
			'The first line names the server; each further line is one extension keyword the client may now use.',
		rfc: [ref(5321, '4.1.1.1')]
	},
	{
		code: 250,
		after: ['HELO'],
		title: 'HELO accepted',
		summary: 'The session is open, without extensions.',
		rfc: [ref(5321, '4.1.1.1')]
	},
	{
		code: 250,
		after: ['MAIL'],
		title: 'Sender accepted',
		summary:
			'The envelope sender is recorded and a mail transaction is open: recipients come next.',
		rfc: [ref(5321, '4.1.1.2')]
	},
	{
		code: 250,
		after: ['RCPT'],
		title: 'Recipient accepted',
		summary:
			'This recipient is added to the envelope. Each recipient gets its own reply; more RCPT TO may follow, then DATA.',
		rfc: [ref(5321, '4.1.1.3')]
	},
	{
		code: 251,
		after: ['RCPT'],
		title: 'Recipient accepted, will be forwarded',
		summary: 'The address is not local here; the server will forward the message.',
		rfc: [ref(5321, '3.4')]
	},
	{
		code: 250,
		after: END,
		title: 'Queued: the message is now the server’s responsibility',
		summary:
			'One reply for the whole message and all accepted recipients. From now on the server must deliver it or send a failure report to the reverse-path; the client may forget it.',
		rfc: [ref(5321, '4.1.1.4'), ref(5321, '6.1')]
	},
	{
		code: 250,
		after: ['BDAT'],
		title: 'Chunk received',
		summary:
			'The server has the octets of this chunk; more BDAT chunks follow, the last with LAST.',
		rfc: [ref(3030, '2')]
	},
	{
		code: 354,
		after: ['DATA'],
		title: 'Go ahead: send the message',
		summary:
			'The server is ready for the header fields, blank line and body. The client waited for this reply (even when pipelining) and ends the message with a line holding only a dot.',
		rfc: [ref(5321, '4.1.1.4'), ref(2920, '3.1')]
	},
	{
		code: 221,
		after: ['QUIT'],
		title: 'Goodbye',
		summary: 'The server closes the connection.',
		rfc: [ref(5321, '4.1.1.10')]
	},
	{
		code: 250,
		after: ['RSET'],
		title: 'Reset: transaction discarded',
		summary: 'Sender, recipients and data are forgotten; the session is back to after EHLO.',
		rfc: [ref(5321, '4.1.1.5')]
	},
	{
		code: 250,
		after: ['NOOP'],
		title: 'OK (nothing done)',
		summary: 'NOOP asks nothing; the reply only shows the server is alive.',
		rfc: [ref(5321, '4.1.1.9')]
	},
	{
		code: 250,
		after: ['VRFY'],
		title: 'Address verified',
		summary: 'The server confirms the mailbox and gives its full address.',
		rfc: [ref(5321, '3.5.2')]
	},
	{
		code: 252,
		after: ['VRFY'],
		title: 'Cannot verify, but will accept mail for it',
		summary:
			'The server does not say whether this address exists, but it would take a message for it. A server that disables VRFY for security reasons MUST answer 252, so that its answer cannot be mistaken for a verification, successful (250) or failed (550).',
		rfc: [ref(5321, '3.5.3'), ref(5321, '7.3')]
	},
	{
		code: 252,
		after: ['EXPN'],
		title: 'List not expanded',
		summary:
			'The server does not list the members (252 is what a site that disables EXPN for security reasons MUST answer), but it would take a message for the address.',
		rfc: [ref(5321, '3.5.3'), ref(5321, '7.3')]
	},
	...[502, 500].map((code) => ({
		code,
		after: ['VRFY'],
		title: 'VRFY not implemented',
		summary:
			'The server does not verify addresses. RFC 5321 calls a server that answers VRFY with 500 or 502 "not in full compliance": a site that disables VRFY for security reasons must answer 252 instead.',
		rfc: [ref(5321, '3.5.3'), ref(5321, '7.3')]
	})),
	...[502, 500].map((code) => ({
		code,
		after: ['EXPN'],
		title: 'EXPN not implemented',
		summary:
			'The server does not expand lists: 500 and 502 are among the replies RFC 5321 lists for EXPN. A server that has EXPN but disables it for security reasons must answer 252 instead.',
		rfc: [ref(5321, '4.3.2'), ref(5321, '7.3')]
	})),
	...[502, 500].map((code) => ({
		code,
		after: ['TURN'],
		title: 'TURN refused (as it should be)',
		summary:
			'TURN is deprecated: without strong authentication it lets a client divert mail, and systems should not use it. 502 says the server knows the command but does not implement it, 500 that it does not recognise it.',
		rfc: [ref(5321, 'F.1'), ref(5321, '4.2.4')]
	})),
	{
		code: 250,
		after: ['EXPN'],
		title: 'List expanded',
		summary: 'Each line of the reply is one member of the list.',
		rfc: [ref(5321, '3.5.1')]
	},
	{
		code: 214,
		after: ['HELP'],
		title: 'Help text',
		summary: 'Text for a human; a program should not rely on it.',
		rfc: [ref(5321, '4.1.1.8')]
	},
	{
		code: 334,
		after: [...AUTH],
		title: 'Go on: next authentication step',
		summary:
			'The server wants the next piece of the exchange. The text is base64 (possibly empty); the client answers with one base64 line, or "*" to cancel.',
		rfc: [ref(4954, '4')]
	},
	{
		code: 235,
		after: [...AUTH],
		title: 'Authenticated',
		summary:
			'The credentials were accepted. On a submission server the client may now send mail to any domain.',
		rfc: [ref(4954, '4')]
	},
	{
		code: 535,
		after: [...AUTH],
		title: 'Authentication failed',
		summary:
			'The credentials were not accepted (5.7.8). The client should ask the user for them again; the session stays unauthenticated.',
		rfc: [ref(4954, '4'), ref(4954, '6')]
	},
	{
		code: 501,
		after: ['AUTH', 'AUTH-CONT'],
		enhanced: '5.5.2',
		title: 'AUTH answer not understood',
		summary:
			'The server could not decode the answer into credentials: it was not base64, or it lacked what the mechanism needs (PLAIN: authorization identity, NUL, user name, NUL, password). The exchange is over and the session stays unauthenticated.',
		rfc: [ref(4954, '4'), ref(4954, '6'), ref(4616, '2')]
	},
	{
		code: 501,
		after: ['AUTH-CANCEL'],
		title: 'Authentication cancelled',
		summary: 'The client answered "*", which cancels the AUTH exchange.',
		rfc: [ref(4954, '4')]
	},
	{
		code: 504,
		after: ['AUTH'],
		title: 'Unknown authentication mechanism',
		summary:
			'The server does not support this mechanism; the EHLO AUTH line lists the ones it does.',
		rfc: [ref(4954, '4')]
	},
	{
		code: 503,
		after: ['AUTH'],
		title: 'AUTH not allowed now',
		summary:
			'AUTH is refused during a mail transaction and after the session is already authenticated.',
		rfc: [ref(4954, '4')]
	},
	{
		code: 454,
		after: ['STARTTLS'],
		title: 'TLS not available right now',
		summary:
			'The server cannot start TLS for a temporary reason; the connection stays unencrypted.',
		rfc: [ref(3207, '4')]
	},
	{
		code: 454,
		after: [...AUTH],
		title: 'Temporary authentication failure',
		summary: 'Authentication could not be completed right now; try again later.',
		rfc: [ref(4954, '6')]
	},
	{
		code: 530,
		text: /STARTTLS/i,
		title: 'Must issue a STARTTLS command first',
		summary:
			'This server refuses the command on an unencrypted connection: send STARTTLS, then EHLO again.',
		rfc: [ref(3207, '4')]
	},
	{
		code: 530,
		title: 'Authentication required',
		summary:
			'The server needs the client to authenticate (AUTH) before it takes this command, as submission servers do.',
		rfc: [ref(4954, '6')]
	},
	{
		code: 550,
		after: ['RCPT'],
		enhanced: '5.1.1',
		title: 'No such user',
		summary:
			'The mailbox does not exist. Only this recipient is refused; the others in the transaction are not affected.',
		rfc: [ref(5321, '4.2.3'), ref(3463, '3.2')]
	},
	{
		code: 550,
		after: ['RCPT'],
		enhanced: '5.7.1',
		title: 'Relaying denied',
		summary:
			'This server does not accept mail for that domain from an unauthenticated client: it is not the recipient’s mail exchanger, and it will not relay. Authenticate on a submission port instead.',
		rfc: [ref(5321, '3.6.2'), ref(5321, '7.9'), ref(3463, '3.8')]
	},
	{
		code: 550,
		after: ['RCPT'],
		title: 'Recipient refused',
		summary: 'Only this recipient is refused; the others in the transaction are not affected.',
		rfc: [ref(5321, '4.1.1.3')]
	},
	{
		code: 550,
		after: ['MAIL'],
		title: 'Sender refused',
		summary: 'The server will not take mail from this sender; the transaction did not start.',
		rfc: [ref(5321, '4.1.1.2')]
	},
	{
		code: 550,
		after: END,
		enhanced: '5.7.1',
		title: 'Message refused by policy (content)',
		summary:
			'After reading the message, the server refused it — for example, as spam. This one reply refuses it for all recipients.',
		rfc: [ref(5321, '4.2.5'), ref(3463, '3.8')]
	},
	{
		code: 554,
		after: END,
		title: 'Message refused',
		summary: 'The transaction failed after the data; the refusal covers all recipients.',
		rfc: [ref(5321, '4.2.5')]
	},
	{
		code: 451,
		enhanced: '4.7.1',
		text: /gr[ae]y/i,
		title: 'Greylisted: try again later',
		summary:
			'A deliberate temporary refusal of an unknown sender. A real mail server queues the message and retries after a while, and the retry is accepted; spam software often never retries.',
		rfc: [ref(5321, '4.2.1'), ref(5321, '4.5.4.1')]
	},
	{
		// The sandbox keeps what a learner sends where they can read it, under their quota.
		code: 452,
		after: ['RCPT'],
		enhanced: '4.2.2',
		text: /your own mail/i,
		title: 'Your own storage is full',
		summary:
			'This server keeps a copy of what you send where you can read it, and that storage is over its quota: it takes no recipient until there is room again (you delete some of your mail, or old mail expires). 452 is temporary: a real sending server keeps the message queued and tries again, for 4–5 days before it gives up.',
		rfc: [ref(3463, '3.3'), ref(5321, '4.2.3'), ref(5321, '4.5.4.1')]
	},
	{
		code: 452,
		after: ['RCPT'],
		enhanced: '4.2.2',
		title: 'Mailbox full',
		summary:
			'The recipient is over quota. The sending server keeps the message for this recipient and retries later; the recipient can make room.',
		rfc: [ref(3463, '3.3'), ref(5321, '4.2.3')]
	},
	{
		code: 452,
		after: ['RCPT'],
		enhanced: '4.5.3',
		title: 'Too many recipients',
		summary:
			'The server takes no more recipients in this transaction. The client sends the message to those already accepted, then the rest in another transaction.',
		rfc: [ref(5321, '4.5.3.1.10')]
	},
	// 552 after RCPT means one of three things; the enhanced code or the text tells which.
	{
		code: 552,
		after: ['RCPT'],
		enhanced: '5.2.2',
		title: 'Mailbox full (refused as permanent)',
		summary:
			'The recipient’s mailbox is over its quota. Only this recipient is refused. 552 is a permanent reply, so the sender gives up on this recipient, although the registry says a full mailbox should be a persistent transient failure (the recipient can make room): 452 4.2.2 is the usual form, which lets the sender retry.',
		rfc: [ref(3463, '3.3'), ref(5321, '4.2.3')]
	},
	{
		code: 552,
		after: ['RCPT'],
		enhanced: '5.5.3',
		...OLD_TOO_MANY_RECIPIENTS
	},
	{
		code: 552,
		after: ['RCPT'],
		text: /too many recipients/i,
		...OLD_TOO_MANY_RECIPIENTS
	},
	{
		code: 552,
		after: ['RCPT'],
		title: 'Message too big for this recipient',
		summary:
			'The server will not take a message of the size declared with MAIL FROM … SIZE= for this recipient (or this recipient’s storage allocation is exceeded). Only this recipient is refused, permanently: the sender reports it rather than retrying.',
		rfc: [ref(1870, '6.4'), ref(5321, '4.2.3')]
	},
	{
		code: 552,
		after: ['MAIL'],
		title: 'Message too big (declared SIZE)',
		summary:
			'The size given with MAIL FROM … SIZE= is over the server’s limit: refused before any data is sent.',
		rfc: [ref(1870, '6.1'), ref(1870, '6.2')]
	},
	{
		code: 452,
		after: ['MAIL'],
		enhanced: '4.3.1',
		title: 'No room now: mail system full',
		summary:
			'The server lacks the storage for more mail at the moment (for a message of the size declared with SIZE=, when one was): the whole system, not one mailbox, so no recipient can make room by deleting mail. 452 is temporary: the client sends RSET or QUIT and tries again later; a mail server keeps the message queued and retries for 4–5 days before it gives up and bounces it.',
		rfc: [ref(1870, '6.1'), ref(1870, '6.2'), ref(3463, '3.4'), ref(5321, '4.5.4.1')]
	},
	{
		code: 452,
		after: ['MAIL'],
		title: 'No room now for a message this size',
		summary:
			'The server lacks the storage for a message of the declared size at the moment, but may have it later: the client sends RSET or QUIT and tries again later.',
		rfc: [ref(1870, '6.1'), ref(1870, '6.2')]
	},
	{
		code: 552,
		after: [...END, 'BDAT'],
		title: 'Message too big',
		summary: 'The message exceeds the server’s size limit; it is refused for all recipients.',
		rfc: [ref(1870, '6'), ref(5321, '4.5.3.1.9')]
	},
	{
		code: 503,
		after: ['DATA'],
		title: 'No valid recipients',
		summary:
			'DATA was refused because no RCPT TO was accepted (or the order was wrong). If the client was pipelining, the message it may already have sent is read as commands — one reason the body waits for 354.',
		rfc: [ref(5321, '4.1.4'), ref(2920, '3.1')]
	},
	{
		code: 554,
		after: ['DATA'],
		title: 'No valid recipients',
		summary: 'DATA was refused: there is no accepted recipient to send the message to.',
		rfc: [ref(5321, '4.3.2'), ref(2920, '3.1')]
	},
	{
		code: 553,
		enhanced: '5.6.7',
		title: 'Non-ASCII address not permitted',
		summary:
			'The address contains non-ASCII characters, but the SMTPUTF8 extension was not used (or is not supported).',
		rfc: [ref(6531, '3.5')]
	},
	{
		code: 555,
		title: 'Parameter not recognised',
		summary:
			'A MAIL FROM or RCPT TO parameter is unknown here — usually because the server did not advertise its extension.',
		rfc: [ref(5321, '4.1.1.11')]
	}
];

const byCode = new Map<number, ReplyContextRow[]>();
for (const row of replyContextTable) {
	const list = byCode.get(row.code) ?? [];
	list.push(row);
	byCode.set(row.code, list);
}

/** The first row matching this reply in this context, if any. */
export function findReplyContext(
	code: number,
	context: string,
	enhanced: string | null,
	text: string
): ReplyContextRow | undefined {
	const rows = byCode.get(code);
	if (!rows) return undefined;
	for (const row of rows) {
		if (row.after && !row.after.includes(context)) continue;
		if (row.enhanced && row.enhanced !== enhanced) continue;
		if (row.text && !row.text.test(text)) continue;
		return row;
	}
	return undefined;
}

/**
 * A note on what a reply means for the session. It depends on the command answered, the exact
 * reply (a 503 is not a 550) and whether a mail transaction was open when the reply came.
 */
export interface ReplyNoteRow {
	after: readonly string[];
	/** Exact reply codes; or `classes`, the first digits, where every code of the class means it. */
	codes?: readonly number[];
	classes?: readonly number[];
	/** Matches only when a mail transaction was (true) or was not (false) open before the reply. */
	inTransaction?: boolean;
	note: string;
	rfc: RfcRef[];
}

/** Rows are tried in order; the first match gives the note. */
export const replyNoteTable: readonly ReplyNoteRow[] = [
	{
		after: ['RCPT'],
		codes: [450, 451, 452, 455],
		inTransaction: true,
		note: 'Only this recipient is deferred: the client goes on with the others and retries this one later.',
		rfc: [ref(5321, '4.1.1.3')]
	},
	{
		after: ['RCPT'],
		codes: [501, 550, 551, 552, 553, 555],
		inTransaction: true,
		note: 'Only this recipient is refused: the others in the transaction are not affected, and the message can still be sent to them.',
		rfc: [ref(5321, '4.1.1.3')]
	},
	{
		after: ['RCPT'],
		codes: [503],
		inTransaction: false,
		note: 'No mail transaction is open (no MAIL FROM was accepted), so there is no envelope to add a recipient to: send MAIL FROM first. The server stays in the same state.',
		rfc: [ref(5321, '3.3'), ref(5321, '4.1.4')]
	},
	{
		after: ['MAIL'],
		codes: [501, 503, 530, 550, 552, 553, 555],
		inTransaction: false,
		note: 'The sender was refused, so no transaction is open; RCPT and DATA will get 503.',
		rfc: [ref(5321, '4.1.4')]
	},
	{
		after: ['MAIL'],
		codes: [450, 451, 452, 455],
		inTransaction: false,
		note: 'The sender is not accepted for now, so no transaction is open: RCPT and DATA will get 503. The condition is temporary: the client keeps the message and tries the transaction again later.',
		rfc: [ref(5321, '4.1.4'), ref(5321, '4.2.1')]
	},
	{
		after: ['MAIL'],
		codes: [503],
		inTransaction: true,
		note: 'A mail transaction is already open, and MAIL must not be sent until it has ended (after the reply to the data) or been aborted (RSET). Only this MAIL is refused: the open transaction keeps its sender and recipients.',
		rfc: [ref(5321, '4.1.4')]
	},
	{
		after: ['DATA-END', 'BDAT-LAST'],
		classes: [4],
		note: 'One reply covers the message for all accepted recipients: the client keeps it queued and tries again later.',
		rfc: [ref(5321, '4.2.5'), ref(5321, '4.5.4.1')]
	},
	{
		after: ['DATA-END', 'BDAT-LAST'],
		classes: [5],
		note: 'One reply covers the message for all accepted recipients. The server did not take responsibility, so it sends no bounce: the client must report the failure to whoever gave it the message.',
		rfc: [ref(5321, '4.2.5'), ref(5321, '6.1')]
	},
	{
		// §3.2: fall back after "command not recognized" (500); §4.3.2: 502 only from an old server.
		after: ['EHLO'],
		codes: [500, 502],
		note: 'A server that answers EHLO with 500 (command not recognised) or 502 (not implemented) may be an old one without extensions: the client can fall back to HELO.',
		rfc: [ref(5321, '3.2'), ref(5321, '4.3.2')]
	}
];

/** The note for this reply, in this context, with or without an open transaction. */
export function findReplyNote(
	context: string,
	code: number,
	inTransaction: boolean
): ReplyNoteRow | undefined {
	const digit = Math.floor(code / 100);
	return replyNoteTable.find(
		(row) =>
			row.after.includes(context) &&
			(row.codes ? row.codes.includes(code) : row.classes!.includes(digit)) &&
			(row.inTransaction === undefined || row.inTransaction === inTransaction)
	);
}
