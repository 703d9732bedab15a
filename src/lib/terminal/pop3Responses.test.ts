import { describe, expect, it } from 'vitest';
import { isMultiLineCommand, pop3ResponsesIn } from './pop3Responses';

const client = (text: string) => ({ dir: 'client' as const, text });
const server = (text: string) => ({ dir: 'server' as const, text });
const system = (text: string) => ({ dir: 'system' as const, text });

describe('isMultiLineCommand', () => {
	// [command line, multi-line after +OK]: RFC 1939 §5, §7 and RFC 2449 §5.
	const rows: [string, boolean][] = [
		['CAPA', true], // RFC 2449 §5
		['LIST', true], // RFC 1939 §5: no argument, one scan listing per message
		['list 1', false], // §5: with an argument, one scan listing on the status line
		['UIDL', true], // §7
		['UIDL 2', false], // §7
		['RETR 1', true], // §5
		['TOP 1 0', true], // §7
		['STAT', false], // §5
		['DELE 1', false], // §5
		['USER alice', false], // §7
		['STLS', false] // RFC 2595 §4
	];
	for (const [line, multi] of rows)
		it(`${line} → ${multi ? 'multi-line' : 'one line'}`, () =>
			expect(isMultiLineCommand(line)).toBe(multi));
});

describe('pop3ResponsesIn', () => {
	it('reads the greeting, a single-line and a multi-line response, each with its command', () => {
		const responses = pop3ResponsesIn([
			system('connected'),
			server('+OK POP3 server ready'),
			client('STAT'),
			server('+OK 2 320'),
			client('LIST'),
			server('+OK 2 messages'),
			server('1 120'),
			server('2 200'),
			server('.')
		]);
		expect(responses.map((r) => [r.command, r.status, r.ok, r.lines.length])).toEqual([
			[null, '+OK POP3 server ready', true, 1],
			['STAT', '+OK 2 320', true, 1],
			['LIST', '+OK 2 messages', true, 4]
		]);
	});

	it('does not end a RETR before its "." — a content line of ".." is byte-stuffed, not the end', () => {
		const events = [
			client('RETR 1'),
			server('+OK 120 octets'),
			server('Subject: hi\r\n\r\n..\r\n'),
			server('..')
		];
		expect(pop3ResponsesIn(events)).toEqual([]);
		expect(pop3ResponsesIn([...events, server('.')])).toEqual([
			{
				status: '+OK 120 octets',
				ok: true,
				command: 'RETR 1',
				lines: ['+OK 120 octets', 'Subject: hi\r\n\r\n..\r\n', '..', '.']
			}
		]);
	});

	it('an -ERR to a multi-line command is one line (RFC 1939 §3)', () => {
		const responses = pop3ResponsesIn([
			client('RETR 9'),
			server('-ERR no such message'),
			client('NOOP'),
			server('+OK')
		]);
		expect(responses.map((r) => [r.command, r.ok])).toEqual([
			['RETR 9', false],
			['NOOP', true]
		]);
	});

	it('pipelined commands are answered in order (RFC 2449 §6.6)', () => {
		const responses = pop3ResponsesIn([
			client('UIDL'),
			client('LIST 1'),
			client('TOP 1 0'),
			server('+OK'),
			server('1 a1'),
			server('.'),
			server('+OK 1 120'),
			server('+OK top of message follows'),
			server('Subject: hi\r\n\r\n'),
			server('.')
		]);
		expect(responses.map((r) => [r.command, r.lines.length])).toEqual([
			['UIDL', 3],
			['LIST 1', 1],
			['TOP 1 0', 3]
		]);
	});

	it('an AUTH continuation ends a response and the base64 line answers it (RFC 5034 §4)', () => {
		const responses = pop3ResponsesIn([
			client('AUTH PLAIN'),
			server('+ '),
			client('AGFsaWNlAHNlY3JldA=='),
			server('+OK logged in')
		]);
		expect(responses.map((r) => [r.command, r.status, r.ok])).toEqual([
			['AUTH PLAIN', '+ ', false],
			['AGFsaWNlAHNlY3JldA==', '+OK logged in', true]
		]);
	});
});
