/** The reply-line grammar of RFC 5321 §4.2, row by row; expected values written by hand from it. */
import { describe, expect, test } from 'vitest';
import { isFinalReplyLine, parseReply, type ParsedReply } from './replyParser';

// [line, parsed (undefined: not a reply line), the grammar rule the row exercises]
const ROWS: [string, ParsedReply | undefined, string][] = [
	['250', { code: 250, last: true, enhanced: null, text: '' }, 'the code alone (§4.2 prose)'],
	['250 ', { code: 250, last: true, enhanced: null, text: '' }, 'code and trailing space'],
	['250-', { code: 250, last: false, enhanced: null, text: '' }, 'Reply-code "-" [ textstring ]'],
	['250 OK', { code: 250, last: true, enhanced: null, text: 'OK' }, 'Reply-code SP textstring'],
	['250x', undefined, 'only SP or "-" may follow the code'],
	['2500', undefined, 'the code is three digits, not four'],
	['25', undefined, 'the code is three digits, not two'],
	['099 x', undefined, 'first digit %x32-35: not 0'],
	['199 x', undefined, 'first digit %x32-35: not 1'],
	['600 x', undefined, 'first digit %x32-35: not 6'],
	['260 x', undefined, 'second digit %x30-35: not 6'],
	['290 x', undefined, 'second digit %x30-35: not 9'],
	['559 x', { code: 559, last: true, enhanced: null, text: 'x' }, 'the highest Reply-code'],
	['200 x', { code: 200, last: true, enhanced: null, text: 'x' }, 'the lowest Reply-code'],
	[' 250 x', undefined, 'the code starts the line'],
	[
		'250-2.0.0 x',
		{ code: 250, last: false, enhanced: '2.0.0', text: 'x' },
		'continuation with an enhanced code (RFC 2034 §4)'
	],
	[
		'550 5.1.1 No such user',
		{ code: 550, last: true, enhanced: '5.1.1', text: 'No such user' },
		'final line with an enhanced code'
	],
	['250 OK\r\n', { code: 250, last: true, enhanced: null, text: 'OK' }, 'CRLF is not text']
];

describe('parseReply follows RFC 5321 §4.2', () => {
	for (const [line, parsed, rule] of ROWS)
		test(`${JSON.stringify(line)}: ${rule}`, () => {
			expect(parseReply(line)).toEqual(parsed);
		});
});

describe('isFinalReplyLine: a reply line that ends its reply', () => {
	// [line, ends a reply]
	const FINAL: [string, boolean][] = [
		['250', true],
		['250 ', true],
		['250 OK', true],
		['250-', false],
		['250-PIPELINING', false],
		['250-2.0.0 x', false],
		['250x', false],
		['2500', false],
		['099 x', false],
		['600 x', false],
		['hello', false]
	];
	for (const [line, final] of FINAL)
		test(`${JSON.stringify(line)} → ${final}`, () => expect(isFinalReplyLine(line)).toBe(final));
});
