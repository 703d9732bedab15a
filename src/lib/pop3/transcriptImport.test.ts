import { describe, expect, test } from 'vitest';
import { looksLikePop3, pop3TranscriptEvents } from './transcriptImport';

const events = (text: string) => [...pop3TranscriptEvents(text)];

describe('POP3 transcripts', () => {
	test('RFC 1939 §10 as written: stage directions become events, indented lines are read', () => {
		const got = events(`S: <wait for connection on TCP port 110>
C: <open connection>
S:    +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>
C:    STAT
S:    +OK 2 320
C:    RETR 1
S:    +OK 120 octets
S:    <the POP3 server sends message 1>
S:    .
C:    QUIT
S:    +OK dewey POP3 server signing off (maildrop empty)
C:  <close connection>`);
		expect(got.map((e) => e.kind ?? e.dir)).toEqual([
			'note',
			'connect',
			'server',
			'client',
			'server',
			'client',
			'server',
			'note',
			'server',
			'client',
			'server',
			'disconnect'
		]);
		expect(got[2].annotation.stateAfter).toBe('pop3-authorization');
		// The RETR response's "." is its own, sharing the +OK's replyId.
		expect(got[8].annotation.title).toBe('End of the multi-line response');
		expect(got[8].replyId).toBe(got[6].replyId);
		expect(got.at(-1)!.annotation.stateAfter).toBe('pop3-closed');
		expect(got.every((e, i) => e.seq === i + 1 && e.at === 0)).toBe(true);
	});

	test('bare: a listing line that looks like a command is still the server’s', () => {
		// Inside CAPA's list, "USER" and "TOP" are capabilities, not commands.
		const got = events('+OK hi\nCAPA\n+OK\nUSER\nTOP\n.\nUSER alice\n+OK');
		expect(got.map((e) => e.dir)).toEqual([
			'server',
			'client',
			'server',
			'server',
			'server',
			'server',
			'client',
			'server'
		]);
		expect(got[3].annotation.title).toBe('USER — USER and PASS are available');
		expect(got[6].annotation.title).toBe('USER — name the mailbox');
	});

	test('bare: openssl s_client’s lines mark the connection and TLS', () => {
		const got = events('CONNECTED(00000003)\ndepth=0 CN = x\nverify return:1\n+OK ready');
		expect(got.map((e) => e.kind ?? e.dir)).toEqual(['connect', 'note', 'tls', 'server']);
	});

	test('a command line over 255 octets is marked', () => {
		const got = events(`+OK\nUSER ${'a'.repeat(300)}`);
		expect(got[1].anomalies).toContain('line-too-long');
	});

	test.each([
		// [transcript, read as POP3?]
		['+OK POP3 ready\nUSER a', true],
		['S: +OK ready\nC: STAT', true],
		['<- -ERR [SYS/TEMP] busy', true],
		['220 mx ESMTP\nEHLO a', false],
		['S: 220 mx\nC: QUIT\nS: 221 +OK', false],
		['hello', false]
	])('recognises %j: %s', (text, pop3) => expect(looksLikePop3(text)).toBe(pop3));
});
