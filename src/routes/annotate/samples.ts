import type { Protocol } from '$lib/listeners';

/** The sample transcripts offered on /annotate: one per format the importer reads, per protocol. */
export interface SampleTranscript {
	id: string;
	label: string;
	protocol: Protocol;
	text: string;
}

// swaks --server lab.example --port 587 --tls --auth LOGIN, abridged to one message.
const SWAKS = `=== Trying lab.example:587...
=== Connected to lab.example.
<-  220 sandbox.smtp-lab.test ESMTP SMTP Lab sandbox
 -> EHLO laptop.example
<-  250-sandbox.smtp-lab.test Nice to meet you
<-  250-PIPELINING
<-  250-8BITMIME
<-  250-ENHANCEDSTATUSCODES
<-  250-SIZE 1048576
<-  250 STARTTLS
 -> STARTTLS
<-  220 2.0.0 Ready to start TLS
=== TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256
 ~> EHLO laptop.example
<~  250-sandbox.smtp-lab.test Nice to meet you
<~  250-PIPELINING
<~  250-8BITMIME
<~  250-ENHANCEDSTATUSCODES
<~  250-SIZE 1048576
<~  250 AUTH PLAIN LOGIN
 ~> AUTH LOGIN
<~  334 VXNlcm5hbWU6
 ~> YWxpY2U=
<~  334 UGFzc3dvcmQ6
 ~> c2VjcmV0
<~  235 2.7.0 Authentication successful
 ~> MAIL FROM:<alice@lab.example>
<~  250 2.1.0 Accepted
 ~> RCPT TO:<nobody@lab.example>
<~* 550 5.1.1 No such user here
 ~> RCPT TO:<bob@lab.example>
<~  250 2.1.5 Accepted
 ~> DATA
<~  354 End data with <CR><LF>.<CR><LF>
 ~> Date: Thu, 27 Nov 2025 10:00:00 +0000
 ~> To: bob@lab.example
 ~> From: alice@lab.example
 ~> Subject: test Thu, 27 Nov 2025 10:00:00 +0000
 ~> Message-Id: <20251127100000.001@laptop.example>
 ~> X-Mailer: swaks v20240103.0 jetmore.org/john/code/swaks/
 ~>
 ~> This is a test mailing
 ~>
 ~> .
<~  250 2.0.0 Ok: queued
 ~> QUIT
<~  221 2.0.0 Bye
=== Connection closed with remote host.`;

// After the example in RFC 2920 §4: the client pipelines MAIL, three RCPTs and DATA.
const CS = `S: <wait for open connection>
C: <open connection to server>
S: 220 innosoft.example SMTP service ready
C: EHLO dbc.mtview.example
S: 250-innosoft.example
S: 250 PIPELINING
C: MAIL FROM:<mrose@dbc.mtview.example>
C: RCPT TO:<ned@innosoft.example>
C: RCPT TO:<dan@innosoft.example>
C: RCPT TO:<kvc@innosoft.example>
C: DATA
S: 250 sender <mrose@dbc.mtview.example> OK
S: 250 recipient <ned@innosoft.example> OK
S: 250 recipient <dan@innosoft.example> OK
S: 250 recipient <kvc@innosoft.example> OK
S: 354 enter mail, end with line containing only "."
C: From: mrose@dbc.mtview.example
C: Subject: pipelining
C:
C: Four commands, one write.
C: .
C: QUIT
S: 250 message sent
S: 221 goodbye`;

// RFC 5321 appendix D.1, as a telnet session would show it: no prefixes at all.
const BARE = `220 foo.com Simple Mail Transfer Service Ready
EHLO bar.com
250-foo.com greets bar.com
250-8BITMIME
250-SIZE
250-DSN
250 HELP
MAIL FROM:<Smith@bar.com>
250 OK
RCPT TO:<Jones@foo.com>
250 OK
RCPT TO:<Green@foo.com>
550 No such user here
RCPT TO:<Brown@foo.com>
250 OK
DATA
354 Start mail input; end with <CRLF>.<CRLF>
Blah blah blah...
...etc. etc. etc.
.
250 OK
QUIT
221 foo.com Service closing transmission channel`;

// RFC 1939 §10, the example POP3 session, word for word (APOP, two messages downloaded and deleted).
const POP3_CS = `S: <wait for connection on TCP port 110>
C: <open connection>
S:    +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>
C:    APOP mrose c4c9334bac560ecc979e58001b3e22fb
S:    +OK mrose's maildrop has 2 messages (320 octets)
C:    STAT
S:    +OK 2 320
C:    LIST
S:    +OK 2 messages (320 octets)
S:    1 120
S:    2 200
S:    .
C:    RETR 1
S:    +OK 120 octets
S:    <the POP3 server sends message 1>
S:    .
C:    DELE 1
S:    +OK message 1 deleted
C:    RETR 2
S:    +OK 200 octets
S:    <the POP3 server sends message 2>
S:    .
C:    DELE 2
S:    +OK message 2 deleted
C:    QUIT
S:    +OK dewey POP3 server signing off (maildrop empty)
C:  <close connection>`;

// openssl s_client -quiet -connect lab.example:2995 (POP3S, implicit TLS): download and keep —
// CAPA, log in, list, a preview with TOP, one message with a byte-stuffed line, DELE undone by RSET.
const POP3_BARE = `CONNECTED(00000003)
depth=0 CN = lab.example
verify return:1
+OK SMTP Lab POP3 server ready
CAPA
+OK Capability list follows
TOP
UIDL
USER
SASL PLAIN
RESP-CODES
AUTH-RESP-CODE
PIPELINING
EXPIRE NEVER
IMPLEMENTATION SMTP-Lab
.
USER alice
+OK
PASS wrong-password
-ERR [AUTH] Invalid user name or password
USER alice
+OK
PASS secret-password
+OK alice has 2 messages (1538 octets)
STAT
+OK 2 1538
UIDL
+OK
1 m-2cf0a1
2 m-7b19e4
.
TOP 1 0
+OK
Return-Path: <bob@example.net>
From: bob@example.net
To: alice@example.com
Subject: Lunch?

.
RETR 2
+OK 912 octets
From: carol@example.org
To: alice@example.com
Subject: dots

A line of the message that begins with a dot:
..signature
.
DELE 2
+OK message 2 deleted
RSET
+OK maildrop has 2 messages
QUIT
+OK bye`;

// RFC 3501 §8, the sample IMAP4rev1 connection, as printed there (its long FETCH line broken
// "for editorial clarity" goes on indented).
const IMAP_CS = `S:   * OK IMAP4rev1 Service Ready
C:   a001 login mrc secret
S:   a001 OK LOGIN completed
C:   a002 select inbox
S:   * 18 EXISTS
S:   * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
S:   * 2 RECENT
S:   * OK [UNSEEN 17] Message 17 is the first unseen message
S:   * OK [UIDVALIDITY 3857529045] UIDs valid
S:   a002 OK [READ-WRITE] SELECT completed
C:   a003 fetch 12 full
S:   * 12 FETCH (FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700"
      RFC822.SIZE 4286 ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)"
      "IMAP4rev1 WG mtg summary and minutes"
      (("Terry Gray" NIL "gray" "cac.washington.edu"))
      (("Terry Gray" NIL "gray" "cac.washington.edu"))
      (("Terry Gray" NIL "gray" "cac.washington.edu"))
      ((NIL NIL "imap" "cac.washington.edu"))
      ((NIL NIL "minutes" "CNRI.Reston.VA.US")
      ("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL
      "<B27397-0100000@cac.washington.edu>")
       BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028
       92))
S:    a003 OK FETCH completed
C:    a004 fetch 12 body[header]
S:    * 12 FETCH (BODY[HEADER] {342}
S:    Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)
S:    From: Terry Gray <gray@cac.washington.edu>
S:    Subject: IMAP4rev1 WG mtg summary and minutes
S:    To: imap@cac.washington.edu
S:    cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>
S:    Message-Id: <B27397-0100000@cac.washington.edu>
S:    MIME-Version: 1.0
S:    Content-Type: TEXT/PLAIN; CHARSET=US-ASCII
S:
S:    )
S:    a004 OK FETCH completed
C:    a005 store 12 +flags \\deleted
S:    * 12 FETCH (FLAGS (\\Seen \\Deleted))
S:    a005 OK +FLAGS completed
C:    a006 logout
S:    * BYE IMAP4rev1 server terminating connection
S:    a006 OK LOGOUT completed`;

export const sampleTranscripts: readonly SampleTranscript[] = [
	{ id: 'swaks', label: 'swaks: STARTTLS and AUTH', protocol: 'smtp', text: SWAKS },
	{ id: 'cs', label: 'C:/S: pipelining (RFC 2920)', protocol: 'smtp', text: CS },
	{ id: 'bare', label: 'Bare: RFC 5321 appendix D.1', protocol: 'smtp', text: BARE },
	{ id: 'pop3-cs', label: 'POP3, C:/S: RFC 1939 §10', protocol: 'pop3', text: POP3_CS },
	{ id: 'imap-cs', label: 'IMAP, C:/S: RFC 3501 §8', protocol: 'imap', text: IMAP_CS },
	{
		id: 'pop3-bare',
		label: 'POP3, bare: download and keep',
		protocol: 'pop3',
		text: POP3_BARE
	}
];
