import { describe, expect, test } from 'vitest';
import type { Annotation } from '../../messages';
import {
	SessionAnnotator,
	annotateTranscript,
	isFallback,
	stateLabel,
	type TranscriptLine
} from './annotate';

const C = (text: string): TranscriptLine => ({ dir: 'client', text });
const S = (text: string): TranscriptLine => ({ dir: 'server', text });

/** Annotate `lines`; return the annotation of the last one. */
function last(lines: TranscriptLine[], listener?: 'mx' | 'submission' | 'submissions'): Annotation {
	const all = annotateTranscript(lines, { listener });
	return all[all.length - 1];
}

const GREETED = [
	S('220 lab.example ESMTP'),
	C('EHLO me.example'),
	S('250-lab.example'),
	S('250-PIPELINING'),
	S('250-SIZE 10485760'),
	S('250-STARTTLS'),
	S('250-AUTH PLAIN LOGIN'),
	S('250 ENHANCEDSTATUSCODES')
];
const IN_MAIL = [...GREETED, C('MAIL FROM:<a@me.example>'), S('250 2.1.0 Sender OK')];
const IN_RCPT = [...IN_MAIL, C('RCPT TO:<b@lab.example>'), S('250 2.1.5 Recipient OK')];

// Every reply the sandbox can emit, in the context it emits it: [lines, expected title, code, enhanced].
const sandboxReplies: [string, TranscriptLine[], RegExp, number, string | null][] = [
	['220 greeting', [S('220 lab.example ESMTP')], /Greeting/, 220, null],
	[
		'250 EHLO multi-line',
		[S('220 x'), C('EHLO me'), S('250-lab.example Hello')],
		/EHLO accepted/,
		250,
		null
	],
	['250 2.1.0 after MAIL', IN_MAIL, /Sender accepted/, 250, '2.1.0'],
	['250 2.1.5 after RCPT', IN_RCPT, /Recipient accepted/, 250, '2.1.5'],
	['354', [...IN_RCPT, C('DATA'), S('354 End data with <CR><LF>.<CR><LF>')], /Go ahead/, 354, null],
	[
		'250 2.6.0 after DATA end',
		[
			...IN_RCPT,
			C('DATA'),
			S('354 go'),
			C('Subject: hi'),
			C(''),
			C('x'),
			C('.'),
			S('250 2.6.0 Message queued as abc')
		],
		/Queued/,
		250,
		'2.6.0'
	],
	['221 2.0.0', [...GREETED, C('QUIT'), S('221 2.0.0 Bye')], /Goodbye/, 221, '2.0.0'],
	['250 2.0.0 RSET', [...IN_MAIL, C('RSET'), S('250 2.0.0 Flushed')], /Reset/, 250, '2.0.0'],
	['250 2.0.0 NOOP', [...GREETED, C('NOOP'), S('250 2.0.0 OK')], /nothing done/, 250, '2.0.0'],
	[
		'550 5.1.1 unknown user',
		[...IN_MAIL, C('RCPT TO:<nobody@lab.example>'), S('550 5.1.1 No such user')],
		/No such user/,
		550,
		'5.1.1'
	],
	[
		'452 4.2.2 mailbox full',
		[...IN_MAIL, C('RCPT TO:<full@lab.example>'), S('452 4.2.2 Mailbox full')],
		/Mailbox full/,
		452,
		'4.2.2'
	],
	[
		'451 4.7.1 greylisting',
		[...IN_MAIL, C('RCPT TO:<grey@lab.example>'), S('451 4.7.1 Greylisted, try again later')],
		/Greylisted/,
		451,
		'4.7.1'
	],
	[
		'550 5.7.1 relaying denied',
		[...IN_MAIL, C('RCPT TO:<x@elsewhere.example>'), S('550 5.7.1 Relaying denied')],
		/Relaying denied/,
		550,
		'5.7.1'
	],
	[
		'550 5.7.1 spam after DATA',
		[...IN_RCPT, C('DATA'), S('354 go'), C('.'), S('550 5.7.1 Message refused as spam')],
		/refused by policy/,
		550,
		'5.7.1'
	],
	[
		'552 5.3.4 too big',
		[...IN_RCPT, C('DATA'), S('354 go'), C('.'), S('552 5.3.4 Message too big')],
		/too big/,
		552,
		'5.3.4'
	],
	[
		'452 4.5.3 too many recipients',
		[...IN_RCPT, C('RCPT TO:<c@lab.example>'), S('452 4.5.3 Too many recipients')],
		/Too many recipients/,
		452,
		'4.5.3'
	],
	[
		'421 4.7.0 too many connections',
		[S('421 4.7.0 Too many connections, try later')],
		/Not now/,
		421,
		'4.7.0'
	],
	[
		'421 4.4.2 timeout',
		[...GREETED, S('421 4.4.2 lab.example Error: timeout exceeded')],
		/Timeout/,
		421,
		'4.4.2'
	],
	[
		'530 5.7.0 STARTTLS first',
		[...GREETED, C('MAIL FROM:<a@b.example>'), S('530 5.7.0 Must issue a STARTTLS command first')],
		/STARTTLS command first/,
		530,
		'5.7.0'
	],
	[
		'530 5.7.0 auth required',
		[...GREETED, C('MAIL FROM:<a@b.example>'), S('530 5.7.0 Authentication required')],
		/Authentication required/,
		530,
		'5.7.0'
	],
	[
		'535 5.7.8',
		[...GREETED, C('AUTH PLAIN AGEAYg=='), S('535 5.7.8 Authentication credentials invalid')],
		/Authentication failed/,
		535,
		'5.7.8'
	],
	[
		'235 2.7.0',
		[...GREETED, C('AUTH PLAIN AGEAYg=='), S('235 2.7.0 Authentication successful')],
		/Authenticated/,
		235,
		'2.7.0'
	],
	[
		'334',
		[...GREETED, C('AUTH LOGIN'), S('334 VXNlcm5hbWU6')],
		/next authentication step/,
		334,
		null
	],
	[
		'500 5.5.2',
		[...GREETED, C('FOO'), S('500 5.5.2 Error: command not recognized')],
		/500 Syntax error, command unrecognized/,
		500,
		'5.5.2'
	],
	[
		'501 5.5.4',
		[...GREETED, C('MAIL FROM:x y'), S('501 5.5.4 Syntax: MAIL FROM:<address>')],
		/501 Syntax error in parameters/,
		501,
		'5.5.4'
	],
	[
		'502 5.5.1 TURN',
		[...GREETED, C('TURN'), S('502 5.5.1 Command not implemented')],
		/TURN refused/,
		502,
		'5.5.1'
	],
	[
		'502 5.5.1 other',
		[...GREETED, C('HELP'), S('502 5.5.1 Command not implemented')],
		/502 Command not implemented/,
		502,
		'5.5.1'
	],
	[
		'503 5.5.1',
		[...GREETED, C('RCPT TO:<b@lab.example>'), S('503 5.5.1 Error: need MAIL command')],
		/503 Bad sequence/,
		503,
		'5.5.1'
	],
	[
		'504 5.5.4',
		[...GREETED, C('AUTH FOO'), S('504 5.5.4 Unrecognized authentication type')],
		/Unknown authentication mechanism/,
		504,
		'5.5.4'
	],
	[
		'555 5.5.4',
		[...GREETED, C('MAIL FROM:<a@b.example> FOO=1'), S('555 5.5.4 Unsupported option: FOO')],
		/Parameter not recognised/,
		555,
		'5.5.4'
	],
	[
		'553 5.6.7',
		[...IN_MAIL, C('RCPT TO:<josé@lab.example>'), S('553 5.6.7 Non-ASCII addresses not permitted')],
		/Non-ASCII/,
		553,
		'5.6.7'
	],
	[
		'220 Ready to start TLS',
		[...GREETED, C('STARTTLS'), S('220 2.0.0 Ready to start TLS')],
		/Ready to start TLS/,
		220,
		'2.0.0'
	],
	[
		'252 2.5.0 VRFY',
		[...GREETED, C('VRFY bob'), S('252 2.5.0 Cannot VRFY user, but will accept message')],
		/Cannot verify/,
		252,
		'2.5.0'
	],
	[
		'252 2.5.0 EXPN',
		[...GREETED, C('EXPN staff'), S('252 2.5.0 Cannot EXPN list')],
		/List not expanded/,
		252,
		'2.5.0'
	],
	[
		'214 HELP',
		[...GREETED, C('HELP'), S('214 2.0.0 See https://www.rfc-editor.org/rfc/rfc5321')],
		/Help text/,
		214,
		'2.0.0'
	]
];

describe('every sandbox reply gets a specific, non-fallback annotation', () => {
	for (const [name, lines, title, code, enhanced] of sandboxReplies)
		test(name, () => {
			const a = last(lines);
			expect(isFallback(a)).toBe(false);
			expect(a.title).toMatch(title);
			expect(a.code).toBe(code);
			expect(a.class).toBe(Math.floor(code / 100));
			expect(a.enhanced).toBe(enhanced);
			expect(a.ref).toBe(`replies/${code}`);
			expect(a.rfc!.length).toBeGreaterThan(0);
			expect(a.detail).toMatch(/First digit/);
		});
});

describe('state machine through the annotator', () => {
	// [lines, state after the last line, rule]
	const rows: [TranscriptLine[], string, string][] = [
		[[S('220 x')], 'greeted', 'RFC 5321 §3.1 greeting'],
		[[S('554 No SMTP service here')], 'connected', '§3.1: 554 greeting, wait for QUIT'],
		[GREETED, 'identified', '§4.1.1.1 EHLO'],
		[[...GREETED, C('STARTTLS'), S('220 go')], 'tls', 'RFC 3207 §4.2'],
		[
			[...GREETED, C('STARTTLS'), S('220 go'), C('EHLO me'), S('250 ok')],
			'identified',
			'EHLO again after TLS'
		],
		[
			[...GREETED, C('STARTTLS'), S('220 go'), C('RSET'), S('250 ok')],
			'tls',
			'RSET before EHLO keeps the TLS state'
		],
		[[...GREETED, C('AUTH LOGIN'), S('334 VXNlcm5hbWU6')], 'auth', 'RFC 4954 §4 334'],
		[
			[
				...GREETED,
				C('AUTH LOGIN'),
				S('334 VXNlcm5hbWU6'),
				C('dXNlcg=='),
				S('334 UGFzc3dvcmQ6'),
				C('cGFzcw=='),
				S('235 2.7.0 OK')
			],
			'authenticated',
			'LOGIN exchange'
		],
		[
			[
				...GREETED,
				C('AUTH LOGIN'),
				S('334 VXNlcm5hbWU6'),
				C('*'),
				S('501 5.7.0 Authentication aborted')
			],
			'identified',
			'* cancels'
		],
		[
			[
				...GREETED,
				C('AUTH PLAIN AGEAYg=='),
				S('235 ok'),
				C('MAIL FROM:<a@b.example>'),
				S('250 ok'),
				C('RSET'),
				S('250 ok')
			],
			'authenticated',
			'RSET keeps authentication'
		],
		[
			[...IN_MAIL, C('RCPT TO:<x@y.example>'), S('550 no')],
			'mail',
			'§4.1.4 errors leave the state unchanged'
		],
		[[...IN_MAIL, C('DATA'), S('503 5.5.1 need RCPT')], 'mail', 'DATA with no recipient'],
		[[...IN_RCPT, C('BDAT 10'), S('250 ok')], 'rcpt', 'RFC 3030 chunk'],
		[[...IN_RCPT, C('BDAT 10 LAST'), S('250 ok')], 'identified', 'RFC 3030 last chunk'],
		[[...IN_RCPT, C('BDAT 10'), S('552 too big')], 'identified', 'RFC 3030 failed chunk'],
		[[...IN_RCPT, C('EHLO again'), S('250 ok')], 'identified', '§4.1.4 EHLO resets like RSET'],
		[[...IN_RCPT, S('421 4.3.2 shutting down')], 'closed', '§3.8 421'],
		[[...IN_RCPT, C('QUIT'), S('221 bye')], 'closed', '§4.1.1.10']
	];
	for (const [lines, state, rule] of rows)
		test(rule, () => {
			expect(last(lines).stateAfter).toBe(state);
		});
});

describe('AUTH exchanges are decoded', () => {
	test('LOGIN: Username: and Password: prompts and answers', () => {
		const a = annotateTranscript([
			...GREETED,
			C('AUTH LOGIN'),
			S('334 VXNlcm5hbWU6'),
			C('dXNlcg=='),
			S('334 UGFzc3dvcmQ6'),
			C('c2VjcmV0')
		]);
		const n = a.slice(-4).map((x) => x.notes!.join(' '));
		expect(n[0]).toContain('"Username:"');
		expect(n[1]).toContain('this line is the user name, "user"');
		expect(n[2]).toContain('"Password:"');
		expect(n[3]).toContain('this line is the password, "secret"');
	});
	test('PLAIN without initial response, then cancel', () => {
		const a = annotateTranscript([
			...GREETED,
			C('AUTH PLAIN'),
			S('334 '),
			C('*'),
			S('501 5.7.0 cancelled')
		]);
		expect(a[a.length - 3].notes![0]).toMatch(/empty challenge/);
		expect(a[a.length - 2].title).toMatch(/cancelled/);
		expect(a[a.length - 1].title).toBe('Authentication cancelled');
	});
	test('an answer that does not decode to credentials: 501 5.5.2 (RFC 4954 §6)', () => {
		const plain = annotateTranscript([...GREETED, C('AUTH PLAIN !!!!'), S('501 5.5.2 bad')]);
		expect(plain[plain.length - 1].title).toBe('AUTH answer not understood');
		const login = annotateTranscript([
			...GREETED,
			C('AUTH LOGIN'),
			S('334 VXNlcm5hbWU6'),
			C('='),
			S('501 5.5.2 bad')
		]);
		expect(login[login.length - 1].title).toBe('AUTH answer not understood');
		// Another 501 after AUTH (a syntax error in the command) is not this.
		const syntax = annotateTranscript([...GREETED, C('AUTH'), S('501 5.5.4 syntax')]);
		expect(syntax[syntax.length - 1].title).not.toBe('AUTH answer not understood');
	});
	test('CRAM-MD5, XOAUTH2 and OAUTHBEARER', () => {
		const cram = annotateTranscript([
			...GREETED,
			C('AUTH CRAM-MD5'),
			S('334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+'),
			C('dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw')
		]);
		expect(cram[cram.length - 2].notes!.join()).toContain(
			'<1896.697170952@postoffice.reston.mci.net>'
		);
		expect(cram[cram.length - 1].notes!.join()).toContain('user "tim"');
		const x = last([
			...GREETED,
			C(
				'AUTH XOAUTH2 dXNlcj1hQGIuZXhhbXBsZQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ=='
			)
		]);
		expect(x.notes!.join()).toContain('user=a@b.example | auth=Bearer <token>');
		const o = annotateTranscript([
			...GREETED,
			C(
				'AUTH OAUTHBEARER bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2c9PQEB'
			),
			S('334 eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIn0='),
			C(''),
			S('535 5.7.8 nope')
		]);
		expect(o[o.length - 4].notes!.join()).toContain('host=server.example.com');
		expect(o[o.length - 3].notes!.join()).toMatch(/JSON/);
		expect(o[o.length - 2].notes![0]).toMatch(/empty response/);
	});
	test('warns about password mechanisms before TLS, and bad base64', () => {
		const a = last([...GREETED, C('AUTH PLAIN ****')]);
		expect(a.notes!.join()).toMatch(/not encrypted/);
		expect(a.notes!.join()).toMatch(/Not valid base64/);
		expect(last([...GREETED, C('AUTH PLAIN =')]).notes!.join()).toMatch(/empty initial response/);
		expect(last([...GREETED, C('AUTH LOGIN'), S('334 not base64!')]).notes!.join()).toMatch(
			/not base64/
		);
	});
});

describe('EHLO keywords', () => {
	test('each keyword line explains its extension, with parameters', () => {
		const a = annotateTranscript(GREETED);
		expect(a[4].ref).toBe('extensions/size');
		expect(a[4].notes!.join()).toContain('10,485,760 octets');
		expect(a[6].notes!.join()).toContain('PLAIN');
		expect(a[6].notes!.join()).toMatch(/before TLS/);
	});
	test('unknown and vendor keywords, legacy AUTH=, SIZE 0', () => {
		const a = annotateTranscript([
			S('220 x'),
			C('EHLO me'),
			S('250-x'),
			S('250-XCLIENT NAME ADDR'),
			S('250-FUTURE'),
			S('250-AUTH=LOGIN PLAIN'),
			S('250-AUTH WEIRD'),
			S('250 SIZE 0')
		]);
		expect(a[3].summary).toMatch(/private/);
		expect(a[4].summary).toMatch(/no entry/);
		expect(a[5].notes!.join()).toMatch(/pre-standard/);
		expect(a[6].notes!.join()).toMatch(/no entry/);
		expect(a[7].notes!.join()).toMatch(/no fixed maximum/);
	});
	test('parameters not advertised are noted on the next MAIL', () => {
		const a = last([...GREETED, C('MAIL FROM:<a@b.example> BODY=8BITMIME SIZE=99999999')]);
		expect(a.notes!.join()).toMatch(/8BITMIME extension, which the server did not advertise/);
		expect(a.notes!.join()).toMatch(/expect 552/);
	});
});

describe('message content', () => {
	test('an isData event is summarised and compared with the envelope', () => {
		const ann = new SessionAnnotator({ listener: 'submission' });
		for (const l of [
			...IN_RCPT,
			C('RCPT TO:<hidden@lab.example>'),
			S('250 ok'),
			C('DATA'),
			S('354 go')
		])
			ann.annotate(l);
		const a = ann.annotate({
			dir: 'client',
			isData: true,
			text: 'From: A <a@me.example>\nTo: b@lab.example\nSubject: =?utf-8?B?SGVsbG8gd29ybGQ=?=\nContent-Transfer-Encoding: base64\n\n..x\n'
		});
		const notes = a.notes!.join('\n');
		expect(a.title).toMatch(/header fields, blank line, body/);
		expect(notes).toContain('Subject: Hello world — decoded');
		expect(notes).toContain('Missing required field(s): Date');
		// The blind copy is told only with the 250 that accepts the message (below).
		expect(notes).not.toContain('hidden@lab.example');
		expect(notes).toContain('1 dot-stuffed');
		expect(notes).toContain('1.37');
		expect(ann.pendingCommands).toEqual([]);
		// The recorder then sends the "." line on its own: it ends the data.
		const dot = ann.annotate(C('.'));
		expect(dot.title).toMatch(/End of data/);
		expect(dot.notes).toEqual([]);
		expect(ann.pendingCommands).toEqual(['.']);
		const queued = ann.annotate(S('250 2.6.0 queued'));
		expect(queued.title).toMatch(/Queued/);
		expect(queued.notes!.join()).toContain('hidden@lab.example, although no To: or Cc:');
		expect(ann.state).toBe('identified');
	});
	test('content lines: unknown header, long lines, 8-bit without 8BITMIME', () => {
		const a = annotateTranscript([
			...IN_RCPT,
			C('DATA'),
			S('354 go'),
			C('X-Mailer: test'),
			C('Subject: ' + 'x'.repeat(100)),
			C(''),
			C('y'.repeat(1000)),
			C('héllo'),
			C('.')
		]);
		expect(a[a.length - 6].title).toBe('X-Mailer: header field');
		expect(a[a.length - 5].notes!.join()).toMatch(/at most 78/);
		expect(a[a.length - 3].notes!.join()).toMatch(/over the 998/);
		const dot = a[a.length - 1].notes!.join('\n');
		expect(dot).toMatch(/did not advertise 8BITMIME/);
		expect(dot).toMatch(/over 998/);
	});
});

describe('system events, odd replies, pipelining notes', () => {
	test('connect on each listener; tls, disconnect, timeout, note', () => {
		const ann = new SessionAnnotator({ listener: 'submissions' });
		const c = ann.annotate({ dir: 'system', kind: 'connect', text: 'client 127.0.0.1' });
		expect(c.notes!.join()).toMatch(/Port 465/);
		expect(ann.annotate({ dir: 'system', kind: 'tls', text: 'TLSv1.3' }).title).toBe(
			'TLS established'
		);
		ann.annotate(S('220 x'));
		ann.annotate(C('NOOP'));
		expect(ann.annotate({ dir: 'system', kind: 'disconnect', text: '' }).notes!.join()).toMatch(
			/never got a reply/
		);
		expect(ann.state).toBe('closed');
		expect(ann.annotate({ dir: 'system', kind: 'timeout', text: '' }).title).toBe('Timeout');
		const n = ann.annotate({ dir: 'system', text: 'hello' });
		expect(n.summary).toBe('hello');
		expect(last([{ dir: 'system', kind: 'connect', text: '' }], 'mx').notes!.join()).toMatch(
			/Port 25/
		);
		expect(
			last([{ dir: 'system', kind: 'connect', text: '' }], 'submission').notes!.join()
		).toMatch(/Port 587/);
	});
	test('unknown codes fall back to their class; garbage is not a reply', () => {
		const a = last([...GREETED, C('NOOP'), S('259 odd')]);
		expect(isFallback(a)).toBe(true);
		expect(a.summary).toMatch(/Done/);
		// RFC 5321 §4.2: Reply-code = %x32-35 %x30-35 %x30-39, so 699 and 299 are no reply codes.
		for (const odd of ['699 odd', '299 odd'])
			expect(last([...GREETED, C('NOOP'), S(odd)]).title).toBe('Not a reply line');
		expect(last([S('hello there')]).title).toBe('Not a reply line');
		expect(last([...GREETED, S('250 unsolicited')]).notes!.join()).toMatch(/unexpected/);
		expect(last([...GREETED, C('NOOP'), S('250-a'), S('251 b')]).notes!.join()).toMatch(
			/code changed/
		);
		expect(
			last([
				...GREETED,
				C('NOOP'),
				S('250 2.1.0 odd'),
				C('NOOP'),
				S('550 2.0.0 mismatch')
			]).notes!.join()
		).toMatch(/should match/);
	});
	test('unknown command, misspelled verb, pipelined note', () => {
		expect(last([...GREETED, C('MAIL FORM:<a@b.example>')]).notes!.join()).toMatch(
			/Did you mean "MAIL FROM:"/
		);
		expect(last([...GREETED, C('FOOBAR')]).title).toBe('Unknown command');
		expect(last([...GREETED, C('MIAL FROM:<a@b.example>')]).title).toMatch(
			/did you mean MAIL FROM:/
		);
		expect(
			last([...GREETED, C('MAIL FROM:<a@b.example>'), C('RCPT TO:<b@c.example>')]).notes!.join()
		).toMatch(/pipelined/);
	});
	test('class notes in context', () => {
		expect(
			last([...IN_MAIL, C('RCPT TO:<b@c.example>'), S('450 4.2.0 busy')]).notes!.join()
		).toMatch(/Only this recipient is deferred/);
		expect(
			last([...IN_RCPT, C('DATA'), S('354 go'), C('.'), S('451 4.3.0 local error')]).notes!.join()
		).toMatch(/queued/);
		expect(
			last([...IN_RCPT, C('DATA'), S('354 go'), C('.'), S('554 5.6.0 bad')]).notes!.join()
		).toMatch(/sends no bounce/);
		expect(last([...GREETED, C('MAIL FROM:<a@b.example>'), S('550 5.7.1 go away')]).title).toBe(
			'Sender refused'
		);
	});
	test('stateLabel', () => {
		expect(stateLabel('rcpt')).toBe('With recipients');
		expect(stateLabel('nope')).toBe('nope');
	});
});

describe('long sessions', () => {
	// Speed is measured by `npm run bench`, not asserted here: timed assertions are flaky.
	test('10,000 lines: one annotation per line, the state machine still in step', () => {
		const block = [
			C('MAIL FROM:<a@b.example> SIZE=100'),
			S('250 2.1.0 OK'),
			C('RCPT TO:<b@lab.example>'),
			S('250 2.1.5 OK'),
			C('DATA'),
			S('354 go'),
			C('Subject: x'),
			C(''),
			C('body'),
			C('.'),
			S('250 2.6.0 queued'),
			C('RSET'),
			S('250 2.0.0 OK')
		];
		const lines: TranscriptLine[] = [...GREETED];
		while (lines.length < 10_000) lines.push(...block);
		lines.length = 10_000;
		const annotations = annotateTranscript(lines);
		expect(annotations).toHaveLength(10_000);
		expect(annotations.filter(isFallback)).toEqual([]);
	});
	test('AUTH answers that look like base64 but are not never throw', () => {
		const a = annotateTranscript([
			...GREETED,
			C('AUTH LOGIN'),
			S('334 VXNlcm5hbWU6'),
			C('abcde='),
			S('334 UGFzc3dvcmQ6'),
			C('a===')
		]);
		expect(a.at(-3)!.notes!.join()).toMatch(/Not valid base64/);
		expect(a.at(-1)!.notes!.join()).toMatch(/Not valid base64/);
	});
});
