import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseTranscript } from './transcriptImport';

const load = (name: string) =>
	parseTranscript(
		readFileSync(new URL(`../../../../tests/fixtures/transcripts/${name}`, import.meta.url), 'utf8')
	);

/** [line text, ref, state after, code?, enhanced?] — one row per transcript line checked. */
type Row = [string, string | undefined, string, number?, string?];

function check(name: string, rows: Row[]) {
	const events = load(name);
	test(`${name}: every line is annotated`, () => {
		for (const e of events) expect(e.annotation.title, e.text).toBeTruthy();
	});
	// A text that repeats ("250 OK") is matched by occurrence: the nth row with it checks the nth
	// line with it. Counted here, while the tests are collected, so no test depends on another
	// having run first (vitest runs them shuffled).
	const occurrences = new Map<string, number>();
	for (const [text, ref, after, code, enhanced] of rows) {
		const nth = occurrences.get(text) ?? 0;
		occurrences.set(text, nth + 1);
		test(`${name}: ${text}${nth > 0 ? ` (#${nth + 1})` : ''}`, () => {
			const e = events.filter((x) => x.text === text)[nth];
			expect(e, `${text} (#${nth + 1})`).toBeDefined();
			expect(e.annotation.ref).toBe(ref);
			expect(e.annotation.stateAfter).toBe(after);
			if (code !== undefined) {
				expect(e.annotation.code).toBe(code);
				expect(e.annotation.class).toBe(Math.floor(code / 100));
			}
			if (enhanced !== undefined) expect(e.annotation.enhanced).toBe(enhanced);
		});
	}
}

describe('RFC 5321 Appendix D.1: a typical transaction', () => {
	check('rfc5321-d1.txt', [
		['220 foo.com Simple Mail Transfer Service Ready', 'replies/220', 'greeted', 220], // §3.1 greeting
		['EHLO bar.com', 'commands/ehlo', 'greeted'], // the command alone changes nothing
		['250-foo.com greets bar.com', 'replies/250', 'greeted', 250], // first line of a multi-line reply
		['250-8BITMIME', 'extensions/8bitmime', 'greeted', 250], // each keyword explained
		['250-SIZE', 'extensions/size', 'greeted'],
		['250-DSN', 'extensions/dsn', 'greeted'],
		['250 HELP', 'extensions/help', 'identified'], // last line completes the reply
		['MAIL FROM:<Smith@bar.com>', 'commands/mail', 'identified'],
		['250 OK', 'replies/250', 'mail', 250], // 250 after MAIL: sender accepted
		['RCPT TO:<Jones@foo.com>', 'commands/rcpt', 'mail'],
		['250 OK', 'replies/250', 'rcpt', 250], // 250 after RCPT
		['550 No such user here', 'replies/550', 'rcpt', 550], // refuses one recipient only
		['354 Start mail input; end with <CRLF>.<CRLF>', 'replies/354', 'data', 354],
		['.', 'states/data', 'data'], // end of data
		['250 OK', 'replies/250', 'rcpt', 250], // third "250 OK": Brown accepted
		['250 OK', 'replies/250', 'identified', 250], // fourth: after end of data, transaction over
		['QUIT', 'commands/quit', 'identified'],
		['221 foo.com Service closing transmission channel', 'replies/221', 'closed', 221]
	]);
	test('the reply after end of data is "queued", and one 550 refuses only Green', () => {
		const events = load('rfc5321-d1.txt');
		const afterDot = events[events.findIndex((e) => e.text === '.') + 1];
		expect(afterDot.annotation.title).toMatch(/Queued/);
		expect(afterDot.annotation.stateAfter).toBe('identified');
		const refused = events.find((e) => e.text.startsWith('550'))!;
		expect(refused.annotation.summary).toMatch(/Only this recipient/);
		expect(refused.annotation.stateAfter).toBe('rcpt'); // errors leave the state unchanged
	});
});

describe('RFC 5321 Appendix D.2: aborted transaction', () => {
	check('rfc5321-d2.txt', [
		['RSET', 'commands/rset', 'rcpt'],
		['QUIT', 'commands/quit', 'identified'] // RSET → 250 went back to identified (§4.1.1.5)
	]);
	test('RSET reply is explained in context', () => {
		const events = load('rfc5321-d2.txt');
		const r = events[events.findIndex((e) => e.text === 'RSET') + 1];
		expect(r.annotation.title).toMatch(/Reset/);
		expect(r.annotation.stateBefore).toBe('rcpt');
		expect(r.annotation.stateAfter).toBe('identified');
	});
});

describe('RFC 5321 Appendix D.3: relayed mail', () => {
	check('rfc5321-d3-step1.txt', [
		['Date: Thu, 21 May 1998 05:33:29 -0700', 'headers/date', 'data'],
		['From: John Q. Public <JQP@bar.com>', 'headers/from', 'data'],
		['Subject: The Next Meeting of the Board', 'headers/subject', 'data'],
		['To: Jones@xyz.com', 'headers/to', 'data'],
		['', 'states/data', 'data'] // the blank line between header and body
	]);
	check('rfc5321-d3-step2.txt', [
		['250 xyz.com is on the air', 'replies/250', 'identified', 250], // single-line EHLO reply
		['Received: from bar.com by foo.com ; Thu, 21 May 1998', 'headers/received', 'data'],
		['    05:33:29 -0700', 'states/data', 'data'] // folded
	]);
	test('step 2 end of data summarises the message', () => {
		const events = load('rfc5321-d3-step2.txt');
		const dot = events.find((e) => e.text === '.')!;
		expect(dot.annotation.notes!.join('\n')).toMatch(/folded over 2 lines/);
		expect(dot.annotation.notes!.join('\n')).not.toMatch(/Missing required/);
	});
});

describe('RFC 5321 Appendix D.4: verifying and sending', () => {
	check('rfc5321-d4.txt', [
		['250-VRFY', 'extensions/vrfy', 'greeted'],
		['VRFY Crispin', 'commands/vrfy', 'identified'],
		['250 Mark Crispin <Admin.MRC@foo.com>', 'replies/250', 'identified', 250] // VRFY leaves the state
	]);
	test('VRFY reply in context', () => {
		const e = load('rfc5321-d4.txt').find((x) => x.text.startsWith('250 Mark'))!;
		expect(e.annotation.title).toBe('Address verified');
	});
});

describe('RFC 4954 §4: AUTH PLAIN after STARTTLS', () => {
	check('rfc4954-auth-plain.txt', [
		['250-AUTH GSSAPI DIGEST-MD5', 'extensions/auth', 'greeted'],
		['250-ENHANCEDSTATUSCODES', 'extensions/enhancedstatuscodes', 'greeted'],
		['250 STARTTLS', 'extensions/starttls', 'identified'],
		['STARTTLS', 'commands/starttls', 'identified'],
		['220 Ready to start TLS', 'replies/220', 'tls', 220], // RFC 3207 §4.2: must EHLO again
		['250 AUTH GSSAPI DIGEST-MD5 PLAIN', 'extensions/auth', 'identified'],
		['AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=', 'commands/auth', 'identified'],
		['235 2.7.0 Authentication successful', 'replies/235', 'authenticated', 235, '2.7.0']
	]);
	test('the initial response is decoded into its three NUL-separated parts', () => {
		const e = load('rfc4954-auth-plain.txt').find((x) => x.text.startsWith('AUTH PLAIN'))!;
		const notes = e.annotation.notes!.join('\n');
		expect(notes).toContain('test\\0test\\01234');
		expect(notes).toContain('user "test", password "1234"');
		expect(notes).toMatch(/not encryption/);
	});
	test('the greeting without a last line is noted, not fatal', () => {
		const e = load('rfc4954-auth-plain.txt').find((x) => x.text === 'EHLO client.example.com')!;
		expect(e.annotation.notes![0]).toMatch(/never got its last line/);
		expect(e.annotation.stateBefore).toBe('greeted');
	});
});

describe('RFC 3207 §5: STARTTLS', () => {
	check('rfc3207-starttls.txt', [
		['220 mail.imc.org SMTP service ready', 'replies/220', 'greeted', 220],
		['250-STARTTLS', 'extensions/starttls', 'greeted'],
		['220 Go ahead', 'replies/220', 'tls', 220], // 220 after STARTTLS, not a greeting
		['EHLO mail.example.com', 'commands/ehlo', 'greeted'],
		['250 DSN', 'extensions/dsn', 'identified']
	]);
	test('220 after STARTTLS is explained as the TLS go-ahead', () => {
		const e = load('rfc3207-starttls.txt').find((x) => x.text === '220 Go ahead')!;
		expect(e.annotation.title).toBe('Ready to start TLS');
		expect(e.annotation.summary).toMatch(/EHLO again/);
	});
	test('stage directions become system events', () => {
		const events = load('rfc3207-starttls.txt');
		expect(events.filter((e) => e.dir === 'system').map((e) => e.kind)).toEqual([
			'note',
			'connect',
			'tls',
			'tls',
			'note'
		]);
	});
});

describe('RFC 2920 §4: pipelining', () => {
	check('rfc2920-pipelining-errors.txt', [
		['250 sender <mrose@dbc.mtview.ca.us> OK', 'replies/250', 'mail', 250], // FIFO: answers MAIL
		['250 recipient <ned@innosoft.com> OK', 'replies/250', 'rcpt', 250],
		['550 remote mail to <dan@innsoft.com> not allowed', 'replies/550', 'rcpt', 550],
		['250 recipient <kvc@innosoft.com> OK', 'replies/250', 'rcpt', 250],
		['354 enter mail, end with line containing only "."', 'replies/354', 'data', 354],
		['QUIT', 'commands/quit', 'data'], // pipelined after the final dot
		['250 message sent', 'replies/250', 'identified', 250],
		['221 goodbye', 'replies/221', 'closed', 221]
	]);
	test('replies are matched to pipelined commands in order', () => {
		const events = load('rfc2920-pipelining-errors.txt');
		const refused = events.find((e) => e.text.startsWith('550'))!;
		expect(refused.annotation.title).toBe('Recipient refused');
		expect(refused.annotation.notes!.join()).toContain('RCPT TO:<dan@innsoft.com>');
		expect(events.find((e) => e.text === '250 message sent')!.annotation.title).toMatch(/Queued/);
	});
	check('rfc2920-pipelining.txt', [['250 PIPELINING', 'extensions/pipelining', 'identified']]);
	check('rfc2920-no-valid-recipients.txt', [
		['554 no valid recipients given', 'replies/554', 'mail', 554], // DATA refused: state stays
		['221 goodbye', 'replies/221', 'closed', 221]
	]);
	test('DATA after all recipients refused', () => {
		const e = load('rfc2920-no-valid-recipients.txt').find((x) => x.text.startsWith('554'))!;
		expect(e.annotation.title).toBe('No valid recipients');
	});
});
