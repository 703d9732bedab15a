import type { RfcRef } from '../../messages';
import { indexBy, rowId, type ReferenceRow } from '../reference/reference';
import { ref } from '../rfc';

/** What follows the verb on the line (RFC 5321 §4.1.1, §4.1.2). */
export type ArgumentShape =
	| 'none' // DATA, RSET, QUIT, STARTTLS: 501 if arguments are given (§4.3.2)
	| 'optional' // NOOP, HELP: an optional string the server ignores or uses
	| 'domain' // HELO, EHLO: Domain or address-literal
	| 'reverse-path' // MAIL FROM:<...> [params]
	| 'forward-path' // RCPT TO:<...> [params]
	| 'string' // VRFY, EXPN
	| 'bdat' // BDAT chunk-size [LAST]
	| 'auth'; // AUTH mechanism [initial-response]

export interface CommandRow extends ReferenceRow {
	/** The verb as sent on the wire. */
	verb: string;
	syntax: string;
	args: ArgumentShape;
	/** What the server should answer (RFC 5321 §4.3.2 and the extension's RFC). */
	answer: string;
	/** What the session's state becomes when the command succeeds. */
	stateChange: string;
	replies: { success: number[]; intermediate?: number[]; error: number[] };
	/** EHLO keyword the server must advertise before a client may use this command. */
	extension?: string;
	/** The client must wait for this command's reply before sending more (RFC 2920 §3.1). */
	endsPipelineGroup: boolean;
	obsolete?: boolean;
}

const cmd = (
	verb: string,
	row: Omit<CommandRow, 'verb' | 'key' | 'slug' | 'ref' | 'endsPipelineGroup'> & {
		endsPipelineGroup?: boolean;
	}
): CommandRow => ({
	...rowId('commands', verb),
	verb,
	endsPipelineGroup: false,
	...row
});

// RFC 5321 §4.3.2 lists, per command, its usual replies; the 421/500/501 that any command can get
// are not repeated here.
export const commandTable: readonly CommandRow[] = [
	cmd('EHLO', {
		title: 'EHLO — extended hello',
		syntax: 'EHLO <domain or address-literal>',
		args: 'domain',
		summary:
			'The client names itself and asks the server to list the service extensions it supports.',
		answer:
			'250, usually multi-line: the first line names the server, each further line is one extension keyword (SIZE, PIPELINING, STARTTLS, AUTH …).',
		stateChange:
			'The session is identified. Sent again later, EHLO resets the session exactly as RSET would (RFC 5321 §4.1.4).',
		detail:
			'A session that will contain mail transactions must begin with EHLO (or the older HELO). The domain should be the client’s own primary host name, or an address literal such as [192.0.2.1] if it has none. The server may check that name against the client’s IP address, but must not refuse mail because the check fails (§4.1.4).',
		replies: { success: [250], error: [504, 550, 502] },
		endsPipelineGroup: true,
		rfc: [ref(5321, '4.1.1.1'), ref(5321, '4.1.4')]
	}),
	cmd('HELO', {
		title: 'HELO — hello (without extensions)',
		syntax: 'HELO <domain>',
		args: 'domain',
		summary:
			'The client names itself the pre-extension way: the server answers with one line and lists no extensions.',
		answer: '250 with the server’s name.',
		stateChange: 'The session is identified, but no ESMTP extension may be used.',
		detail:
			'Older clients send HELO; a client that wants extensions sends EHLO. Servers must still accept HELO (RFC 5321 §4.1.1.1).',
		replies: { success: [250], error: [504, 550] },
		endsPipelineGroup: true,
		rfc: [ref(5321, '4.1.1.1')]
	}),
	cmd('MAIL', {
		title: 'MAIL FROM — start a mail transaction',
		syntax: 'MAIL FROM:<reverse-path> [SP mail-parameters]',
		args: 'reverse-path',
		summary:
			'Starts a new mail transaction and gives the envelope sender: the address that failure reports (bounces) go back to.',
		answer: '250 if the sender is accepted.',
		stateChange: 'A mail transaction is open: recipients come next.',
		detail:
			'The reverse-path is part of the envelope, not of the message: it may differ from the From: header field. MAIL clears the sender, recipients and data buffers first. It must not be sent while a transaction is open (RFC 5321 §4.1.4). The null reverse-path <> is used by delivery status notifications (bounces), so that a failure report can never cause another one (§4.5.5).',
		replies: { success: [250], error: [552, 451, 452, 550, 553, 503, 455, 555] },
		rfc: [ref(5321, '4.1.1.2'), ref(5321, '3.3')]
	}),
	cmd('RCPT', {
		title: 'RCPT TO — add a recipient',
		syntax: 'RCPT TO:<forward-path> [SP rcpt-parameters]',
		args: 'forward-path',
		summary:
			'Adds one recipient to the envelope. Repeat it for every recipient: one message, many RCPT TO lines.',
		answer:
			'250 (or 251) if this recipient is accepted; a refusal (550, 450, 452 …) refuses only this recipient.',
		stateChange: 'The transaction has at least one recipient: DATA may follow.',
		detail:
			'The envelope recipients decide where the message goes; the To: and Cc: header fields are only what the reader sees. A recipient that appears in no header field is, in effect, a Bcc.',
		replies: { success: [250, 251], error: [550, 551, 552, 553, 450, 451, 452, 503, 455, 555] },
		rfc: [ref(5321, '4.1.1.3'), ref(5321, '3.3')]
	}),
	cmd('DATA', {
		title: 'DATA — send the message',
		syntax: 'DATA',
		args: 'none',
		summary:
			'Asks to send the message itself (header fields, blank line, body). The client waits for 354 before sending it.',
		answer:
			'354 to go ahead; then, after the line with a single dot, one reply for the whole message (250 = accepted).',
		stateChange:
			'After 354 the server reads message content until <CRLF>.<CRLF>; after the final reply the transaction is over.',
		detail:
			'The end of the message is a line holding only a dot. A line of the message that begins with a dot is sent with one more dot in front (dot-stuffing, RFC 5321 §4.5.2), and the server removes it.',
		replies: { success: [250], intermediate: [354], error: [503, 554, 552, 451, 452, 450, 550] },
		endsPipelineGroup: true,
		rfc: [ref(5321, '4.1.1.4'), ref(5321, '4.5.2')]
	}),
	cmd('BDAT', {
		title: 'BDAT — send a chunk of the message',
		syntax: 'BDAT <chunk-size> [LAST]',
		args: 'bdat',
		summary:
			'Sends exactly chunk-size octets of message content right after the command line, with no dot-stuffing and no end marker. LAST marks the final chunk.',
		answer:
			'250 for each chunk received; the reply to the LAST chunk is the reply for the whole message.',
		stateChange: 'After BDAT … LAST is accepted, the transaction is over.',
		detail:
			'Only usable when the server advertised CHUNKING. BDAT and DATA must not be mixed in one transaction. Because the size is given first, the server never has to look for <CRLF>.<CRLF>.',
		replies: { success: [250], error: [503, 552, 554, 451, 452] },
		extension: 'CHUNKING',
		rfc: [ref(3030, '2')]
	}),
	cmd('RSET', {
		title: 'RSET — abort the transaction',
		syntax: 'RSET',
		args: 'none',
		summary:
			'Aborts the current mail transaction: the sender, recipients and any data given so far are discarded.',
		answer: '250; a server must always accept RSET.',
		stateChange:
			'Back to the state after EHLO (and after AUTH, if the client authenticated): no transaction open.',
		replies: { success: [250], error: [] },
		rfc: [ref(5321, '4.1.1.5')]
	}),
	cmd('NOOP', {
		title: 'NOOP — do nothing',
		syntax: 'NOOP [SP string]',
		args: 'optional',
		summary: 'Asks nothing; the server just answers OK. Used to keep a connection alive.',
		answer: '250.',
		stateChange: 'No change.',
		replies: { success: [250], error: [] },
		endsPipelineGroup: true,
		rfc: [ref(5321, '4.1.1.9')]
	}),
	cmd('QUIT', {
		title: 'QUIT — end the session',
		syntax: 'QUIT',
		args: 'none',
		summary:
			'Asks the server to close the connection. An open transaction that has not been completed is abandoned.',
		answer: '221, then the server closes the connection.',
		stateChange: 'Closed.',
		replies: { success: [221], error: [] },
		endsPipelineGroup: true,
		rfc: [ref(5321, '4.1.1.10'), ref(5321, '3.8')]
	}),
	cmd('VRFY', {
		title: 'VRFY — verify an address',
		syntax: 'VRFY <string>',
		args: 'string',
		summary: 'Asks whether the argument names a user or mailbox, and if so its full address.',
		answer:
			'250 with the mailbox, but only when the server has really verified it; 252 when it cannot verify the address but will accept mail for it; 550/551/553 if not. A server that disables VRFY for security reasons MUST answer 252 (RFC 5321 §7.3); one that answers VRFY with 502 or 500 is "not in full compliance" (§3.5.3).',
		stateChange: 'No change; VRFY is not part of a mail transaction.',
		detail:
			'Because VRFY lets anyone test which addresses exist, many sites disable it. RFC 5321 §7.3: such a site MUST answer 252, not a code that could be confused with a successful or failed verification (250 or 550). A server that answers VRFY with 502 or 500 is "not in full compliance" (§3.5.3).',
		replies: { success: [250, 251, 252], error: [550, 551, 553, 502, 504] },
		endsPipelineGroup: true,
		rfc: [ref(5321, '4.1.1.6'), ref(5321, '3.5.3'), ref(5321, '7.3')]
	}),
	cmd('EXPN', {
		title: 'EXPN — expand a mailing list',
		syntax: 'EXPN <string>',
		args: 'string',
		summary: 'Asks the server to list the members of a mailing list.',
		answer:
			'A multi-line 250 with one member per line, only after a real expansion; 252 from a site that disables EXPN for security reasons (a MUST, RFC 5321 §7.3); 550 if there is no such list; 500 or 502 from a server that does not implement it.',
		stateChange: 'No change.',
		detail:
			'EXPN reveals who is on a list, and address harvesters use it, so many sites disable it; RFC 5321 §7.3 then requires 252, as for VRFY. Implementations should still support EXPN, for example only for authenticated users (§7.3).',
		replies: { success: [250, 252], error: [550, 500, 502, 504] },
		endsPipelineGroup: true,
		rfc: [ref(5321, '4.1.1.7'), ref(5321, '3.5.3'), ref(5321, '7.3')]
	}),
	cmd('HELP', {
		title: 'HELP — ask for help',
		syntax: 'HELP [SP string]',
		args: 'optional',
		summary: 'Asks for helpful information, optionally about one command.',
		answer: '211 or 214 with text meant for a human.',
		stateChange: 'No change.',
		replies: { success: [211, 214], error: [502, 504] },
		rfc: [ref(5321, '4.1.1.8')]
	}),
	cmd('STARTTLS', {
		title: 'STARTTLS — switch to TLS',
		syntax: 'STARTTLS',
		args: 'none',
		summary:
			'Asks to turn this same connection into an encrypted TLS connection. After 220 the client starts the TLS handshake.',
		answer:
			'220 Ready to start TLS; 454 if TLS is temporarily unavailable; 501 if arguments were given.',
		stateChange:
			'After the TLS handshake the session is back at its start: the server forgets everything the client said before (including EHLO), the client forgets the extension list, and the client SHOULD send EHLO as its first command (RFC 3207 §4.2) — a mail transaction needs one anyway (RFC 5321 §4.1.4).',
		detail:
			'Until STARTTLS, everything — including AUTH credentials — crosses the network in clear text. A server may answer other commands with 530 "Must issue a STARTTLS command first". Port 465 (RFC 8314) starts with TLS instead, so STARTTLS is not used there.',
		replies: { success: [220], error: [454, 501] },
		extension: 'STARTTLS',
		endsPipelineGroup: true,
		rfc: [ref(3207, '4'), ref(3207, '4.2')]
	}),
	cmd('AUTH', {
		title: 'AUTH — authenticate',
		syntax: 'AUTH <mechanism> [SP initial-response]',
		args: 'auth',
		summary:
			'Starts a SASL authentication exchange with the named mechanism (PLAIN, LOGIN, …), optionally with the first response already in base64.',
		answer:
			'334 with a (base64) challenge when the server needs the next piece, 235 when authentication succeeded, 535 when the credentials were wrong.',
		stateChange:
			'After 235 the session is authenticated; a submission server then lets the client send mail to other domains.',
		detail:
			'The client’s answers to each 334 are base64 lines; a line with only "*" cancels the exchange (501). AUTH is not allowed during a mail transaction, nor again after success (RFC 4954 §4).',
		replies: {
			success: [235],
			intermediate: [334],
			error: [432, 454, 500, 501, 503, 504, 530, 534, 535, 538]
		},
		extension: 'AUTH',
		endsPipelineGroup: true,
		rfc: [ref(4954, '4')]
	}),
	cmd('ETRN', {
		title: 'ETRN — start the queue for a domain',
		syntax: 'ETRN <node-name>',
		args: 'string',
		summary:
			'Asks the server to start delivering the mail it holds queued for the named domain or host.',
		answer: '250 (or 251–253) if a queue run was started; 458/459 if not.',
		stateChange: 'No change.',
		replies: { success: [250, 251, 252, 253], error: [458, 459, 500, 501] },
		extension: 'ETRN',
		rfc: [ref(1985, '')]
	}),
	cmd('TURN', {
		title: 'TURN — swap roles (obsolete)',
		syntax: 'TURN',
		args: 'none',
		summary:
			'RFC 821 let client and server swap roles. It raised security problems and should not be used (RFC 5321 Appendix F.1).',
		answer: 'Usually 502 (not implemented).',
		stateChange: 'No change.',
		replies: { success: [250], error: [502] },
		endsPipelineGroup: true,
		obsolete: true,
		rfc: [ref(5321, 'F.1')]
	})
];

export const commandsByVerb: ReadonlyMap<string, CommandRow> = indexBy(commandTable, (r) => r.verb);

/** An ESMTP parameter of MAIL FROM or RCPT TO (the esmtp-param of RFC 5321 §4.1.2). */
export interface ParameterRow extends ReferenceRow {
	verb: 'MAIL' | 'RCPT';
	keyword: string;
	/** The EHLO keyword that must have been advertised; otherwise 555 (RFC 5321 §4.1.1.11). */
	extension: string;
	value: string;
}

const param = (
	verb: 'MAIL' | 'RCPT',
	keyword: string,
	extension: string,
	value: string,
	summary: string,
	rfc: RfcRef[]
): ParameterRow => ({
	...rowId('commands', `${verb}-${keyword}`),
	verb,
	keyword,
	extension,
	value,
	title: `${verb === 'MAIL' ? 'MAIL FROM' : 'RCPT TO'} ${keyword}=`,
	summary,
	rfc
});

export const parameterTable: readonly ParameterRow[] = [
	param(
		'MAIL',
		'SIZE',
		'SIZE',
		'decimal octet count',
		'The client’s estimate of the message size, so that the server can refuse a too-large message (552) before it is sent.',
		[ref(1870, '6')]
	),
	param(
		'MAIL',
		'BODY',
		'8BITMIME',
		'7BIT | 8BITMIME | BINARYMIME',
		'Declares what the body contains: 8BITMIME lets bytes above 127 through (RFC 6152); BINARYMIME needs CHUNKING and BDAT (RFC 3030).',
		[ref(6152, '2'), ref(3030, '3')]
	),
	param(
		'MAIL',
		'SMTPUTF8',
		'SMTPUTF8',
		'(no value)',
		'Declares that the envelope or header fields contain UTF-8 (internationalised addresses).',
		[ref(6531, '3.4')]
	),
	param(
		'MAIL',
		'RET',
		'DSN',
		'FULL | HDRS',
		'If a delivery status notification is sent, return the full message (FULL) or only its header fields (HDRS). Without RET, the server may return either.',
		[ref(3461, '4.3')]
	),
	param(
		'MAIL',
		'ENVID',
		'DSN',
		'xtext',
		'An identifier chosen by the sender, returned in any delivery status notification for this message.',
		[ref(3461, '4.4')]
	),
	param(
		'MAIL',
		'AUTH',
		'AUTH',
		'xtext mailbox or <>',
		'The identity that submitted the message, passed on between trusted servers; <> means unknown.',
		[ref(4954, '5')]
	),
	param(
		'MAIL',
		'REQUIRETLS',
		'REQUIRETLS',
		'(no value)',
		'Asks every server on the way to relay this message only over TLS with a verified certificate.',
		[ref(8689, '2')]
	),
	param(
		'MAIL',
		'MT-PRIORITY',
		'MT-PRIORITY',
		'-9 … 9',
		'The priority the sender asks for this message.',
		[ref(6710, '')]
	),
	param(
		'RCPT',
		'NOTIFY',
		'DSN',
		'NEVER | SUCCESS,FAILURE,DELAY',
		'When to send a delivery status notification for this recipient: NEVER, or any of SUCCESS, FAILURE and DELAY. Without NOTIFY, the server may act as if NOTIFY=FAILURE or NOTIFY=FAILURE,DELAY had been given.',
		[ref(3461, '4.1')]
	),
	param(
		'RCPT',
		'ORCPT',
		'DSN',
		'addr-type;xtext',
		'The original recipient address, as first given, to be quoted in delivery status notifications.',
		[ref(3461, '4.2')]
	)
];

export const parametersByName: ReadonlyMap<string, ParameterRow> = indexBy(
	parameterTable,
	(r) => `${r.verb} ${r.keyword}`
);
