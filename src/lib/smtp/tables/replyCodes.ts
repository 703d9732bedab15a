import type { RfcRef } from '../../messages';
import { indexBy, rowId, type ReferenceRow } from '../reference/reference';
import { ref } from '../rfc';

/** RFC 5321 §4.2.1: the first digit says how it went. */
export interface ReplyClassRow extends ReferenceRow {
	digit: number;
	/** What the client does next. */
	next: string;
}

// RFC 5321 §4.5.4.1 says the retry interval SHOULD be at least 30 minutes and the give-up time
// generally needs to be at least 4–5 days; the wording below follows the RFC ("at least").
export const replyClassTable: readonly ReplyClassRow[] = [
	{
		...rowId('replies', '2yz'),
		digit: 2,
		title: 'Positive completion',
		summary: 'Done: the requested action was completed. A new request may follow.',
		next: 'The client goes on with the next command.',
		rfc: [ref(5321, '4.2.1')]
	},
	{
		...rowId('replies', '3yz'),
		digit: 3,
		title: 'Positive intermediate',
		summary:
			'Go on: the command was accepted, but the server needs more before it can act (the message after DATA, the next AUTH step).',
		next: 'The client sends the information asked for.',
		rfc: [ref(5321, '4.2.1')]
	},
	{
		...rowId('replies', '4yz'),
		digit: 4,
		title: 'Transient negative completion',
		summary:
			'Not now: the action did not happen, but the condition is temporary and the same request may succeed later.',
		next: 'A sending server keeps the message in its queue and tries again later — as a rule no sooner than 30 minutes, and for at least 4–5 days before giving up (RFC 5321 §4.5.4.1).',
		rfc: [ref(5321, '4.2.1'), ref(5321, '4.5.4.1')]
	},
	{
		...rowId('replies', '5yz'),
		digit: 5,
		title: 'Permanent negative completion',
		summary: 'No: the action did not happen and repeating the exact same request will not help.',
		next: 'The client reports the failure to whoever gave it the message: a mail program shows an error to its user; a relay that had already accepted the message sends a bounce (a delivery status notification) to the reverse-path.',
		rfc: [ref(5321, '4.2.1'), ref(5321, '6.1')]
	}
];

/** RFC 5321 §4.2.1: the second digit says what the reply is about. */
export interface ReplyCategoryRow {
	digit: number;
	title: string;
	summary: string;
	rfc: RfcRef[];
}

export const replyCategoryTable: readonly ReplyCategoryRow[] = [
	{
		digit: 0,
		title: 'Syntax',
		summary: 'Syntax errors, and commands that fit no functional category or are not implemented.',
		rfc: [ref(5321, '4.2.1')]
	},
	{
		digit: 1,
		title: 'Information',
		summary: 'Replies to requests for information, such as status or help.',
		rfc: [ref(5321, '4.2.1')]
	},
	{
		digit: 2,
		title: 'Connections',
		summary: 'About the transmission channel (the connection).',
		rfc: [ref(5321, '4.2.1')]
	},
	{
		digit: 3,
		title: 'Unspecified',
		summary: 'Not assigned by RFC 5321.',
		rfc: [ref(5321, '4.2.1')]
	},
	{
		digit: 4,
		title: 'Unspecified',
		summary: 'Not assigned by RFC 5321.',
		rfc: [ref(5321, '4.2.1')]
	},
	{
		digit: 5,
		title: 'Mail system',
		summary: 'The status of the receiving mail system with respect to the requested action.',
		rfc: [ref(5321, '4.2.1')]
	}
];

export interface ReplyCodeRow extends ReferenceRow {
	code: number;
	/** The reply text the defining RFC gives. */
	text: string;
	/** Kept for reference only, no longer used by current implementations. */
	historic?: boolean;
}

const reply = (
	code: number,
	text: string,
	summary: string,
	rfc: RfcRef[],
	extra: Partial<ReplyCodeRow> = {}
): ReplyCodeRow => ({
	...rowId('replies', String(code)),
	code,
	text,
	title: `${code} ${text}`,
	summary,
	rfc,
	...extra
});

const R5321 = ref(5321, '4.2.3');

/** Every reply code of RFC 5321 §4.2.2–4.2.3 and of the extensions this lab teaches. */
export const replyCodeTable: readonly ReplyCodeRow[] = [
	reply(211, 'System status, or system help reply', 'A status or help reply, mostly to HELP.', [
		R5321
	]),
	reply(
		214,
		'Help message',
		'Information on how to use the server or the meaning of a non-standard command; useful only to a human.',
		[R5321, ref(5321, '4.1.1.8')]
	),
	reply(
		220,
		'<domain> Service ready',
		'The server is ready: as the greeting when a connection opens, or after STARTTLS to say "start the TLS handshake now".',
		[R5321, ref(5321, '3.1'), ref(3207, '4')]
	),
	reply(
		221,
		'<domain> Service closing transmission channel',
		'The server says goodbye and closes the connection (the answer to QUIT).',
		[R5321, ref(5321, '4.1.1.10')]
	),
	reply(
		235,
		'Authentication successful',
		'The AUTH exchange succeeded: the session is now authenticated.',
		[ref(4954, '4')]
	),
	reply(250, 'Requested mail action okay, completed', 'OK: the command did what it asked.', [
		R5321
	]),
	reply(
		251,
		'User not local; will forward to <forward-path>',
		'The recipient is accepted and the server will forward the message elsewhere.',
		[R5321, ref(5321, '3.4')]
	),
	reply(
		252,
		'Cannot VRFY user, but will accept message and attempt delivery',
		'The server will not confirm whether the address exists, but will take mail for it.',
		[R5321, ref(5321, '3.5.3')]
	),
	reply(
		253,
		'OK, pending messages for node started',
		'An ETRN reply: a queue run for the named node was started.',
		[ref(1985, '')]
	),
	reply(
		334,
		'(base64 server challenge)',
		'The server wants the next step of the AUTH exchange; the text after 334 is base64 (possibly empty).',
		[ref(4954, '4')]
	),
	reply(
		354,
		'Start mail input; end with <CRLF>.<CRLF>',
		'Go ahead: send the message now, and end it with a line holding only a dot.',
		[R5321, ref(5321, '4.1.1.4')]
	),
	reply(
		421,
		'<domain> Service not available, closing transmission channel',
		'The server cannot serve this connection and is closing it. It may be a reply to any command when the server must shut down.',
		[R5321, ref(5321, '3.8')]
	),
	reply(
		432,
		'A password transition is needed',
		'The user must first authenticate once with PLAIN (over TLS) so that the selected mechanism can work afterwards.',
		[ref(4954, '6')]
	),
	reply(
		450,
		'Requested mail action not taken: mailbox unavailable',
		'Temporarily refused for this mailbox (e.g. mailbox busy or temporarily blocked for policy reasons).',
		[R5321]
	),
	reply(
		451,
		'Requested action aborted: local error in processing',
		'Something went wrong on the server, or it is deferring on purpose (greylisting); try again later.',
		[R5321]
	),
	reply(
		452,
		'Requested action not taken: insufficient system storage',
		'Temporarily no room: the server’s storage, the mailbox quota, or its limit on recipients per message.',
		[R5321, ref(5321, '4.5.3.1.10'), ref(1870, '6')]
	),
	reply(
		454,
		'TLS not available due to temporary reason / Temporary authentication failure',
		'After STARTTLS: TLS cannot be started right now (RFC 3207). After AUTH: authentication failed for a temporary reason (RFC 4954).',
		[ref(3207, '4'), ref(4954, '6')]
	),
	reply(
		455,
		'Server unable to accommodate parameters',
		'The server cannot handle one of the MAIL FROM/RCPT TO parameters right now.',
		[R5321, ref(5321, '4.1.1.11')]
	),
	reply(
		458,
		'Unable to queue messages for node',
		'An ETRN reply: the server cannot start a queue run for that node now.',
		[ref(1985, '')]
	),
	reply(459, 'Node not allowed', 'An ETRN reply: queue runs for that node are not allowed.', [
		ref(1985, '')
	]),
	reply(
		500,
		'Syntax error, command unrecognized',
		'The server did not understand the command (or the line was too long).',
		[R5321, ref(5321, '4.2.4')]
	),
	reply(
		501,
		'Syntax error in parameters or arguments',
		'The command is known but its arguments are wrong.',
		[R5321]
	),
	reply(
		502,
		'Command not implemented',
		'The server recognises the command but does not implement it.',
		[R5321, ref(5321, '4.2.4')]
	),
	reply(
		503,
		'Bad sequence of commands',
		'The command is out of order: e.g. RCPT before MAIL, DATA with no accepted recipient, AUTH twice.',
		[R5321, ref(5321, '4.1.4')]
	),
	reply(
		504,
		'Command parameter not implemented',
		'The command is implemented but not with that parameter (e.g. an unknown AUTH mechanism).',
		[R5321]
	),
	reply(
		521,
		'Host does not accept mail',
		'This host never accepts mail (for example a null MX target); do not retry.',
		[ref(7504, '')]
	),
	reply(
		530,
		'Must issue a STARTTLS command first / Authentication required',
		'Refused by policy until the client protects the connection with STARTTLS (RFC 3207) or authenticates (RFC 4954).',
		[ref(3207, '4'), ref(4954, '6')]
	),
	reply(
		534,
		'Authentication mechanism is too weak',
		'The server’s policy does not allow this mechanism for this user; try a stronger one.',
		[ref(4954, '6')]
	),
	reply(
		535,
		'Authentication credentials invalid',
		'Authentication failed: wrong user name or password (or a revoked token).',
		[ref(4954, '6')]
	),
	reply(
		538,
		'Encryption required for requested authentication mechanism',
		'Defined by RFC 4954 and kept here for history only: servers should simply not offer mechanisms that need encryption on an unencrypted connection.',
		[ref(4954, '6')],
		{ historic: true }
	),
	reply(
		550,
		'Requested action not taken: mailbox unavailable',
		'Permanently refused: e.g. mailbox not found, no access, or command rejected for policy reasons.',
		[R5321]
	),
	reply(
		551,
		'User not local; please try <forward-path>',
		'The recipient is not here; the server names where to send instead.',
		[R5321, ref(5321, '3.4')]
	),
	reply(
		552,
		'Requested mail action aborted: exceeded storage allocation',
		'Too much: the message is bigger than the server accepts (RFC 1870 SIZE), or a storage allocation was exceeded.',
		[R5321, ref(1870, '6')]
	),
	reply(
		553,
		'Requested action not taken: mailbox name not allowed',
		'The address is not acceptable, e.g. its syntax is wrong, or it is non-ASCII without SMTPUTF8 (5.6.7).',
		[R5321, ref(6531, '3.5')]
	),
	reply(
		554,
		'Transaction failed',
		'The transaction failed; as a greeting it means "No SMTP service here".',
		[R5321, ref(5321, '3.1')]
	),
	reply(
		555,
		'MAIL FROM/RCPT TO parameters not recognized or not implemented',
		'A parameter after the address is unknown to the server, or was not advertised by it.',
		[R5321, ref(5321, '4.1.1.11')]
	),
	reply(
		556,
		'Domain does not accept mail',
		'The recipient’s domain accepts no mail at all (e.g. it publishes a null MX).',
		[ref(7504, '')]
	)
];

export const replyCodesByCode: ReadonlyMap<string, ReplyCodeRow> = indexBy(replyCodeTable, (r) =>
	String(r.code)
);
export const replyClassByDigit: ReadonlyMap<string, ReplyClassRow> = indexBy(replyClassTable, (r) =>
	String(r.digit)
);
export const replyCategoryByDigit: ReadonlyMap<string, ReplyCategoryRow> = indexBy(
	replyCategoryTable,
	(r) => String(r.digit)
);
