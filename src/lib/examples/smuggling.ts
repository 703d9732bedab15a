import { connect, data, ehlo, mailFrom, quit, rcptTo, REPLY, rfc } from './common';
import type { Example } from './types';

/**
 * Exact bytes. After "Hello Bob." comes a bare LF, then ".\r\n": the sequence <LF>.<CR><LF>
 * that some receivers took for the end of data. What follows looks like a second transaction.
 */
const BYTES =
	'From: Alice <alice@example.org>\r\n' +
	'To: Bob <bob@example.com>\r\n' +
	'Subject: An innocent message\r\n' +
	'\r\n' +
	'Hello Bob.\n' +
	'.\r\n' +
	'MAIL FROM:<ceo@example.com>\r\n' +
	'RCPT TO:<bob@example.com>\r\n' +
	'DATA\r\n' +
	'From: The CEO <ceo@example.com>\r\n' +
	'Subject: Urgent: wire the money\r\n' +
	'\r\n' +
	'Please pay invoice 42 today.\r\n' +
	'.\r\n';

export const example: Example = {
	slug: 'smuggling',
	order: 17,
	title: 'SMTP smuggling',
	teaches:
		'A body containing \\n.\\r\\n and a fake second transaction: why the end of data must be exactly CRLF.CRLF (CVE-2023-51764, -51765, -51766).',
	rfc: [rfc(5321, '2.3.8'), rfc(5321, '4.1.1.4')],
	intro:
		'In 2023 researchers showed that two servers that disagree about where a message ends can be made to deliver a forged message. An outgoing server sees one message; the next server sees two — the second one “from” anyone at the first server’s domain, passing its SPF checks.',
	takeaway:
		'The sandbox ended the data only at CR LF . CR LF, so the “second message” stayed inside the first: one reply, one message. Senders must never send a bare LF (RFC 5321 §2.3.8); receivers must end data only at CRLF.CRLF (§4.1.1.4). Postfix (CVE-2023-51764), Sendmail (CVE-2023-51765) and Exim (CVE-2023-51766) were fixed to refuse or normalise such line endings.',
	steps: [
		connect('mx'),
		ehlo(),
		mailFrom('alice@example.org', 'An ordinary transaction, from an ordinary sender.'),
		rcptTo('bob@example.com', 'To Bob.'),
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'One message with a smuggled second one',
			narration:
				'These exact bytes contain "Hello Bob." followed by a bare LF, a dot and CRLF — <LF>.<CR><LF> — then what looks like a second transaction: MAIL FROM the CEO, RCPT TO, DATA and a forged message. A vulnerable receiver ends the first message at the lone dot and runs the rest as commands, answering five times. The sandbox answers once: everything up to the final CRLF.CRLF is one message. The timeline flags the smuggling pattern.',
			rfc: [rfc(5321, '2.3.8'), rfc(5321, '4.1.1.4')],
			expect: [REPLY.queued],
			message: { kind: 'raw', bytes: BYTES }
		},
		quit(
			'QUIT gets its reply at once: no leftover replies from a second transaction were waiting. Open the message in the mailbox: the CEO’s “message” is just body text of Alice’s.'
		)
	]
};
