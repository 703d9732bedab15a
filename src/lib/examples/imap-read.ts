import { data, logIn, quit, REPLY, rfc } from './common';
import type { Example, ExpectedImapResponse, Step } from './types';

const OK: ExpectedImapResponse = { imap: 'OK', responseCode: null };

/** One tagged IMAP command and its completion (RFC 3501 §2.2.2). */
function imap(
	id: string,
	line: string,
	title: string,
	narration: string,
	refs: Step['rfc'],
	expect: ExpectedImapResponse = OK
): Step {
	return { kind: 'send', id, lines: [line], title, narration, rfc: refs, expect: [expect] };
}

/** Alice's second message, sent from the other tab while Bob's program waits in IDLE. */
const SECOND_MESSAGE =
	'From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>\r\nSubject: IMAP lesson {run}, part two\r\n\r\nBob, this one arrives while your program is idling.\r\n.\r\n';

export const example: Example = {
	slug: 'imap-read',
	order: 24,
	title: 'Read mail with IMAP: folders, flags, and IDLE seeing a new message arrive',
	teaches:
		'IMAP keeps mail on the server and works with it there: STARTTLS before LOGIN, LIST the folders, SELECT INBOX (EXISTS, UIDVALIDITY), FETCH flags, envelope and body without marking it read, STORE a flag, CREATE a folder and COPY into it, delete with \\Deleted and EXPUNGE, and IDLE hearing a new message arrive as it is sent from another tab.',
	rfc: [rfc(3501), rfc(2177)],
	intro:
		'Alice sends Bob a message through her submission server. Bob’s mail program then works with his mailbox over IMAP: it logs in after STARTTLS, looks at the folders, opens INBOX, reads the message without marking it read, flags it, files a copy in a new folder and deletes the original. Then it waits in IDLE while a second connection — another tab — sends Bob a new message, and the server tells the idling program at once. Every line is the sandbox’s real answer.',
	takeaway:
		'Every IMAP command carries a tag, and its tagged OK, NO or BAD ends its answer; the untagged “*” lines before it are data (RFC 3501 §2.2.2). Messages stay on the server with their flags: \\Seen, \\Flagged and \\Deleted are marks any of Bob’s programs sees, and only EXPUNGE removes what is marked \\Deleted. A message has a sequence number that shifts as messages go, and a UID that never does while UIDVALIDITY stays the same. IDLE turns polling around: the server announces new mail (“* n EXISTS”) the moment it arrives.',
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
				'example.com is this provider’s own domain: the message goes into Bob’s mailbox, whose INBOX his IMAP server shows.',
			rfc: [rfc(5321, '4.1.1.3')],
			expect: [REPLY.rcpt]
		},
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The message',
			narration:
				'250: delivered to Bob’s mailbox. SMTP’s work ends here; the rest of this example is Bob’s mail program talking IMAP.',
			rfc: [rfc(5322, '2.1'), rfc(5321, '4.1.1.4')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.com>',
					to: ['Bob <bob@example.com>'],
					subject: 'IMAP lesson {run}',
					text: 'Hi Bob,\n\nThis message stays on the server: flag it, file it, delete it.\n\nAlice\n'
				}
			}
		},
		quit('QUIT: Alice’s program is done; 221 and the connection closes.', 'quit'),
		{
			kind: 'open',
			id: 'connect-imap',
			listener: 'imap',
			title: 'Connect to imap (port 143)',
			narration:
				'Bob’s program connects to port 143 (here 2143). The IMAP server speaks first: an untagged “* OK” greeting, which puts the session in the not authenticated state; its [CAPABILITY …] response code lists what the server can do, saving a command (RFC 3501 §3.1, §7.1.1, §7.1).',
			rfc: [rfc(3501, '3.1'), rfc(3501, '7.1.1')],
			expect: [{ imap: 'OK', responseCode: 'CAPABILITY' }]
		},
		imap(
			'capability',
			'a1 CAPABILITY',
			'CAPABILITY: STARTTLS and LOGINDISABLED',
			'Every command starts with a tag the client picks (a1, a2 …); the answer ends with the same tag. The untagged CAPABILITY line says IMAP4rev1, STARTTLS and LOGINDISABLED: on this plain connection the server will not take a password (RFC 3501 §6.2.3, §7.2.1).',
			[rfc(3501, '6.1.1'), rfc(3501, '7.2.1'), rfc(3501, '2.2.1')]
		),
		imap(
			'imap-starttls',
			'a2 STARTTLS',
			'STARTTLS: encrypt before the password',
			'The tagged OK means “start the TLS handshake now”; everything after it is encrypted, and the client must ask for the capabilities again, since they may change (RFC 3501 §6.2.1).',
			[rfc(3501, '6.2.1')]
		),
		imap(
			'login',
			'a3 LOGIN bob builder',
			'LOGIN, inside TLS',
			'LOGIN sends the user name and password as they are: only TLS keeps them secret, and others watching this session see them masked. OK: the session is in the authenticated state (RFC 3501 §6.2.3, §3.2).',
			[rfc(3501, '6.2.3'), rfc(3501, '3.2')]
		),
		imap(
			'list',
			'a4 LIST "" "*"',
			'LIST: the folders',
			'“*” matches every name at every level. One untagged LIST line per folder: its attributes, the hierarchy delimiter “/”, its name — INBOX (\\Noinferiors: no folders under it here), Sent, Junk and any Bob created (RFC 3501 §6.3.8, §7.2.2).',
			[rfc(3501, '6.3.8'), rfc(3501, '7.2.2')]
		),
		imap(
			'select',
			'a5 SELECT INBOX',
			'SELECT INBOX: EXISTS and UIDVALIDITY',
			'Opens INBOX: “* n EXISTS” is how many messages it holds (our message is the last, “*”), FLAGS and PERMANENTFLAGS the flags that can be set, [UIDVALIDITY] the number that, with a message’s UID, names it for good — as long as UIDVALIDITY stays the same, a UID never points at another message — and [UIDNEXT] the UID the next message will get. [READ-WRITE]: the session is in the selected state and may change the folder (RFC 3501 §6.3.1, §7.3.1, §2.3.1.1).',
			[rfc(3501, '6.3.1'), rfc(3501, '7.3.1'), rfc(3501, '2.3.1.1')],
			{ imap: 'OK', responseCode: 'READ-WRITE' }
		),
		imap(
			'fetch-envelope',
			'a6 FETCH * (FLAGS UID ENVELOPE)',
			'FETCH the flags, UID and envelope',
			'“*” is the last message: ours. One untagged FETCH line answers: its flags (\\Recent: this session is the first to see it), its UID, and the ENVELOPE — date, subject, from, to … parsed from the header by the server, so a program can list mail without downloading it (RFC 3501 §6.4.5, §7.4.2).',
			[rfc(3501, '6.4.5'), rfc(3501, '7.4.2')]
		),
		imap(
			'fetch-body',
			'a7 FETCH * (BODY.PEEK[TEXT])',
			'FETCH the body, without marking it read',
			'BODY.PEEK[TEXT] is the body after the header. It comes as a literal: “{n}” announces exactly n octets, then the octets themselves, whatever they contain (RFC 3501 §4.3). PEEK leaves \\Seen unset; BODY[TEXT] would have marked the message read (§6.4.5).',
			[rfc(3501, '6.4.5'), rfc(3501, '4.3')]
		),
		imap(
			'flag',
			'a8 STORE * +FLAGS (\\Flagged)',
			'STORE +FLAGS \\Flagged',
			'+FLAGS adds a flag and keeps the others; the untagged FETCH shows the flags now. The flag is kept on the server: every program Bob uses sees the message flagged (RFC 3501 §6.4.6, §2.3.2).',
			[rfc(3501, '6.4.6'), rfc(3501, '2.3.2')]
		),
		imap(
			'create',
			'a9 CREATE Lessons-{run}',
			'CREATE a folder',
			'A new folder on the server, with a UIDVALIDITY of its own (RFC 3501 §6.3.3).',
			[rfc(3501, '6.3.3')]
		),
		imap(
			'copy',
			'a10 COPY * Lessons-{run}',
			'COPY the message into it',
			'The copy keeps its flags and gets a UID in the new folder (RFC 3501 §6.4.7). IMAP4rev1 has no MOVE: a program moves a message by COPY, then \\Deleted and EXPUNGE.',
			[rfc(3501, '6.4.7')]
		),
		imap(
			'delete-flag',
			'a11 STORE * +FLAGS (\\Deleted)',
			'Mark the original \\Deleted',
			'\\Deleted only marks the message; it is still there, and -FLAGS (\\Deleted) would bring it back (RFC 3501 §2.3.2, §6.4.6).',
			[rfc(3501, '2.3.2'), rfc(3501, '6.4.6')]
		),
		imap(
			'expunge',
			'a12 EXPUNGE',
			'EXPUNGE: remove what is marked \\Deleted',
			'Now it is gone: “* n EXPUNGE” names the sequence number that left, and the numbers after it move down by one (RFC 3501 §6.4.3, §7.4.1). The message’s page in the mailbox says Bob’s reader deleted it; the copy in the new folder stays.',
			[rfc(3501, '6.4.3'), rfc(3501, '7.4.1')]
		),
		imap(
			'idle',
			'a13 IDLE',
			'IDLE: wait for news',
			'“+ idling”: the server will now report changes to INBOX as they happen, without being asked, until the client sends DONE (RFC 2177 §3). A mail program sits here most of the time.',
			[rfc(2177, '3'), rfc(3501, '5.2')],
			{ imap: '+', responseCode: null }
		),
		{
			kind: 'side',
			id: 'send-while-idle',
			title: 'Meanwhile, from another tab: Alice sends again',
			narration:
				'A second connection — as if from another tab — submits a new message to Bob on port 587 while his program idles on the first. Delivered (250), it lands in INBOX, and the idling session is told at once.',
			rfc: [rfc(6409, '3'), rfc(5321, '4.1.1.4')],
			expect: [],
			steps: [
				...logIn(),
				{
					kind: 'send',
					id: 'mail-from',
					lines: ['MAIL FROM:<alice@example.com>'],
					title: 'MAIL FROM',
					narration: 'A second message to Bob.',
					rfc: [rfc(5321, '4.1.1.2')],
					expect: [REPLY.mail]
				},
				{
					kind: 'send',
					id: 'rcpt-bob',
					lines: ['RCPT TO:<bob@example.com>'],
					title: 'RCPT TO: bob@example.com',
					narration: 'To Bob’s mailbox.',
					rfc: [rfc(5321, '4.1.1.3')],
					expect: [REPLY.rcpt]
				},
				data(),
				{
					kind: 'data',
					id: 'message',
					title: 'The second message',
					narration: 'Delivered into Bob’s INBOX.',
					rfc: [rfc(5322, '2.1')],
					expect: [REPLY.queued],
					message: { kind: 'raw', bytes: SECOND_MESSAGE }
				},
				quit()
			]
		},
		{
			kind: 'send',
			id: 'done',
			lines: ['DONE'],
			awaits: 'EXISTS',
			title: 'The idling program hears “* n EXISTS”, then DONE',
			narration:
				'While idling, the session heard “* n EXISTS” (and “* 1 RECENT”): INBOX has a new message, which the program may now FETCH (RFC 3501 §7.3.1, §5.2). DONE ends IDLE; the tagged OK answers the IDLE command, a13 (RFC 2177 §3).',
			rfc: [rfc(2177, '3'), rfc(3501, '7.3.1'), rfc(3501, '5.2')],
			expect: [OK]
		},
		imap(
			'delete-folder',
			'a14 DELETE Lessons-{run}',
			'DELETE the folder',
			'Removes the folder and the copy in it, so the example leaves Bob’s folders as it found them (RFC 3501 §6.3.4).',
			[rfc(3501, '6.3.4')]
		),
		imap(
			'logout',
			'a15 LOGOUT',
			'LOGOUT',
			'The server says “* BYE”, then the tagged OK, and closes the connection (RFC 3501 §6.1.3, §7.1.5). Nothing is lost: flags, folders and the new message wait on the server for Bob’s next program.',
			[rfc(3501, '6.1.3'), rfc(3501, '7.1.5')]
		)
	]
};
