import type { RfcRef } from '../../messages';
import { indexBy } from '../reference/reference';
import { ref } from '../rfc';

/**
 * What the annotator says about a line that no command, reply or header-field row covers: the
 * moments of a session (end of data, a folded header line, a reply that never ended) and the
 * notes it adds to another line's annotation. One row per situation, keyed by a stable id.
 * {name} placeholders are filled by the annotator (fillText).
 */
export interface AnnotationTextRow {
	id: string;
	/** For a line of its own: its title and summary. */
	title?: string;
	summary?: string;
	/** A note added to a line's annotation, or a line of its detail. */
	note?: string;
	rfc: RfcRef[];
}

const UNKNOWN_COMMAND_SUMMARY =
	'The server will answer 500 (command not recognised) and stay in the same state.';

export const annotationTextTable: readonly AnnotationTextRow[] = [
	// ---- server lines ----
	{
		id: 'not-a-reply',
		title: 'Not a reply line',
		summary:
			'Every server reply line begins with a reply code — three digits, the first 2 to 5, the second 0 to 5 — then a space, a hyphen or the end of the line (RFC 5321 §4.2). A client SHOULD treat a code whose first digit is not 2 to 5 as a fatal error and end the mail transaction (RFC 5321 §4.2).',
		rfc: [ref(5321, '4.2')]
	},
	{
		// A sender-SMTP "MUST be prepared to handle codes not specified in this document".
		id: 'unregistered-code',
		title: '{code}: unknown reply code',
		note: '{code} is not a registered reply code: read it by its digits.',
		rfc: [ref(5321, '4.2')]
	},
	{
		id: 'registered-code',
		note: 'RFC text: "{code} {text}"',
		rfc: [ref(5321, '4.2.2')]
	},
	{
		id: 'first-digit',
		note: 'First digit {digit} — {title}: {summary} {next}',
		rfc: [ref(5321, '4.2.1')]
	},
	{
		id: 'second-digit',
		note: 'Second digit {digit} — {title}: {summary}',
		rfc: [ref(5321, '4.2.1')]
	},
	{
		id: 'enhanced-class-mismatch',
		note: 'The enhanced code’s class ({enhancedClass}) should match the reply’s first digit ({digit}).',
		rfc: [ref(2034, '4'), ref(3463, '2')]
	},
	{
		// "Every command MUST generate exactly one reply."
		id: 'unsolicited-reply',
		note: 'No command was waiting for a reply: this reply is unexpected here.',
		rfc: [ref(5321, '4.2')]
	},
	{
		id: 'code-changed',
		note: 'The code changed within a multi-line reply ({from} → {to}); all lines must carry the same code (RFC 5321 §4.2.1).',
		rfc: [ref(5321, '4.2.1')]
	},
	{
		id: 'reply-never-ended',
		note: 'The previous {code} reply never got its last line ("{code} " with a space); a multi-line reply must end with one (RFC 5321 §4.2.1).',
		rfc: [ref(5321, '4.2.1')]
	},
	{
		id: 'answers-oldest-command',
		note: 'Answers "{command}" — the oldest command still waiting for a reply (pipelining, RFC 2920).',
		rfc: [ref(2920, '3.1')]
	},
	// ---- EHLO keywords ----
	{
		id: 'ehlo-client-use',
		note: 'A client: {clientUse}',
		rfc: [ref(5321, '4.1.1.1')]
	},
	{
		id: 'ehlo-size',
		note: 'Largest message: {octets} octets ({mib} MiB).',
		rfc: [ref(1870, '3')]
	},
	{
		// "A parameter value of 0 (zero) indicates that no fixed maximum message size is in force."
		id: 'ehlo-size-zero',
		note: 'SIZE 0: no fixed maximum announced.',
		rfc: [ref(1870, '3')]
	},
	{
		id: 'ehlo-unknown-mechanism',
		note: '{name}: a mechanism this lab has no entry for.',
		rfc: [ref(4954, '3')]
	},
	{
		// PLAIN: "SHOULD NOT advertise ... unless adequate data security services are in place".
		id: 'ehlo-passwords-before-tls',
		note: 'Password mechanisms offered before TLS: a careful client does STARTTLS first.',
		rfc: [ref(4616, '5')]
	},
	{
		// Outside ehlo-line = ehlo-keyword *( SP ehlo-param ): a form from before the AUTH standard.
		id: 'ehlo-legacy-auth',
		note: '"AUTH=…" is the pre-standard form some servers still send for old clients.',
		rfc: [ref(5321, '4.1.1.1')]
	},
	{
		id: 'ehlo-private-keyword',
		title: '{keyword}: extension',
		summary:
			'A private (X-) extension: its meaning is defined by the server’s vendor, not by an RFC.',
		rfc: [ref(5321, '2.2.2'), ref(5321, '4.1.1.1')]
	},
	{
		id: 'ehlo-unknown-keyword',
		title: '{keyword}: extension',
		summary:
			'An extension keyword this lab has no entry for: a vendor extension or a newer RFC. A client ignores keywords it does not know.',
		rfc: [ref(5321, '2.2.2'), ref(5321, '4.1.1.1')]
	},
	// ---- client lines ----
	{
		id: 'envelope-sender',
		note: 'Envelope sender: {address}',
		rfc: [ref(5321, '3.3')]
	},
	{
		id: 'envelope-recipient',
		note: 'Envelope recipient: {address}',
		rfc: [ref(5321, '3.3')]
	},
	{
		id: 'size-over-limit',
		note: 'Declared size {size} is over the server’s SIZE {limit}: expect 552.',
		rfc: [ref(1870, '6.1')]
	},
	{
		id: 'credentials-in-clear',
		note: 'This connection is not encrypted: the credentials can be read by anyone on the path. Use STARTTLS first.',
		rfc: [ref(4616, '5'), ref(3207, '4')]
	},
	{
		id: 'pipelined-command',
		note: 'Sent before the reply to "{command}": pipelined (RFC 2920); replies will come in order.',
		rfc: [ref(2920, '3.1')]
	},
	{
		id: 'unknown-command',
		title: 'Unknown command',
		summary: UNKNOWN_COMMAND_SUMMARY,
		rfc: [ref(5321, '4.2.4'), ref(5321, '3.8')]
	},
	{
		id: 'unknown-command-suggestion',
		title: 'Unknown command — did you mean {suggestion}?',
		summary: UNKNOWN_COMMAND_SUMMARY,
		rfc: [ref(5321, '4.2.4'), ref(5321, '3.8')]
	},
	{
		id: 'command-answer',
		note: 'Expected answer: {answer}\nThen: {stateChange}',
		rfc: [ref(5321, '4.3.2')]
	},
	{
		id: 'auth-response',
		title: 'AUTH response',
		summary: 'The client’s answer to the server’s 334 challenge, in base64.',
		rfc: [ref(4954, '4')]
	},
	{
		id: 'auth-cancel',
		title: 'AUTH cancelled by the client',
		summary: '"*" cancels the authentication exchange; the server answers 501.',
		rfc: [ref(4954, '4')]
	},
	// ---- message content ----
	{
		id: 'end-of-data',
		title: 'End of data: <CRLF>.<CRLF>',
		summary:
			'A line holding only a dot ends the message. The server now replies once for the whole message.',
		rfc: [ref(5321, '4.1.1.4')]
	},
	{
		id: 'dot-stuffed-line',
		note: 'Dot-stuffed: the client doubled a leading dot so that the line is not mistaken for the end of data; the server removes one (RFC 5321 §4.5.2).',
		rfc: [ref(5321, '4.5.2')]
	},
	{
		id: 'line-over-998',
		note: '{length} characters: over the 998 allowed per line (RFC 5322 §2.1.1).',
		rfc: [ref(5322, '2.1.1')]
	},
	{
		id: 'line-over-78',
		note: '{length} characters: lines should be at most 78 (RFC 5322 §2.1.1).',
		rfc: [ref(5322, '2.1.1')]
	},
	{
		id: 'blank-line',
		title: 'Blank line: end of the header section',
		summary: 'The first empty line separates the header fields from the body.',
		rfc: [ref(5322, '2.1')]
	},
	{
		id: 'folded-line',
		title: 'Folded header line',
		summary:
			'Starts with white space: it continues the previous header field (unfolding removes only the line break).',
		rfc: [ref(5322, '2.2.3')]
	},
	{
		// The title of every header field line; the summary is for a field the lab has no row for.
		id: 'header-field',
		title: '{name}: header field',
		summary: 'A header field this lab has no entry for (X- fields and vendor fields are common).',
		rfc: [ref(5322, '2.2')]
	},
	{
		id: 'body-line',
		title: 'Body line',
		summary: 'Part of the message body.',
		rfc: [ref(5322, '2.1'), ref(5321, '4.5.2')]
	},
	{
		id: 'message',
		title: 'The message: header fields, blank line, body',
		summary: '{fields} header field(s), {bodyLines} body line(s), {size} octets.',
		note: 'What the client sends after 354 is the message in Internet Message Format: header fields, one empty line, then the body. The envelope (MAIL FROM, RCPT TO) is not part of it.',
		rfc: [ref(5322, '2.1'), ref(5322, '3.6'), ref(5321, '4.5.2')]
	},
	{
		id: 'message-field',
		note: '{name}: {value}',
		rfc: [ref(5322, '2.2')]
	},
	{
		id: 'message-field-folded',
		note: ' (folded over {lines} lines)',
		rfc: [ref(5322, '2.2.3')]
	},
	{
		id: 'message-field-decoded',
		note: ' — decoded from RFC 2047 encoded words',
		rfc: [ref(2047, '2')]
	},
	{
		id: 'no-header-fields',
		note: 'No header fields: the content starts with the body.',
		rfc: [ref(5322, '2.1')]
	},
	{
		id: 'header-and-body',
		note: 'Blank line after {headerLines} header line(s); then {bodyLines} body line(s).',
		rfc: [ref(5322, '2.1')]
	},
	{
		id: 'no-blank-line',
		note: 'No blank line after the header fields: the message has no body.',
		rfc: [ref(5322, '2.1')]
	},
	{
		id: 'missing-required-fields',
		note: 'Missing required field(s): {fields} (RFC 5322 §3.6).',
		rfc: [ref(5322, '3.6')]
	},
	{
		id: 'duplicated-fields',
		note: 'Appears more often than allowed: {fields} (RFC 5322 §3.6).',
		rfc: [ref(5322, '3.6')]
	},
	{
		id: 'malformed-header-lines',
		note: '{count} line(s) in the header section are not header fields.',
		rfc: [ref(5322, '2.2')]
	},
	{
		id: 'dot-stuffed-lines',
		note: '{count} dot-stuffed line(s): a leading dot was doubled (RFC 5321 §4.5.2).',
		rfc: [ref(5321, '4.5.2')]
	},
	{
		id: 'bare-lf',
		note: '{count} bare LF (line feed without CR) (RFC 5321 §2.3.8).',
		rfc: [ref(5321, '2.3.8')]
	},
	{
		id: 'bare-cr',
		note: '{count} bare CR (carriage return without LF) (RFC 5321 §2.3.8).',
		rfc: [ref(5321, '2.3.8')]
	},
	{
		// Only <CRLF>.<CRLF> ends the data; a server that also takes a look-alike splits the message.
		id: 'smuggling',
		note: 'An end-of-data look-alike (<LF>.<LF>, <LF>.<CR><LF> or <CR><LF>.<LF>): servers that disagree on it can be tricked into seeing two messages (SMTP smuggling).',
		rfc: [ref(5321, '4.1.1.4'), ref(5321, '2.3.8')]
	},
	{
		id: 'lines-over-998',
		note: '{count} line(s) over 998 characters (RFC 5322 §2.1.1: MUST NOT).',
		rfc: [ref(5322, '2.1.1')]
	},
	{
		id: 'lines-over-78',
		note: '{count} line(s) over 78 characters (RFC 5322 §2.1.1: SHOULD NOT).',
		rfc: [ref(5322, '2.1.1')]
	},
	{
		id: 'eight-bit-without-8bitmime',
		note: '8-bit characters, but the server did not advertise 8BITMIME (RFC 6152).',
		rfc: [ref(6152, '2')]
	},
	// ---- system events ----
	{
		id: 'unanswered-at-disconnect',
		note: '{count} command(s) never got a reply.',
		rfc: [ref(5321, '4.2')]
	}
];

export const annotationTextsById: ReadonlyMap<string, AnnotationTextRow> = indexBy(
	annotationTextTable,
	(r) => r.id
);

/** The row for a situation; throws on an id with no row, so a typo fails every test that reaches it. */
export function annotationText(id: string): AnnotationTextRow {
	const row = annotationTextsById.get(id);
	if (!row) throw new Error(`no annotation text row "${id}"`);
	return row;
}

// Templates split once at their placeholders: [text, name, text, name, …, text]. Every template
// is a row of a table, so the cache stays as small as the tables.
const templateParts = new Map<string, readonly string[]>();

/** Fills {name} placeholders from the fields of `values`; one with no value is left as it is. */
export function fillText(template: string, values: object = {}): string {
	let parts = templateParts.get(template);
	if (!parts) templateParts.set(template, (parts = template.split(/\{(\w+)\}/)));
	const fields = values as Record<string, unknown>;
	let text = parts[0];
	for (let i = 1; i < parts.length; i += 2) {
		const name = parts[i];
		text += (name in fields ? String(fields[name]) : `{${name}}`) + parts[i + 1];
	}
	return text;
}
