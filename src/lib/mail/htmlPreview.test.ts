import { describe, expect, it } from 'vitest';
import { escapeAttribute, previewCsp, previewDocument } from './htmlPreview';

// cleanMailHtml needs a DOM (DOMPurify): the browser tests in tests/e2e/mailbox.spec.ts cover it.
describe('preview document', () => {
	it.each([
		[
			false,
			"default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'"
		],
		[
			true,
			"default-src 'none'; img-src data: https:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'"
		]
	])('CSP with remote images %s', (allow, csp) => {
		expect(previewCsp(allow)).toBe(csp);
	});

	it('puts the CSP first in the head, before any content', () => {
		const doc = previewDocument('<p>x</p>', false);
		expect(doc.indexOf('Content-Security-Policy')).toBeLessThan(doc.indexOf('<p>x</p>'));
		expect(doc.indexOf('Content-Security-Policy')).toBeLessThan(doc.indexOf('<style>'));
		expect(doc).toContain(`content="${escapeAttribute(previewCsp(false))}"`);
	});

	it('escapes attribute values', () => {
		expect(escapeAttribute(`"<a>&'`)).toBe(`&quot;&lt;a&gt;&amp;'`);
	});
});
