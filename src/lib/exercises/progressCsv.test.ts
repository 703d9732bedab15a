import { describe, expect, it } from 'vitest';
import { progressCsv, type ProgressRow } from './progressCsv';

const handouts = [
	{ exercise: 'rset-transaction', handedOutAt: 0 },
	{ exercise: 'blind-copy', handedOutAt: 0 }
];

function row(nickname: string, passedAt: number | null, passing: boolean[]): ProgressRow {
	return {
		nickname,
		address: `${nickname.toLowerCase()}@k7m4qp.class.test`,
		joinedAt: Date.UTC(2026, 11, 1, 9, 0, 0),
		exercises: [
			{
				exercise: 'rset-transaction',
				checks: passing.map((passed, i) => ({ id: `c${i}`, passed })),
				passedAt
			}
		]
	};
}

describe('progressCsv', () => {
	it('writes a header and one CRLF-ended row per student, k/n or passed per handout', () => {
		expect(
			progressCsv(handouts, [
				row('Ana', Date.UTC(2026, 11, 1, 9, 5, 0), [true, true, true]),
				row('ben', null, [true, false, false])
			])
		).toBe(
			'nickname,address,joined_at,rset-transaction,rset-transaction passed_at,blind-copy,blind-copy passed_at,exercises_passed\r\n' +
				'Ana,ana@k7m4qp.class.test,2026-12-01T09:00:00.000Z,passed,2026-12-01T09:05:00.000Z,,,1\r\n' +
				'ben,ben@k7m4qp.class.test,2026-12-01T09:00:00.000Z,1/3,,,,0\r\n'
		);
	});

	it('keeps a pass even when the checks no longer pass (the work was deleted)', () => {
		const csv = progressCsv(handouts.slice(0, 1), [row('Ana', 1000, [false, false])]);
		expect(csv.split('\r\n')[1]).toBe(
			'Ana,ana@k7m4qp.class.test,2026-12-01T09:00:00.000Z,passed,1970-01-01T00:00:01.000Z,1'
		);
	});

	it('quotes commas and quotes (RFC 4180 §2) and defuses cells a spreadsheet would run', () => {
		const csv = progressCsv(
			[],
			[
				{ nickname: '=HYPERLINK("x")', address: 'a,b', joinedAt: 0, exercises: [] },
				{ nickname: '-2+3', address: '@x', joinedAt: 0, exercises: [] }
			]
		);
		expect(csv.split('\r\n').slice(1, 3)).toEqual([
			`"'=HYPERLINK(""x"")","a,b",1970-01-01T00:00:00.000Z,0`,
			`'-2+3,'@x,1970-01-01T00:00:00.000Z,0`
		]);
	});

	it('counts only passes of exercises still handed out', () => {
		expect(progressCsv([], [row('Ana', 1000, [true])])).toBe(
			'nickname,address,joined_at,exercises_passed\r\n' +
				'Ana,ana@k7m4qp.class.test,2026-12-01T09:00:00.000Z,0\r\n'
		);
	});
});
