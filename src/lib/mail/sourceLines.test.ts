import { describe, expect, it } from 'vitest';
import { sourceLines } from './sourceLines';

describe('sourceLines', () => {
	it.each([
		// [bytes, expected [text, eol] per line]
		[
			'a\r\nb\r\n',
			[
				['a', 'CRLF'],
				['b', 'CRLF']
			]
		],
		[
			'a\nb',
			[
				['a', 'LF'],
				['b', '']
			]
		], // bare LF (RFC 5321 §2.3.8), no final line end
		['\r\n', [['', 'CRLF']]],
		['', []]
	] as const)('%j', (text, expected) => {
		expect(sourceLines(text).map((l) => [l.text, l.eol])).toEqual(expected);
	});

	it('numbers lines from 1', () => {
		expect(sourceLines('a\r\nb\r\n').map((l) => l.n)).toEqual([1, 2]);
	});

	it('marks lines that were dot-stuffed on the wire (RFC 5321 §4.5.2)', () => {
		expect(sourceLines('.\r\n..x\r\nx.\r\n').map((l) => l.dotStuffed)).toEqual([true, true, false]);
	});

	it('marks long lines (RFC 5322 §2.1.1) and bare CRs', () => {
		const lines = sourceLines(`${'x'.repeat(79)}\r\n${'y'.repeat(999)}\r\na\rb\r\n`);
		expect(lines.map((l) => l.long)).toEqual(['over78', 'over998', '']);
		expect(lines[2].bareCr).toBe(true);
	});
});
