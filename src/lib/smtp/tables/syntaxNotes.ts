import type { RfcRef } from '../../messages';
import { ref } from '../rfc';

/** Ids of the things the command parser can notice about a line. */
export type SyntaxIssueId =
	| 'empty-line'
	| 'lowercase-verb'
	| 'unknown-verb'
	| 'misspelled-verb'
	| 'misspelled-keyword'
	| 'private-verb'
	| 'obsolete-verb'
	| 'missing-colon'
	| 'space-after-colon'
	| 'missing-brackets'
	| 'missing-path'
	| 'null-sender'
	| 'null-recipient'
	| 'postmaster'
	| 'source-route'
	| 'missing-at'
	| 'local-part-case'
	| 'local-part-too-long'
	| 'domain-too-long'
	| 'path-too-long'
	| 'command-too-long'
	| 'non-ascii-without-smtputf8'
	| 'unexpected-argument'
	| 'missing-argument'
	| 'bad-parameter-syntax'
	| 'unknown-parameter'
	| 'unadvertised-parameter'
	| 'unadvertised-command'
	| 'bad-bdat-size';

export interface SyntaxIssue {
	id: SyntaxIssueId;
	/** Filled into the note's {value} placeholder. */
	value?: string;
	/** Filled into {extra}. */
	extra?: string;
}

export interface SyntaxNoteRow {
	id: SyntaxIssueId;
	/** Note text; {value} and {extra} are replaced from the issue. */
	text: string;
	/** The reply a server is likely to give, when the slip matters. */
	expectReply?: string;
	rfc: RfcRef[];
}

export const syntaxNoteTable: readonly SyntaxNoteRow[] = [
	{
		id: 'empty-line',
		text: 'An empty command line.',
		expectReply: '500',
		rfc: [ref(5321, '4.3.2')]
	},
	{
		id: 'lowercase-verb',
		text: 'Verbs are not case-sensitive: "{value}" means the same as "{extra}".',
		rfc: [ref(5321, '2.4')]
	},
	{
		id: 'unknown-verb',
		text: '"{value}" is not an SMTP command this lab knows; a server answers 500 to a command it does not recognise.',
		expectReply: '500',
		rfc: [ref(5321, '4.2.4')]
	},
	{
		id: 'misspelled-verb',
		text: 'Did you mean {extra}? "{value}" is not a command; the server will answer 500.',
		expectReply: '500',
		rfc: [ref(5321, '4.2.4')]
	},
	{
		id: 'misspelled-keyword',
		text: 'Did you mean "{extra}"? The grammar requires exactly "{extra}" here, not "{value}".',
		expectReply: '501',
		rfc: [ref(5321, '4.1.1.2'), ref(5321, '4.1.1.3')]
	},
	{
		id: 'private-verb',
		text: 'Commands beginning with X are for private use between consenting client and server.',
		rfc: [ref(5321, '4.1.5')]
	},
	{
		id: 'obsolete-verb',
		text: '{value} is obsolete and should not be used.',
		rfc: [ref(5321, 'F')]
	},
	{
		id: 'missing-colon',
		text: 'A colon is required: "{extra}:<address>".',
		expectReply: '501',
		rfc: [ref(5321, '4.1.1.2'), ref(5321, '4.1.1.3')]
	},
	{
		id: 'space-after-colon',
		text: 'The grammar allows no space on either side of the colon. Many servers tolerate it; a strict one answers 501.',
		expectReply: '501',
		rfc: [ref(5321, '3.3')]
	},
	{
		id: 'missing-brackets',
		text: 'The address must be in angle brackets: <{value}>. Many servers tolerate it; a strict one answers 501.',
		expectReply: '501',
		rfc: [ref(5321, '4.1.2')]
	},
	{
		id: 'missing-path',
		text: 'No address was given.',
		expectReply: '501',
		rfc: [ref(5321, '4.1.2')]
	},
	{
		id: 'null-sender',
		text: 'The null reverse-path <>: used by delivery status notifications (bounces), so that a failure report can never trigger another one.',
		rfc: [ref(5321, '4.5.5')]
	},
	{
		id: 'null-recipient',
		text: 'RCPT TO:<> names no recipient; only the reverse-path may be null.',
		expectReply: '501',
		rfc: [ref(5321, '4.1.2')]
	},
	{
		id: 'postmaster',
		text: 'Every server must accept mail for "Postmaster" (with or without a domain); this local-part alone is case-insensitive.',
		rfc: [ref(5321, '4.1.1.3'), ref(5321, '4.5.1')]
	},
	{
		id: 'source-route',
		text: 'A source route ({value}): it must be accepted, should not be generated, and should be ignored.',
		rfc: [ref(5321, '4.1.2'), ref(5321, 'C')]
	},
	{
		id: 'missing-at',
		text: '"{value}" has no @domain part; only Postmaster may be given without a domain.',
		expectReply: '501',
		rfc: [ref(5321, '4.1.2')]
	},
	{
		id: 'local-part-case',
		text: 'The local-part "{value}" must be treated as case-sensitive (for some hosts "smith" and "Smith" differ); the domain is not case-sensitive.',
		rfc: [ref(5321, '2.4')]
	},
	{
		id: 'local-part-too-long',
		text: 'The local-part is {value} octets; the limit every server must accept is 64.',
		rfc: [ref(5321, '4.5.3.1.1')]
	},
	{
		id: 'domain-too-long',
		text: 'The domain is {value} octets; the limit is 255.',
		rfc: [ref(5321, '4.5.3.1.2')]
	},
	{
		id: 'path-too-long',
		text: 'The path is {value} octets including its brackets; the limit is 256.',
		expectReply: '501',
		rfc: [ref(5321, '4.5.3.1.3')]
	},
	{
		id: 'command-too-long',
		text: 'The command line is {value} octets including CRLF; the limit is 512 unless an extension raises it.',
		expectReply: '500',
		rfc: [ref(5321, '4.5.3.1.4')]
	},
	{
		id: 'non-ascii-without-smtputf8',
		text: 'The address contains non-ASCII characters but the command has no SMTPUTF8 parameter: expect 553 5.6.7.',
		expectReply: '553 5.6.7',
		rfc: [ref(6531, '3.4'), ref(6531, '3.5')]
	},
	{
		id: 'unexpected-argument',
		text: '{value} takes no argument; a server should answer 501.',
		expectReply: '501',
		rfc: [ref(5321, '4.3.2')]
	},
	{
		id: 'missing-argument',
		text: '{value} needs an argument: {extra}.',
		expectReply: '501',
		rfc: [ref(5321, '4.1.1')]
	},
	{
		id: 'bad-parameter-syntax',
		text: '"{value}" is not a valid esmtp-param (keyword[=value], no spaces around "=").',
		expectReply: '501',
		rfc: [ref(5321, '4.1.2')]
	},
	{
		id: 'unknown-parameter',
		text: 'Parameter {value} is not one this lab knows; a server that does not recognise it answers 555.',
		expectReply: '555',
		rfc: [ref(5321, '4.1.1.11')]
	},
	{
		id: 'unadvertised-parameter',
		text: 'Parameter {value} needs the {extra} extension, which the server did not advertise in its EHLO reply: expect 555.',
		expectReply: '555',
		rfc: [ref(5321, '4.1.1.11'), ref(5321, '2.2.1')]
	},
	{
		id: 'unadvertised-command',
		text: '{value} needs the {extra} extension, which the server did not advertise in its EHLO reply.',
		expectReply: '502',
		rfc: [ref(5321, '2.2.1')]
	},
	{
		id: 'bad-bdat-size',
		text: 'BDAT needs a chunk size in octets, optionally followed by LAST.',
		expectReply: '501',
		rfc: [ref(3030, '2')]
	}
];

/** Slips in MAIL FROM / RCPT TO that the corrected line shown beside them fixes. */
export const PATH_SYNTAX_SLIPS: ReadonlySet<SyntaxIssueId> = new Set([
	'missing-brackets',
	'space-after-colon',
	'missing-colon'
]);

/**
 * The corrected line, shown where it is seen without a click: in the summary of the command and
 * in the title and summary of the 501 that refuses it. {fixed} is the learner's own line, mended.
 */
export const pathFixTable = {
	command: {
		summary:
			'Write it as {fixed}: the address in angle brackets, no space after the colon. A strict server answers the line as typed with 501.',
		rfc: [ref(5321, '3.3'), ref(5321, '4.1.2')]
	},
	reply: {
		title: 'Syntax error: write {fixed}',
		summary:
			'The server did not accept the address as typed. Send {fixed}: the address in angle brackets, no space after the colon.',
		rfc: [ref(5321, '3.3'), ref(5321, '4.1.2')]
	}
} as const;

const byId = new Map(syntaxNoteTable.map((r) => [r.id, r]));

/** The note text for an issue, with its placeholders filled in. */
export function syntaxNoteText(issue: SyntaxIssue): string {
	const row = byId.get(issue.id)!;
	return row.text.replaceAll('{value}', issue.value ?? '').replaceAll('{extra}', issue.extra ?? '');
}

export function syntaxNoteRfc(id: SyntaxIssueId): RfcRef[] {
	return byId.get(id)!.rfc;
}
