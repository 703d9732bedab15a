/**
 * Tab completion for SMTP commands: the verbs every server knows, the extension verbs the server
 * advertised in its EHLO reply, and the parameters of the extensions it advertised.
 */

import { parseEhloWords } from '../smtp/protocol/ehloLine';
import { parseReply } from '../smtp/protocol/replyParser';

/** EHLO keyword → its parameters, as the server advertised them ("AUTH PLAIN LOGIN"). */
export type Capabilities = Readonly<Record<string, readonly string[]>>;

/** RFC 5321 §4.1 verbs, with the text a learner types after them. */
const BASE_VERBS = [
	'EHLO ',
	'HELO ',
	'MAIL FROM:<',
	'RCPT TO:<',
	'DATA',
	'RSET',
	'NOOP',
	'QUIT',
	'VRFY ',
	'EXPN ',
	'HELP'
];

/** Verbs that exist only when the server advertises the extension. */
const EXTENSION_VERBS: Record<string, string> = {
	STARTTLS: 'STARTTLS', // RFC 3207
	AUTH: 'AUTH ' // RFC 4954
};

/** MAIL FROM parameters by the EHLO keyword that allows them. */
const MAIL_PARAMS: Record<string, string[]> = {
	SIZE: ['SIZE='], // RFC 1870
	'8BITMIME': ['BODY=8BITMIME', 'BODY=7BIT'], // RFC 6152
	BINARYMIME: ['BODY=BINARYMIME'], // RFC 3030
	SMTPUTF8: ['SMTPUTF8'], // RFC 6531
	DSN: ['RET=FULL', 'RET=HDRS', 'ENVID='], // RFC 3461
	REQUIRETLS: ['REQUIRETLS'] // RFC 8689
};

/** RCPT TO parameters by the EHLO keyword that allows them. */
const RCPT_PARAMS: Record<string, string[]> = {
	DSN: ['NOTIFY=SUCCESS,FAILURE', 'NOTIFY=FAILURE,DELAY', 'NOTIFY=NEVER', 'ORCPT=rfc822;']
};

/**
 * Reads the keywords out of the lines of an EHLO reply after the first, e.g.
 * ["250-PIPELINING", "250 AUTH PLAIN LOGIN"] → { PIPELINING: [], AUTH: ['PLAIN', 'LOGIN'] },
 * with the annotator's parsers (RFC 5321 §4.2 reply lines, §4.1.1.1 ehlo-line).
 */
export function parseEhloKeywords(lines: readonly string[]): Capabilities {
	const caps: Record<string, string[]> = {};
	for (const line of lines) {
		const text = parseReply(line)?.text.trim();
		if (!text) continue;
		const { keyword, params } = parseEhloWords(text);
		caps[keyword] = params;
	}
	return caps;
}

function paramCandidates(before: string, table: Record<string, string[]>, caps: Capabilities) {
	const head = before.slice(0, before.lastIndexOf(' ') + 1);
	const used = before.toUpperCase();
	const out: string[] = [];
	for (const [keyword, params] of Object.entries(table)) {
		if (!(keyword in caps)) continue;
		for (const param of params) {
			const name = param.split('=')[0].toUpperCase();
			if (!used.includes(` ${name}`)) out.push(head + param);
		}
	}
	return out;
}

/** Candidates replacing the text before the cursor; the line editor filters them by prefix. */
export function completeSmtp(before: string, caps: Capabilities): string[] {
	const upper = before.toUpperCase();
	if (!before.includes(' ') && !before.includes(':')) {
		const extra = Object.entries(EXTENSION_VERBS)
			.filter(([keyword]) => keyword in caps)
			.map(([, verb]) => verb);
		return [...BASE_VERBS, ...extra];
	}
	if (upper.startsWith('AUTH ') && !before.slice(5).includes(' ')) {
		return (caps.AUTH ?? []).map((mechanism) => `AUTH ${mechanism}`);
	}
	// Parameters come after the closing bracket of the path and a space.
	if (/^MAIL FROM:\s*<[^>]*>\s/i.test(before)) return paramCandidates(before, MAIL_PARAMS, caps);
	if (/^RCPT TO:\s*<[^>]*>\s/i.test(before)) return paramCandidates(before, RCPT_PARAMS, caps);
	return [];
}
