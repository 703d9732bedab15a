import { describe, expect, test } from 'vitest';
import {
	decodeBase64,
	decodeBase64Bytes,
	encodeBase64,
	isBase64,
	showControls
} from '../protocol/base64';
import { decodeEncodedWords } from './encodedWords';
import { base64EncodedSize, transferEncodingsByName } from './encodings';
import { addressesIn, compareEnvelope } from './envelope';
import { headerFieldTable, headerFieldsByName, REQUIRED_FIELDS } from '../tables/headerFields';
import { analyzeMessage } from './messageAnatomy';

describe('base64 (RFC 4648 §4)', () => {
	const rows: [string, string][] = [
		['VXNlcm5hbWU6', 'Username:'], // LOGIN prompt
		['UGFzc3dvcmQ6', 'Password:'],
		['dGVzdAB0ZXN0ADEyMzQ=', 'test\0test\x001234'], // RFC 4954 PLAIN example
		['w6k=', 'é'], // UTF-8 aware
		['', '']
	];
	for (const [b64, text] of rows)
		test(`${b64} ↔ ${showControls(text)}`, () => {
			expect(decodeBase64(b64)).toBe(text);
			expect(encodeBase64(text)).toBe(b64);
		});
	test('invalid input and missing padding', () => {
		expect(decodeBase64('***')).toBeUndefined();
		expect(isBase64('abcde')).toBe(false);
		expect(decodeBase64('w6k')).toBe('é');
		expect(decodeBase64Bytes('AAE=')).toEqual(new Uint8Array([0, 1]));
		expect(showControls('a\0b\x01\x7f')).toBe('a\\0b\\x01\\x7f');
	});
});

describe('RFC 2047 encoded words', () => {
	const rows: [string, string][] = [
		['=?utf-8?B?SGVsbG8gd29ybGQ=?=', 'Hello world'], // §4.1 B encoding
		['=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=', 'Grüße aus Köln'], // §4.2 Q, "_" is space
		['=?iso-8859-1?q?caf=E9?=', 'café'], // iso-8859-1
		['=?utf-8?B?YQ==?= =?utf-8?B?Yg==?=', 'ab'], // §6.2 space between adjacent words dropped
		['plain text', 'plain text'],
		['=?x-unknown?B?YQ==?=', '=?x-unknown?B?YQ==?='], // unknown charset left alone
		['=?utf-8*en?Q?hi?=', 'hi'] // RFC 2231 language tag
	];
	for (const [input, out] of rows)
		test(input, () => expect(decodeEncodedWords(input).text).toBe(out));
	test('reports unknown charsets', () => {
		expect(decodeEncodedWords('=?x-unknown?B?YQ==?=').unknownCharsets).toEqual(['x-unknown']);
	});
});

describe('message anatomy (RFC 5322, RFC 5321 §4.5.2)', () => {
	test('header fields, folding, blank line, body, dot-stuffing, terminator', () => {
		const m = analyzeMessage(
			'Date: Thu, 21 May 1998 05:33:29 -0700\r\nFrom: a@b.example\r\nSubject: a\r\n  folded\r\n\r\n..leading dot\r\nline\r\n.\r\n'
		);
		expect(m.fields.map((f) => f.name)).toEqual(['Date', 'From', 'Subject']);
		expect(m.fields[2]).toMatchObject({ value: 'a  folded', lines: 2 });
		expect(m.blankLine).toBe(4);
		expect(m.bodyLines).toBe(2);
		expect(m.dotStuffedLines).toBe(1);
		expect(m.terminated).toBe(true);
		expect(m.missingRequired).toEqual([]);
		expect(m.bareLf + m.bareCr).toBe(0);
	});
	test('bare LF, bare CR and smuggling patterns', () => {
		expect(analyzeMessage('a\r\nb\nc\r\n').bareLf).toBe(1); // RFC 5321 §2.3.8
		expect(analyzeMessage('a\r\nb\rc\r\n').bareCr).toBe(1);
		for (const s of ['x\r\n\n.\nMAIL FROM:<e@vil>\r\n', 'x\r\nq\n.\r\ny\r\n', 'x\r\n.\ny\r\n'])
			expect(analyzeMessage(s).smuggling, JSON.stringify(s)).toBe(true);
		expect(analyzeMessage('x\r\n.\r\n').smuggling).toBe(false);
	});
	test('limits, required and duplicated fields, encodings, 8-bit', () => {
		const m = analyzeMessage(
			`Subject: ${'x'.repeat(80)}\nSubject: again\nNot a header\nContent-Type: multipart/mixed; boundary=b\nContent-Transfer-Encoding: quoted-printable\n\n--b\nContent-Transfer-Encoding: base64\n\n${'y'.repeat(1000)}\nhé`
		);
		expect(m.over78).toBe(2);
		expect(m.over998).toBe(1);
		expect(m.missingRequired).toEqual(['From', 'Date']);
		expect(m.duplicated).toEqual(['Subject']);
		expect(m.malformedHeaderLines).toBe(1);
		expect(m.multipart).toBe(true);
		expect(m.encodings.map((e) => e.name)).toEqual(['quoted-printable', 'base64']);
		expect(m.eightBit).toBe(true);
		expect(analyzeMessage('just a body').headerLines).toBe(0);
		expect(analyzeMessage('From: a@b\nDate: x').blankLine).toBe(-1);
	});
	test('encoding costs (RFC 2045 §6.7, §6.8)', () => {
		expect(transferEncodingsByName.get('base64')!.maxGrowth).toBeCloseTo(4 / 3);
		expect(transferEncodingsByName.get('quoted-printable')!.maxGrowth).toBe(3);
		expect(base64EncodedSize(57)).toBe(78); // one full 76-char line + CRLF
		expect(base64EncodedSize(3_000_000) / 3_000_000).toBeCloseTo(1.37, 2);
	});
});

describe('header field table', () => {
	test('every row cites an RFC and has a deep link', () => {
		for (const r of headerFieldTable) {
			expect(r.rfc.length, r.name).toBeGreaterThan(0);
			expect(r.ref).toBe(`headers/${r.name.toLowerCase()}`);
		}
		expect(headerFieldsByName.get('list-unsubscribe-post')!.detail).toMatch(/HTTPS.*DKIM/);
		expect(REQUIRED_FIELDS).toEqual(['From', 'Date']); // RFC 5322 §3.6
	});
});

describe('envelope vs header fields', () => {
	const headers = [
		{ name: 'From', value: 'Alice <alice@Example.COM>' },
		{ name: 'To', value: 'Bob <bob@example.com>, carol@example.com' },
		{ name: 'Cc', value: '"Dan, D." <dan@example.com>' }
	];
	test('Bcc, MAIL FROM vs From:, Return-Path', () => {
		const f = compareEnvelope(
			{ mailFrom: 'bounces@list.example', rcptTo: ['bob@example.com', 'eve@example.com'] },
			headers
		);
		expect(f.map((x) => x.id)).toEqual(['bcc', 'from-differs', 'return-path-absent']);
		expect(f[0].addresses).toEqual(['eve@example.com']);
		expect(f[2].text).toContain('Return-Path: <bounces@list.example>');
	});
	test('matching sender, all listed, null sender, no From, Return-Path present', () => {
		const ids = (mailFrom: string, h = headers) =>
			compareEnvelope({ mailFrom, rcptTo: ['carol@example.com'] }, h).map((x) => x.id);
		expect(ids('alice@example.com')).toEqual([
			'all-recipients-listed',
			'from-matches',
			'return-path-absent'
		]);
		expect(ids('')).toContain('null-sender');
		expect(ids('a@b', [{ name: 'Return-Path', value: '<a@b>' }])).toEqual([
			'bcc',
			'no-from',
			'return-path-present'
		]);
		expect(addressesIn('x <A@B.ORG>')).toEqual(['A@b.org']);
	});
});
