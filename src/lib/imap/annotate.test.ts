import { describe, expect, test } from 'vitest';
import { sampleTranscripts } from '../../routes/annotate/samples';
import { ImapAnnotator, type ImapAnnotateInput } from './annotate';
import { imapTranscriptEvents, looksLikeImap } from './transcriptImport';

/*
 * The IMAP annotator over RFC 3501's own examples (§8's sample session, §6's command examples),
 * RFC 2177's IDLE example, and the shapes the recorder stores (a FETCH's content event, a
 * literal sent with the rest of its command). Every expected title and state is written by hand
 * from the RFC text.
 */

const C = (text: string): ImapAnnotateInput => ({ dir: 'client', text });
const S = (text: string): ImapAnnotateInput => ({ dir: 'server', text });
const SYS = (kind: ImapAnnotateInput['kind'], text = ''): ImapAnnotateInput => ({
	dir: 'system',
	text,
	kind
});

/** Annotates `lines` after a greeting and login, so the session starts authenticated. */
function run(lines: ImapAnnotateInput[], start: 'greeted' | 'authenticated' | 'selected') {
	const annotator = new ImapAnnotator();
	const prefix = [S('* OK IMAP4rev1 ready')];
	if (start !== 'greeted') prefix.push(C('p1 LOGIN u p'), S('p1 OK'));
	if (start === 'selected') prefix.push(C('p2 SELECT INBOX'), S('* 3 EXISTS'), S('p2 OK'));
	for (const l of prefix) annotator.annotate(l);
	return lines.map((l) => annotator.annotate(l));
}

const titlesAndStates = (annotations: { title: string; stateAfter?: string }[]) =>
	annotations.map((a) => [a.title, a.stateAfter]);

describe('RFC 3501 §8, the sample IMAP4rev1 connection (/annotate’s sample)', () => {
	const sample = sampleTranscripts.find((s) => s.id === 'imap-cs')!;
	const events = [...imapTranscriptEvents(sample.text)];

	test('is recognised as IMAP', () => expect(looksLikeImap(sample.text)).toBe(true));

	test('every line: who sent it, its title and the state after it', () => {
		expect(events.map((e) => [e.dir, e.annotation.title, e.annotation.stateAfter])).toEqual([
			['server', 'Greeting', 'imap-not-authenticated'],
			['client', 'LOGIN — user name and password', 'imap-not-authenticated'],
			['server', 'OK to LOGIN', 'imap-authenticated'],
			['client', 'SELECT — open a mailbox', 'imap-authenticated'],
			['server', '18 EXISTS — 18 message(s)', 'imap-authenticated'],
			['server', 'FLAGS — the flags this mailbox knows', 'imap-authenticated'],
			['server', '2 RECENT', 'imap-authenticated'],
			['server', 'Untagged OK [UNSEEN]', 'imap-authenticated'],
			['server', 'Untagged OK [UIDVALIDITY]', 'imap-authenticated'],
			['server', 'OK to SELECT', 'imap-selected'],
			['client', 'FETCH — read message data', 'imap-selected'],
			// The FETCH line broken "for editorial clarity" is one response.
			['server', 'FETCH of message 12', 'imap-selected'],
			['server', 'OK to FETCH', 'imap-selected'],
			['client', 'FETCH — read message data', 'imap-selected'],
			['server', 'FETCH of message 12', 'imap-selected'],
			// The literal {342}: 8 header lines, then the blank line completes its 342 octets.
			...Array.from({ length: 8 }, () => ['server', 'Line of BODY[HEADER]', 'imap-selected']),
			['server', 'Content of BODY[HEADER]', 'imap-selected'],
			['server', 'End of FETCH of message 12', 'imap-selected'],
			['server', 'OK to FETCH', 'imap-selected'],
			['client', 'STORE — change flags', 'imap-selected'],
			['server', 'FETCH of message 12', 'imap-selected'],
			['server', 'OK to STORE', 'imap-selected'],
			['client', 'LOGOUT — end the session', 'imap-selected'],
			['server', 'BYE', 'imap-logout'],
			['server', 'OK to LOGOUT', 'imap-logout']
		]);
	});

	test('what the lines say', () => {
		const notes = (i: number) => events[i].annotation.notes!.join(' ');
		expect(notes(4)).toContain('18 message(s) in the mailbox.');
		expect(notes(4)).toContain('Part of the answer to a002 select inbox.');
		expect(notes(7)).toContain('[UNSEEN 17]');
		expect(notes(9)).toContain('INBOX is open read-write.');
		expect(events[9].annotation.ref).toBe('imap/codes/read-write');
		expect(notes(10)).toContain(
			'FULL is shorthand for FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY.'
		);
		expect(notes(11)).toContain('Its size: 4,286 octets.');
		expect(notes(11)).toContain('Subject “IMAP4rev1 WG mtg summary and minutes”');
		expect(notes(14)).toContain('BODY[HEADER] follows as a literal of 342 octets');
		expect(notes(23)).toContain('342 octets of BODY[HEADER]: 9 line(s).');
		expect(notes(23)).toContain('From: Terry Gray <gray@cac.washington.edu>');
		expect(notes(26)).toContain('\\Deleted only marks the message');
		expect(notes(27)).toContain('Its flags: \\Seen (read), \\Deleted (marked for removal).');
		expect(notes(30)).toContain('The expected BYE of LOGOUT');
		// The literal's lines and the rest of the FETCH are one response.
		expect(new Set(events.slice(14, 25).map((e) => e.replyId)).size).toBe(1);
	});
});

describe('RFC 3501 §6 examples', () => {
	test('§6.2.1 STARTTLS: LOGINDISABLED before TLS, AUTH=PLAIN after', () => {
		const a = run(
			[
				C('a001 CAPABILITY'),
				S('* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED'),
				S('a001 OK CAPABILITY completed'),
				C('a002 STARTTLS'),
				S('a002 OK Begin TLS negotiation now'),
				SYS('tls'),
				C('a003 CAPABILITY'),
				S('* CAPABILITY IMAP4rev1 AUTH=PLAIN'),
				S('a003 OK CAPABILITY completed'),
				C('a004 LOGIN joe password'),
				S('a004 OK LOGIN completed')
			],
			'greeted'
		);
		expect(titlesAndStates(a)).toEqual([
			['CAPABILITY — what the server supports', 'imap-not-authenticated'],
			['CAPABILITY — the server’s capabilities', 'imap-not-authenticated'],
			['OK to CAPABILITY', 'imap-not-authenticated'],
			['STARTTLS — encrypt this connection', 'imap-not-authenticated'],
			['OK to STARTTLS', 'imap-not-authenticated'],
			['TLS established', 'imap-not-authenticated'],
			['CAPABILITY — what the server supports', 'imap-not-authenticated'],
			['CAPABILITY — the server’s capabilities', 'imap-not-authenticated'],
			['OK to CAPABILITY', 'imap-not-authenticated'],
			['LOGIN — user name and password', 'imap-not-authenticated'],
			['OK to LOGIN', 'imap-authenticated']
		]);
		expect(a[1].notes).toContain(
			'LOGINDISABLED and no AUTH= before TLS: passwords only after STARTTLS.'
		);
		// Under TLS the password line is not said to travel in the clear.
		expect(a[9].notes!.join(' ')).not.toContain('before TLS');
	});

	test('LOGIN while LOGINDISABLED is advertised, before TLS', () => {
		const a = run(
			[
				C('a1 CAPABILITY'),
				S('* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED'),
				S('a1 OK'),
				C('a2 LOGIN joe password'),
				S('a2 NO use STARTTLS')
			],
			'greeted'
		);
		expect(a[3].notes!.join(' ')).toContain('The server advertised LOGINDISABLED');
		expect(a[3].notes!.join(' ')).toContain('This line travels before TLS');
		expect(titlesAndStates([a[4]])).toEqual([['NO to LOGIN', 'imap-not-authenticated']]);
	});

	test('§6.3.1 SELECT: its untagged data and response codes', () => {
		const a = run(
			[
				C('A142 SELECT INBOX'),
				S('* 172 EXISTS'),
				S('* 1 RECENT'),
				S('* OK [UNSEEN 12] Message 12 is first unseen'),
				S('* OK [UIDVALIDITY 3857529045] UIDs valid'),
				S('* OK [UIDNEXT 4392] Predicted next UID'),
				S('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)'),
				S('* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited'),
				S('A142 OK [READ-WRITE] SELECT completed')
			],
			'authenticated'
		);
		expect(a.map((x) => x.ref)).toEqual([
			'imap/commands/select',
			'imap/data/exists',
			'imap/data/recent',
			'imap/codes/unseen',
			'imap/codes/uidvalidity',
			'imap/codes/uidnext',
			'imap/data/flags',
			'imap/codes/permanentflags',
			'imap/codes/read-write'
		]);
		expect(a[7].notes!.join(' ')).toContain('[PERMANENTFLAGS (\\Deleted \\Seen \\*)]');
		expect(a.at(-1)!.stateAfter).toBe('imap-selected');
	});

	test('§6.3.1: a SELECT that fails leaves no mailbox selected', () => {
		const a = run([C('a1 SELECT nonesuch'), S('a1 NO no such mailbox')], 'selected');
		expect(titlesAndStates(a)).toEqual([
			['SELECT — open a mailbox', 'imap-selected'],
			['NO to SELECT', 'imap-authenticated']
		]);
	});

	test('§6.3.11 APPEND with a literal: announced, "+", 310 octets line by line, the line end', () => {
		const message = [
			'Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)',
			'From: Fred Foobar <foobar@Blurdybloop.COM>',
			'Subject: afternoon meeting',
			'To: mooch@owatagu.siam.edu',
			'Message-Id: <B27397-0100000@Blurdybloop.COM>',
			'MIME-Version: 1.0',
			'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII',
			'',
			'Hello Joe, do you think we can meet at 3:30 tomorrow?'
		];
		const a = run(
			[
				C('A003 APPEND saved-messages (\\Seen) {310}'),
				S('+ Ready for literal data'),
				...message.map(C),
				C(''),
				S('A003 OK APPEND completed')
			],
			'authenticated'
		);
		expect(a[0].notes!.join(' ')).toContain('Ends with {310}: a literal of 310 octets follows.');
		expect(a[1].title).toBe('+ — send the literal');
		expect(a.slice(2, 11).map((x) => x.title)).toEqual(
			Array(9).fill('Literal of A003 APPEND saved-messages (\\Seen) {310}')
		);
		// 310 octets: the nine lines with their CRLFs.
		expect(a[10].notes).toContain('The literal’s 310 octets are complete.');
		expect(a[11].title).toBe('Rest of A003 APPEND saved-messages (\\Seen) {310}');
		expect(titlesAndStates([a[12]])).toEqual([['OK to APPEND', 'imap-authenticated']]);
	});

	test('§6.4.3 EXPUNGE and §6.4.6 STORE', () => {
		const a = run(
			[
				C('A003 STORE 2:4 +FLAGS (\\Deleted)'),
				S('* 2 FETCH (FLAGS (\\Deleted \\Seen))'),
				S('* 3 FETCH (FLAGS (\\Deleted))'),
				S('* 4 FETCH (FLAGS (\\Deleted \\Flagged \\Seen))'),
				S('A003 OK STORE completed'),
				C('A202 EXPUNGE'),
				S('* 3 EXPUNGE'),
				S('* 3 EXPUNGE'),
				S('* 5 EXPUNGE'),
				S('* 8 EXPUNGE'),
				S('A202 OK EXPUNGE completed')
			],
			'selected'
		);
		expect(a[0].notes).toContain('Add \\Deleted on message(s) 2:4.');
		expect(a.slice(6, 10).map((x) => x.title)).toEqual([
			'EXPUNGE of message 3',
			'EXPUNGE of message 3',
			'EXPUNGE of message 5',
			'EXPUNGE of message 8'
		]);
		expect(a[6].notes).toContain('Part of the answer to A202 EXPUNGE.');
		expect(a[10].title).toBe('OK to EXPUNGE');
	});

	test('§5.5: pipelined commands, completed out of order, each by its tag', () => {
		const a = run(
			[
				C('a1 NOOP'),
				C('a2 FETCH 1 (UID FLAGS)'),
				S('* 1 FETCH (UID 7 FLAGS ())'),
				S('a2 OK'),
				S('a1 OK')
			],
			'selected'
		);
		expect(a[1].notes![0]).toContain('Sent while 1 earlier command(s) still await');
		expect(a[2].notes).toContain('Its UID is 7.');
		expect(a[3].title).toBe('OK to FETCH');
		expect(a[4].title).toBe('OK to NOOP');
	});

	test('§3: commands in the wrong state, and an unknown command', () => {
		const a = run(
			[C('a1 FETCH 1 FLAGS'), S('a1 BAD not now'), C('a2 XYZZY'), S('a2 BAD')],
			'authenticated'
		);
		expect(a[0].notes).toContain(
			'FETCH is valid only in the selected state; the session is authenticated, so the server answers BAD or NO.'
		);
		expect(a[2].title).toBe('Unknown command XYZZY');
		expect(a[3].title).toBe('BAD to XYZZY');
	});

	test('§7.1.5: a BYE the server sends on its own', () => {
		const a = run([S('* BYE Autologout; idle for too long')], 'selected');
		expect(titlesAndStates(a)).toEqual([['BYE', 'imap-logout']]);
		expect(a[0].notes).toContain(
			'The server is ending the session on its own (shutdown, autologout or a refusal).'
		);
	});
});

test('RFC 2177 §3: IDLE, "+ idling", a new message, DONE', () => {
	const a = run(
		[
			C('A001 SELECT INBOX'),
			S('* FLAGS (Deleted Seen)'),
			S('* 3 EXISTS'),
			S('* 0 RECENT'),
			S('* OK [UIDVALIDITY 1]'),
			S('A001 OK SELECT completed'),
			C('A002 IDLE'),
			S('+ idling'),
			S('* 4 EXISTS'),
			C('DONE'),
			S('A002 OK IDLE terminated')
		],
		'authenticated'
	);
	expect(titlesAndStates(a.slice(6))).toEqual([
		['IDLE — wait for news', 'imap-selected'],
		['+ — idling', 'imap-selected'],
		['4 EXISTS — 4 message(s)', 'imap-selected'],
		['DONE — end IDLE', 'imap-selected'],
		['OK to IDLE', 'imap-selected']
	]);
	expect(a[8].notes).toContain('Up from 3: 1 new message(s) arrived.');
	expect(a[9].notes).toContain(
		'DONE ends IDLE: the server sends any queued updates, then A002 OK.'
	);
});

describe('the shapes the recorder stores', () => {
	test('a FETCH whose literal is one content event, then its closing line', () => {
		const a = run(
			[
				C('a1 UID FETCH 7 (FLAGS BODY.PEEK[])'),
				S('* 1 FETCH (UID 7 FLAGS (\\Seen) BODY[] {40}'),
				{
					dir: 'server',
					isData: true,
					text: 'Subject: lunch\r\nFrom: bob@example.com\r\n\r\nhi\r\n'
				},
				S(')'),
				S('a1 OK UID FETCH completed')
			],
			'selected'
		);
		expect(a.map((x) => x.title)).toEqual([
			'FETCH — read message data',
			'FETCH of message 1',
			'Content of BODY[]',
			'End of FETCH of message 1',
			'OK to UID FETCH'
		]);
		expect(a[0].notes).toContain('UID FETCH: the numbers are UIDs, not sequence numbers.');
		expect(a[0].notes!.join(' ')).not.toContain('sets \\Seen');
		expect(a[2].notes).toContain('40 octets of BODY[]: 4 line(s).');
		expect(a[2].notes).toContain('Its header: Subject: lunch · From: bob@example.com.');
	});

	test('a LOGIN whose password is a literal, sent with the rest of its command', () => {
		const a = run(
			[
				C('a1 LOGIN alice {6}'),
				S('+ Ready for literal data'),
				C('tanstaaf'.slice(0, 6)),
				S('a1 OK')
			],
			'greeted'
		);
		expect(a[2].title).toBe('Literal (password, not shown)');
		expect(a[3].stateAfter).toBe('imap-authenticated');
	});

	test('a connection closed with commands in flight', () => {
		const a = run([C('a1 NOOP'), SYS('disconnect')], 'selected');
		expect(titlesAndStates([a[1]])).toEqual([['Connection closed', 'imap-closed']]);
		expect(a[1].notes).toContain('1 command(s) were never completed.');
	});
});

test('recognition: IMAP, and not POP3 or SMTP', () => {
	expect(looksLikeImap('* OK [CAPABILITY IMAP4rev1] ready\na1 LOGOUT')).toBe(true);
	expect(looksLikeImap('+OK POP3 ready\nUSER a')).toBe(false);
	expect(looksLikeImap('220 mx ESMTP\nEHLO a')).toBe(false);
});
