import { indexBy, rowId, type ReferenceRow } from '../reference/reference';
import { ref } from '../rfc';
import { parseEhloWords, type EhloWords } from '../protocol/ehloLine';

export interface ExtensionRow extends ReferenceRow {
	keyword: string;
	/** What a client does when it sees the keyword. */
	clientUse: string;
	/** How to read the words after the keyword. */
	params: 'none' | 'size' | 'mechanisms' | 'list';
}

const ext = (
	keyword: string,
	row: Omit<ExtensionRow, 'keyword' | 'key' | 'slug' | 'ref' | 'params'> & {
		params?: ExtensionRow['params'];
	}
): ExtensionRow => ({ ...rowId('extensions', keyword), keyword, params: 'none', ...row });

export const extensionTable: readonly ExtensionRow[] = [
	ext('PIPELINING', {
		title: 'PIPELINING — send commands without waiting',
		summary:
			'The client may send several commands at once and read the replies afterwards, in the same order.',
		clientUse:
			'Groups MAIL, RCPT … RCPT, DATA into one write; commands whose reply changes what happens next (EHLO, DATA, VRFY, EXPN, TURN, QUIT, NOOP) may only end a group, and the message body still waits for 354.',
		rfc: [ref(2920, '3'), ref(2920, '3.1')]
	}),
	ext('SIZE', {
		title: 'SIZE — message size limit',
		summary:
			'The server states the largest message it accepts, in octets (0 or no number: no fixed limit announced).',
		clientUse:
			'Adds SIZE=<octets> to MAIL FROM so that a too-big message is refused (552) before it is sent.',
		params: 'size',
		rfc: [ref(1870, '3'), ref(1870, '6')]
	}),
	ext('8BITMIME', {
		title: '8BITMIME — 8-bit message content',
		summary: 'The server accepts message content with bytes above 127 (still in lines with CRLF).',
		clientUse: 'Declares BODY=8BITMIME on MAIL FROM when the message contains 8-bit text.',
		rfc: [ref(6152, '2')]
	}),
	ext('SMTPUTF8', {
		title: 'SMTPUTF8 — internationalised email',
		summary: 'The server accepts UTF-8 in addresses and header fields (e.g. José@exämple.org).',
		clientUse:
			'Adds SMTPUTF8 to MAIL FROM when the envelope or the header fields contain non-ASCII; without it such addresses get 553 5.6.7.',
		rfc: [ref(6531, '3.2'), ref(6531, '3.4')]
	}),
	ext('STARTTLS', {
		title: 'STARTTLS — upgrade to TLS',
		summary: 'The server can turn this connection into an encrypted TLS connection.',
		clientUse:
			'Sends STARTTLS, does the TLS handshake, then sends EHLO again — before AUTH, so that passwords never cross in clear text.',
		rfc: [ref(3207, '2'), ref(3207, '4')]
	}),
	ext('AUTH', {
		title: 'AUTH — authentication',
		summary: 'The server accepts SASL authentication with the mechanisms listed after the keyword.',
		clientUse: 'Picks one listed mechanism it supports and sends AUTH <mechanism>.',
		params: 'mechanisms',
		rfc: [ref(4954, '3')]
	}),
	ext('ENHANCEDSTATUSCODES', {
		title: 'ENHANCEDSTATUSCODES — x.y.z status codes',
		summary:
			'Reply texts start with an RFC 3463 enhanced status code such as 2.1.5 or 5.1.1, finer-grained than the three digits.',
		clientUse:
			'Reads the enhanced code after the reply code, e.g. to tell "no such user" (5.1.1) from a policy refusal (5.7.1).',
		rfc: [ref(2034, '3'), ref(3463, '2')]
	}),
	ext('DSN', {
		title: 'DSN — delivery status notifications',
		summary:
			'The client may ask for delivery status notifications: on success, failure or delay, with the whole message or only its header fields.',
		clientUse: 'Adds RET= and ENVID= to MAIL FROM, NOTIFY= and ORCPT= to RCPT TO.',
		rfc: [ref(3461, ''), ref(3461, '4')]
	}),
	ext('CHUNKING', {
		title: 'CHUNKING — BDAT',
		summary:
			'The server accepts BDAT: the message sent in chunks of a declared size, with no dot-stuffing and no end-of-data line.',
		clientUse: 'Sends BDAT <size> [LAST] instead of DATA.',
		rfc: [ref(3030, '2')]
	}),
	ext('BINARYMIME', {
		title: 'BINARYMIME — binary content',
		summary:
			'The server accepts binary message content (no line structure at all), sent with BDAT.',
		clientUse: 'Declares BODY=BINARYMIME on MAIL FROM and sends the message with BDAT.',
		rfc: [ref(3030, '3')]
	}),
	ext('DELIVERBY', {
		title: 'DELIVERBY — deliver within a time',
		summary:
			'The client may say how long the message may take to be delivered, and what to do if that time passes.',
		clientUse: 'Adds BY=<seconds>;R (return) or ;N (notify) to MAIL FROM.',
		params: 'list',
		rfc: [ref(2852, '')]
	}),
	ext('ETRN', {
		title: 'ETRN — start the queue',
		summary: 'A client may ask the server to start delivering the mail it holds for a domain.',
		clientUse: 'Sends ETRN <domain>, e.g. a site that is only online now and then.',
		rfc: [ref(1985, '')]
	}),
	ext('REQUIRETLS', {
		title: 'REQUIRETLS — TLS all the way',
		summary:
			'The server can honour a request that the message be relayed only over TLS with a validated certificate.',
		clientUse: 'Adds REQUIRETLS to MAIL FROM.',
		rfc: [ref(8689, '2')]
	}),
	ext('MT-PRIORITY', {
		title: 'MT-PRIORITY — message priority',
		summary: 'The client may give a priority (-9 … 9) that servers on the way take into account.',
		clientUse: 'Adds MT-PRIORITY=<n> to MAIL FROM.',
		params: 'list',
		rfc: [ref(6710, '')]
	}),
	ext('LIMITS', {
		title: 'LIMITS — the server’s limits',
		summary:
			'The server announces limits such as RCPTMAX (recipients per transaction) and MAILMAX (transactions per session).',
		clientUse: 'Splits its work to stay within the limits instead of learning them from refusals.',
		params: 'list',
		rfc: [ref(9422, '')]
	}),
	ext('VRFY', {
		title: 'VRFY — address verification',
		summary: 'The server says it implements VRFY.',
		clientUse: 'May send VRFY <name>; the answer may still be 252 (will not say).',
		rfc: [ref(5321, '4.1.1.6'), ref(5321, '3.5')]
	}),
	ext('EXPN', {
		title: 'EXPN — list expansion',
		summary: 'The server says it implements EXPN.',
		clientUse: 'May send EXPN <list>.',
		rfc: [ref(5321, '4.1.1.7')]
	}),
	ext('HELP', {
		title: 'HELP',
		summary: 'The server says it answers HELP.',
		clientUse: 'May send HELP [topic]; the answer is for a human.',
		rfc: [ref(5321, '4.1.1.8')]
	})
];

export const extensionsByKeyword: ReadonlyMap<string, ExtensionRow> = indexBy(
	extensionTable,
	(r) => r.keyword
);

export interface EhloLine extends EhloWords {
	row?: ExtensionRow;
	/** Starts with X, or is unknown here. */
	vendor: boolean;
}

/** An EHLO line's words (protocol/ehloLine.ts, RFC 5321 §4.1.1.1) with the keyword's row. */
export function parseEhloLine(text: string): EhloLine {
	const words = parseEhloWords(text);
	const row = extensionsByKeyword.get(words.keyword);
	return { ...words, row, vendor: !row };
}
