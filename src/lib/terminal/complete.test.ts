import { describe, expect, it } from 'vitest';
import { completeSmtp, parseEhloKeywords } from './complete';

const caps = parseEhloKeywords([
	'250-PIPELINING',
	'250-8BITMIME',
	'250-SIZE 10485760',
	'250-DSN',
	'250-STARTTLS',
	'250 AUTH PLAIN LOGIN'
]);

describe('parseEhloKeywords', () => {
	it('reads keywords and their parameters', () => {
		expect(caps.AUTH).toEqual(['PLAIN', 'LOGIN']);
		expect(caps.SIZE).toEqual(['10485760']);
		expect(caps.PIPELINING).toEqual([]);
	});
	// [EHLO reply line, keyword → parameters]: RFC 5321 §4.1.1.1 ehlo-line, read like the annotator.
	const rows: [string, Record<string, string[]>][] = [
		['250-auth plain', { AUTH: ['plain'] }], // keywords are case-insensitive
		['250-AUTH=PLAIN LOGIN', { AUTH: ['PLAIN', 'LOGIN'] }], // the pre-standard AUTH= form
		['250-SIZE  1000', { SIZE: ['1000'] }], // a doubled SP is no empty parameter
		['250 DSN', { DSN: [] }],
		['250-', {}], // a continuation with no text has no keyword
		['600-PIPELINING', {}] // not a reply line (RFC 5321 §4.2)
	];
	for (const [line, expected] of rows)
		it(JSON.stringify(line), () => expect(parseEhloKeywords([line])).toEqual(expected));
});

describe('completeSmtp', () => {
	it('offers extension verbs only when advertised', () => {
		expect(completeSmtp('', {})).not.toContain('STARTTLS');
		expect(completeSmtp('', caps)).toContain('STARTTLS');
		expect(completeSmtp('', caps)).toContain('AUTH ');
	});
	it('offers the advertised SASL mechanisms after AUTH (RFC 4954)', () => {
		expect(completeSmtp('AUTH P', caps)).toEqual(['AUTH PLAIN', 'AUTH LOGIN']);
	});
	it('offers MAIL parameters of advertised extensions, after the path', () => {
		const list = completeSmtp('MAIL FROM:<a@example.com> ', caps);
		expect(list).toContain('MAIL FROM:<a@example.com> SIZE=');
		expect(list).toContain('MAIL FROM:<a@example.com> BODY=8BITMIME');
		expect(list).not.toContain('MAIL FROM:<a@example.com> SMTPUTF8');
	});
	it('does not offer a parameter twice', () => {
		const list = completeSmtp('MAIL FROM:<a@example.com> SIZE=10 ', caps);
		expect(list.some((c) => c.endsWith('SIZE='))).toBe(false);
	});
	it('offers DSN parameters on RCPT (RFC 3461)', () => {
		expect(completeSmtp('RCPT TO:<b@example.com> N', caps)).toContain(
			'RCPT TO:<b@example.com> NOTIFY=NEVER'
		);
	});
	it('has nothing inside an address', () => {
		expect(completeSmtp('MAIL FROM:<al', caps)).toEqual([]);
	});
});
