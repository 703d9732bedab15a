import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
	describeEnhanced,
	enhancedClassTable,
	enhancedCodeTable,
	enhancedMatchesReply,
	enhancedSubjectTable
} from './enhancedCodes';

/** An independent RFC 4180 parser: quoted fields with commas, "" and line breaks. */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let i = 0;
	let quoted = false;
	while (i < text.length) {
		const c = text[i];
		if (quoted) {
			if (c === '"') {
				if (text[i + 1] === '"') {
					field += '"';
					i += 2;
					continue;
				}
				quoted = false;
			} else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(field);
			field = '';
		} else if (c === '\n') {
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else if (c !== '\r') field += c;
		i++;
	}
	if (field || row.length) {
		row.push(field);
		rows.push(row);
	}
	return rows;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const csv = readFileSync(
	new URL('../../../../tests/fixtures/iana-smtp-enhanced-status-codes.csv', import.meta.url),
	'utf8'
);
const [header, ...registry] = parseCsv(csv);

// RFC 3463 §2: the class decides the outcome. These codes' registry descriptions speak of another
// class (a failure, "only permanent", "persistent transient"), so they get their class's wording.
const reworded = new Set([
	'2.0.0',
	'2.1.0',
	'2.2.0',
	'2.3.0',
	'2.5.0',
	'2.6.0',
	'2.7.0',
	'5.2.2',
	'4.7.1'
]);

describe('IANA registry (RFC 3463, RFC 5248)', () => {
	test('the fixture has the registry columns', () => {
		expect(header.slice(0, 5)).toEqual([
			'Code',
			'Sample Text',
			'Associated basic status code',
			'Description',
			'Reference'
		]);
		expect(registry.length).toBe(79);
	});

	for (const [code, sample, , description] of registry) {
		// Every registered X.s.d resolves, for each class, to its registry meaning.
		test(`${code} resolves to "${squash(sample) || '(no sample text)'}"`, () => {
			for (const cls of ['2', '4', '5']) {
				const info = describeEnhanced(code.replace('X', cls))!;
				expect(info.entry, `${cls}${code.slice(1)}`).toBeDefined();
				expect(info.entry!.sampleText).toBe(squash(sample));
				expect(info.entry!.summary).toBe(squash(description));
				// Where the class changes the meaning, the class's own wording replaces it (below).
				if (!reworded.has(`${cls}${code.slice(1)}`))
					expect(info.summary.startsWith(squash(description))).toBe(true);
				expect(info.ref).toBe(`enhanced/${cls}${code.slice(1)}`);
			}
		});
	}

	test('X.7.29 and X.7.30, registered after the copy, are added with their RFCs', () => {
		expect(describeEnhanced('5.7.29')!.entry!.rfc[0].rfc).toBe(8617);
		expect(describeEnhanced('5.7.30')!.title).toBe('REQUIRETLS support required');
		expect(describeEnhanced('5.7.30')!.rfc[0].rfc).toBe(8689);
		expect(enhancedCodeTable.length).toBe(81);
	});
});

describe('fallback (RFC 3463 §2: class and subject still mean something)', () => {
	const rows: [string, string | undefined, string | undefined][] = [
		['5.1.99', 'Addressing status (detail 99 not in the registry)', 'Permanent failure'], // unknown detail
		['4.9.1', 'Unregistered subject 9', 'Persistent transient failure'], // unknown subject
		['2.0.0', 'Other undefined Status', 'Success'] // registered
	];
	for (const [code, title, cls] of rows)
		test(code, () => {
			const info = describeEnhanced(code)!;
			expect(info.title).toBe(title);
			expect(info.class.title).toBe(cls);
		});
	test('not an enhanced code', () => {
		for (const bad of ['3.1.1', '5.1', 'x.1.1', '5.1.1.1', ''])
			expect(describeEnhanced(bad)).toBeUndefined();
	});
	test('class and subject tables', () => {
		expect(enhancedClassTable.map((r) => r.class)).toEqual([2, 4, 5]);
		expect(enhancedSubjectTable.map((r) => r.subject)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
		expect(enhancedSubjectTable[1].rfc[1]).toEqual({ rfc: 3463, section: '3.2' });
	});
	test('class must agree with the reply code (RFC 3463 §2)', () => {
		expect(enhancedMatchesReply('5.1.1', 550)).toBe(true);
		expect(enhancedMatchesReply('2.1.5', 550)).toBe(false);
	});
});

describe('the class decides the outcome (RFC 3463 §2)', () => {
	// [code, words the summary must not use, words it must use]
	const rows: [string, RegExp, RegExp][] = [
		['2.6.0', /undeliverable/, /accepted/], // "250 2.6.0 queued" is a success
		['2.7.0', /returned/, /succeeded/], // "235 2.7.0 Authentication successful"
		['2.0.0', /error/, /Success/],
		['2.1.0', /caused this DSN/, /accepted/],
		['5.2.2', /^The mailbox is full because/, /permanent/], // X.2.2: "persistent transient failure"
		['4.7.1', /^The sender is not authorized/, /try again later/] // greylisting
	];
	for (const [code, not, must] of rows)
		test(code, () => {
			const info = describeEnhanced(code)!;
			expect(info.summary).not.toMatch(not);
			expect(info.summary).toMatch(must);
		});
	test('2.6.0 is not titled an error', () => {
		expect(describeEnhanced('2.6.0')!.title).not.toMatch(/error/);
		expect(describeEnhanced('5.6.0')!.title).toBe('Other or undefined media error');
	});
	test('4.7.1 says the registry lists 451 among X.7.1’s basic codes', () => {
		const x71 = registry.find((r) => r[0] === 'X.7.1')!;
		expect(x71[2].split(/,\s*/)).toContain('451');
		expect(describeEnhanced('4.7.1')!.summary).toMatch(/registry lists 451/);
		// The permanent class keeps the registry's wording.
		expect(describeEnhanced('5.7.1')!.summary).toBe(squash(x71[3]));
	});
});

describe('a detail the registry reserves for one failure class, sent in the other (RFC 3463 §2)', () => {
	// [code, the outcome its class gives] — registry: "only useful for permanent failures" (X.1.1,
	// listed with 451), "useful only as a permanent error" (X.5.4, listed with 451), "useful only
	// as a persistent transient error" (X.4.2, X.3.1).
	const rows: [string, RegExp][] = [
		['4.1.1', /sent with class 4, it is a transient one/],
		['4.5.4', /sent with class 4, it is a transient one/],
		['5.4.2', /sent with class 5, it is a permanent one/],
		['5.3.1', /sent with class 5, it is a permanent one/]
	];
	for (const [code, outcome] of rows)
		test(code, () => {
			const info = describeEnhanced(code)!;
			expect(info.summary).toMatch(outcome);
			expect(info.rfc).toContainEqual({ rfc: 3463, section: '2' });
		});
	test('in the class the registry means, its text stands alone', () => {
		for (const code of ['5.1.1', '4.4.2', '5.5.4', '4.3.1'])
			expect(describeEnhanced(code)!.summary).not.toMatch(/the class decides/);
	});
});
