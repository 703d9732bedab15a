import { describe, expect, it } from 'vitest';
import { printableOnly, sanitizeForTerminal } from './sanitize';

describe('sanitizeForTerminal', () => {
	const rows: [string, string, string][] = [
		['plain reply', '250 2.0.0 OK', '250 2.0.0 OK'],
		['OSC 52 clipboard write', '\x1b]52;c;ZXZpbA==\x07', '␛]52;c;ZXZpbA==␇'],
		['CSI colour and title', '\x1b[31m\x1b]0;pwned\x07', '␛[31m␛]0;pwned␇'],
		['8-bit CSI (C1)', '\u009b2J', '<U+009B>2J'],
		['CR and LF shown, not obeyed', 'a\r\nb', 'a␍␊b'],
		['tab and NUL', '\t\0', '␉␀'],
		['DEL', 'x\x7f', 'x␡'],
		['right-to-left override', 'abc\u202edef', 'abc<U+202E>def'],
		['non-ASCII text kept', 'Grüße 日本', 'Grüße 日本']
	];
	for (const [name, input, expected] of rows) {
		it(name, () => expect(sanitizeForTerminal(input)).toBe(expected));
	}
});

describe('printableOnly', () => {
	it('drops controls and keeps text', () => {
		expect(printableOnly('EH\x1b[2JLO\u0007 x')).toBe('EH[2JLO x');
	});
});
