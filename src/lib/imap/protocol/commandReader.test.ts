import { describe, expect, test } from 'vitest';
import { CommandReader, type ReaderEvent } from './commandReader';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function drain(reader: CommandReader): ReaderEvent[] {
	const events: ReaderEvent[] = [];
	for (let e = reader.next(); e; e = reader.next()) events.push(e);
	return events;
}

/** Events in a comparable form: literals as text. */
function shown(events: ReaderEvent[]) {
	return events.map((e) =>
		e.kind === 'command'
			? { command: e.command.segments, literals: e.command.literals.map(text) }
			: e.kind === 'continue'
				? { continue: e.octets, tag: e.tag }
				: e.kind === 'line'
					? { line: e.text }
					: { refused: e.reason, tag: e.tag, octets: e.octets, limit: e.limit }
	);
}

// RFC 3501 §7.5's example: each literal waits for "+", then the command goes on.
const LOGIN_WITH_LITERALS = 'A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n';
const LOGIN_EVENTS = [
	{ continue: 11, tag: 'A001' },
	{ continue: 7, tag: 'A001' },
	{ command: ['A001 LOGIN {11}', ' {7}', ''], literals: ['FRED FOOBAR', 'fat man'] }
];

describe('framing lines and literals (RFC 3501 §2.2.1, §4.3, §7.5)', () => {
	test('§7.5 example in one chunk', () => {
		const reader = new CommandReader();
		reader.push(bytes(LOGIN_WITH_LITERALS));
		expect(shown(drain(reader))).toEqual(LOGIN_EVENTS);
	});

	test('§7.5 example one octet at a time, the continuation asked for before any literal octet', () => {
		const reader = new CommandReader();
		const events: ReaderEvent[] = [];
		for (const b of bytes(LOGIN_WITH_LITERALS)) {
			reader.push(Uint8Array.of(b));
			events.push(...drain(reader));
		}
		expect(shown(events)).toEqual(LOGIN_EVENTS);
	});

	test('§6.3.11 APPEND of 310 octets', () => {
		const message =
			'Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n' +
			'From: Fred Foobar <foobar@Blurdybloop.COM>\r\n' +
			'Subject: afternoon meeting\r\n' +
			'To: mooch@owatagu.siam.edu\r\n' +
			'Message-Id: <B27397-0100000@Blurdybloop.COM>\r\n' +
			'MIME-Version: 1.0\r\n' +
			'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n' +
			'\r\n' +
			'Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n';
		const reader = new CommandReader();
		reader.push(bytes('A003 APPEND saved-messages (\\Seen) {310}\r\n'));
		expect(shown(drain(reader))).toEqual([{ continue: 310, tag: 'A003' }]);
		reader.push(bytes(message + '\r\n'));
		expect(shown(drain(reader))).toEqual([
			{ command: ['A003 APPEND saved-messages (\\Seen) {310}', ''], literals: [message] }
		]);
	});

	test('a zero-length literal still waits for "+" (§4.3 Note)', () => {
		const reader = new CommandReader();
		reader.push(bytes('a1 LOGIN {0}\r\n'));
		expect(shown(drain(reader))).toEqual([{ continue: 0, tag: 'a1' }]);
		reader.push(bytes(' secret\r\n'));
		expect(shown(drain(reader))).toEqual([
			{ command: ['a1 LOGIN {0}', ' secret'], literals: [''] }
		]);
	});

	test('pipelined commands in one chunk come out one at a time', () => {
		const reader = new CommandReader();
		reader.push(bytes('a1 NOOP\r\na2 CAPABILITY\r\na3 LOGOUT\r\n'));
		expect(shown(drain(reader))).toEqual([
			{ command: ['a1 NOOP'], literals: [] },
			{ command: ['a2 CAPABILITY'], literals: [] },
			{ command: ['a3 LOGOUT'], literals: [] }
		]);
	});

	test('"{n}" inside an unterminated quoted string is text, not a literal', () => {
		const reader = new CommandReader();
		reader.push(bytes('a1 LOGIN "fred {5}\r\n'));
		expect(shown(drain(reader))).toEqual([{ command: ['a1 LOGIN "fred {5}'], literals: [] }]);
	});

	test('an empty line is a (bad) command of its own', () => {
		const reader = new CommandReader();
		reader.push(bytes('\r\na1 NOOP\r\n'));
		expect(shown(drain(reader))).toEqual([
			{ command: [''], literals: [] },
			{ command: ['a1 NOOP'], literals: [] }
		]);
	});

	test("raw lines for IDLE's DONE even when pipelined behind the command (RFC 2177 §3)", () => {
		const reader = new CommandReader();
		reader.push(bytes('a1 IDLE\r\nDONE {3}\r\na2 NOOP\r\n'));
		expect(shown([reader.next()!])).toEqual([{ command: ['a1 IDLE'], literals: [] }]);
		reader.expectLine();
		// A raw line is never read as announcing a literal.
		expect(shown(drain(reader))).toEqual([
			{ line: 'DONE {3}' },
			{ command: ['a2 NOOP'], literals: [] }
		]);
	});
});

describe('limits: refused before the octets are read', () => {
	test('§7.5: a literal over the limit is refused at its announcement, nothing buffered', () => {
		const reader = new CommandReader({ maxLiteralOctets: 100 });
		reader.push(bytes('A044 BLURDYBLOOP {102856}\r\n'));
		expect(shown(drain(reader))).toEqual([
			{ refused: 'literal-too-large', tag: 'A044', octets: 102856, limit: 100 }
		]);
		expect(reader.buffered).toBe(0);
		// The client, answered with a tagged NO/BAD, sends no octets; the next command is read.
		reader.push(bytes('A045 NOOP\r\n'));
		expect(shown(drain(reader))).toEqual([{ command: ['A045 NOOP'], literals: [] }]);
	});

	test('a literal of exactly the limit is accepted', () => {
		const reader = new CommandReader({ maxLiteralOctets: 5 });
		reader.push(bytes('a1 LOGIN bob {5}\r\nhello\r\n'));
		expect(shown(drain(reader))).toEqual([
			{ continue: 5, tag: 'a1' },
			{ command: ['a1 LOGIN bob {5}', ''], literals: ['hello'] }
		]);
	});

	test('a line longer than the limit is refused as soon as it is, and its rest dropped', () => {
		const reader = new CommandReader({ maxLineOctets: 20 });
		reader.push(bytes('a1 SEARCH ' + 'x'.repeat(30)));
		expect(shown(drain(reader))).toEqual([
			{ refused: 'line-too-long', tag: 'a1', octets: 40, limit: 20 }
		]);
		expect(reader.buffered).toBe(0);
		reader.push(bytes('y'.repeat(50) + '\r\na2 NOOP\r\n'));
		expect(shown(drain(reader))).toEqual([{ command: ['a2 NOOP'], literals: [] }]);
	});

	test('a line of exactly the limit is read', () => {
		const reader = new CommandReader({ maxLineOctets: 10 });
		reader.push(bytes('a1 SEARCH \r\n'));
		expect(shown(drain(reader))).toEqual([{ command: ['a1 SEARCH '], literals: [] }]);
	});

	test('a second literal that would take the command over its limit is refused', () => {
		const reader = new CommandReader({ maxCommandOctets: 60 });
		reader.push(bytes('a1 LOGIN {20}\r\n' + 'u'.repeat(20) + ' {30}\r\n'));
		expect(shown(drain(reader))).toEqual([
			{ continue: 20, tag: 'a1' },
			{ refused: 'command-too-large', tag: 'a1', octets: 15 + 20 + 7 + 30, limit: 60 }
		]);
	});

	test('"{n+}" (LITERAL+, not offered) is refused and its octets skipped, unbuffered', () => {
		const reader = new CommandReader();
		reader.push(bytes('a1 LOGIN {3+}\r\nbob {6+}\r\nsecret\r\na2 NOOP\r\n'));
		expect(shown(drain(reader))).toEqual([
			{ refused: 'non-synchronizing-literal', tag: 'a1', octets: 3, limit: 0 },
			{ command: ['a2 NOOP'], literals: [] }
		]);
	});

	test('abandon() after refusing at a continuation reads the next command', () => {
		const reader = new CommandReader();
		reader.push(bytes('A044 BLURDYBLOOP {102856}\r\n'));
		expect(shown(drain(reader))).toEqual([{ continue: 102856, tag: 'A044' }]);
		reader.abandon();
		reader.push(bytes('A045 NOOP\r\n'));
		expect(shown(drain(reader))).toEqual([{ command: ['A045 NOOP'], literals: [] }]);
	});
});
