import type { RfcRef } from '../messages';
import { ref } from '../smtp/rfc';

/** One note the annotator adds to a line, with {placeholders} it fills. */
export interface Pop3NoteRow {
	id: string;
	text: string;
	rfc: RfcRef[];
}

const row = (id: string, text: string, rfc: RfcRef[]): Pop3NoteRow => ({ id, text, rfc });

export const pop3NoteTable: readonly Pop3NoteRow[] = [
	// ---- commands ----
	row(
		'wrong-state',
		'{verb} is valid only in {states}; the session is in {state}, so the server must answer -ERR.',
		[ref(1939, '3')]
	),
	row(
		'unknown-command',
		'POP3 has no command {verb}: the server must answer -ERR. Keywords are three or four letters (USER, PASS, STAT, LIST, RETR, DELE, QUIT …).',
		[ref(1939, '3')]
	),
	row('unknown-command-suggestion', 'Did you mean {suggestion}?', [ref(1939, '9')]),
	row('not-offered', '{reason}', [ref(1939, '7')]),
	row(
		'secret-not-shown',
		'The argument is a password (or carries one): it is never repeated in an explanation.',
		[ref(1939, '13')]
	),
	row(
		'secret-before-tls',
		'This line travels before TLS: anyone on the path can read the password. A careful server refuses it (-ERR [AUTH]) and asks for STLS first.',
		[ref(2595, '2.3'), ref(1939, '13')]
	),
	row('pass-without-user', 'PASS must come right after a +OK to USER.', [ref(1939, '7')]),
	row('stls-under-tls', 'TLS is already active: a second STLS gets -ERR.', [ref(2595, '4')]),
	row('argument-missing', '{verb} needs {syntax}: without it the server answers -ERR.', [
		ref(1939, '3')
	]),
	row(
		'argument-unexpected',
		'{verb} takes {allowed}: with more, the command is syntactically invalid and the server answers -ERR.',
		[ref(1939, '3')]
	),
	row(
		'argument-not-number',
		'Message numbers count from 1 (TOP’s line count from 0), in decimal: "{arg}" is not one.',
		[ref(1939, '5'), ref(1939, '7')]
	),
	row(
		'argument-too-long',
		'An argument of {length} characters: RFC 1939 allows 40, and a command line (with CRLF) may be at most 255 octets.',
		[ref(1939, '3'), ref(2449, '4')]
	),
	row('command-too-long', 'This command line is {length} octets with CRLF; POP3 allows 255.', [
		ref(2449, '4')
	]),
	row(
		'pipelined',
		'Sent before the response to "{command}" arrived. Without PIPELINING in CAPA a client must wait for each response.',
		[ref(2449, '6.6')]
	),
	row(
		'pipelined-allowed',
		'Sent before the response to "{command}" arrived, which PIPELINING in CAPA allows: the server answers in order.',
		[ref(2449, '6.6')]
	),
	row(
		'auth-initial-response',
		'The initial response is base64 of three parts separated by NUL bytes: an authorization id (usually empty), the user name and the password. It is not decoded here.',
		[ref(4616, '2'), ref(5034, '4')]
	),
	row(
		'sasl-answer',
		'The client’s base64 answer to the server’s "+ " challenge. With PLAIN it carries the user name and the password, so it is not decoded here.',
		[ref(5034, '4'), ref(4616, '2')]
	),
	row(
		'sasl-cancel',
		'"*" cancels the AUTH exchange: the server answers -ERR and the session stays in AUTHORIZATION.',
		[ref(5034, '4')]
	),
	row(
		'quit-update-marked',
		'QUIT in TRANSACTION enters UPDATE: the {count} message(s) marked by DELE in this session are now removed for good.',
		[ref(1939, '6')]
	),
	row(
		'quit-update-none',
		'QUIT in TRANSACTION enters UPDATE, but no message is marked: nothing is removed (download and keep).',
		[ref(1939, '6')]
	),
	row(
		'quit-authorization',
		'QUIT before login ends the session without entering UPDATE: nothing can be removed.',
		[ref(1939, '4')]
	),
	row('dele-marked', 'Messages marked in this session: {marked}.', [ref(1939, '5')]),
	row('rset-unmarks', 'RSET unmarks {count} message(s).', [ref(1939, '5')]),
	// ---- responses ----
	row('answers', 'Answers "{command}".', [ref(1939, '3')]),
	row(
		'challenge',
		'A base64 challenge of {length} characters; the client answers it on the next line.',
		[ref(5034, '4')]
	),
	row(
		'challenge-empty',
		'An empty challenge: the server is ready for the client’s base64 message.',
		[ref(5034, '4'), ref(4616, '2')]
	),
	row('message-complete', 'The message is complete.', [ref(1939, '3')]),
	row('listing-count', '{count} line(s) in this {verb} listing.', [ref(1939, '3')]),
	row(
		'answers-oldest',
		'Responses come in the order of the commands: this one answers "{command}", the oldest not yet answered.',
		[ref(2449, '6.6')]
	),
	row('multi-line-follows', 'A multi-line response follows: lines until one holding only ".".', [
		ref(1939, '3')
	]),
	row('err-single-line', 'A -ERR is one line: no listing or message follows.', [ref(1939, '3')]),
	row('unsolicited', 'No command is waiting for an answer: the server sent this on its own.', [
		ref(1939, '3')
	]),
	row('status-case', 'The status indicator must be sent in upper case (+OK, -ERR).', [
		ref(1939, '3')
	]),
	row(
		'response-too-long',
		'This line is {length} octets with CRLF; a response’s first line may be at most 512.',
		[ref(2449, '4')]
	),
	row('response-code', '{title}: {summary} {clientAction}', [ref(2449, '8')]),
	row(
		'response-code-unknown',
		'[{code}] is a response code this site does not know; a client ignores what it does not know.',
		[ref(2449, '8')]
	),
	row(
		'response-code-detail',
		'"{extra}" adds detail below [{known}]: a client that does not know it reads the code as [{known}].',
		[ref(2449, '8')]
	),
	row(
		'greeting-refused',
		'The POP3 grammar has only +OK for a greeting; a server that cannot take the session now answers -ERR instead and closes. A [SYS/TEMP] code tells the client to try again later.',
		[ref(2449, '3'), ref(3206, '4')]
	),
	row(
		'greeting-timestamp',
		'The greeting carries a timestamp ({timestamp}): this server offers APOP.',
		[ref(1939, '7')]
	),
	row('greeting-no-timestamp', 'No timestamp in angle brackets: this server does not offer APOP.', [
		ref(1939, '7'),
		ref(2449, '6')
	]),
	row(
		'drop-listing',
		'{count} message(s), {octets} octets in all (messages marked as deleted not counted).',
		[ref(1939, '5')]
	),
	row('scan-listing', 'Message {msg} is {octets} octets.', [ref(1939, '5')]),
	row('unique-id-listing', 'Message {msg} has the unique id {uid}.', [ref(1939, '7')]),
	row(
		'unique-id-invalid',
		'A unique id is 1 to 70 characters from 0x21 to 0x7E; "{uid}" is not one.',
		[ref(1939, '7')]
	),
	row('listing-malformed', 'A listing line is "message-number SP {what}"; this one is not.', [
		ref(1939, '5')
	]),
	row(
		'message-follows',
		'The message follows{octets}, byte-stuffed, then a line holding only ".".',
		[ref(1939, '3')]
	),
	row(
		'stls-ok',
		'The TLS handshake starts right after this line’s CRLF; afterwards the client must forget the capabilities it learnt and should send CAPA again.',
		[ref(2595, '4')]
	),
	row(
		'logged-in',
		'The maildrop is locked for this session: another session logging in now gets -ERR [IN-USE].',
		[ref(1939, '4'), ref(2449, '8.1.2')]
	),
	row(
		'update-done',
		'The {count} marked message(s) are now removed from the maildrop; the server closes the connection.',
		[ref(1939, '6')]
	),
	row(
		'update-nothing',
		'Nothing was marked: the maildrop stays as it was (download and keep); the server closes the connection.',
		[ref(1939, '6')]
	),
	// ---- CAPA lines ----
	row('capability-unknown', '{tag} is not a capability this site knows.', [ref(2449, '5')]),
	row('sasl-mechanism', '{mechanism}: {summary}', [ref(2449, '6.3')]),
	row(
		'capability-password-before-tls',
		'Listed before TLS: this server would take a password on an unencrypted connection.',
		[ref(2595, '2.3')]
	),
	row(
		'capability-no-password-before-tls',
		'No USER and no SASL in this list: before TLS this server takes no password at all. After STLS, CAPA lists them.',
		[ref(2595, '2.3'), ref(2595, '4')]
	),
	row(
		'capability-after-stls',
		'After STLS the client must discard this list and send CAPA again: the server may list more (USER, SASL) under TLS.',
		[ref(2595, '4')]
	),
	// ---- message content ----
	row(
		'content-summary',
		'{lines} line(s): {octets} octets on the wire, {size} once the client has removed the stuffed dots (the size LIST and STAT count).',
		[ref(1939, '3'), ref(1939, '11')]
	),
	row(
		'byte-stuffed-lines',
		'{count} line(s) began with "." in the message, so the server sent each with one more "." in front; the client strips it. Without this, a line holding only "." would end the response early.',
		[ref(1939, '3')]
	),
	row(
		'byte-stuffed-line',
		'On the wire this line begins with ".." (byte-stuffed): in the message it begins with one ".".',
		[ref(1939, '3')]
	),
	row('message-fields', '{fields}', [ref(5322, '3.6')]),
	row(
		'message-trace',
		'{received} Received field(s) and a Return-Path: added on the way by the servers that carried and delivered it, newest first. The sender did not write them.',
		[ref(5321, '4.4')]
	),
	row(
		'message-parts',
		'{headerLines} header line(s), a blank line, then {bodyLines} body line(s).',
		[ref(5322, '2.1')]
	),
	row(
		'message-no-body',
		'No blank line after the header fields: no body (TOP with 0 lines sends only the header).',
		[ref(5322, '2.1'), ref(1939, '7')]
	),
	row(
		'top-lines',
		'TOP asked for {n} body line(s): the header, the blank line and at most that many lines of the body.',
		[ref(1939, '7')]
	),
	// ---- system ----
	row(
		'closed-marked-kept',
		'The connection closed without QUIT in TRANSACTION: the {count} message(s) marked by DELE are not removed.',
		[ref(1939, '6')]
	),
	row('unanswered-at-close', '{count} command(s) never got a response.', [ref(1939, '3')])
];

/** The title and summary of a line no command, response or capability row names by itself. */
export interface Pop3LineRow {
	id: string;
	title: string;
	summary: string;
	rfc: RfcRef[];
}

const line = (id: string, title: string, summary: string, rfc: RfcRef[]): Pop3LineRow => ({
	id,
	title,
	summary,
	rfc
});

export const pop3LineTable: readonly Pop3LineRow[] = [
	line(
		'unknown-command',
		'Unknown command {verb}',
		'POP3 has no such command: the server must answer -ERR.',
		[ref(1939, '3')]
	),
	line(
		'response',
		'{status} to {verb}',
		'', // the command row's okMeans or errMeans
		[ref(1939, '3')]
	),
	line(
		'response-to-unknown',
		'{status} to an unknown command',
		'The server refuses a command POP3 does not have.',
		[ref(1939, '3')]
	),
	line(
		'greeting-refused',
		'Greeting refused (-ERR)',
		'The server will not take this session now; it closes the connection.',
		[ref(2449, '3')]
	),
	line(
		'sasl-answer',
		'SASL answer (base64)',
		'The client answers the server’s "+ " with one base64 line.',
		[ref(5034, '4')]
	),
	line(
		'sasl-cancel',
		'Cancel the AUTH exchange',
		'The client gives up the AUTH exchange with a line holding only "*".',
		[ref(5034, '4')]
	),
	line('listing-line', '{verb} listing line', '', [ref(1939, '5')]), // summary: the command's okMeans
	line(
		'message-line',
		'Message line',
		'One line of the message, byte-stuffed: a leading "." is doubled on the wire.',
		[ref(1939, '3')]
	),
	line(
		'capability-unknown',
		'Capability {tag}',
		'A capability this site does not explain; it may come with an extension of POP3 or a server’s own.',
		[ref(2449, '5')]
	)
];

const linesById: ReadonlyMap<string, Pop3LineRow> = new Map(pop3LineTable.map((r) => [r.id, r]));

/** A line row's title with its {placeholders} filled, its summary and citations. */
export function pop3Line(id: string, values: Record<string, string | number> = {}): Pop3LineRow {
	const row = linesById.get(id);
	if (!row) throw new Error(`no POP3 line ${id}`);
	return { ...row, title: fill(row.title, values) };
}

export const pop3NotesById: ReadonlyMap<string, Pop3NoteRow> = new Map(
	pop3NoteTable.map((r) => [r.id, r])
);

function fill(text: string, values: Record<string, string | number>): string {
	return text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));
}

/** A note's text with its {placeholders} filled. */
export function pop3Note(id: string, values: Record<string, string | number> = {}): string {
	const row = pop3NotesById.get(id);
	if (!row) throw new Error(`no POP3 note ${id}`);
	return fill(row.text, values);
}
