import { describe, expect, it } from 'vitest';
import { dotStuff } from './dotStuff';
import { planPaste } from './pipeline';

const transaction = [
	'MAIL FROM:<alice@example.com>',
	'RCPT TO:<bob@example.com>',
	'RCPT TO:<unknown@example.com>',
	'DATA',
	'Subject: hi',
	'',
	'.hidden',
	'.',
	'QUIT'
];

describe('planPaste', () => {
	it('groups up to DATA with PIPELINING, the body waits for 354 (RFC 2920 §3.1)', () => {
		expect(planPaste(transaction, { pipelining: true, inData: false })).toEqual([
			{ kind: 'commands', lines: transaction.slice(0, 4) },
			{ kind: 'body', lines: ['Subject: hi', '', '.hidden', '.'], complete: true },
			{ kind: 'commands', lines: ['QUIT'] }
		]);
	});

	it('sends one command at a time without PIPELINING', () => {
		const steps = planPaste(transaction, { pipelining: false, inData: false });
		expect(steps.map((s) => s.lines.length)).toEqual([1, 1, 1, 1, 4, 1]);
	});

	it('ends a group at EHLO, NOOP, STARTTLS and AUTH', () => {
		const steps = planPaste(['EHLO a', 'NOOP', 'RSET', 'STARTTLS', 'AUTH PLAIN x', 'RSET'], {
			pipelining: true,
			inData: false
		});
		expect(steps.map((s) => s.lines)).toEqual([
			['EHLO a'],
			['NOOP'],
			['RSET', 'STARTTLS'],
			['AUTH PLAIN x'],
			['RSET']
		]);
	});

	it('starts in the body when the session is already in DATA, and keeps an open body open', () => {
		expect(planPaste(['line 1', '.', 'NOOP'], { pipelining: true, inData: true })).toEqual([
			{ kind: 'body', lines: ['line 1', '.'], complete: true },
			{ kind: 'commands', lines: ['NOOP'] }
		]);
		expect(planPaste(['DATA', 'a'], { pipelining: true, inData: false }).at(-1)).toEqual({
			kind: 'body',
			lines: ['a'],
			complete: false
		});
	});

	it('drops blank lines between commands', () => {
		expect(planPaste(['NOOP', '', 'QUIT'], { pipelining: false, inData: false })).toHaveLength(2);
	});
});

describe('dotStuff (RFC 5321 §4.5.2)', () => {
	it('doubles a leading dot only', () => {
		expect(dotStuff('.hidden')).toBe('..hidden');
		expect(dotStuff('..')).toBe('...');
		expect(dotStuff('a.b')).toBe('a.b');
	});
});
