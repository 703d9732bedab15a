import { describe, expect, it } from 'vitest';
import { LineEditor, type EditorEffect } from './LineEditor';
import { isControl } from './sanitize';

const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const UP = '\x1b[A';
const DOWN = '\x1b[B';
const HOME = '\x1b[H';
const END = '\x1b[F';
const DELETE = '\x1b[3~';
const BACKSPACE = '\x7f';

function type(editor: LineEditor, ...keys: string[]): EditorEffect[] {
	return keys.flatMap((key) => editor.feed(key));
}

describe('LineEditor editing', () => {
	it('inserts typed text and submits on Enter', () => {
		const editor = new LineEditor();
		expect(type(editor, 'EHLO ', 'me', '\r')).toEqual([{ type: 'submit', line: 'EHLO me' }]);
		expect(editor.line).toBe('');
	});

	it('moves with the cursor keys and inserts in the middle', () => {
		const editor = new LineEditor();
		type(editor, 'HLO', LEFT, LEFT, 'E');
		expect(editor.line).toBe('HELO');
		expect(editor.cursor).toBe(2);
		type(editor, RIGHT, RIGHT, RIGHT);
		expect(editor.cursor).toBe(4);
	});

	it('Home/End (all the sequences terminals send) and Ctrl-A/Ctrl-E', () => {
		const editor = new LineEditor();
		for (const [home, end] of [
			[HOME, END],
			['\x1bOH', '\x1bOF'],
			['\x1b[1~', '\x1b[4~'],
			['\x01', '\x05']
		]) {
			type(editor, 'abc', home);
			expect(editor.cursor).toBe(0);
			type(editor, end);
			expect(editor.cursor).toBe(editor.line.length);
		}
	});

	it('Backspace deletes before the cursor, Delete at it', () => {
		const editor = new LineEditor();
		type(editor, 'abcd', LEFT, BACKSPACE);
		expect(editor.line).toBe('abd');
		type(editor, HOME, DELETE);
		expect(editor.line).toBe('bd');
		expect(type(editor, HOME, BACKSPACE)).toEqual([{ type: 'bell' }]);
	});

	it('Ctrl-C drops the line; Ctrl-L asks for a clear screen and keeps it', () => {
		const editor = new LineEditor();
		expect(type(editor, 'RCPT TO:<x', '\x03')).toEqual([{ type: 'cancel', line: 'RCPT TO:<x' }]);
		expect(editor.line).toBe('');
		expect(type(editor, 'NOOP', '\x0c')).toEqual([{ type: 'clear-screen' }]);
		expect(editor.line).toBe('NOOP');
	});

	it('never lets control characters or escape sequences into the line', () => {
		const editor = new LineEditor();
		type(editor, 'a\x1b[31mb', '\x1b]52;c;eA==\x07', '\x00c');
		expect([...editor.line].some(isControl)).toBe(false);
	});
});

describe('LineEditor history', () => {
	it('recalls with ↑/↓ and restores the draft', () => {
		const editor = new LineEditor();
		type(editor, 'EHLO a\r', 'MAIL FROM:<a@example.com>\r', 'dra');
		type(editor, UP);
		expect(editor.line).toBe('MAIL FROM:<a@example.com>');
		type(editor, UP);
		expect(editor.line).toBe('EHLO a');
		expect(type(editor, UP)).toEqual([{ type: 'bell' }]);
		type(editor, DOWN, DOWN);
		expect(editor.line).toBe('dra');
	});

	it('skips blank lines and repeats, and can be switched off (DATA bodies)', () => {
		const editor = new LineEditor();
		type(editor, 'NOOP\r', 'NOOP\r', '\r');
		expect(editor.history).toEqual(['NOOP']);
		editor.recordHistory = false;
		type(editor, 'Subject: hi\r');
		expect(editor.history).toEqual(['NOOP']);
	});
});

describe('LineEditor completion', () => {
	it('completes a unique candidate and lists several', () => {
		const editor = new LineEditor();
		editor.completer = () => ['MAIL FROM:<', 'RCPT TO:<', 'RSET'];
		type(editor, 'ma', '\t');
		expect(editor.line).toBe('MAIL FROM:<');
		editor.setLine('r');
		expect(type(editor, '\t')).toEqual([{ type: 'candidates', list: ['RCPT TO:<', 'RSET'] }]);
		editor.setLine('x');
		expect(type(editor, '\t')).toEqual([{ type: 'bell' }]);
	});

	it('extends to the common prefix', () => {
		const editor = new LineEditor();
		editor.completer = () => ['AUTH PLAIN', 'AUTH PLAIN-EXTRA'];
		type(editor, 'auth p', '\t');
		expect(editor.line).toBe('AUTH PLAIN');
	});
});

describe('LineEditor paste', () => {
	it('turns a multi-line chunk into a paste, keeping a trailing partial line', () => {
		const editor = new LineEditor();
		const effects = editor.feed('MAIL FROM:<a@example.com>\rRCPT TO:<b@example.com>\rDA');
		expect(effects).toEqual([
			{ type: 'paste', lines: ['MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>'] }
		]);
		expect(editor.line).toBe('DA');
	});

	it('understands bracketed paste and CRLF', () => {
		const editor = new LineEditor();
		expect(editor.feed('\x1b[200~NOOP\r\nQUIT\r\n\x1b[201~')).toEqual([
			{ type: 'paste', lines: ['NOOP', 'QUIT'] }
		]);
	});

	it('one pasted line with a newline is a plain submit', () => {
		const editor = new LineEditor();
		type(editor, 'EH');
		expect(editor.feed('LO x\r')).toEqual([{ type: 'submit', line: 'EHLO x' }]);
	});
});

describe('LineEditor drawing', () => {
	it('draws prompt and line, cursor placed from the left', () => {
		const editor = new LineEditor();
		editor.prompt = 'smtp> ';
		type(editor, 'NOOP', LEFT);
		expect(editor.redraw()).toBe('\r\x1b[Jsmtp> NOOP\r\x1b[9C');
	});

	it('handles a line wrapped over several rows', () => {
		const editor = new LineEditor();
		editor.prompt = '> ';
		editor.columns = 10;
		type(editor, 'abcdefghijklmnop', HOME);
		// 18 characters on 10 columns: 2 rows; cursor goes back up to row 0, column 2.
		expect(editor.redraw()).toBe('\r\x1b[J> abcdefghijklmnop\x1b[1A\r\x1b[2C');
		// Erasing starts from the row the cursor is on.
		type(editor, END);
		expect(editor.redraw()).toBe('\r\x1b[J> abcdefghijklmnop\r\x1b[8C');
		expect(editor.erase()).toBe('\x1b[1A\r\x1b[J');
	});

	it('handles a line that exactly fills the row', () => {
		const editor = new LineEditor();
		editor.prompt = '> ';
		editor.columns = 10;
		type(editor, 'abcdefgh');
		expect(editor.redraw()).toBe('\r\x1b[J> abcdefgh\r\n\r');
	});

	it('draws the prompt style and resets it', () => {
		const editor = new LineEditor();
		editor.prompt = 'data> ';
		editor.promptStyle = '\x1b[33m';
		expect(editor.redraw()).toBe('\r\x1b[J\x1b[33mdata> \x1b[0m\r\x1b[6C');
	});
});
