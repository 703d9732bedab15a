import { ref } from '../smtp/rfc';
import { pop3RowId, type Pop3Row } from './reference';

/** What a server line can be, apart from a listing line of a command (commands.ts explains those). */
export type Pop3ResponseKey =
	| 'ok' // +OK
	| 'err' // -ERR
	| 'continuation' // "+ " in a SASL exchange
	| 'greeting' // the +OK the server opens with
	| 'content' // a message's lines in RETR/TOP
	| 'terminator' // the "." that ends a multi-line response
	| 'not-a-response'; // anything else

export interface Pop3ResponseRow extends Pop3Row {
	/** What it looks like on the wire. */
	wire: string;
}

const response = (
	key: Pop3ResponseKey,
	row: Omit<Pop3ResponseRow, 'key' | 'slug' | 'ref'>
): Pop3ResponseRow => ({ ...pop3RowId('responses', key), ...row });

export const pop3ResponseTable: readonly Pop3ResponseRow[] = [
	response('ok', {
		wire: '+OK [text]',
		title: '+OK — positive status indicator',
		summary:
			'The command worked. What follows on the line is for people, except where the command defines it (STAT, LIST, UIDL with a number).',
		detail:
			'POP3 has only two status indicators, sent in upper case: no reply codes as in SMTP. A client that wants to know why something failed reads the response code in brackets, if the server sends one (RESP-CODES).',
		rfc: [ref(1939, '3')]
	}),
	response('err', {
		wire: '-ERR [text]',
		title: '-ERR — negative status indicator',
		summary:
			'The command failed: unknown, invalid in this state, badly formed, or refused. A -ERR is never followed by more lines.',
		detail:
			'A server must answer -ERR to a command it does not know or that is not allowed in the current state. The client cannot tell "not implemented" from "not now" unless the text carries a response code such as [AUTH] or [SYS/TEMP].',
		rfc: [ref(1939, '3'), ref(2449, '8')]
	}),
	response('continuation', {
		wire: '+ [base64]',
		title: '+ — the server’s turn in an AUTH exchange',
		summary:
			'A SASL continuation: the server sends a (possibly empty) base64 challenge and waits for the client’s base64 answer on the next line, or "*" to cancel.',
		detail:
			'Neither +OK nor -ERR: the AUTH command is not finished yet. With PLAIN, an empty "+ " only asks the client for its one message (user name and password), which it did not send with AUTH.',
		rfc: [ref(5034, '4')]
	}),
	response('greeting', {
		wire: '+OK [text] [<timestamp>]',
		title: 'Greeting',
		summary:
			'The server speaks first, with +OK: the session is in the AUTHORIZATION state and the client must now identify itself.',
		detail:
			'A greeting with a timestamp in angle brackets (<…@…>) offers APOP; this server sends none.',
		rfc: [ref(1939, '4'), ref(2449, '3')]
	}),
	response('content', {
		wire: 'message lines, byte-stuffed',
		title: 'Message content',
		summary:
			'The lines of a message, exactly as stored: header fields, a blank line, the body. A line that begins with "." is sent with one more "." in front (byte-stuffing); the client removes it.',
		detail:
			'Byte-stuffing keeps a line of the message holding only "." from being read as the end of the response: the response ends only with CRLF "." CRLF.',
		rfc: [ref(1939, '3'), ref(1939, '11')]
	}),
	response('terminator', {
		wire: '.',
		title: 'End of the multi-line response',
		summary:
			'A line holding only "." ends a multi-line response (a listing or a message). It is not part of the data.',
		rfc: [ref(1939, '3')]
	}),
	response('not-a-response', {
		wire: '',
		title: 'Not a POP3 response',
		summary:
			'A server line must begin with +OK or -ERR (or "+ " in an AUTH exchange), unless it belongs to a multi-line response.',
		rfc: [ref(1939, '3')]
	})
];

export const pop3ResponsesByKey: ReadonlyMap<string, Pop3ResponseRow> = new Map(
	pop3ResponseTable.map((r) => [r.key, r])
);

/**
 * A status line: `"+OK" / "-ERR"`, then optionally a response code in brackets and text
 * (RFC 2449 §3: `single-line = status [SP text]`, `text = *schar / resp-code *CHAR`).
 */
export interface Pop3StatusLine {
	ok: boolean;
	/** The response code without brackets, upper-cased ("SYS/TEMP"), if any. */
	code?: string;
	text: string;
}

const STATUS = /^(\+OK|-ERR)(?:[ \t]+(?:\[([^\]]*)\][ \t]*)?(.*))?$/i;

export function parseStatusLine(line: string): Pop3StatusLine | undefined {
	const m = STATUS.exec(line);
	if (!m) return undefined;
	const out: Pop3StatusLine = { ok: m[1].toUpperCase() === '+OK', text: m[3] ?? '' };
	if (m[2] !== undefined) out.code = m[2].toUpperCase();
	return out;
}

/** Status indicators must be upper case (RFC 1939 §3); true when this one is not. */
export function statusNotUpperCase(line: string): boolean {
	return !line.startsWith('+OK') && !line.startsWith('-ERR');
}
