import { describe, expect, it } from 'vitest';
import { MAILING_LISTS } from '../../src/lib/delivery/mailingLists';
import { composeListMessage } from './mailingList';

const list = MAILING_LISTS[0];
const compose = (text: string) =>
	composeListMessage(list, Buffer.from(text, 'latin1')).toString('latin1');
const LIST_FIELDS = 'List-Id: <learners.list.test>\r\nList-Post: <mailto:learners@list.test>\r\n';
const FOOTER = list.footer.join('\r\n');

describe('composeListMessage', () => {
	it('adds List-Id and List-Post below the trace fields and the footer after a plain body', () => {
		const post =
			'Received: from a ([127.0.0.1])\r\n\tby b; Tue, 1 Dec 2026 00:00:00 +0000\r\n' +
			'Authentication-Results: b; spf=pass\r\n' +
			'DKIM-Signature: v=1; a=rsa-sha256; d=example.com\r\n' +
			'From: alice@example.com\r\nTo: learners@list.test\r\nSubject: hi\r\n\r\nHello list\r\n';
		expect(compose(post)).toBe(
			'Received: from a ([127.0.0.1])\r\n\tby b; Tue, 1 Dec 2026 00:00:00 +0000\r\n' +
				'Authentication-Results: b; spf=pass\r\n' +
				LIST_FIELDS +
				'DKIM-Signature: v=1; a=rsa-sha256; d=example.com\r\n' +
				'From: alice@example.com\r\nTo: learners@list.test\r\nSubject: hi\r\n\r\n' +
				`Hello list\r\n${FOOTER}\r\n`
		);
	});

	it('ends an unterminated last line before the footer; a message without Content-Type is text/plain (RFC 2045 §5.2)', () => {
		expect(compose('Subject: x\r\n\r\nno line end')).toBe(
			`${LIST_FIELDS}Subject: x\r\n\r\nno line end\r\n${FOOTER}\r\n`
		);
	});

	it('appends a last text/plain part to a multipart/mixed body, before the close delimiter (RFC 2046 §5.1.3)', () => {
		const post =
			'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n' +
			'preamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\none\r\n' +
			'--b1\r\nContent-Type: application/octet-stream\r\n\r\ntwo\r\n--b1--\r\nepilogue\r\n';
		expect(compose(post)).toBe(
			LIST_FIELDS +
				'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n' +
				'preamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\none\r\n' +
				'--b1\r\nContent-Type: application/octet-stream\r\n\r\ntwo\r\n' +
				'--b1\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n' +
				`${FOOTER}\r\n--b1--\r\nepilogue\r\n`
		);
	});

	it('leaves a body it cannot extend without rewriting MIME fields as it is (alternative, base64)', () => {
		const alternative =
			'Content-Type: multipart/alternative; boundary=b2\r\n\r\n' +
			'--b2\r\nContent-Type: text/plain\r\n\r\nplain\r\n--b2\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--b2--\r\n';
		expect(compose(alternative)).toBe(LIST_FIELDS + alternative);
		const base64 = 'Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n';
		expect(compose(base64)).toBe(LIST_FIELDS + base64);
	});

	it('keeps every octet of an 8-bit header and body around what it adds', () => {
		const euro = Buffer.from([0xe2, 0x82, 0xac, 0x0d, 0x0a]);
		const post = Buffer.concat([Buffer.from('Subject: caf\xc3\xa9\r\n\r\n', 'latin1'), euro]);
		expect(composeListMessage(list, post)).toEqual(
			Buffer.concat([
				Buffer.from(`${LIST_FIELDS}Subject: caf\xc3\xa9\r\n\r\n`, 'latin1'),
				euro,
				Buffer.from(`${FOOTER}\r\n`, 'latin1')
			])
		);
	});
});
