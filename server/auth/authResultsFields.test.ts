/** Forged Authentication-Results removal (RFC 8601 §5) and folding (RFC 5322 §2.1.1, §2.2.3). */
import { describe, expect, it } from 'vitest';
import {
	authservIdOf,
	foldField,
	receivedSpfField,
	removeForgedResults,
	unfold
} from './authResultsFields';

const ID = 'mx.north.test';

function remove(text: string) {
	const { raw, removed } = removeForgedResults(Buffer.from(text, 'latin1'), ID);
	return { text: raw.toString('latin1'), removed };
}

describe('removeForgedResults', () => {
	it('removes every field claiming this authserv-id, case-insensitively, folded or not', () => {
		const message =
			'Authentication-Results: mx.north.test; spf=pass\r\n' +
			'Received: from x by y; Tue, 1 Dec 2026 10:00:00 +0000\r\n' +
			'authentication-results:   MX.NORTH.TEST;\r\n  dkim=pass header.d=example.com\r\n' +
			'Authentication-Results: (a comment (nested)) mx.north.test; dmarc=pass\r\n' +
			'Authentication-Results: "mx.north.test"; dmarc=pass\r\n' +
			'Subject: hi\r\n\r\nbody\r\n';
		expect(remove(message)).toEqual({
			text: 'Received: from x by y; Tue, 1 Dec 2026 10:00:00 +0000\r\nSubject: hi\r\n\r\nbody\r\n',
			removed: 4
		});
	});

	it('keeps other hosts’ fields, a longer name, and the body, byte for byte', () => {
		const message =
			'Authentication-Results: mx.south.test; spf=pass\r\n' +
			'Authentication-Results: mx.north.test.example; spf=pass\r\n' +
			'X-Note: \xe9t\xe9\r\n\r\n' +
			'Authentication-Results: mx.north.test; spf=pass\r\n';
		const raw = Buffer.from(message, 'latin1');
		const out = removeForgedResults(raw, ID);
		expect(out.removed).toBe(0);
		expect(out.raw.equals(raw)).toBe(true);
	});

	it('a message with no header section is left alone', () => {
		const message = '\r\nAuthentication-Results: mx.north.test; spf=pass\r\n';
		expect(remove(message)).toEqual({ text: message, removed: 0 });
	});

	it('bare LF line ends are read too', () => {
		expect(remove('Authentication-Results: mx.north.test; spf=pass\nSubject: x\n\nb\n')).toEqual({
			text: 'Subject: x\n\nb\n',
			removed: 1
		});
	});
});

describe('authservIdOf', () => {
	it.each([
		['mx.north.test; spf=pass', 'mx.north.test'],
		[' (comment) mx.north.test 1; none', 'mx.north.test'],
		['"mx.north.test"; none', 'mx.north.test'],
		['mx.north.test;spf=pass', 'mx.north.test'],
		['', null]
	])('%j → %s', (value, id) => {
		expect(authservIdOf(value)).toBe(id);
	});
});

describe('folding', () => {
	it('folds before whitespace so no line passes 78 characters, and unfolds back', () => {
		const line = `Received-SPF: ${'word '.repeat(40)}end`;
		const folded = foldField(line);
		expect(folded.endsWith('\r\n')).toBe(true);
		const lines = folded.slice(0, -2).split('\r\n');
		expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(78);
		expect(lines.slice(1).every((l) => l.startsWith(' '))).toBe(true);
		expect(unfold(folded.slice(0, -2))).toBe(line);
	});
});

describe('receivedSpfField', () => {
	it('writes the key-value pairs RFC 7208 §9.1 asks for, quoting what is no dot-atom', () => {
		expect(
			receivedSpfField({
				result: 'none',
				comment: 'mx.north.test: x does not designate permitted sender hosts',
				clientAddress: '127.0.0.1',
				sender: 'postmaster@[127.0.0.1]',
				helo: '[127.0.0.1]',
				receiver: 'mx.north.test',
				identity: 'helo'
			})
		).toBe(
			'Received-SPF: none (mx.north.test: x does not designate permitted sender hosts) receiver=mx.north.test; client-ip=127.0.0.1; envelope-from="postmaster@[127.0.0.1]"; helo="[127.0.0.1]"; identity=helo;'
		);
	});

	it('a sender’s quote, backslash or control character cannot break out of the value', () => {
		const field = receivedSpfField({
			result: 'fail',
			comment: '',
			clientAddress: '127.0.0.1',
			sender: 'a"b\\c@x.test',
			helo: 'evil\r\nX-Injected: 1',
			receiver: 'mx.north.test',
			identity: 'mailfrom'
		});
		expect(field).toBe(
			'Received-SPF: fail receiver=mx.north.test; client-ip=127.0.0.1; envelope-from="a\\"b\\\\c@x.test"; helo="evilX-Injected: 1"; identity=mailfrom;'
		);
	});
});
