import type { RfcRef } from '../messages';
import { ref } from '../smtp/rfc';
import { pop3RowId, type Pop3Row } from './reference';
import type { Pop3StateId } from './stateMachine';

/** When the +OK to a command is followed by more lines ending in "." (RFC 1939 §3). */
export type MultiLine =
	| 'always' // RETR, TOP, CAPA
	| 'without-argument' // LIST, UIDL: a whole listing; with a message number, one line
	| 'never';

/** What the +OK carries: decides how the annotator explains the status line and the listing. */
export type Pop3ResponseShape =
	| 'plain' // free text
	| 'drop-listing' // STAT: "+OK count octets"
	| 'scan-listing' // LIST: "msg octets"
	| 'unique-id-listing' // UIDL: "msg unique-id"
	| 'message' // RETR, TOP: the message's lines
	| 'capabilities'; // CAPA: one capability per line

export interface Pop3CommandRow extends Pop3Row {
	verb: string;
	syntax: string;
	/** The states it is valid in; anywhere else the server answers -ERR (RFC 1939 §3). */
	states: Pop3StateId[];
	/** What the server answers. */
	answer: string;
	/** What a +OK to it means, and a -ERR. */
	okMeans: string;
	errMeans: string;
	multiLine: MultiLine;
	shape: Pop3ResponseShape;
	/** The argument is a password or SASL data: never repeated in an annotation. */
	secretArgument?: boolean;
	/** This sandbox does not offer it: why (the annotation says so). */
	notOffered?: string;
}

const AUTHORIZATION: Pop3StateId[] = ['pop3-authorization'];
const TRANSACTION: Pop3StateId[] = ['pop3-transaction'];

const cmd = (
	verb: string,
	row: Omit<Pop3CommandRow, 'verb' | 'key' | 'slug' | 'ref' | 'shape' | 'multiLine'> & {
		shape?: Pop3ResponseShape;
		multiLine?: MultiLine;
		rfc: RfcRef[];
	}
): Pop3CommandRow => ({
	...pop3RowId('commands', verb),
	verb,
	shape: 'plain',
	multiLine: 'never',
	...row
});

// RFC 1939 gives each command's arguments, restrictions, discussion and possible responses
// under the state it belongs to (§4–§7); CAPA, STLS and AUTH come from the extensions.
export const pop3CommandTable: readonly Pop3CommandRow[] = [
	cmd('USER', {
		okMeans: 'The server took the name; PASS must come next.',
		errMeans:
			'The server refused the name (or USER before TLS, or USER at all): no login this way.',
		title: 'USER — name the mailbox',
		syntax: 'USER <name>',
		states: AUTHORIZATION,
		summary:
			'The client names the mailbox (the user) it wants to open; PASS with the password must follow.',
		answer: '+OK (the server may say nothing yet about whether the name exists), or -ERR.',
		detail:
			'USER and PASS are the simplest way to log in, and they send the password as it is typed. A server that keeps passwords off unencrypted connections does not list USER in CAPA before STLS and refuses it.',
		rfc: [ref(1939, '7'), ref(2449, '6.2')]
	}),
	cmd('PASS', {
		okMeans: 'Logged in: the maildrop is locked and open, and the session is in TRANSACTION.',
		errMeans:
			'Login failed: wrong password, a locked maildrop, or no password accepted now. The session stays in AUTHORIZATION.',
		title: 'PASS — the password',
		syntax: 'PASS <password>',
		states: AUTHORIZATION,
		summary:
			'Right after a +OK to USER, the client sends the password. On +OK the maildrop is locked and opened: the session enters TRANSACTION.',
		answer:
			'+OK with the mailbox opened, -ERR if the password is wrong, or -ERR [IN-USE] if another session holds the maildrop.',
		detail:
			'The password travels as it is typed: only TLS (port 995, or STLS first) hides it from anyone on the path. This site shows it only to the browser that typed it; everyone else sees dots.',
		secretArgument: true,
		rfc: [ref(1939, '7'), ref(2449, '8.1.2')]
	}),
	cmd('APOP', {
		okMeans: 'Logged in with the digest: the session is in TRANSACTION.',
		errMeans: 'APOP was refused: this server does not offer it.',
		title: 'APOP — log in with a digest',
		syntax: 'APOP <name> <digest>',
		states: AUTHORIZATION,
		summary:
			'Logs in with the MD5 digest of the greeting’s timestamp followed by a secret shared with the server, so the secret itself never crosses the wire.',
		answer: '+OK and TRANSACTION, or -ERR.',
		detail:
			'A server offers APOP by putting a timestamp such as <1896.697170952@dbc.mtview.ca.us> in its greeting.',
		notOffered:
			'This server does not offer APOP: its greeting carries no timestamp, which is how a POP3 server says so. To check a digest the server must hold the shared secret itself, and the digest protects the login but not the mail (RETR travels in the clear). Here TLS (port 995 or STLS) protects both, with USER/PASS or AUTH PLAIN.',
		secretArgument: true,
		rfc: [ref(1939, '7'), ref(1939, '13')]
	}),
	cmd('AUTH', {
		okMeans: 'Logged in: the SASL exchange succeeded and the session is in TRANSACTION.',
		errMeans: 'The AUTH exchange failed or was cancelled; the session stays in AUTHORIZATION.',
		title: 'AUTH — log in with a SASL mechanism',
		syntax: 'AUTH <mechanism> [<initial-response>]',
		states: AUTHORIZATION,
		summary:
			'The client logs in with a SASL mechanism: here PLAIN, whose one base64 message carries the user name and the password. The server may ask for it with a "+ " line.',
		answer:
			'"+ " continuation lines while the exchange goes on, then +OK (TRANSACTION) or -ERR. A client cancels with a line holding only "*".',
		detail:
			'PLAIN sends the password base64-encoded, which anyone can decode: like PASS, it needs TLS. The server lists the mechanisms it accepts in CAPA’s SASL line.',
		secretArgument: true,
		rfc: [ref(5034, '4'), ref(4616, '2')]
	}),
	cmd('CAPA', {
		okMeans: 'The capability list follows, one per line, until ".".',
		errMeans: 'The server does not support CAPA (an RFC 1939-only server).',
		title: 'CAPA — list capabilities',
		syntax: 'CAPA',
		states: ['pop3-authorization', 'pop3-transaction'],
		summary:
			'The client asks what this server supports; the answer is a multi-line list, one capability per line, ending with ".".',
		answer: '+OK, then one capability per line (TOP, UIDL, SASL PLAIN, STLS …), then ".".',
		detail:
			'The list may change with the state and with TLS: after STLS the client must forget the old list and should ask again.',
		multiLine: 'always',
		shape: 'capabilities',
		rfc: [ref(2449, '5')]
	}),
	cmd('STLS', {
		okMeans: 'The TLS handshake starts right after this line.',
		errMeans: 'TLS was refused (already active, or not available).',
		title: 'STLS — start TLS',
		syntax: 'STLS',
		states: AUTHORIZATION,
		summary:
			'The client asks to encrypt the connection. After the server’s +OK, the TLS handshake starts at once; the session stays in AUTHORIZATION.',
		answer: '+OK then the TLS handshake, or -ERR (for example when TLS is already active).',
		detail:
			'Once TLS is up, the client must discard what it learnt from CAPA and should send CAPA again: a man in the middle could have altered the list before TLS.',
		rfc: [ref(2595, '4')]
	}),
	cmd('STAT', {
		okMeans: 'The drop listing: how many messages and how many octets in all.',
		errMeans: 'STAT failed (usually: not in TRANSACTION).',
		title: 'STAT — mailbox size',
		syntax: 'STAT',
		states: TRANSACTION,
		summary: 'Asks how many messages the maildrop holds and their total size in octets.',
		answer: '+OK <count> <octets> (the "drop listing"), counting no message marked as deleted.',
		shape: 'drop-listing',
		rfc: [ref(1939, '5')]
	}),
	cmd('LIST', {
		okMeans: 'The scan listing: message number and size in octets.',
		errMeans: 'No such message (or it is marked as deleted), or not in TRANSACTION.',
		title: 'LIST — message sizes',
		syntax: 'LIST [<msg>]',
		states: TRANSACTION,
		summary:
			'Without an argument, lists every message as "number size"; with a message number, answers that one on the +OK line.',
		answer:
			'Without an argument: +OK, one "scan listing" per message, then "." (multi-line). With one: +OK <msg> <octets>, or -ERR for no such message.',
		detail:
			'Message numbers start at 1 and stay fixed for the whole session; a message marked as deleted is no longer listed. A size is the message’s exact size in octets: every line end counted as CRLF (two octets), whatever the server stores, and the dots byte-stuffing adds not counted, since the client removes them (RFC 1939 §11).',
		multiLine: 'without-argument',
		shape: 'scan-listing',
		rfc: [ref(1939, '5'), ref(1939, '11')]
	}),
	cmd('UIDL', {
		okMeans: 'The unique-id listing: message number and its unique id.',
		errMeans: 'No such message (or it is marked as deleted), or not in TRANSACTION.',
		title: 'UIDL — unique ids',
		syntax: 'UIDL [<msg>]',
		states: TRANSACTION,
		summary:
			'Lists each message’s unique id, which stays the same across sessions: how a download-and-keep client knows which messages it already has.',
		answer:
			'Without an argument: +OK, one "msg unique-id" per message, then "." (multi-line). With one: +OK <msg> <unique-id>.',
		detail:
			'Unlike a message number, the unique id never changes and is never reused for another message in the maildrop. It is 1 to 70 characters from 0x21 to 0x7E.',
		multiLine: 'without-argument',
		shape: 'unique-id-listing',
		rfc: [ref(1939, '7'), ref(2449, '6.8')]
	}),
	cmd('RETR', {
		okMeans: 'The whole message follows, byte-stuffed, until ".".',
		errMeans: 'No such message (or it is marked as deleted), or not in TRANSACTION.',
		title: 'RETR — download a message',
		syntax: 'RETR <msg>',
		states: TRANSACTION,
		summary:
			'Downloads one whole message: +OK, the message line by line (byte-stuffed), then ".". Downloading deletes nothing.',
		answer: '+OK, the message, "."; or -ERR for no such message.',
		multiLine: 'always',
		shape: 'message',
		rfc: [ref(1939, '5')]
	}),
	cmd('TOP', {
		okMeans: 'The header, the blank line and the first body lines follow, until ".".',
		errMeans: 'No such message, a bad line count, or not in TRANSACTION.',
		title: 'TOP — header and first lines',
		syntax: 'TOP <msg> <n>',
		states: TRANSACTION,
		summary:
			'Downloads a message’s header, the blank line, and only the first n lines of its body: enough to show a list of messages without fetching them all.',
		answer: '+OK, the header, the blank line, up to n body lines, "."; or -ERR.',
		multiLine: 'always',
		shape: 'message',
		rfc: [ref(1939, '7'), ref(2449, '6.1')]
	}),
	cmd('DELE', {
		okMeans: 'The message is marked as deleted: it goes at QUIT, unless RSET unmarks it.',
		errMeans: 'No such message, or it is already marked.',
		title: 'DELE — mark for deletion',
		syntax: 'DELE <msg>',
		states: TRANSACTION,
		summary:
			'Marks a message as deleted. Nothing is removed yet: that happens only if the session reaches UPDATE with QUIT; RSET or a dropped connection keeps it.',
		answer: '+OK, or -ERR if there is no such message or it is already marked.',
		detail:
			'From now on in this session the message is as good as gone: LIST, STAT, RETR no longer see it, and its number is not reused.',
		rfc: [ref(1939, '5'), ref(1939, '6')]
	}),
	cmd('RSET', {
		okMeans: 'Every mark is gone: a QUIT now removes nothing.',
		errMeans: 'RSET failed (usually: not in TRANSACTION).',
		title: 'RSET — unmark everything',
		syntax: 'RSET',
		states: TRANSACTION,
		summary: 'Unmarks every message DELE marked in this session: a QUIT now deletes nothing.',
		answer: '+OK.',
		rfc: [ref(1939, '5')]
	}),
	cmd('NOOP', {
		okMeans: 'Nothing happened, as asked; the connection is alive.',
		errMeans: 'NOOP failed (usually: not in TRANSACTION).',
		title: 'NOOP — do nothing',
		syntax: 'NOOP',
		states: TRANSACTION,
		summary: 'Does nothing; the server answers +OK. Keeps an idle connection alive.',
		answer: '+OK.',
		rfc: [ref(1939, '5')]
	}),
	cmd('QUIT', {
		okMeans:
			'Goodbye: the server closes the connection (in UPDATE, after removing the marked messages).',
		errMeans: 'In UPDATE: some marked messages could not be removed.',
		title: 'QUIT — end the session',
		syntax: 'QUIT',
		states: ['pop3-authorization', 'pop3-transaction'],
		summary:
			'Ends the session. In TRANSACTION it enters UPDATE: the messages marked by DELE are removed, then the server says goodbye. Before login nothing is removed.',
		answer:
			'+OK and the connection closes; -ERR in UPDATE if some marked message could not be removed.',
		detail:
			'This is the only command that removes mail. Closing the connection without QUIT leaves the maildrop exactly as it was.',
		rfc: [ref(1939, '4'), ref(1939, '6')]
	})
];

export const pop3CommandsByVerb: ReadonlyMap<string, Pop3CommandRow> = new Map(
	pop3CommandTable.map((r) => [r.verb, r])
);

/** True when the +OK to this command line opens a multi-line response. */
export function opensMultiLine(row: Pop3CommandRow, args: readonly string[]): boolean {
	return row.multiLine === 'always' || (row.multiLine === 'without-argument' && !args.length);
}
