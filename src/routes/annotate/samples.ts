/** The sample transcripts offered on /annotate: one per format the importer reads. */
export interface SampleTranscript {
	id: string;
	label: string;
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

export const sampleTranscripts: readonly SampleTranscript[] = [
	{ id: 'swaks', label: 'swaks: STARTTLS and AUTH', text: SWAKS },
	{ id: 'cs', label: 'C:/S: pipelining (RFC 2920)', text: CS },
	{ id: 'bare', label: 'Bare: RFC 5321 appendix D.1', text: BARE }
];
