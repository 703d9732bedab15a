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
				'The marked messages are removed'
			],
			[SYS('disconnect'), 'Connection closed', U, X]
		]);
	});
});
