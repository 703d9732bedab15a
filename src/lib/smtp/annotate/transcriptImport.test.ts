import { describe, expect, test } from 'vitest';
import { parseTranscript } from './transcriptImport';

describe('transcript formats', () => {
	test('swaks output', () => {
		const events = parseTranscript(`=== Trying lab.example:587...
=== Connected to lab.example.
<-  220 lab.example ESMTP
 -> EHLO me.example
<-  250-lab.example
<-  250-STARTTLS
<-  250 AUTH PLAIN
 -> STARTTLS
<-  220 2.0.0 Ready to start TLS
=== TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256
 ~> EHLO me.example
<~  250-lab.example
<~  250 AUTH PLAIN
 ~> AUTH PLAIN AHVzZXIAcGFzcw==
<~* 535 5.7.8 Authentication credentials invalid
*** No authentication type succeeded
 ~> QUIT
<~  221 2.0.0 Bye
=== Connection closed with remote host.`);
		expect(events.map((e) => e.kind ?? e.dir)).toEqual([
			'note',
			'connect',
			'server',
			'client',
			'server',
			'server',
			'server',
			'client',
			'server',
			'tls',
			'client',
			'server',
			'server',
			'client',
			'server',
			'note',
			'client',
			'server',
			'disconnect'
		]);
		expect(events[2].annotation.ref).toBe('replies/220');
		expect(events[14].annotation.title).toBe('Authentication failed');
		expect(events[events.length - 2].annotation.stateAfter).toBe('closed');
		// Lines of one multi-line reply share a replyId.
		expect([events[4].replyId, events[5].replyId, events[6].replyId]).toEqual([2, 2, 2]);
		expect(events[8].replyId).toBe(3);
		expect(events.every((e, i) => e.seq === i + 1 && e.at === 0)).toBe(true);
	});
	test('>>> and <<< arrows', () => {
		const events = parseTranscript('<<< 220 x\n>>> EHLO y\n<<< 250 x');
		expect(events.map((e) => e.dir)).toEqual(['server', 'client', 'server']);
		expect(events[2].annotation.stateAfter).toBe('identified');
	});
	test('bare telnet session', () => {
		const events = parseTranscript(`Trying 127.0.0.1...
Connected to localhost.
Escape character is '^]'.
220 lab.example ESMTP
EHLO me

250 lab.example
MAIL FROM:<a@b.example>
250 2.1.0 OK
RCPT TO:<c@lab.example>
250 2.1.5 OK
DATA
354 go
Subject: hi

..dot
.
250 2.6.0 queued
QUIT
221 bye
Connection closed by foreign host.`);
		expect(events[0].kind).toBe('note');
		expect(events[1].kind).toBe('connect');
		expect(events.find((e) => e.text === 'Subject: hi')!.annotation.ref).toBe('headers/subject');
		expect(events.find((e) => e.text === '..dot')!.anomalies).toEqual(['dot-stuffed']);
		expect(events.find((e) => e.text === '250 2.6.0 queued')!.annotation.title).toMatch(/Queued/);
		expect(events[events.length - 1].kind).toBe('disconnect');
	});
	test('garbage in: a note per unrecognised line, never a throw', () => {
		const events = parseTranscript(
			'C: EHLO x\nwhat is this\nS: hello\nS: 250 ok\n\u0000C: MAIL FROM:<é@x>'
		);
		expect(events[1]).toMatchObject({ dir: 'system', kind: 'note' });
		expect(events[1].text).toMatch(/Unrecognised line/);
		expect(events[2].text).toMatch(/without a reply code/);
		expect(() => parseTranscript('\u0000\u0001'.repeat(100))).not.toThrow();
		expect(parseTranscript('')).toEqual([]);
		const mail = parseTranscript(
			`C: MAIL FROM:<é@x.example>\nC: ${'x'.repeat(600)}\nC: a\u0000b\r`
		);
		expect(mail[0].anomalies).toContain('8bit-in-command');
		expect(mail[1].anomalies).toContain('line-too-long');
		expect(mail[2].anomalies).toContain('nul-byte');
	});
	test('long data lines are flagged', () => {
		const events = parseTranscript(
			`S: 220 x\nC: EHLO y\nS: 250 x\nC: MAIL FROM:<a@b>\nS: 250 ok\nC: RCPT TO:<c@d>\nS: 250 ok\nC: DATA\nS: 354 go\nC: ${'z'.repeat(1200)}\nC: .`
		);
		expect(events[9].anomalies).toContain('line-too-long');
	});
});
