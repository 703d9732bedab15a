/** The annotator's own texts are table rows (issue 12 item 8); annotate.ts only looks them up. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
	annotationText,
	annotationTextTable,
	annotationTextsById,
	fillText
} from './annotationTexts';

const SOURCE = readFileSync(new URL('../annotate/annotate.ts', import.meta.url), 'utf8');
/** annotate.ts without its comments. */
const CODE = SOURCE.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
/** Every quoted or template string in annotate.ts's code. */
const STRINGS = [
	...CODE.matchAll(/'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`|"((?:[^"\\\n]|\\.)*)"/g)
].map((m) => m[1] ?? m[2] ?? m[3]);

describe('annotationTexts', () => {
	test('each row has one id, some text and an RFC citation', () => {
		expect(annotationTextsById.size).toBe(annotationTextTable.length);
		for (const row of annotationTextTable) {
			expect(row.title ?? row.summary ?? row.note, row.id).toBeTruthy();
			expect(row.rfc.length, row.id).toBeGreaterThan(0);
		}
	});
	test('annotate.ts writes no teaching sentence of its own', () => {
		// Three words in a row outside a ${…} substitution: a sentence that belongs in a table row.
		const sentences = STRINGS.filter((s) =>
			/[A-Za-z]+ [A-Za-z]+ [A-Za-z]+/.test(s.replace(/\$\{[^}]*\}/g, ''))
		);
		expect(sentences).toEqual([]);
	});
	test('every row is looked up by annotate.ts, and every id it looks up has a row', () => {
		const named = new Set(STRINGS);
		for (const row of annotationTextTable) expect(named.has(row.id), row.id).toBe(true);
		const looked = [...CODE.matchAll(/(?:annotationText|note)\(\s*'([a-z0-9-]+)'/g)].map(
			(m) => m[1]
		);
		expect(looked.length).toBeGreaterThan(0);
		for (const id of looked) expect(annotationTextsById.has(id), id).toBe(true);
		expect(() => annotationText('no-such-row')).toThrow(/no annotation text row/);
	});
	test('fillText fills placeholders once, and leaves unknown ones', () => {
		expect(fillText('{a} and {b}', { a: 1 })).toBe('1 and {b}');
		expect(fillText('{a}', { a: '{b}', b: 'x' })).toBe('{b}');
		expect(fillText('{a}', { a: '$&' })).toBe('$&');
	});
});
