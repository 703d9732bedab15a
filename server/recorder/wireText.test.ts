import { describe, expect, it } from 'vitest';
import { inspectData } from './clientStreamTap';
import { wireText } from './wireText';

describe('wireText: bytes from the wire as safe display text', () => {
	const rows: [string, Buffer, boolean, string][] = [
		// [why, bytes, keepNewlines (message content), expected]
		['plain ASCII command', Buffer.from('MAIL FROM:<a@b>'), false, 'MAIL FROM:<a@b>'],
		[
			'UTF-8 stays readable (RFC 6531 addresses)',
			Buffer.from('RCPT TO:<josé@exämple.org>'),
			false,
			'RCPT TO:<josé@exämple.org>'
		],
		[
			'ESC of a terminal sequence is shown, not sent (W8)',
			Buffer.from('hi\x1b[31m'),
			false,
			'hi\\x1B[31m'
		],
		[
			'OSC 52 clipboard write is defused (W8)',
			Buffer.from('\x1b]52;c;aGk=\x07'),
			false,
			'\\x1B]52;c;aGk=\\x07'
		],
		['NUL byte', Buffer.from([0x41, 0x00, 0x42]), false, 'A\\x00B'],
		['invalid UTF-8 shows its bytes', Buffer.from([0xff, 0x41]), false, '\\xFFA'],
		['C1 control (U+0085) is shown as its bytes', Buffer.from('a\u0085b'), false, 'a\\xC2\\x85b'],
		['CR inside a command line is visible', Buffer.from('a\rb'), false, 'a\\x0Db'],
		[
			'message content: CRLF and bare LF become newlines',
			Buffer.from('a\r\nb\nc'),
			true,
			'a\nb\nc'
		],
		['message content: a bare CR is visible', Buffer.from('a\rb\r\nc'), true, 'a\\x0Db\nc']
	];
	for (const [why, bytes, keepNewlines, expected] of rows)
		it(why, () => expect(wireText(bytes, keepNewlines)).toBe(expected));
});

describe('inspectData: what the DATA bytes show (RFC 5321 §4.5.2, §2.3.8)', () => {
	const rows: [string, string, string[], number][] = [
		// [why, content as sent, anomalies, stuffed lines]
		['clean message', 'Subject: x\r\n\r\nhello\r\n', [], 0],
		['stuffed lines, first line included', '.a\r\nb\r\n..c\r\n', ['dot-stuffed'], 2],
		['bare LF', 'a\nb\r\n', ['bare-lf'], 0],
		['bare CR', 'a\rb\r\n', ['bare-cr'], 0],
		[
			'<LF>.<LF> smuggling',
			'a\n.\nMAIL FROM:<x@y>\r\n',
			['bare-lf', 'dot-stuffed', 'smuggling-pattern'],
			1
		],
		[
			'<LF>.<CR><LF> smuggling',
			'a\n.\r\nRCPT TO:<x@y>\r\n',
			['bare-lf', 'dot-stuffed', 'smuggling-pattern'],
			1
		],
		[
			'<CR><LF>.<LF> smuggling',
			'a\r\n.\nDATA\r\n',
			['bare-lf', 'dot-stuffed', 'smuggling-pattern'],
			1
		],
		[
			'a 1001-octet line is over the limit (§4.5.3.1.6)',
			'x'.repeat(1001) + '\r\n',
			['line-too-long'],
			0
		],
		['NUL byte', 'a\u0000b\r\n', ['nul-byte'], 0]
	];
	for (const [why, content, anomalies, stuffed] of rows)
		it(why, () => {
			const result = inspectData(Buffer.from(content, 'latin1'));
			expect(result.anomalies.sort()).toEqual(anomalies.sort());
			expect(result.stuffedLines).toBe(stuffed);
		});
});
