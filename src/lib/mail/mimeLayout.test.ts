import { describe, expect, it } from 'vitest';
import { headerValue, layoutEntity, lineAt, parseContentType, splitMultipart } from './mimeLayout';

describe('parseContentType (RFC 2045 §5.1)', () => {
	it.each([
		['text/plain', 'text/plain', {}],
		['', 'text/plain', {}], // RFC 2045 §5.2 default
		['Multipart/Mixed; boundary="a b"', 'multipart/mixed', { boundary: 'a b' }],
		[
			'text/plain; charset=utf-8; format=flowed',
			'text/plain',
			{ charset: 'utf-8', format: 'flowed' }
		],
		['image/png; name="a \\"q\\".png"', 'image/png', { name: 'a "q".png' }],
		[
			'multipart/report; report-type=delivery-status;\r\n boundary=x',
			'multipart/report',
			{ 'report-type': 'delivery-status', boundary: 'x' }
		]
	])('%j', (value, type, params) => {
		expect(parseContentType(value)).toEqual({ type, params });
	});
});

describe('headerValue', () => {
	it('finds a field case-insensitively and unfolds it (RFC 5322 §2.2.3)', () => {
		expect(
			headerValue('Subject: a\r\nContent-Type: multipart/mixed;\r\n boundary=b\r\n', 'content-type')
		).toBe('multipart/mixed; boundary=b');
		expect(headerValue('Subject: a\r\n', 'content-type')).toBeNull();
	});
});

const MESSAGE = [
	'Content-Type: multipart/mixed; boundary="outer"',
	'',
	'preamble',
	'--outer',
	'Content-Type: multipart/alternative; boundary=inner',
	'',
	'--inner',
	'Content-Type: text/plain',
	'',
	'hello',
	'--inner',
	'Content-Type: text/html',
	'',
	'<p>hi</p>',
	'--inner--',
	'',
	'--outer',
	'Content-Type: image/png; name=a.png',
	'Content-Transfer-Encoding: base64',
	'',
	'iVBORw==',
	'--outer--',
	'epilogue',
	''
].join('\r\n');

describe('layoutEntity (RFC 2046 §5.1.1)', () => {
	const root = layoutEntity(MESSAGE);
	const body = (e: { bodyStart: number; end: number }) => MESSAGE.slice(e.bodyStart, e.end);

	it('builds the tree in order', () => {
		expect(root.type).toBe('multipart/mixed');
		expect(root.children.map((c) => c.type)).toEqual(['multipart/alternative', 'image/png']);
		expect(root.children[0].children.map((c) => c.type)).toEqual(['text/plain', 'text/html']);
	});

	it('gives each leaf its body without the CRLF that belongs to the next delimiter', () => {
		expect(body(root.children[0].children[0])).toBe('hello');
		expect(body(root.children[0].children[1])).toBe('<p>hi</p>');
		expect(body(root.children[1])).toBe('iVBORw==');
		expect(root.children[1].params.name).toBe('a.png');
	});

	it('a part that starts with a blank line has an empty header', () => {
		const e = layoutEntity('\r\nbody only');
		expect(e.type).toBe('text/plain');
		expect(MESSAGE.slice(0, 0) + '\r\nbody only'.slice(e.bodyStart)).toBe('body only');
	});

	it('reads bare-LF messages too', () => {
		const lf = MESSAGE.replace(/\r\n/g, '\n');
		const r = layoutEntity(lf);
		expect(lf.slice(r.children[1].bodyStart, r.children[1].end)).toBe('iVBORw==');
	});

	it('a missing close delimiter runs the last part to the end', () => {
		expect(splitMultipart('--b\r\n\r\nx\r\n', 0, 10, 'b')).toEqual([[5, 10]]);
	});

	it('ignores lines that only start with the boundary', () => {
		const body = '--b\r\n\r\n--bx\r\n--b--';
		expect(splitMultipart(body, 0, body.length, 'b')).toEqual([[5, 11]]);
	});

	it('header only: no body', () => {
		const e = layoutEntity('Subject: x\r\n');
		expect(e.bodyStart).toBe(e.end);
	});
});

describe('lineAt', () => {
	it.each([
		[0, 1],
		[2, 1],
		[3, 2],
		[6, 3]
	])('offset %i is on line %i', (offset, line) => {
		expect(lineAt('ab\ncd\nef', offset)).toBe(line);
	});
});
