import { describe, expect, it } from 'vitest';
import { cleanCss, escapeAttribute, previewCsp, previewDocument } from './htmlPreview';

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

// Issue 11 item 4: CSS escapes and comments hid url() from the filter (the CSP caught it).
// Each row: mail CSS → it must not reach the browser with a fetchable URL in it.
describe('cleanCss: what the browser would read is what gets filtered', () => {
	const REMOTE = 'http://192.0.2.1/x.png';
	it.each([
		['plain url()', `background:url(${REMOTE})`],
		['hex escape \\72 (r)', `background:u\\72l(${REMOTE})`],
		['six hex digits and the white space that ends them', `background:u\\000072 l(${REMOTE})`],
		['escape with CRLF as its white space', `background:u\\72\r\nl(${REMOTE})`],
		['a character escaped as itself (\\r is "r")', `background:u\\r\\l(${REMOTE})`],
		['upper-case escaped function name', `background:\\55 RL(${REMOTE})`],
		['a comment inside the name', `background:u/**/rl(${REMOTE})`],
		['an escaped backslash that would decode again', `background:u\\5c 72l(${REMOTE})`],
		['quoted, with ")" inside the quotes', `background:url("${REMOTE})")`],
		['unbalanced quote', `background:url("${REMOTE})`],
		['escaped @import', `@\\69mport "${REMOTE}";`],
		['image-set with a bare string', `background-image:image-set("${REMOTE}" 1x)`],
		['-webkit-image-set', `background-image:-webkit-image-set("${REMOTE}" 1x)`]
	])('%s', (_name, css) => {
		const { css: cleaned, blocked } = cleanCss(css, false);
		// Nothing left that fetches, and no escape left for the browser to decode again.
		expect(cleaned).not.toMatch(/url\(|image-set|@import/i);
		expect(cleaned).not.toContain('\\');
		if (!css.includes('5c')) expect(blocked.join(' ')).toContain(REMOTE);
	});

	it('reports each blocked url as the browser would have read it', () => {
		expect(cleanCss(`a{background:u\\72l(${REMOTE})}`, false).blocked).toEqual([REMOTE]);
		expect(cleanCss(`b{background:url( '${REMOTE}' )}`, false).blocked).toEqual([REMOTE]);
	});

	it('keeps data: images, and https: ones once the reader allows remote images', () => {
		const data = 'background:url(data:image/png;base64,AAAA)';
		expect(cleanCss(data, false)).toEqual({ css: data, blocked: [] });
		const https = 'background:url("https://images.example.com/a.png")';
		expect(cleanCss(https, false).css).toBe('background:none');
		expect(cleanCss(https, true)).toEqual({ css: https, blocked: [] });
		// An escaped http: is still http:, whatever the permission.
		expect(cleanCss(`background:url(htt\\70://192.0.2.1/)`, true).css).toBe('background:none');
	});

	it('decoded text cannot close a <style> element or leave a backslash behind', () => {
		const { css } = cleanCss('p::after{content:"\\3c/style\\3e<script>x</script>"}', false);
		expect(css).not.toContain('<');
		expect(css).toBe('p::after{content:"\\3c /style>\\3c script>x\\3c /script>"}');
	});

	it('keeps ordinary escaped text readable (a CJK font name written as escapes)', () => {
		expect(cleanCss('font-family:"\\5FAE\\8F6F\\96C5\\9ED1",sans-serif', false).css).toBe(
			'font-family:"微软雅黑",sans-serif'
		);
	});
});
