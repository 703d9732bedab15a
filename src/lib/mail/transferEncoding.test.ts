import { describe, expect, it } from 'vitest';
import { layoutEntity } from './mimeLayout';
import { partTree } from './partTree';
import { partTransfer } from './transferEncoding';

// Issue 10 item 11: a message without Content-Transfer-Encoding was labelled 8bit.
describe('partTransfer: the declared encoding checked against the bytes', () => {
	it.each([
		// [declared, body, encoding in force, declared?, finding]
		[null, 'Hello\r\n', '7bit', false, 'default-7bit'], // RFC 2045 §6.1: absent means 7bit
		['7bit', 'Hello\r\n', '7bit', true, null],
		['7BIT (ascii only)', 'Hello\r\n', '7bit', true, null], // token, any case, a comment
		[null, 'Gr\xfc\xdfe\r\n', '7bit', false, 'eight-bit-in-7bit'], // RFC 2045 §6.2
		['7bit', 'caf\xc3\xa9\r\n', '7bit', true, 'eight-bit-in-7bit'],
		['8bit', 'caf\xc3\xa9\r\n', '8bit', true, null], // RFC 2045 §2.8
		['8bit', 'Hello\r\n', '8bit', true, 'declared-8bit-ascii'],
		['base64', 'SGVsbG8=\r\n', 'base64', true, null],
		['quoted-printable', 'caf=C3=A9\r\n', 'quoted-printable', true, null],
		['quoted-printable', 'caf\xc3\xa9\r\n', 'quoted-printable', true, 'eight-bit-in-encoded'],
		['binary', '\x00\xff', 'binary', true, null]
	])('%j with %j', (declared, body, name, isDeclared, finding) => {
		const result = partTransfer(declared, body);
		expect(result.name).toBe(name);
		expect(result.declared).toBe(isDeclared);
		expect(result.finding?.key ?? null).toBe(finding);
	});

	it('cites RFC 2045 §6.1 for the default and flags 8-bit data in a 7bit part as a violation', () => {
		const absent = partTransfer(null, 'Hi\r\n').finding!;
		expect(absent.violation).toBe(false);
		expect(absent.rfc).toContainEqual({ rfc: 2045, section: '6.1' });
		const wrong = partTransfer(null, '\xe9\r\n').finding!;
		expect(wrong.violation).toBe(true);
		expect(wrong.rfc).toContainEqual({ rfc: 2045, section: '6.2' });
	});
});

describe('partTree takes each part’s encoding from its own header and bytes', () => {
	const raw =
		'Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n' +
		'--b\r\nContent-Type: text/plain\r\n\r\nplain ASCII\r\n' +
		'--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\ncaf\xc3\xa9\r\n' +
		'--b--\r\n';
	// What postal-mime reports (it says "8bit" where the field is absent).
	const part = (id: string, encoding: string | null) => ({
		id,
		contentType: 'text/plain',
		encoding,
		filename: null,
		disposition: null,
		contentId: null,
		size: 0,
		children: []
	});
	const tree = partTree(
		{
			...part('', '8bit'),
			contentType: 'multipart/mixed',
			children: [part('1', '8bit'), part('2', '8bit')]
		},
		layoutEntity(raw),
		raw
	);

	it('a part with no field is 7bit by default, one declared 8bit with 8-bit bytes is 8bit', () => {
		expect(tree.children[0].transfer).toMatchObject({
			name: '7bit',
			declared: false,
			eightBit: false
		});
		expect(tree.children[1].transfer).toMatchObject({
			name: '8bit',
			declared: true,
			eightBit: true
		});
		expect(tree.children[1].transfer?.finding).toBeNull();
	});
});
