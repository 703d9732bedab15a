import { expect, test } from 'vitest';
import { rfcLabel, rfcUrl } from './rfc';
import { rowId } from './reference/reference';
import { editDistance, closest } from './protocol/editDistance';

const rows: [Parameters<typeof rfcUrl>[0], string][] = [
	[{ rfc: 5321, section: '4.1.1.2' }, 'https://www.rfc-editor.org/rfc/rfc5321#section-4.1.1.2'],
	[{ rfc: 5321, section: 'D.1' }, 'https://www.rfc-editor.org/rfc/rfc5321#appendix-D.1'], // appendices
	[{ rfc: 8617, section: '' }, 'https://www.rfc-editor.org/rfc/rfc8617'] // whole document
];
for (const [r, url] of rows) test(`rfcUrl ${rfcLabel(r)}`, () => expect(rfcUrl(r)).toBe(url));

test('labels and ids', () => {
	expect(rfcLabel({ rfc: 5321, section: '2.4' })).toBe('RFC 5321 §2.4');
	expect(rfcLabel({ rfc: 1985, section: '' })).toBe('RFC 1985');
	expect(rowId('headers', 'List-Unsubscribe')).toEqual({
		key: 'List-Unsubscribe',
		slug: 'list-unsubscribe',
		ref: 'headers/list-unsubscribe'
	});
});

test('edit distance', () => {
	expect(editDistance('FORM', 'FROM')).toBe(2);
	expect(editDistance('MAIL', 'MAIL')).toBe(0);
	expect(editDistance('', 'ABC')).toBe(3);
	expect(closest('QIUT', ['QUIT', 'DATA'], 2)).toBe('QUIT');
	expect(closest('ZZZZ', ['QUIT'], 2)).toBeUndefined();
});
