/**
 * Issue 10 (an independent audit): what the annotations teach must follow the RFCs. Expected
 * strings are written by hand from the RFC text cited on each row.
 */
import { describe, expect, test } from 'vitest';
import type { Annotation } from '../../messages';
import { annotateTranscript, type TranscriptLine } from './annotate';
import { authMechanismsByName } from '../tables/authMechanisms';
import { parametersByName } from '../tables/commands';
import { headerFieldsByName } from '../tables/headerFields';
import { statesById } from '../protocol/stateMachine';

const C = (text: string): TranscriptLine => ({ dir: 'client', text });
const S = (text: string): TranscriptLine => ({ dir: 'server', text });

function last(lines: TranscriptLine[]): Annotation {
	return annotateTranscript(lines).at(-1)!;
}

const GREETED = [
	S('220 lab.example ESMTP'),
	C('EHLO me.example'),
	S('250-lab.example'),
	S('250-SIZE 1048576'),
	S('250 ENHANCEDSTATUSCODES')
];
const IN_MAIL = [...GREETED, C('MAIL FROM:<a@me.example>'), S('250 2.1.0 OK')];

describe('552 after RCPT: three meanings, one title each', () => {
	// [reply, title expected, RFC the row follows]
	const rows: [string, RegExp, string][] = [
		// RFC 5321 §4.5.3.1.10: only "too many recipients" is the old code (452 is correct).
		['552 5.5.3 Too many recipients', /^Too many recipients \(old code\)$/, '5321 §4.5.3.1.10'],
		['552 Too many recipients', /^Too many recipients \(old code\)$/, '5321 §4.5.3.1.10'],
		// RFC 3463 §3.3 X.2.2 mailbox full: a persistent transient failure, sent here as permanent.
		['552 5.2.2 Mailbox full', /^Mailbox full/, '3463 §3.3'],
		// RFC 1870 §6.4: per-recipient refusal for the declared size.
		['552 5.3.4 Message too big for this user', /too big/, '1870 §6.4'],
		['552 5.2.3 Message exceeds quota for this user', /too big/, '1870 §6.4']
	];
	for (const [reply, title, rule] of rows)
		test(`${reply} (RFC ${rule})`, () => {
			const a = last([...IN_MAIL, C('RCPT TO:<b@lab.example>'), S(reply)]);
			expect(a.title).toMatch(title);
			if (!/Too many/.test(reply)) expect(a.title).not.toMatch(/Too many recipients/);
		});
	test('552 5.2.2 says 452 4.2.2 is the usual form', () => {
		const a = last([...IN_MAIL, C('RCPT TO:<full@lab.example>'), S('552 5.2.2 Mailbox full')]);
		expect(a.summary).toContain('452 4.2.2');
		expect(a.rfc).toContainEqual({ rfc: 3463, section: '3.3' });
	});
	test('552 for the declared size cites RFC 1870 §6.4', () => {
		const a = last([...IN_MAIL, C('RCPT TO:<b@lab.example>'), S('552 5.3.4 Too big')]);
		expect(a.rfc).toContainEqual({ rfc: 1870, section: '6.4' });
	});
});

describe('enhanced codes are read in the reply’s class (RFC 3463 §2)', () => {
	const DONE = [...IN_MAIL, C('RCPT TO:<b@lab.example>'), S('250 2.1.5 OK'), C('DATA')];
	// [lines, what the enhanced-code note must not say, what it must say]
	const rows: [string, TranscriptLine[], RegExp, RegExp][] = [
		[
			'250 2.6.0 after the data',
			[...DONE, S('354 go'), C('Subject: x'), C(''), C('.'), S('250 2.6.0 Queued as 1')],
			/considered undeliverable/,
			/^2\.6\.0: Success · .*accepted/
		],
		[
			'235 2.7.0',
			[...GREETED, C('AUTH PLAIN AGEAYg=='), S('235 2.7.0 Authentication successful')],
			/caused the message to be returned/,
			/^2\.7\.0: Success · .*authentication succeeded/
		],
		[
			'451 4.7.1 greylisting',
			[...IN_MAIL, C('RCPT TO:<greylist@lab.example>'), S('451 4.7.1 Greylisted, try later')],
			/^(?!.*registry lists 451).*useful only as a permanent error/,
			/^4\.7\.1: .*registry lists 451 among X\.7\.1’s basic codes/
		]
	];
	for (const [name, lines, not, must] of rows)
		test(name, () => {
			const note = last(lines).notes![0];
			expect(note).not.toMatch(not);
			expect(note).toMatch(must);
		});
});

describe('notes follow the actual reply and the session state (RFC 5321 §3.2, §4.1.4, §4.3.2)', () => {
	const IN_RCPT = [...IN_MAIL, C('RCPT TO:<b@lab.example>'), S('250 2.1.5 OK')];
	const notesOf = (lines: TranscriptLine[]) => {
		const a = last(lines);
		return [a.summary, ...a.notes!].join('\n');
	};
	// [name, lines, note that must appear (or null), note that must not appear (or null)]
	const rows: [string, TranscriptLine[], RegExp | null, RegExp | null][] = [
		[
			'503 to a second MAIL: the open transaction carries on',
			[...IN_RCPT, C('MAIL FROM:<c@me.example>'), S('503 5.5.1 Error: nested MAIL command')],
			/already open/,
			/no transaction is open/
		],
		[
			'550 to the first MAIL: no transaction is open',
			[...GREETED, C('MAIL FROM:<c@me.example>'), S('550 5.7.1 Sender refused')],
			/no transaction is open/,
			null
		],
		[
			'501 to the first MAIL: no transaction is open',
			[...GREETED, C('MAIL FROM:<c@me.example> x=?'), S('501 5.5.4 Bad parameter')],
			/no transaction is open/,
			null
		],
		[
			'503 to RCPT outside a transaction: send MAIL FROM first',
			[...GREETED, C('RCPT TO:<b@lab.example>'), S('503 5.5.1 Error: need MAIL command')],
			/send MAIL FROM first/,
			/others in the transaction/
		],
		[
			'501 to RCPT outside a transaction: no word of other recipients',
			[...GREETED, C('RCPT TO:b'), S('501 5.5.4 Syntax error')],
			null,
			/others in the transaction/
		],
		[
			'501 to RCPT inside a transaction: only this recipient',
			[...IN_RCPT, C('RCPT TO:b'), S('501 5.5.4 Syntax error')],
			/Only this recipient is refused/,
			null
		],
		[
			'550 to RCPT inside a transaction: only this recipient',
			[...IN_RCPT, C('RCPT TO:<c@lab.example>'), S('550 5.2.1 Mailbox disabled')],
			/Only this recipient is refused/,
			null
		],
		[
			'421 to RCPT: the connection closes, nothing goes on',
			[...IN_RCPT, C('RCPT TO:<c@lab.example>'), S('421 4.3.2 Shutting down')],
			null,
			/goes on with the others/
		],
		[
			'501 to EHLO without a domain: no HELO fallback',
			[S('220 lab.example'), C('EHLO'), S('501 5.5.4 Syntax: EHLO hostname')],
			null,
			/fall back to HELO/
		],
		[
			'550 to EHLO: no HELO fallback',
			[S('220 lab.example'), C('EHLO me.example'), S('550 5.7.1 Go away')],
			null,
			/fall back to HELO/
		],
		[
			'500 to EHLO: fall back to HELO (§3.2)',
			[S('220 old.example'), C('EHLO me.example'), S('500 Command not recognized')],
			/fall back to HELO/,
			null
		],
		[
			'502 to EHLO: an old-style server (§4.3.2)',
			[S('220 old.example'), C('EHLO me.example'), S('502 Command not implemented')],
			/fall back to HELO/,
			null
		]
	];
	for (const [name, lines, must, not] of rows)
		test(name, () => {
			const notes = notesOf(lines);
			if (must) expect(notes).toMatch(must);
			if (not) expect(notes).not.toMatch(not);
		});
	test('the HELO fallback cites RFC 5321 §3.2', () => {
		const a = last([S('220 old.example'), C('EHLO me.example'), S('500 Command not recognized')]);
		expect(a.rfc).toContainEqual({ rfc: 5321, section: '3.2' });
	});
});

describe('VRFY and EXPN (RFC 5321 §3.5.3, §7.3)', () => {
	const text = (a: Annotation) => [a.title, a.summary, a.detail ?? ''].join('\n');
	test('VRFY teaches the 252 MUST and that 502 is "not in full compliance"', () => {
		const a = last([...GREETED, C('VRFY bob')]);
		expect(text(a)).toMatch(/disables VRFY for security reasons MUST answer 252/);
		expect(text(a)).toMatch(/not in full compliance/);
		expect(a.rfc).toContainEqual({ rfc: 5321, section: '7.3' });
		expect(a.rfc).toContainEqual({ rfc: 5321, section: '3.5.3' });
	});
	test('EXPN teaches the same 252 MUST', () => {
		const a = last([...GREETED, C('EXPN staff')]);
		expect(text(a)).toMatch(/disables EXPN for security reasons \(a MUST, RFC 5321 §7\.3\)/);
		expect(a.rfc).toContainEqual({ rfc: 5321, section: '7.3' });
	});
	// [command, reply, title, text the annotation must hold]
	const rows: [string, string, RegExp, RegExp][] = [
		['VRFY bob', '252 2.5.0 Cannot VRFY user', /Cannot verify/, /MUST answer 252/],
		['EXPN staff', '252 2.5.0 Cannot EXPN list', /List not expanded/, /MUST answer/],
		['VRFY bob', '502 5.5.1 VRFY disabled', /VRFY not implemented/, /not in full compliance/],
		['VRFY bob', '500 5.5.2 Unknown command', /VRFY not implemented/, /not in full compliance/],
		['EXPN staff', '502 5.5.1 Not implemented', /EXPN not implemented/, /must answer 252/],
		['TURN', '502 5.5.1 Not implemented', /TURN refused/, /deprecated/]
	];
	for (const [command, reply, title, must] of rows)
		test(`${command} → ${reply}`, () => {
			const a = last([...GREETED, C(command), S(reply)]);
			expect(a.title).toMatch(title);
			expect(text(a)).toMatch(must);
		});
	test('252 2.5.0 is not read as "the command was carried out"', () => {
		const a = last([...GREETED, C('VRFY bob'), S('252 2.5.0 Cannot VRFY user')]);
		expect(a.notes![0]).toMatch(/^2\.5\.0: Success · .*acceptable and answered/);
	});
	test('TURN refused cites RFC 5321 Appendix F.1', () => {
		const a = last([...GREETED, C('TURN'), S('502 5.5.1 Not implemented')]);
		expect(a.rfc).toContainEqual({ rfc: 5321, section: 'F.1' });
	});
});

describe('a blind copy is told only with the 250 that accepts the message (RFC 5321 §4.1.1.4)', () => {
	const ENVELOPE = [
		...IN_MAIL,
		C('RCPT TO:<b@lab.example>'),
		S('250 2.1.5 OK'),
		C('RCPT TO:<hidden@lab.example>'),
		S('250 2.1.5 OK'),
		C('DATA'),
		S('354 go')
	];
	const HEADERS = [C('From: a@me.example'), C('To: b@lab.example'), C('Subject: hi'), C('')];
	const BLIND = /hidden@lab\.example.*this is what Bcc is/;
	const blindNotes = (lines: TranscriptLine[]) =>
		annotateTranscript(lines).map((a) => a.notes!.some((n) => BLIND.test(n)));
	test('250: said on the reply, not before', () => {
		const said = blindNotes([...ENVELOPE, ...HEADERS, C('body'), C('.'), S('250 2.6.0 Queued')]);
		expect(said.at(-1)).toBe(true);
		expect(said.slice(0, -1)).not.toContain(true);
	});
	test('refused after the data (550): never said', () => {
		const said = blindNotes([...ENVELOPE, ...HEADERS, C('spam'), C('.'), S('550 5.7.1 Spam')]);
		expect(said).not.toContain(true);
	});
	test('deferred after the data (451): never said', () => {
		const said = blindNotes([...ENVELOPE, ...HEADERS, C('x'), C('.'), S('451 4.3.0 Try later')]);
		expect(said).not.toContain(true);
	});
	test('no header section: nothing to be blind to, never said', () => {
		const said = blindNotes([...ENVELOPE, C(''), C('only a body'), C('.'), S('250 2.6.0 Queued')]);
		expect(said).not.toContain(true);
	});
	test('a refused message does not leak into the next one', () => {
		const said = blindNotes([
			...ENVELOPE,
			...HEADERS,
			C('.'),
			S('550 5.7.1 Spam'),
			C('MAIL FROM:<a@me.example>'),
			S('250 2.1.0 OK'),
			C('RCPT TO:<b@lab.example>'),
			S('250 2.1.5 OK'),
			C('DATA'),
			S('354 go'),
			...HEADERS,
			C('.'),
			S('250 2.6.0 Queued')
		]);
		expect(said).not.toContain(true);
	});
});

describe('engine facts (RFC 3461 §4.1, §4.3; RFC 3207 §4.2; RFC 2195; RFC 5322 §3.6.3)', () => {
	test('NOTIFY: without it, FAILURE or FAILURE,DELAY (RFC 3461 §4.1)', () => {
		const row = parametersByName.get('RCPT NOTIFY')!;
		expect(row.summary).toMatch(/Without NOTIFY, .*NOTIFY=FAILURE or NOTIFY=FAILURE,DELAY/);
		expect(row.rfc).toContainEqual({ rfc: 3461, section: '4.1' });
		const a = last([...IN_MAIL, C('RCPT TO:<b@lab.example> NOTIFY=SUCCESS')]);
		expect(a.notes!.join()).toMatch(/NOTIFY=FAILURE,DELAY/);
	});
	test('RET: without it, headers or the full message (RFC 3461 §4.3)', () => {
		const row = parametersByName.get('MAIL RET')!;
		expect(row.summary).toMatch(/Without RET, the server may return either/);
		expect(row.rfc).toContainEqual({ rfc: 3461, section: '4.3' });
	});
	test('after STARTTLS the client SHOULD send EHLO (RFC 3207 §4.2), not "must"', () => {
		const command = last([...GREETED, C('STARTTLS')]);
		expect(command.detail).toMatch(/SHOULD send EHLO as its first command \(RFC 3207 §4\.2\)/);
		const reply = last([...GREETED, C('STARTTLS'), S('220 2.0.0 Ready to start TLS')]);
		expect(reply.summary).toMatch(/should send EHLO again/);
		expect(reply.summary).not.toMatch(/must send EHLO/);
		expect(statesById.get('tls')!.summary).toMatch(/should send EHLO .*\(RFC 3207 §4\.2\)/);
		expect(statesById.get('tls')!.label).not.toMatch(/must/);
	});
	test('CRAM-MD5: RFC 2195 is a Proposed Standard, said with its standing', () => {
		const row = authMechanismsByName.get('CRAM-MD5')!;
		expect(row.standardised).toBe(true);
		expect(row.summary).toMatch(/Proposed Standard/);
		expect(row.summary).toMatch(/Historic/);
	});
	test('Bcc: RFC 5322 §3.6.3 allows three ways', () => {
		const row = headerFieldsByName.get('bcc')!;
		expect(row.summary).toMatch(/three ways/);
		expect(row.summary).not.toMatch(/Usually removed/);
		expect(row.rfc).toContainEqual({ rfc: 5322, section: '3.6.3' });
	});
});

describe('the commonest slip gets its fix without a click (RFC 5321 §3.3)', () => {
	// [typed, corrected line written by hand]
	const rows: [string, string][] = [
		['MAIL FROM: alice@example.com', 'MAIL FROM:<alice@example.com>'],
		['MAIL FROM:alice@example.com', 'MAIL FROM:<alice@example.com>'],
		['MAIL FROM: <alice@example.com>', 'MAIL FROM:<alice@example.com>'],
		['MAIL FROM alice@example.com', 'MAIL FROM:<alice@example.com>'],
		['mail from: bob@example.org SIZE=100', 'MAIL FROM:<bob@example.org> SIZE=100'],
		['RCPT TO: carol@example.net', 'RCPT TO:<carol@example.net>']
	];
	for (const [typed, fixed] of rows) {
		const before = typed.startsWith('RCPT') ? IN_MAIL : GREETED;
		test(`${typed}: the command's summary shows ${fixed}`, () => {
			const a = last([...before, C(typed)]);
			expect(a.summary).toContain(`Write it as ${fixed}:`);
			expect(a.rfc).toContainEqual({ rfc: 5321, section: '3.3' });
		});
		test(`${typed} → 501: the reply's title and summary show ${fixed}`, () => {
			const a = last([...before, C(typed), S('501 5.1.7 Bad sender address syntax')]);
			expect(a.title).toBe(`Syntax error: write ${fixed}`);
			expect(a.summary).toContain(`Send ${fixed}:`);
			expect(a.code).toBe(501);
			expect(a.ref).toBe('replies/501');
		});
	}
	test('a correct line, or one with no domain, gets no such fix', () => {
		expect(last([...GREETED, C('MAIL FROM:<alice@example.com>')]).summary).not.toMatch(
			/Write it as/
		);
		expect(last([...GREETED, C('MAIL FROM: alice')]).summary).not.toMatch(/Write it as/);
		const ok = last([...GREETED, C('MAIL FROM: alice@example.com'), S('250 2.1.0 OK')]);
		expect(ok.title).not.toMatch(/Syntax error/);
	});
});

describe('RFC 1870 size refusals to MAIL FROM … SIZE=', () => {
	// [reply, title, RFC 1870 section of the reply (§6.1) and of what the client does (§6.2)]
	const rows: [string, RegExp][] = [
		['552 5.3.4 Message size exceeds fixed maximum message size', /too big \(declared SIZE\)/],
		['452 4.3.1 Insufficient system storage', /No room now/]
	];
	for (const [reply, title] of rows)
		test(reply, () => {
			const a = last([...GREETED, C('MAIL FROM:<a@me.example> SIZE=99999999'), S(reply)]);
			expect(a.title).toMatch(title);
			expect(a.rfc).toContainEqual({ rfc: 1870, section: '6.1' });
			expect(a.rfc).toContainEqual({ rfc: 1870, section: '6.2' });
		});
});
