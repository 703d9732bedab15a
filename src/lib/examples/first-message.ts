import { connect, data, ehlo, mailFrom, quit, rcptTo, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'first-message',
	order: 1,
	title: 'Your first message',
	teaches:
		'The whole conversation — EHLO, MAIL FROM, RCPT TO, DATA, the message, the dot, QUIT — and the difference between the envelope and the content.',
	rfc: [rfc(5321), rfc(5322)],
	intro:
		'Alice’s outgoing server delivers one message to Bob’s mail exchanger. Watch two things travel separately: the envelope (MAIL FROM, RCPT TO), which tells the server where to deliver, and the message (header fields and body), which is what Bob will read.',
	takeaway:
		'Seven exchanges carried one message. The server delivered it by the envelope; the From: and To: lines inside the message were only content. That split is why Bcc works — and why a From: line can be forged.',
	steps: [
		connect('mx'),
		ehlo(),
		mailFrom(
			'alice@example.org',
			'MAIL FROM opens a mail transaction and names the envelope sender: where problems will be reported (a bounce goes here). It need not match the From: line the reader sees.'
		),
		rcptTo(
			'bob@example.com',
			'RCPT TO names one envelope recipient. The server decides now, before any content, whether it will accept mail for this address: 250 means yes.'
		),
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The message, then a line with a single dot',
			narration:
				'Now the content goes out: header fields (From, To, Subject, Date, Message-ID …), one empty line, then the body (RFC 5322). A line holding only "." ends it. The 250 reply means the server has taken responsibility for the message.',
			rfc: [rfc(5322, '2.1'), rfc(5321, '4.1.1.4')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.org>',
					to: ['Bob <bob@example.com>'],
					subject: 'Hello from SMTP Lab',
					text: 'Hi Bob,\n\nThis message travelled by SMTP, one command at a time.\n\nAlice\n'
				}
			}
		},
		quit()
	]
};
