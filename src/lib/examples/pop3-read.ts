import { data, logIn, quit, REPLY, rfc } from './common';
import type { Example, ExpectedPop3Response, Step } from './types';

const OK: ExpectedPop3Response = { status: '+OK', responseCode: null };

/** Opens a POP3 session on port 110 (here 2110); the +OK greeting comes first (RFC 1939 §3). */
function openPop3(id: string, narration: string): Step {
	return {
		kind: 'open',
		id,
		listener: 'pop3',
		title: 'Connect to pop3 (port 110)',
		narration,
		rfc: [rfc(1939, '3'), rfc(1939, '4')],
		expect: [OK]
	};
}

function stls(id: string, narration: string): Step {
	return {
		kind: 'send',
		id,
		lines: ['STLS'],
		title: 'STLS: encrypt before the password',
		narration,
		rfc: [rfc(2595, '4'), rfc(2595, '2.3')],
		expect: [OK]
	};
}

/** USER then PASS, each answered on its own (RFC 1939 §7). */
function logInAsBob(suffix: string, narration: string): Step[] {
	return [
		{
			kind: 'send',
			id: `user${suffix}`,
			lines: ['USER bob'],
			title: 'USER bob',
			narration,
			rfc: [rfc(1939, '7')],
			expect: [OK]
		},
		{
			kind: 'send',
			id: `pass${suffix}`,
			lines: ['PASS builder'],
			title: 'PASS: the password, inside TLS',
			narration:
				'PASS sends the password as it is: only TLS keeps it secret. Other people watching this session see it masked. +OK: the server has locked Bob’s maildrop for this session and the session is now in the TRANSACTION state (RFC 1939 §4).',
			rfc: [rfc(1939, '7'), rfc(1939, '4')],
			expect: [OK]
		}
	];
}

/** QUIT in POP3: "+OK" and the server closes; from TRANSACTION it first enters UPDATE (RFC 1939 §6). */
function quitPop3(narration: string, id: string): Step {
	return {
		kind: 'send',
		id,
		lines: ['QUIT'],
		title: 'QUIT',
		narration,
		rfc: [rfc(1939, '6')],
		expect: [OK]
	};
}

/** UIDL lists every message with its unique id; the run's message is found by its id. */
function uidl(id: string, narration: string): Step {
	return {
		kind: 'send',
		id,
		lines: ['UIDL'],
		title: 'UIDL: find our message by its unique id',
		narration,
		rfc: [rfc(1939, '7')],
		expect: [OK],
		findsMessage: true
	};
}

export const example: Example = {
	slug: 'pop3-read',
	order: 23,
	title: 'Read mail with POP3: download and delete, download and keep',
	teaches:
		'SMTP only carries a message to the mailbox; the reader’s program fetches it with POP3: STLS before the password, STAT, LIST, UIDL, TOP, RETR — and the two ways to use it: download and keep (QUIT without DELE) or download and delete (DELE, only done at QUIT).',
	rfc: [rfc(1939), rfc(2449), rfc(2595, '4')],
	intro:
		'Alice sends Bob a message through her submission server. Then Bob’s mail program fetches it from his mailbox over POP3, three times: once to read it and keep it on the server, once to delete it and change its mind (RSET), then to delete it for real. Every line is the sandbox’s real answer.',
	takeaway:
		'POP3 has one mailbox and three states: AUTHORIZATION (log in, after STLS), TRANSACTION (STAT, LIST, UIDL, TOP, RETR, DELE, RSET) and UPDATE, reached only by QUIT. DELE only marks a message; the server removes it when QUIT ends the transaction (RFC 1939 §6) — a dropped connection or RSET removes nothing. A mail program set to “leave messages on the server” is download and keep; otherwise it is download and delete, and the message is gone from the server: its page in the mailbox now says it was deleted by the reader.',
	steps: [
		...logIn(),
		{
			kind: 'send',
			id: 'mail-from',
			lines: ['MAIL FROM:<alice@example.com>'],
			title: 'MAIL FROM',
			narration: 'Alice starts a transaction for one message to Bob.',
			rfc: [rfc(5321, '4.1.1.2')],
			expect: [REPLY.mail]
		},
		{
			kind: 'send',
			id: 'rcpt-bob',
			lines: ['RCPT TO:<bob@example.com>'],
			title: 'RCPT TO: bob@example.com',
			narration:
				'example.com is this provider’s own domain: the message will be delivered into Bob’s mailbox, the maildrop his POP3 server reads.',
			rfc: [rfc(5321, '4.1.1.3')],
			expect: [REPLY.rcpt]
		},
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The message',
			narration:
				'The message goes out and 250 says it was delivered to Bob’s mailbox. SMTP’s work ends here: the message waits on the server until Bob’s program fetches it.',
			rfc: [rfc(5322, '2.1'), rfc(5321, '4.1.1.4')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.com>',
					to: ['Bob <bob@example.com>'],
					subject: 'POP3 lesson {run}',
					text: 'Hi Bob,\n\nFetch this with POP3.\n.\nThe line above is a single dot: on the way to you it is byte-stuffed.\n\nAlice\n'
				}
			}
		},
		quit('QUIT: Alice’s part is done.', 'quit-smtp'),
		openPop3(
			'pop3',
			'Bob’s mail program connects to his provider’s POP3 server (port 110). In POP3 too the server speaks first, but its greeting is "+OK", not a number: POP3 has only two status indicators, +OK and -ERR (RFC 1939 §3). The session is now in the AUTHORIZATION state.'
		),
		{
			kind: 'send',
			id: 'capa',
			lines: ['CAPA'],
			title: 'CAPA: what can this server do?',
			narration:
				'CAPA lists the server’s capabilities, one per line, ended by a line with a single "." (a multi-line response). Before TLS the list offers STLS and no USER or SASL: the server will not take a password in the clear (RFC 2595 §2.3).',
			rfc: [rfc(2449, '5'), rfc(2449, '6'), rfc(1939, '3')],
			expect: [OK]
		},
		stls(
			'stls',
			'STLS asks for TLS; after "+OK" the handshake starts at once. Only then does the password go over the connection.'
		),
		{
			kind: 'send',
			id: 'capa-tls',
			lines: ['CAPA'],
			title: 'CAPA again, inside TLS',
			narration:
				'After TLS the client must forget what it learned before and should ask again (RFC 2595 §4): now USER and SASL PLAIN are offered.',
			rfc: [rfc(2595, '4'), rfc(2449, '6.2'), rfc(2449, '6.3')],
			expect: [OK]
		},
		...logInAsBob(
			'',
			'USER names the mailbox (the maildrop) to open; PASS follows. Bob is one of the sandbox’s shared accounts (bob / builder): he reads the mail delivered to bob@ at the sandbox domains.'
		),
		{
			kind: 'send',
			id: 'stat',
			lines: ['STAT'],
			title: 'STAT: how many messages, how many octets',
			narration:
				'STAT answers on one line: "+OK", the number of messages and their total size in octets (RFC 1939 §5). Messages are numbered from 1 in this session.',
			rfc: [rfc(1939, '5')],
			expect: [OK]
		},
		{
			kind: 'send',
			id: 'list',
			lines: ['LIST'],
			title: 'LIST: each message’s size',
			narration:
				'LIST without an argument is multi-line: one "scan listing" per message — its number and exact size in octets — then ".".',
			rfc: [rfc(1939, '5')],
			expect: [OK]
		},
		uidl(
			'uidl',
			'UIDL gives each message a unique id that stays the same from session to session, unlike its number (RFC 1939 §7). A mail program that keeps mail on the server remembers these ids to know what it has already downloaded. Here the id is the message’s id in the sandbox: the player finds Alice’s message by it and uses its number below.'
		),
		{
			kind: 'send',
			id: 'top',
			lines: ['TOP {messageNumber} 0'],
			title: 'TOP: the header only',
			narration:
				'TOP n 0 sends message n’s header fields, the empty line, and 0 lines of its body: enough for a program to show the list of subjects before downloading whole messages (RFC 1939 §7).',
			rfc: [rfc(1939, '7')],
			expect: [OK]
		},
		{
			kind: 'send',
			id: 'retr',
			lines: ['RETR {messageNumber}'],
			title: 'RETR: download the message',
			narration:
				'RETR sends the whole message exactly as it is stored — the Return-Path and Received fields the delivery added, then Alice’s message — and ends with ".". The body’s line holding a single dot went over the wire as ".." (byte-stuffed, RFC 1939 §3) so it could not end the response; the client removes the extra dot.',
			rfc: [rfc(1939, '5'), rfc(1939, '3')],
			expect: [OK]
		},
		quitPop3(
			'QUIT without DELE: nothing was marked, so the UPDATE state removes nothing and the message stays on the server. This is download and keep — what a mail program does when it is set to “leave messages on the server” (RFC 1939 §6).',
			'quit-keep'
		),
		openPop3(
			'pop3-again',
			'A second session: Bob’s program checks the mailbox again (as it would every few minutes).'
		),
		stls('stls-again', 'TLS first, again: every session starts without it.'),
		...logInAsBob('-again', 'Logging in as before.'),
		uidl(
			'uidl-again',
			'Alice’s message is still listed: the first session downloaded it and kept it. Its number may have changed (other messages may have come or gone); its unique id has not.'
		),
		{
			kind: 'send',
			id: 'dele',
			lines: ['DELE {messageNumber}'],
			title: 'DELE: mark it deleted',
			narration:
				'DELE only marks the message (RFC 1939 §5): in this session it no longer appears in LIST or STAT, but it is still in the maildrop.',
			rfc: [rfc(1939, '5')],
			expect: [OK]
		},
		{
			kind: 'send',
			id: 'rset',
			lines: ['RSET'],
			title: 'RSET: unmark it',
			narration:
				'RSET unmarks every message this session marked (RFC 1939 §5). Had the connection dropped instead of QUIT, the result would be the same: a session that does not end with QUIT never enters the UPDATE state and removes nothing (§6).',
			rfc: [rfc(1939, '5'), rfc(1939, '6')],
			expect: [OK]
		},
		{
			kind: 'send',
			id: 'dele-again',
			lines: ['DELE {messageNumber}'],
			title: 'DELE again',
			narration: 'Marked deleted again; this time the session will end with QUIT.',
			rfc: [rfc(1939, '5')],
			expect: [OK]
		},
		quitPop3(
			'QUIT in the TRANSACTION state: the session enters the UPDATE state and the server removes every message marked deleted, then says goodbye (RFC 1939 §6). This is download and delete. The message’s page in the mailbox keeps it, and says it was deleted by the reader, when, and in which session.',
			'quit-delete'
		),
		openPop3('pop3-check', 'A third session, to see what is left.'),
		stls('stls-check', 'TLS first.'),
		...logInAsBob('-check', 'Logging in once more.'),
		{
			kind: 'send',
			id: 'uidl-check',
			lines: ['UIDL'],
			title: 'UIDL: the message is gone',
			narration:
				'Alice’s message is no longer listed: it was removed from Bob’s maildrop. Nothing else was touched (RFC 1939 §6: the server may remove only messages marked deleted).',
			rfc: [rfc(1939, '7'), rfc(1939, '6')],
			expect: [OK]
		},
		quitPop3('QUIT: nothing was marked, nothing is removed.', 'quit-check')
	]
};
