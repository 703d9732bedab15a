import { describe, expect, test } from 'vitest';
import {
	isIdleDone,
	parseAuthenticateLine,
	parseCommand,
	type CommandSyntaxError,
	type ImapCommand
} from './commandParser';
import type { Framed } from './grammar';
import { CommandReader } from './commandReader';

const line = (text: string): Framed => ({ segments: [text], literals: [] });
const bytes = (text: string) => new TextEncoder().encode(text);
const mbx = (raw: string, name: string | null = raw) => ({ raw, name });

function parsed(framed: Framed): ImapCommand {
	const result = parseCommand(framed);
	if (!result.ok) throw new Error(`${result.error.message} at ${result.error.position}`);
	return result.command;
}

function failed(framed: Framed): CommandSyntaxError {
	const result = parseCommand(framed);
	if (result.ok) throw new Error(`parsed: ${JSON.stringify(result.command)}`);
	return result.error;
}

describe('the examples of RFC 3501 §6, parsed', () => {
	const rows: [string, ImapCommand][] = [
		['abcd CAPABILITY', { tag: 'abcd', name: 'CAPABILITY' }], // §6.1.1
		['a002 NOOP', { tag: 'a002', name: 'NOOP' }], // §6.1.2
		['A023 LOGOUT', { tag: 'A023', name: 'LOGOUT' }], // §6.1.3
		['a002 STARTTLS', { tag: 'a002', name: 'STARTTLS' }], // §6.2.1
		['A001 AUTHENTICATE GSSAPI', { tag: 'A001', name: 'AUTHENTICATE', mechanism: 'GSSAPI' }], // §6.2.2
		[
			'a001 LOGIN SMITH SESAME',
			{ tag: 'a001', name: 'LOGIN', userid: 'SMITH', password: 'SESAME' }
		], // §6.2.3
		['A142 SELECT INBOX', { tag: 'A142', name: 'SELECT', mailbox: mbx('INBOX') }], // §6.3.1
		['A932 EXAMINE blurdybloop', { tag: 'A932', name: 'EXAMINE', mailbox: mbx('blurdybloop') }], // §6.3.2
		[
			'A004 CREATE owatagusiam/blurdybloop',
			{ tag: 'A004', name: 'CREATE', mailbox: mbx('owatagusiam/blurdybloop') }
		], // §6.3.3
		['A683 DELETE blurdybloop', { tag: 'A683', name: 'DELETE', mailbox: mbx('blurdybloop') }], // §6.3.4
		[
			'Z433 RENAME INBOX old-mail',
			{ tag: 'Z433', name: 'RENAME', from: mbx('INBOX'), to: mbx('old-mail') }
		], // §6.3.5
		[
			'A002 SUBSCRIBE #news.comp.mail.mime',
			{ tag: 'A002', name: 'SUBSCRIBE', mailbox: mbx('#news.comp.mail.mime') }
		], // §6.3.6
		[
			'A002 UNSUBSCRIBE #news.comp.mail.mime',
			{ tag: 'A002', name: 'UNSUBSCRIBE', mailbox: mbx('#news.comp.mail.mime') }
		], // §6.3.7
		['A101 LIST "" ""', { tag: 'A101', name: 'LIST', reference: mbx(''), pattern: '' }], // §6.3.8
		['A202 LIST ~/Mail/ %', { tag: 'A202', name: 'LIST', reference: mbx('~/Mail/'), pattern: '%' }], // §6.3.8
		['A686 LIST "" *', { tag: 'A686', name: 'LIST', reference: mbx(''), pattern: '*' }], // §6.3.4
		[
			'A002 LSUB "#news." "comp.mail.*"',
			{ tag: 'A002', name: 'LSUB', reference: mbx('#news.'), pattern: 'comp.mail.*' }
		], // §6.3.9
		[
			'A042 STATUS blurdybloop (UIDNEXT MESSAGES)',
			{ tag: 'A042', name: 'STATUS', mailbox: mbx('blurdybloop'), items: ['UIDNEXT', 'MESSAGES'] }
		], // §6.3.10
		['FXXZ CHECK', { tag: 'FXXZ', name: 'CHECK' }], // §6.4.1
		['A341 CLOSE', { tag: 'A341', name: 'CLOSE' }], // §6.4.2
		['A202 EXPUNGE', { tag: 'A202', name: 'EXPUNGE' }], // §6.4.3
		[
			'A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"',
			{
				tag: 'A282',
				name: 'SEARCH',
				uid: false,
				charset: undefined,
				criteria: [
					{ key: 'FLAGGED' },
					{ key: 'SINCE', date: { year: 1994, month: 2, day: 1 } },
					{ key: 'NOT', operand: { key: 'FROM', value: 'Smith' } }
				]
			}
		], // §6.4.4
		[
			'A283 SEARCH TEXT "string not in mailbox"',
			{
				tag: 'A283',
				name: 'SEARCH',
				uid: false,
				charset: undefined,
				criteria: [{ key: 'TEXT', value: 'string not in mailbox' }]
			}
		], // §6.4.4
		[
			'A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])',
			{
				tag: 'A654',
				name: 'FETCH',
				uid: false,
				sequence: [{ from: 2, to: 4 }],
				items: [
					{ item: 'FLAGS' },
					{
						item: 'BODY[section]',
						peek: false,
						section: { part: [], text: 'HEADER.FIELDS', fields: ['DATE', 'FROM'] },
						partial: undefined
					}
				]
			}
		], // §6.4.5
		[
			'A003 STORE 2:4 +FLAGS (\\Deleted)',
			{
				tag: 'A003',
				name: 'STORE',
				uid: false,
				sequence: [{ from: 2, to: 4 }],
				operation: 'add',
				silent: false,
				flags: ['\\Deleted']
			}
		], // §6.4.6
		[
			'A003 COPY 2:4 MEETING',
			{
				tag: 'A003',
				name: 'COPY',
				uid: false,
				sequence: [{ from: 2, to: 4 }],
				mailbox: mbx('MEETING')
			}
		], // §6.4.7
		[
			'A999 UID FETCH 4827313:4828442 FLAGS',
			{
				tag: 'A999',
				name: 'FETCH',
				uid: true,
				sequence: [{ from: 4827313, to: 4828442 }],
				items: [{ item: 'FLAGS' }]
			}
		], // §6.4.8
		// §8's sample session, in lower case as sent there (§9 note 1: case-insensitive)
		['a001 login mrc secret', { tag: 'a001', name: 'LOGIN', userid: 'mrc', password: 'secret' }],
		['a002 select inbox', { tag: 'a002', name: 'SELECT', mailbox: mbx('inbox', 'INBOX') }],
		[
			'a003 fetch 12 full',
			{
				tag: 'a003',
				name: 'FETCH',
				uid: false,
				sequence: [{ from: 12 }],
				macro: 'FULL',
				items: [
					{ item: 'FLAGS' },
					{ item: 'INTERNALDATE' },
					{ item: 'RFC822.SIZE' },
					{ item: 'ENVELOPE' },
					{ item: 'BODY' }
				]
			}
		],
		[
			'a004 fetch 12 body[header]',
			{
				tag: 'a004',
				name: 'FETCH',
				uid: false,
				sequence: [{ from: 12 }],
				items: [
					{
						item: 'BODY[section]',
						peek: false,
						section: { part: [], text: 'HEADER' },
						partial: undefined
					}
				]
			}
		],
		[
			'a005 store 12 +flags \\deleted',
			{
				tag: 'a005',
				name: 'STORE',
				uid: false,
				sequence: [{ from: 12 }],
				operation: 'add',
				silent: false,
				flags: ['\\Deleted']
			}
		],
		['a006 logout', { tag: 'a006', name: 'LOGOUT' }]
	];
	for (const [text, want] of rows) test(text, () => expect(parsed(line(text))).toEqual(want));

	test('§7.5 LOGIN with two literals', () => {
		const framed = {
			segments: ['A001 LOGIN {11}', ' {7}', ''],
			literals: [bytes('FRED FOOBAR'), bytes('fat man')]
		};
		expect(parsed(framed)).toEqual({
			tag: 'A001',
			name: 'LOGIN',
			userid: 'FRED FOOBAR',
			password: 'fat man'
		});
	});

	test('§6.3.11 APPEND with flags and the message as a literal', () => {
		const message = bytes('Subject: afternoon meeting\r\n\r\nHello Joe\r\n');
		const framed = {
			segments: ['A003 APPEND saved-messages (\\Seen) {41}', ''],
			literals: [message]
		};
		expect(parsed(framed)).toEqual({
			tag: 'A003',
			name: 'APPEND',
			mailbox: mbx('saved-messages'),
			flags: ['\\Seen'],
			internalDate: undefined,
			message
		});
	});

	test('§6.4.4 SEARCH CHARSET UTF-8 TEXT with a literal', () => {
		const framed = {
			segments: ['A284 SEARCH CHARSET UTF-8 TEXT {6}', ''],
			literals: [bytes('XXXXXX')]
		};
		expect(parsed(framed)).toEqual({
			tag: 'A284',
			name: 'SEARCH',
			uid: false,
			charset: 'UTF-8',
			criteria: [{ key: 'TEXT', value: 'XXXXXX' }]
		});
	});
});

describe('the rest of the grammar the issue names', () => {
	const rows: [string, ImapCommand][] = [
		// APPEND with a date-time (§9 date-time, date-day-fixed with its leading space)
		// is in its own test below; these are one-line commands.
		['t1 IDLE', { tag: 't1', name: 'IDLE' }], // RFC 2177 §3
		['t2 UNSELECT', { tag: 't2', name: 'UNSELECT' }], // RFC 3691
		[
			't3 ENABLE CONDSTORE X-GOOD-IDEA',
			{ tag: 't3', name: 'ENABLE', capabilities: ['CONDSTORE', 'X-GOOD-IDEA'] }
		], // RFC 5161
		[
			't4 UID STORE 1:* -FLAGS.SILENT (\\Seen $Forwarded)',
			{
				tag: 't4',
				name: 'STORE',
				uid: true,
				sequence: [{ from: 1, to: '*' }],
				operation: 'remove',
				silent: true,
				flags: ['\\Seen', '$Forwarded']
			}
		],
		[
			't5 STORE 2,4:7,9,12:* FLAGS ()',
			{
				tag: 't5',
				name: 'STORE',
				uid: false,
				sequence: [{ from: 2 }, { from: 4, to: 7 }, { from: 9 }, { from: 12, to: '*' }],
				operation: 'replace',
				silent: false,
				flags: []
			}
		], // §9 sequence-set example
		[
			't6 UID FETCH *:4 (UID BODY.PEEK[1.2.MIME] BODY[]<0.2048> BODYSTRUCTURE RFC822.SIZE INTERNALDATE ENVELOPE)',
			{
				tag: 't6',
				name: 'FETCH',
				uid: true,
				sequence: [{ from: '*', to: 4 }],
				items: [
					{ item: 'UID' },
					{
						item: 'BODY[section]',
						peek: true,
						section: { part: [1, 2], text: 'MIME' },
						partial: undefined
					},
					{
						item: 'BODY[section]',
						peek: false,
						section: { part: [] },
						partial: { offset: 0, length: 2048 }
					},
					{ item: 'BODYSTRUCTURE' },
					{ item: 'RFC822.SIZE' },
					{ item: 'INTERNALDATE' },
					{ item: 'ENVELOPE' }
				]
			}
		],
		[
			't7 FETCH 1 BODY.PEEK[2.HEADER.FIELDS.NOT ("Received" X-Spam)]',
			{
				tag: 't7',
				name: 'FETCH',
				uid: false,
				sequence: [{ from: 1 }],
				items: [
					{
						item: 'BODY[section]',
						peek: true,
						section: { part: [2], text: 'HEADER.FIELDS.NOT', fields: ['Received', 'X-Spam'] },
						partial: undefined
					}
				]
			}
		],
		[
			't8 FETCH 1:3 fast',
			{
				tag: 't8',
				name: 'FETCH',
				uid: false,
				sequence: [{ from: 1, to: 3 }],
				macro: 'FAST',
				items: [{ item: 'FLAGS' }, { item: 'INTERNALDATE' }, { item: 'RFC822.SIZE' }]
			}
		],
		[
			't9 UID SEARCH OR (UNSEEN FLAGGED) NOT DELETED UID 100:* 1:5 LARGER 1000 SMALLER 99999 HEADER "List-Id" "<x.example>" BEFORE "7-Jul-2026" ON 31-Dec-2025 KEYWORD $Junk ALL NEW OLD RECENT ANSWERED SEEN CC bob TO alice SUBJECT hi BODY word BCC eve',
			{
				tag: 't9',
				name: 'SEARCH',
				uid: true,
				charset: undefined,
				criteria: [
					{
						key: 'OR',
						left: { key: 'AND', operands: [{ key: 'UNSEEN' }, { key: 'FLAGGED' }] },
						right: { key: 'NOT', operand: { key: 'DELETED' } }
					},
					{ key: 'UID', set: [{ from: 100, to: '*' }] },
					{ key: 'SEQUENCE', set: [{ from: 1, to: 5 }] },
					{ key: 'LARGER', size: 1000 },
					{ key: 'SMALLER', size: 99999 },
					{ key: 'HEADER', field: 'List-Id', value: '<x.example>' },
					{ key: 'BEFORE', date: { year: 2026, month: 7, day: 7 } },
					{ key: 'ON', date: { year: 2025, month: 12, day: 31 } },
					{ key: 'KEYWORD', flag: '$Junk' },
					{ key: 'ALL' },
					{ key: 'NEW' },
					{ key: 'OLD' },
					{ key: 'RECENT' },
					{ key: 'ANSWERED' },
					{ key: 'SEEN' },
					{ key: 'CC', value: 'bob' },
					{ key: 'TO', value: 'alice' },
					{ key: 'SUBJECT', value: 'hi' },
					{ key: 'BODY', value: 'word' },
					{ key: 'BCC', value: 'eve' }
				]
			}
		],
		[
			'tA SELECT "~peter/mail/&U,BTFw-/&ZeVnLIqe-"',
			{
				tag: 'tA',
				name: 'SELECT',
				mailbox: mbx('~peter/mail/&U,BTFw-/&ZeVnLIqe-', '~peter/mail/台北/日本語')
			}
		], // §5.1.3's example
		['tB DELETE "a&b"', { tag: 'tB', name: 'DELETE', mailbox: mbx('a&b', null) }], // "&" must be "&-" (§5.1.3)
		[
			'tC LOGIN "a \\"quoted\\" \\\\ name" pass]word',
			{ tag: 'tC', name: 'LOGIN', userid: 'a "quoted" \\ name', password: 'pass]word' }
		], // quoted-specials, ASTRING-CHAR "]"
		[
			'tD STATUS iNbOx (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)',
			{
				tag: 'tD',
				name: 'STATUS',
				mailbox: mbx('iNbOx', 'INBOX'),
				items: ['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN']
			}
		], // §5.1 INBOX
		['tE authenticate plain', { tag: 'tE', name: 'AUTHENTICATE', mechanism: 'PLAIN' }]
	];
	for (const [text, want] of rows) test(text, () => expect(parsed(line(text))).toEqual(want));

	test('APPEND with flags, a date-time and the literal', () => {
		const message = bytes('x');
		const framed = {
			segments: ['t1 APPEND Sent (\\Seen \\Draft) " 7-Feb-1994 21:52:25 -0800" {1}', ''],
			literals: [message]
		};
		expect(parsed(framed)).toEqual({
			tag: 't1',
			name: 'APPEND',
			mailbox: mbx('Sent'),
			flags: ['\\Seen', '\\Draft'],
			internalDate: {
				year: 1994,
				month: 2,
				day: 7,
				hour: 21,
				minute: 52,
				second: 25,
				zoneMinutes: -480
			},
			message
		});
	});

	test('IDLE ends with DONE in any case; AUTHENTICATE lines are base64 or "*"', () => {
		expect([
			isIdleDone('DONE'),
			isIdleDone('done'),
			isIdleDone('DONE '),
			isIdleDone('t1 DONE')
		]).toEqual([true, true, false, false]);
		expect(parseAuthenticateLine('AGJvYgBzZWNyZXQ=')).toEqual({ base64: 'AGJvYgBzZWNyZXQ=' });
		expect(parseAuthenticateLine('*')).toEqual({ cancel: true });
		expect(parseAuthenticateLine('')).toEqual({ base64: '' });
		expect(parseAuthenticateLine('not base64!')).toHaveProperty('error');
	});

	test('startOnly checks the tag and name before a literal is asked for (§7.5)', () => {
		const unknown = parseCommand(line('A044 BLURDYBLOOP {102856}'), { startOnly: true });
		expect(unknown).toMatchObject({
			ok: false,
			error: { tag: 'A044', command: 'BLURDYBLOOP', unknownCommand: true }
		});
		expect(parseCommand(line('A001 LOGIN {11}'), { startOnly: true })).toEqual({
			ok: true,
			command: { tag: 'A001', name: 'LOGIN' }
		});
	});
});

describe('bad input: where it breaks and what the grammar wanted', () => {
	const rows: [Framed, Partial<CommandSyntaxError>][] = [
		[line(''), { tag: undefined, position: 0, expected: 'a tag' }], // empty line
		[line('NOOP'), { tag: 'NOOP', position: 4, found: 'end of line', expected: 'SP (one space)' }], // missing tag: "NOOP" is read as the tag
		[line(' a1 NOOP'), { tag: undefined, position: 0 }], // no tag before the space
		[line('+1 NOOP'), { tag: undefined, position: 0 }], // "+" cannot start a tag
		[line('a1  NOOP'), { tag: 'a1', position: 3, expected: 'one space' }], // §9 note 2
		[
			line('a1 BLURDYBLOOP'),
			{ tag: 'a1', command: 'BLURDYBLOOP', unknownCommand: true, position: 3 }
		],
		[line('a1 NOOP extra'), { tag: 'a1', command: 'NOOP', position: 7, expected: 'end of line' }], // extraneous argument
		[line('a1 LOGIN fred'), { tag: 'a1', command: 'LOGIN', position: 13, found: 'end of line' }], // missing argument
		[line('a1 LOGIN "fred secret'), { tag: 'a1', position: 9, expected: 'a closing DQUOTE' }], // CRLF inside a quoted string ends the line
		[line('a1 LOGIN fr\xe9d secret'), { tag: 'a1', position: 11 }], // 8-bit octet in an atom
		[line('a1 SELECT "caf\xe9"'), { tag: 'a1', position: 14 }], // 8-bit in a quoted string
		[line('a1 LOGIN "a\\b" c'), { tag: 'a1', position: 12, expected: '\\" or \\\\' }],
		[line('a1 LOGIN {abc}'), { tag: 'a1', position: 10 }], // literal count not a number
		[line('a1 LOGIN {5+}'), { tag: 'a1', position: 11 }], // LITERAL+ not offered
		[line('a1 LOGIN {5} x'), { tag: 'a1', position: 12 }], // literal announcement must end the line
		[line('a1 FETCH 1 (FLAGS UID'), { tag: 'a1', command: 'FETCH', position: 21, expected: '")"' }], // unbalanced parentheses
		[line('a1 FETCH 1 FLAGS)'), { tag: 'a1', position: 16, expected: 'end of line' }], // unbalanced the other way
		[line('a1 SEARCH (SEEN (FLAGGED)'), { tag: 'a1', position: 25 }],
		[line('a1 FETCH 0 FLAGS'), { tag: 'a1', position: 9 }], // seq-number is nz-number
		[line('a1 FETCH 1 BODY.PEEK'), { tag: 'a1', position: 11 }], // BODY.PEEK needs a section
		[line('a1 FETCH 1 BODY[1.HEADERS]'), { tag: 'a1', position: 18 }],
		[line('a1 FETCH 1 BODY[MIME]'), { tag: 'a1', position: 16 }], // MIME only after a part number
		[
			line('a1 FETCH 1 BODY[HEADER.FIELDS (DATE  FROM)]'),
			{ tag: 'a1', position: 36, expected: 'one space' }
		], // §9 note 2 inside a header-list
		[line('a1 FETCH 1 BODY[]<0.0>'), { tag: 'a1', position: 20 }], // partial length is nz-number
		[line('a1 FETCH 1 (ALL)'), { tag: 'a1', position: 12 }], // macros are not fetch-atts
		[line('a1 SEARCH SINCE 31-Feb-2026'), { tag: 'a1' }], // no such day
		[line('a1 SEARCH SINCE 1-Fev-2026'), { tag: 'a1', position: 18 }],
		[line('a1 SEARCH FROM'), { tag: 'a1', position: 14 }],
		[line('a1 SEARCH NEWER'), { tag: 'a1', position: 10 }],
		[line('a1 UID EXPUNGE 1:3'), { tag: 'a1', command: 'UID', position: 7 }], // UIDPLUS is not in this subset
		[line('a1 STATUS INBOX (SIZE)'), { tag: 'a1', position: 17 }],
		[line('a1 STORE 1 FLAG (\\Seen)'), { tag: 'a1', position: 11 }],
		[line('a1 APPEND Sent "hello"'), { tag: 'a1', position: 15 }], // message must be a literal
		[line('a1 FETCH 4294967296 FLAGS'), { tag: 'a1', position: 9 }], // over 32 bits
		[line('a1 SEARCH ' + 'NOT '.repeat(40) + 'SEEN'), { tag: 'a1' }], // nesting limit
		[line('a1 AUTHENTICATE PLAIN AGJvYgBzZWNyZXQ='), { tag: 'a1', position: 21 }], // SASL-IR (RFC 4959) not offered
		[
			{ segments: ['a1 LOGIN {3}', ''], literals: [bytes('ab')] },
			{ tag: 'a1', position: 9 }
		] // literal shorter than announced
	];
	for (const [framed, want] of rows)
		test(JSON.stringify(framed.segments), () => {
			const error = failed(framed);
			expect(error).toMatchObject(want);
			expect(error.message.length).toBeGreaterThan(10);
		});

	test('messages explain, citing the RFC', () => {
		expect(failed(line('')).message).toMatch(/empty line.*§2\.2\.1/);
		expect(failed(line('a1 LOGIN "fred')).message).toMatch(/cannot contain CR or LF.*§4\.3/);
		expect(failed(line('a1 LOGIN {5+}')).message).toMatch(/LITERAL\+/);
		expect(failed(line('a1 FETCH 1 (FLAGS')).message).toMatch(/unbalanced parentheses/);
		expect(failed(line('a1 SELECT "caf\xe9"')).message).toMatch(/8-bit octet 0xe9.*literal/);
		expect(failed(line('a1 AUTHENTICATE PLAIN AGJvYgBzZWNyZXQ=')).message).toMatch(
			/SASL-IR \(RFC 4959\)/
		);
	});
});

describe('pipelined garbage', () => {
	test('each line gets its own verdict and the good commands around it still parse', () => {
		const reader = new CommandReader();
		reader.push(
			Uint8Array.from(
				'a1 NOOP\r\n\x00\xff junk\r\n)))\r\na2 FETCH 1 (FLAGS\r\n* SEARCH ALL\r\na3 LOGOUT\r\n',
				(ch) => ch.charCodeAt(0)
			)
		);
		const verdicts: string[] = [];
		for (let e = reader.next(); e; e = reader.next()) {
			if (e.kind !== 'command') throw new Error(e.kind);
			const r = parseCommand(e.command);
			verdicts.push(r.ok ? `${r.command.tag} ${r.command.name}` : `${r.error.tag ?? '*'} BAD`);
		}
		expect(verdicts).toEqual(['a1 NOOP', '* BAD', '* BAD', 'a2 BAD', '* BAD', 'a3 LOGOUT']);
	});
});
