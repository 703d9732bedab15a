import type { RfcRef } from '../messages';
import { ref } from '../smtp/rfc';

/** One note the annotator adds to a line, with {placeholders} it fills. */
export interface ImapNoteRow {
	id: string;
	text: string;
	rfc: RfcRef[];
}

const row = (id: string, text: string, rfc: RfcRef[]): ImapNoteRow => ({ id, text, rfc });

export const imapNoteTable: readonly ImapNoteRow[] = [
	// ---- commands ----
	row(
		'tag',
		'Tag {tag}: the server’s completion of this command will start with {tag}, whatever comes in between.',
		[ref(3501, '2.2.1')]
	),
	row(
		'wrong-state',
		'{command} is valid only in the {states} state; the session is {state}, so the server answers BAD or NO.',
		[ref(3501, '3')]
	),
	row('syntax-error', 'Not valid IMAP syntax: {message}. The server answers {tag} BAD.', [
		ref(3501, '9')
	]),
	row(
		'syntax-error-secret',
		'Not valid IMAP syntax for {command} (the arguments are not quoted here: they carry a password). The server answers {tag} BAD.',
		[ref(3501, '9')]
	),
	row(
		'no-command',
		'A command is a tag, a space and a command name ("a1 NOOP"); this line is one word, so the server answers * BAD.',
		[ref(3501, '2.2.1')]
	),
	row('unknown-command', 'IMAP has no command {command}: the server answers {tag} BAD.', [
		ref(3501, '6'),
		ref(3501, '7.1.3')
	]),
	row(
		'pipelined',
		'Sent while {count} earlier command(s) still await their completion: IMAP allows this, and the tags tell the answers apart.',
		[ref(3501, '5.5')]
	),
	row(
		'secret-not-shown',
		'The password (or SASL data) on this line is never repeated in an explanation.',
		[ref(3501, '6.2.3')]
	),
	row(
		'secret-before-tls',
		'This line travels before TLS: anyone on the path can read the password. A careful server advertises LOGINDISABLED and refuses it; send STARTTLS first.',
		[ref(3501, '6.2.3'), ref(2595, '3.2')]
	),
	row(
		'login-disabled',
		'The server advertised LOGINDISABLED: it will answer NO, and a client must not send LOGIN at all.',
		[ref(2595, '3.2')]
	),
	row('starttls-under-tls', 'TLS is already active: a second STARTTLS is refused.', [
		ref(3501, '6.2.1')
	]),
	row('mailbox', 'Mailbox: {mailbox}.', [ref(3501, '5.1')]),
	row('mailbox-utf7', 'Mailbox {raw} is modified UTF-7 for “{mailbox}”.', [ref(3501, '5.1.3')]),
	row('fetch-items', 'Asks for {items} of message(s) {set}.', [ref(3501, '6.4.5')]),
	row('fetch-macro', '{macro} is shorthand for {items}.', [ref(3501, '6.4.5')]),
	row(
		'fetch-sets-seen',
		'Reading content with BODY[…] (not BODY.PEEK[…]) sets \\Seen on the message.',
		[ref(3501, '6.4.5')]
	),
	row('uid-command', 'UID {command}: the numbers are UIDs, not sequence numbers.', [
		ref(3501, '6.4.8')
	]),
	row('store-flags', '{operation} {flags} on message(s) {set}{silent}.', [ref(3501, '6.4.6')]),
	row('store-deleted', '\\Deleted only marks the message: EXPUNGE (or CLOSE) removes it.', [
		ref(3501, '2.3.2'),
		ref(3501, '6.4.3')
	]),
	row('search-criteria', 'Searches with {count} criteria: {keys}.', [ref(3501, '6.4.4')]),
	row('copy-target', 'Copies message(s) {set} to {mailbox}.', [ref(3501, '6.4.7')]),
	row('status-items', 'Asks for {items}.', [ref(3501, '6.3.10')]),
	row('list-pattern', 'Reference "{reference}", pattern "{pattern}".', [ref(3501, '6.3.8')]),
	row(
		'literal-announced',
		'Ends with {{octets}}: a literal of {octets} octets follows. The client waits for the server’s "+" before sending them.',
		[ref(3501, '4.3'), ref(3501, '7.5')]
	),
	row(
		'literal-nonsync',
		'Ends with {{octets}+}: a non-synchronizing literal (LITERAL+, RFC 7888), which this server does not advertise.',
		[ref(3501, '4.3')]
	),
	row('literal-inline', 'Carries a literal of {octets} octets.', [ref(3501, '4.3')]),
	row('literal-secret', 'A literal carrying the password: not shown.', [ref(3501, '6.2.3')]),
	row('literal-progress', '{left} of the literal’s {octets} octets still to come.', [
		ref(3501, '4.3')
	]),
	row('literal-done', 'The literal’s {octets} octets are complete.', [ref(3501, '4.3')]),
	row('idle-done', 'DONE ends IDLE: the server sends any queued updates, then {tag} OK.', [
		ref(2177, '3')
	]),
	row(
		'idle-not-done',
		'While IDLE is active only DONE may be sent: the server cannot tell a command from the end of IDLE.',
		[ref(2177, '3')]
	),
	row('sasl-answer', 'The client’s base64 answer to the server’s "+" challenge (not shown).', [
		ref(3501, '6.2.2')
	]),
	row('sasl-cancel', '"*" cancels the AUTHENTICATE exchange: the server answers BAD.', [
		ref(3501, '6.2.2')
	]),
	// ---- server lines ----
	row('answers', 'Completes {command} (tag {tag}).', [ref(3501, '2.2.2')]),
	row(
		'answers-out-of-order',
		'Completes {command}, sent before {count} other command(s) still in flight: completions may come in any order.',
		[ref(3501, '5.5')]
	),
	row(
		'tag-unknown',
		'No command with tag {tag} is waiting (or this transcript does not show it).',
		[ref(3501, '2.2.2')]
	),
	row('state-change', 'The session moves from {before} to {after}.', [ref(3501, '3')]),
	row('response-code', '{title}: {summary}', [ref(3501, '7.1')]),
	row('response-code-value', '[{code} {value}]: {meaning}', [ref(3501, '7.1')]),
	row(
		'response-code-unknown',
		'[{code}] is a response code this site does not explain; a client ignores it.',
		[ref(3501, '7.1')]
	),
	row('untagged-for', 'Part of the answer to {command}.', [ref(3501, '7')]),
	row(
		'untagged-unsolicited',
		'Unsolicited: the server may send status updates at any time a command is in progress (and during IDLE).',
		[ref(3501, '5.2'), ref(3501, '7')]
	),
	row('exists', '{count} message(s) in the mailbox.', [ref(3501, '7.3.1')]),
	row('exists-grew', 'Up from {before}: {new} new message(s) arrived.', [
		ref(3501, '7.3.1'),
		ref(3501, '5.2')
	]),
	row('recent', '{count} message(s) arrived since the mailbox was last selected.', [
		ref(3501, '7.3.2')
	]),
	row('expunge', 'Message {n} is gone; the messages after it are now numbered one lower.', [
		ref(3501, '7.4.1')
	]),
	row('fetch-message', 'Message {n}: {items}.', [ref(3501, '7.4.2')]),
	row('fetch-flags', 'Its flags: {flags}.', [ref(3501, '7.4.2')]),
	row('fetch-uid', 'Its UID is {uid}.', [ref(3501, '2.3.1.1')]),
	row('fetch-size', 'Its size: {size} octets.', [ref(3501, '2.3.4')]),
	row('fetch-envelope', 'Envelope: {fields}.', [ref(3501, '7.4.2')]),
	row(
		'fetch-literal',
		'{item} follows as a literal of {octets} octets, then the rest of the response.',
		[ref(3501, '4.3'), ref(3501, '7.4.2')]
	),
	row('flags-list', 'Flags: {flags}.', [ref(3501, '2.3.2')]),
	row('search-result', 'Found: {numbers}.', [ref(3501, '7.2.5')]),
	row('search-none', 'No message matched.', [ref(3501, '7.2.5')]),
	row('list-mailbox', 'Mailbox {mailbox}, delimiter {delimiter}{attributes}.', [
		ref(3501, '7.2.2')
	]),
	row('status-counts', '{mailbox}: {counts}.', [ref(3501, '7.2.4')]),
	row('capability-list', 'Offers: {list}.', [ref(3501, '7.2.1')]),
	row(
		'capability-no-login-before-tls',
		'LOGINDISABLED and no AUTH= before TLS: passwords only after STARTTLS.',
		[ref(2595, '3.2')]
	),
	row('capability-unknown', '{name}: an extension this site does not explain.', [
		ref(3501, '7.2.1')
	]),
	row('continuation-literal', 'The server is ready for the {octets}-octet literal of {command}.', [
		ref(3501, '7.5')
	]),
	row(
		'continuation-sasl',
		'A SASL challenge ({length} base64 characters; empty asks PLAIN’s one message): the client answers with one base64 line.',
		[ref(3501, '6.2.2')]
	),
	row(
		'continuation-literal-hidden',
		'The server is ready for the next literal of {command}: the password, whose size is hidden with it.',
		[ref(3501, '7.5')]
	),
	row(
		'continuation-idle',
		'The server is idling: it will report changes as they happen, until the client sends DONE.',
		[ref(2177, '3')]
	),
	row('continuation-unexpected', 'No command here is waiting for a continuation.', [
		ref(3501, '7.5')
	]),
	row('literal-content', '{octets} octets of {item}: {lines} line(s).', [
		ref(3501, '4.3'),
		ref(3501, '7.4.2')
	]),
	row('message-fields', 'Its header: {fields}.', [ref(3501, '7.4.2')]),
	row('parse-error', 'Not valid IMAP response syntax: {message}.', [ref(3501, '9')]),
	row('bye-logout', 'The expected BYE of LOGOUT; the tagged OK follows.', [ref(3501, '6.1.3')]),
	row(
		'bye-unilateral',
		'The server is ending the session on its own (shutdown, autologout or a refusal).',
		[ref(3501, '7.1.5')]
	),
	row('greeting-capability', 'The greeting carries the capability list: no CAPABILITY needed.', [
		ref(3501, '7.1')
	]),
	row('selected', '{mailbox} is open {mode}.', [ref(3501, '6.3.1')]),
	row('unanswered-at-close', '{count} command(s) were never completed.', [ref(3501, '3.4')])
];

export const imapNotesById: ReadonlyMap<string, ImapNoteRow> = new Map(
	imapNoteTable.map((r) => [r.id, r])
);

/** A note's text with its {placeholders} filled ("{{octets}}" keeps braces: "{310}"). */
export function imapNote(id: string, values: Record<string, string | number> = {}): string {
	const row = imapNotesById.get(id);
	if (!row) throw new Error(`no IMAP note ${id}`);
	return row.text.replace(/\{\{(\w+)\}(\+?)\}|\{(\w+)\}/g, (_, braced, plus, k) =>
		braced ? `{${values[braced] ?? ''}${plus}}` : String(values[k] ?? '')
	);
}
