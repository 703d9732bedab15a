import { describe, expect, test } from 'vitest';
import { parseCommand, utf8Length } from './commandParser';
import { syntaxNoteText, type SyntaxIssueId } from '../tables/syntaxNotes';

const ids = (line: string, extensions?: string[]) =>
	parseCommand(line, { extensions: extensions && new Set(extensions) }).issues.map((i) => i.id);

describe('verbs, arguments and parameters', () => {
	const rows: [
		string,
		{ verb: string; address?: string; params?: Record<string, string | true> }
	][] = [
		['MAIL FROM:<Smith@bar.com>', { verb: 'MAIL', address: 'Smith@bar.com' }], // RFC 5321 §4.1.1.2
		['mail from:<a@b.example>', { verb: 'MAIL', address: 'a@b.example' }], // §2.4 verbs are case-insensitive
		[
			'RCPT TO:<Jones@foo.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Jones@foo.com',
			{
				verb: 'RCPT',
				address: 'Jones@foo.com',
				params: { NOTIFY: 'SUCCESS,FAILURE', ORCPT: 'rfc822;Jones@foo.com' }
			}
		], // RFC 3461 §4.1, §4.2
		[
			'MAIL FROM:<a@b.example> SIZE=1000 BODY=8BITMIME SMTPUTF8',
			{
				verb: 'MAIL',
				address: 'a@b.example',
				params: { SIZE: '1000', BODY: '8BITMIME', SMTPUTF8: true }
			}
		], // §4.1.2 esmtp-param, RFC 1870, 6152, 6531
		[
			'MAIL FROM:<> RET=HDRS ENVID=QQ314159',
			{ verb: 'MAIL', address: '', params: { RET: 'HDRS', ENVID: 'QQ314159' } }
		], // null reverse-path, RFC 3461 §4.3/4.4
		[
			'MAIL FROM:<a@b.example> AUTH=<> REQUIRETLS',
			{ verb: 'MAIL', address: 'a@b.example', params: { AUTH: '<>', REQUIRETLS: true } }
		], // RFC 4954 §5, RFC 8689
		['RCPT TO:<@hosta.int,@jkl.org:userc@d.bar.org>', { verb: 'RCPT', address: 'userc@d.bar.org' }] // §4.1.2 A-d-l source route
	];
	for (const [line, want] of rows)
		test(line, () => {
			const p = parseCommand(line);
			expect(p.verb).toBe(want.verb);
			if (want.address !== undefined) expect(p.path?.address).toBe(want.address);
			if (want.params)
				expect(Object.fromEntries(p.params.map((x) => [x.keyword, x.value]))).toEqual(want.params);
		});
	test('AUTH, BDAT, HELO', () => {
		expect(parseCommand('AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=').auth).toEqual({
			mechanism: 'PLAIN',
			initialResponse: 'dGVzdAB0ZXN0ADEyMzQ='
		});
		expect(parseCommand('auth login').auth).toEqual({
			mechanism: 'LOGIN',
			initialResponse: undefined
		});
		expect(parseCommand('BDAT 86 LAST').bdat).toEqual({ size: 86, last: true });
		expect(parseCommand('BDAT 1000').bdat).toEqual({ size: 1000, last: false });
		expect(parseCommand('EHLO bar.com').argument).toBe('bar.com');
	});
});

describe('syntax notes', () => {
	const rows: [string, SyntaxIssueId, string[]?][] = [
		['MAIL FROM: <a@b.example>', 'space-after-colon'], // §3.3: no space around the colon
		['MAIL FROM <a@b.example>', 'missing-colon'], // §4.1.1.2 grammar "MAIL FROM:"
		['MAIL FROM:a@b.example', 'missing-brackets'], // §4.1.2 Path = "<" Mailbox ">"
		['MAIL FROM:', 'missing-path'], // §4.1.2
		['MAIL FROM:<>', 'null-sender'], // §4.5.5 bounces
		['RCPT TO:<>', 'null-recipient'], // only Reverse-path may be "<>"
		['RCPT TO:<Postmaster>', 'postmaster'], // §4.1.1.3
		['RCPT TO:<@a.example:b@c.example>', 'source-route'], // §4.1.2 A-d-l
		['RCPT TO:<bob>', 'missing-at'], // Mailbox = Local-part "@" Domain
		['RCPT TO:<Bob@example.com>', 'local-part-case'], // §2.4 local-part case-sensitive
		[`RCPT TO:<${'a'.repeat(65)}@b.example>`, 'local-part-too-long'], // §4.5.3.1.1: 64
		[`RCPT TO:<a@${'b'.repeat(256)}>`, 'domain-too-long'], // §4.5.3.1.2: 255
		[`RCPT TO:<${'a'.repeat(60)}@${'b.'.repeat(98)}example>`, 'path-too-long'], // §4.5.3.1.3: 256
		[`NOOP ${'x'.repeat(510)}`, 'command-too-long'], // §4.5.3.1.4: 512 with CRLF
		['RCPT TO:<josé@example.com>', 'non-ascii-without-smtputf8'], // RFC 6531 §3.4 → 553 5.6.7
		['DATA now', 'unexpected-argument'], // §4.3.2: 501 if arguments are supplied
		['EHLO', 'missing-argument'], // ehlo = "EHLO" SP Domain
		['VRFY', 'missing-argument'], // vrfy = "VRFY" SP String
		['AUTH', 'missing-argument'], // RFC 4954 §4
		['MAIL FROM:<a@b.example> SIZE = 10', 'bad-parameter-syntax'], // esmtp-param has no spaces
		['MAIL FROM:<a@b.example> FOO=1', 'unknown-parameter'], // §4.1.1.11 → 555
		['MAIL FROM:<a@b.example> SIZE=10', 'unadvertised-parameter', ['PIPELINING']], // §4.1.1.11 → 555
		['STARTTLS', 'unadvertised-command', ['SIZE']], // §2.2.1 use only advertised extensions
		['BDAT ten', 'bad-bdat-size'], // RFC 3030 §2
		['MAIL FORM:<a@b.example>', 'misspelled-keyword'], // did you mean MAIL FROM:
		['MIAL FROM:<a@b.example>', 'misspelled-verb'], // edit distance 2
		['XFOOBAR', 'private-verb'], // §4.1.5
		['TURN', 'obsolete-verb'], // Appendix F.1
		['quit', 'lowercase-verb'], // §2.4
		['FOOBAR world', 'unknown-verb'], // §4.2.4 → 500
		['HELLO world', 'misspelled-verb'], // did you mean HELO
		['', 'empty-line']
	];
	for (const [line, id, ext] of rows)
		test(`${line.slice(0, 40)} → ${id}`, () => {
			expect(ids(line, ext)).toContain(id);
		});

	test('misspelled MAIL FROM suggests the right spelling', () => {
		const p = parseCommand('MAIL FORM:<a@b.example>');
		expect(p.suggestion).toBe('MAIL FROM:');
		expect(syntaxNoteText(p.issues.find((i) => i.id === 'misspelled-keyword')!)).toMatch(
			/Did you mean "MAIL FROM:"/
		);
		expect(parseCommand('RCTP TO:<a@b.example>').suggestion).toBe('RCPT TO:');
		expect(parseCommand('QIUT').suggestion).toBe('QUIT');
	});
	test('clean lines have no issues', () => {
		expect(ids('MAIL FROM:<a@b.example> SIZE=10', ['SIZE'])).toEqual([]);
		expect(ids('RCPT TO:<josé@example.com>').length).toBe(1);
		expect(ids('MAIL FROM:<josé@example.com> SMTPUTF8')).not.toContain(
			'non-ascii-without-smtputf8'
		);
	});
	test('RCPT TO:Bob missing brackets is noted once', () => {
		expect(ids('RCPT TO:bob@example.com')).toEqual(['missing-brackets']);
	});
	test('utf8Length counts octets', () => {
		expect(utf8Length('a')).toBe(1);
		expect(utf8Length('é')).toBe(2);
		expect(utf8Length('€')).toBe(3);
		expect(utf8Length('😀')).toBe(4);
	});
});
