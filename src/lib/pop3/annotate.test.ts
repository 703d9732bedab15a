import { describe, expect, test } from 'vitest';
import { Pop3Annotator } from './annotate';
import type { Pop3AnnotateInput } from './annotate';

const C = (text: string): Pop3AnnotateInput => ({ dir: 'client', text });
const S = (text: string): Pop3AnnotateInput => ({ dir: 'server', text });
const DATA = (text: string): Pop3AnnotateInput => ({ dir: 'server', text, isData: true });
const SYS = (kind: Pop3AnnotateInput['kind'], text = ''): Pop3AnnotateInput => ({
	dir: 'system',
	text,
	kind
});

const A = 'pop3-authorization';
const T = 'pop3-transaction';
const U = 'pop3-update';
const X = 'pop3-closed';
const G = 'pop3-connected';

type Row = [Pop3AnnotateInput, string, string, string, string?];

/** Each row: the line, the title expected, state before, state after, and a note expected (part). */
function run(rows: Row[], listener?: string) {
	const annotator = new Pop3Annotator({ listener });
	for (const [input, title, before, after, note] of rows) {
		const a = annotator.annotate(input);
		const where = `${input.dir}: ${input.text.slice(0, 40)}`;
		expect(a.title, where).toBe(title);
		expect([a.stateBefore, a.stateAfter], where).toEqual([before, after]);
		if (note) expect(a.notes!.join('\n'), where).toContain(note);
	}
}

describe('RFC 1939 §10, the example session (APOP replaced by USER/PASS on this server)', () => {
	test('download and delete: DELE then QUIT enters UPDATE with the marked messages', () => {
		run([
			[SYS('connect'), 'Connection opened', G, G],
			[
				S('+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>'),
				'Greeting',
				G,
				A,
				'this server offers APOP'
			],
			[
				C('APOP mrose c4c9334bac560ecc979e58001b3e22fb'),
				'APOP — log in with a digest',
				A,
				A,
				'does not offer APOP'
			],
			[S('-ERR APOP not offered'), '-ERR to APOP', A, A],
			[C('USER mrose'), 'USER — name the mailbox', A, A],
			[S('+OK'), '+OK to USER', A, A],
			[C('PASS tanstaaf'), 'PASS — the password', A, A, 'never repeated'],
			[S("+OK mrose's maildrop has 2 messages (320 octets)"), '+OK to PASS', A, T, 'locked'],
			[C('STAT'), 'STAT — mailbox size', T, T],
			[S('+OK 2 320'), '+OK to STAT', T, T, '2 message(s), 320 octets in all'],
			[C('LIST'), 'LIST — message sizes', T, T],
			[S('+OK 2 messages (320 octets)'), '+OK to LIST', T, T, 'A multi-line response follows'],
			[S('1 120'), 'LIST listing line', T, T, 'Message 1 is 120 octets.'],
			[S('2 200'), 'LIST listing line', T, T, 'Message 2 is 200 octets.'],
			[S('.'), 'End of the multi-line response', T, T, '2 line(s) in this LIST listing'],
			[C('RETR 1'), 'RETR — download a message', T, T],
			[S('+OK 120 octets'), '+OK to RETR', T, T, 'The message follows (120 octets)'],
			[
				DATA('Subject: one\r\n\r\n..a line that began with a dot\r\nend\r\n'),
				'Message content',
				T,
				T,
				'1 line(s) began with "."'
			],
			[S('.'), 'End of the multi-line response', T, T, 'The message is complete.'],
			[C('DELE 1'), 'DELE — mark for deletion', T, T],
			[S('+OK message 1 deleted'), '+OK to DELE', T, T, 'Messages marked in this session: 1.'],
			[C('RETR 2'), 'RETR — download a message', T, T],
			[S('+OK 200 octets'), '+OK to RETR', T, T],
			[DATA('Subject: two\r\n\r\nhello\r\n'), 'Message content', T, T, '3 line(s)'],
			[S('.'), 'End of the multi-line response', T, T],
			[C('DELE 2'), 'DELE — mark for deletion', T, T],
			[S('+OK message 2 deleted'), '+OK to DELE', T, T, 'Messages marked in this session: 1, 2.'],
			[C('QUIT'), 'QUIT — end the session', T, U, 'the 2 message(s) marked by DELE'],
			[
				S('+OK dewey POP3 server signing off (maildrop empty)'),
				'+OK to QUIT',
				U,
				U,
				'The 2 marked message(s) are now removed'
			],
			[SYS('disconnect'), 'Connection closed', U, X]
		]);
	});
});

describe('RFC 1939 §5 and §7, the commands’ own examples', () => {
	const loggedIn: Row[] = [
		[S('+OK POP3 server ready'), 'Greeting', G, A, 'does not offer APOP'],
		[C('USER frated'), 'USER — name the mailbox', A, A],
		[S('-ERR sorry, no mailbox for frated here'), '-ERR to USER', A, A],
		[C('USER mrose'), 'USER — name the mailbox', A, A],
		[S('+OK mrose is a real hoopy frood'), '+OK to USER', A, A],
		[C('PASS secret'), 'PASS — the password', A, A],
		[S('-ERR maildrop already locked'), '-ERR to PASS', A, A],
		// PASS must follow a +OK to USER: after a failed PASS, USER again.
		[C('PASS secret'), 'PASS — the password', A, A, 'PASS must come right after a +OK to USER'],
		[S('-ERR no USER given'), '-ERR to PASS', A, A],
		[C('USER mrose'), 'USER — name the mailbox', A, A],
		[S('+OK mrose is a real hoopy frood'), '+OK to USER', A, A],
		[C('PASS secret'), 'PASS — the password', A, A],
		[S("+OK mrose's maildrop has 2 messages (320 octets)"), '+OK to PASS', A, T]
	];

	test('USER, PASS and a locked maildrop; UIDL with and without an argument; DELE twice', () => {
		run([
			...loggedIn,
			[C('UIDL'), 'UIDL — unique ids', T, T],
			[S('+OK'), '+OK to UIDL', T, T, 'A multi-line response follows'],
			[
				S('1 whqtswO00WBw418f9t5JxYwZ'),
				'UIDL listing line',
				T,
				T,
				'Message 1 has the unique id whqtswO00WBw418f9t5JxYwZ.'
			],
			[S('2 QhdPYR:00WBw1Ph7x7'), 'UIDL listing line', T, T, 'Message 2 has the unique id'],
			[S('.'), 'End of the multi-line response', T, T],
			[C('UIDL 2'), 'UIDL — unique ids', T, T],
			// With an argument the answer is one line: no "." follows.
			[
				S('+OK 2 QhdPYR:00WBw1Ph7x7'),
				'+OK to UIDL',
				T,
				T,
				'Message 2 has the unique id QhdPYR:00WBw1Ph7x7.'
			],
			[C('UIDL 3'), 'UIDL — unique ids', T, T],
			[
				S('-ERR no such message, only 2 messages in maildrop'),
				'-ERR to UIDL',
				T,
				T,
				'Answers "UIDL 3"'
			],
			[C('LIST 2'), 'LIST — message sizes', T, T],
			[S('+OK 2 200'), '+OK to LIST', T, T, 'Message 2 is 200 octets.'],
			[C('DELE 1'), 'DELE — mark for deletion', T, T],
			[S('+OK message 1 deleted'), '+OK to DELE', T, T],
			[C('DELE 1'), 'DELE — mark for deletion', T, T],
			[S('-ERR message 1 already deleted'), '-ERR to DELE', T, T],
			[C('NOOP'), 'NOOP — do nothing', T, T],
			[S('+OK'), '+OK to NOOP', T, T],
			[C('RSET'), 'RSET — unmark everything', T, T, 'RSET unmarks 1 message(s).'],
			[S('+OK maildrop has 2 messages (320 octets)'), '+OK to RSET', T, T],
			// Nothing is marked any more: QUIT removes nothing (download and keep).
			[C('QUIT'), 'QUIT — end the session', T, U, 'no message is marked: nothing is removed'],
			[S('+OK dewey POP3 server signing off'), '+OK to QUIT', U, U, 'Nothing was marked'],
			[SYS('disconnect'), 'Connection closed', U, X]
		]);
	});

	test('TOP 1 10: header, blank line, ten body lines, then the "."; a byte-stuffed line', () => {
		run([
			...loggedIn,
			[C('TOP 1 10'), 'TOP — header and first lines', T, T, 'TOP asked for 10 body line(s)'],
			[S('+OK'), '+OK to TOP', T, T, 'The message follows, byte-stuffed'],
			[S('Subject: test'), 'Message line', T, T],
			[S(''), 'Message line', T, T],
			[S('..hidden'), 'Message line', T, T, 'On the wire this line begins with ".."'],
			[S('.'), 'End of the multi-line response', T, T, 'The message is complete.'],
			// The "." ended the response: the next server line answers the next command.
			[C('STAT'), 'STAT — mailbox size', T, T],
			[S('+OK 2 320'), '+OK to STAT', T, T]
		]);
	});
});

describe('RFC 2449 §5: CAPA, and RFC 2595 §4: STLS', () => {
	test('the CAPA example: one explanation per capability; USER and SASL before TLS are flagged', () => {
		run([
			[S('+OK POP3 server ready'), 'Greeting', G, A],
			[C('CAPA'), 'CAPA — list capabilities', A, A],
			[S('+OK Capability list follows'), '+OK to CAPA', A, A, 'A multi-line response follows'],
			[S('TOP'), 'TOP — the TOP command is available', A, A],
			[S('USER'), 'USER — USER and PASS are available', A, A, 'Listed before TLS'],
			[
				S('SASL CRAM-MD5 KERBEROS_V4'),
				'SASL — the AUTH command and its mechanisms',
				A,
				A,
				'CRAM-MD5: Challenge'
			],
			[S('RESP-CODES'), 'RESP-CODES — bracketed response codes', A, A],
			[S('LOGIN-DELAY 900'), 'LOGIN-DELAY — minimum time between logins', A, A],
			[S('PIPELINING'), 'PIPELINING — several commands at once', A, A],
			[S('EXPIRE 60'), 'EXPIRE — how long the server keeps mail', A, A],
			[S('UIDL'), 'UIDL — unique ids are available', A, A],
			[S('IMPLEMENTATION Shlemazle-Plotz-v302'), 'IMPLEMENTATION — which server software', A, A],
			[S('X-UNKNOWN-TAG'), 'Capability X-UNKNOWN-TAG', A, A, 'not a capability this site knows'],
			// USER and SASL were listed: no note that passwords wait for TLS.
			[S('.'), 'End of the multi-line response', A, A, '10 line(s) in this CAPA listing']
		]);
	});

	test('STLS: +OK, the handshake, the capabilities forgotten; a second STLS is refused', () => {
		const annotator = new Pop3Annotator();
		const rows: Row[] = [
			[S('+OK POP3 server ready'), 'Greeting', G, A],
			[C('CAPA'), 'CAPA — list capabilities', A, A],
			[S('+OK'), '+OK to CAPA', A, A],
			[S('STLS'), 'STLS — TLS can be started', A, A, 'must discard this list'],
			[S('.'), 'End of the multi-line response', A, A, 'before TLS this server takes no password'],
			[C('STLS'), 'STLS — start TLS', A, A],
			[S('+OK Begin TLS negotiation'), '+OK to STLS', A, A, 'The TLS handshake starts right after'],
			[SYS('tls', 'TLSv1.3'), 'TLS established', A, A],
			[C('STLS'), 'STLS — start TLS', A, A, 'TLS is already active'],
			[S('-ERR Command not permitted when TLS active'), '-ERR to STLS', A, A],
			[C('PASS secret'), 'PASS — the password', A, A]
		];
		for (const [input, title, before, after, note] of rows) {
			const a = annotator.annotate(input);
			expect(a.title).toBe(title);
			expect([a.stateBefore, a.stateAfter]).toEqual([before, after]);
			if (note) expect(a.notes!.join('\n')).toContain(note);
			if (input.kind === 'tls') expect(annotator.capabilities).toBeUndefined();
			// Under TLS a password is no longer said to travel in the clear.
			if (input.text === 'PASS secret') expect(a.notes!.join('\n')).not.toContain('before TLS');
		}
	});
});

describe('response codes (RFC 2449 §8, RFC 3206)', () => {
	test.each([
		// [the -ERR line, the ref it links, a phrase of its explanation]
		[
			'-ERR [IN-USE] Do you have another POP session running?',
			'pop3/codes/in-use',
			'another session holds'
		],
		['-ERR [LOGIN-DELAY] wait', 'pop3/codes/login-delay', 'logged in recently'],
		['-ERR [SYS/TEMP] try later', 'pop3/codes/sys-temp', 'Try again later'],
		['-ERR [SYS/PERM] mailbox disabled', 'pop3/codes/sys-perm', 'trying again will not help'],
		['-ERR [AUTH] Invalid credentials', 'pop3/codes/auth', 'Ask the user for credentials again'],
		// Unknown detail below a known level reads as that level (RFC 2449 §8).
		['-ERR [SYS/TEMP/DISK] full', 'pop3/codes/sys-temp', '"DISK" adds detail below [SYS/TEMP]'],
		['-ERR [in-use] lower case', 'pop3/codes/in-use', 'another session holds'],
		['-ERR [WHATEVER] x', 'pop3/responses/err', 'a response code this site does not know'],
		['-ERR no code at all', 'pop3/responses/err', 'Answers "PASS …"']
	])('%s', (line, ref, phrase) => {
		const annotator = new Pop3Annotator();
		annotator.annotate(S('+OK ready'));
		annotator.annotate(C('USER alice'));
		annotator.annotate(S('+OK'));
		annotator.annotate(C('PASS x'));
		const a = annotator.annotate(S(line));
		expect(a.title).toBe('-ERR to PASS');
		expect(a.ref).toBe(ref);
		expect(a.notes!.join('\n')).toContain(phrase);
		expect(a.stateAfter).toBe(A);
	});
});

describe('mistakes', () => {
	test('a command in the wrong state, an unknown command, a typo, a missing argument', () => {
		run([
			[S('+OK ready'), 'Greeting', G, A],
			[
				C('STAT'),
				'STAT — mailbox size',
				A,
				A,
				'STAT is valid only in TRANSACTION; the session is in AUTHORIZATION'
			],
			[S('-ERR not in this state'), '-ERR to STAT', A, A],
			[C('HELO me'), 'Unknown command HELO', A, A, 'POP3 has no command HELO'],
			[S('-ERR unknown command'), '-ERR to an unknown command', A, A],
			[C('RETRR 1'), 'Unknown command RETRR', A, A, 'Did you mean RETR?'],
			[S('-ERR unknown command'), '-ERR to an unknown command', A, A],
			[C('USER'), 'USER — name the mailbox', A, A, 'USER needs USER <name>'],
			[S('-ERR'), '-ERR to USER', A, A],
			[C('RETR one'), 'RETR — download a message', A, A, '"one" is not one'],
			[S('-ERR'), '-ERR to RETR', A, A],
			[S('+OK nobody asked'), '+OK — positive status indicator', A, A, 'No command is waiting'],
			[S('hello'), 'Not a POP3 response', A, A]
		]);
	});

	test('QUIT before login removes nothing and closes', () => {
		run([
			[S('+OK ready'), 'Greeting', G, A],
			[
				C('QUIT'),
				'QUIT — end the session',
				A,
				A,
				'QUIT before login ends the session without entering UPDATE'
			],
			[S('+OK bye'), '+OK to QUIT', A, X],
			[SYS('disconnect'), 'Connection closed', X, X]
		]);
	});

	test('a connection dropped in TRANSACTION keeps the marked messages', () => {
		run([
			[S('+OK ready'), 'Greeting', G, A],
			[C('USER alice'), 'USER — name the mailbox', A, A],
			[S('+OK'), '+OK to USER', A, A],
			[C('PASS x'), 'PASS — the password', A, A],
			[S('+OK'), '+OK to PASS', A, T],
			[C('DELE 1'), 'DELE — mark for deletion', T, T],
			[S('+OK'), '+OK to DELE', T, T],
			[
				SYS('disconnect'),
				'Connection closed',
				T,
				X,
				'the 1 message(s) marked by DELE are not removed'
			]
		]);
	});

	test('pipelined commands: each response answers the oldest command', () => {
		run([
			[S('+OK ready'), 'Greeting', G, A],
			[C('USER alice'), 'USER — name the mailbox', A, A],
			[C('PASS x'), 'PASS — the password', A, A, 'Sent before the response to "USER alice"'],
			[S('+OK'), '+OK to USER', A, A, 'this one answers "USER alice"'],
			[S('+OK logged in'), '+OK to PASS', A, T]
		]);
	});
});

describe('a -ERR where a multi-line response was expected', () => {
	test('RETR of a message that is not there: one line, no "." awaited', () => {
		run([
			[S('+OK ready'), 'Greeting', G, A],
			[C('USER a'), 'USER — name the mailbox', A, A],
			[S('+OK'), '+OK to USER', A, A],
			[C('PASS b'), 'PASS — the password', A, A],
			[S('+OK'), '+OK to PASS', A, T],
			[C('RETR 9'), 'RETR — download a message', T, T],
			[S('-ERR no such message'), '-ERR to RETR', T, T, 'A -ERR is one line'],
			[C('LIST'), 'LIST — message sizes', T, T],
			[S('+OK 0 messages'), '+OK to LIST', T, T],
			[S('.'), 'End of the multi-line response', T, T, '0 line(s) in this LIST listing']
		]);
	});
});

describe('a downloaded message, as the recorder gives it (one event, byte-stuffed)', () => {
	const CONTENT = [
		'Return-Path: <bob@example.net>',
		'Received: from laptop.example.net by mx.example.com; Tue, 1 Dec 2026 10:00:00 +0000',
		'Received: from [192.0.2.7] by submission.example.net; Tue, 1 Dec 2026 09:59:59 +0000',
		'From: Bob <bob@example.net>',
		'To: alice@example.com',
		'Subject: =?UTF-8?Q?caf=C3=A9?=',
		'',
		'..a line that began with a dot',
		'bye'
	].join('\n');

	test('its fields, its trace and its byte-stuffed line are explained', () => {
		const annotator = new Pop3Annotator();
		for (const line of [S('+OK'), C('USER a'), S('+OK'), C('PASS b'), S('+OK'), C('RETR 1')])
			annotator.annotate(line);
		annotator.annotate(S('+OK 321 octets'));
		const a = annotator.annotate(DATA(CONTENT));
		const notes = a.notes!.join('\n');
		expect(a.title).toBe('Message content');
		expect(notes).toContain(
			// Counted by hand: 325 octets with CRLFs once unstuffed, one stuffed dot more on the wire
			'9 line(s): 326 octets on the wire, 325 once the client has removed the stuffed dots'
		);
		expect(notes).toContain('1 line(s) began with "."');
		expect(notes).toContain('From: Bob <bob@example.net> · To: alice@example.com · Subject: café');
		expect(notes).toContain('2 Received field(s) and a Return-Path');
		expect(notes).toContain('6 header line(s), a blank line, then 2 body line(s).');
		expect(a.rfc).toContainEqual({ rfc: 5321, section: '4.4' });
		expect(annotator.annotate(S('.')).title).toBe('End of the multi-line response');
	});

	test('content whose +OK was not seen is still explained as content', () => {
		const a = new Pop3Annotator().annotate(DATA('Subject: x\n\nbody'));
		expect(a.title).toBe('Message content');
		expect(a.ref).toBe('pop3/responses/content');
	});

	test('with PIPELINING in CAPA, commands sent ahead are allowed', () => {
		run([
			[S('+OK ready'), 'Greeting', G, A],
			[C('CAPA'), 'CAPA — list capabilities', A, A],
			[S('+OK'), '+OK to CAPA', A, A],
			[S('PIPELINING'), 'PIPELINING — several commands at once', A, A],
			[S('.'), 'End of the multi-line response', A, A],
			[C('USER alice'), 'USER — name the mailbox', A, A],
			[C('PASS x'), 'PASS — the password', A, A, 'which PIPELINING in CAPA allows']
		]);
	});
});

describe('arguments a command does not take', () => {
	test.each([
		// [command line, the note expected (part)], RFC 1939 §3: syntactically invalid → -ERR
		['STLS now', 'STLS takes no arguments'],
		['QUIT please', 'QUIT takes no arguments'],
		['STAT 1', 'STAT takes no arguments'],
		['LIST 1 2', 'LIST takes at most 1 argument(s)'],
		['TOP 1 2 3', 'TOP takes at most 2 argument(s)']
	])('%s', (line, note) => {
		const annotator = new Pop3Annotator();
		annotator.annotate(S('+OK ready'));
		expect(annotator.annotate(C(line)).notes!.join('\n')).toContain(note);
	});

	test.each([
		// [command line, flagged?] message numbers from 1, TOP's line count from 0 (RFC 1939 §5, §7)
		['TOP 1 0', false],
		['TOP 0 0', true],
		['TOP 1 x', true],
		['RETR 0', true],
		['DELE 12', false]
	])('%s: a bad number flagged: %s', (line, flagged) => {
		const annotator = new Pop3Annotator();
		annotator.annotate(S('+OK ready'));
		const notes = annotator.annotate(C(line as string)).notes!.join('\n');
		expect(notes.includes('is not one')).toBe(flagged);
	});

	test('a password with a space is one argument', () => {
		const annotator = new Pop3Annotator();
		annotator.annotate(S('+OK ready'));
		annotator.annotate(C('USER alice'));
		annotator.annotate(S('+OK'));
		expect(annotator.annotate(C('PASS two words')).notes!.join('\n')).not.toContain('takes');
	});
});

test('a greeting with -ERR refuses the session', () => {
	run([
		[SYS('connect'), 'Connection opened', G, G],
		[
			S('-ERR [SYS/TEMP] too many sessions'),
			'Greeting refused (-ERR)',
			G,
			G,
			'only +OK for a greeting'
		],
		[SYS('disconnect'), 'Connection closed', G, X]
	]);
});
