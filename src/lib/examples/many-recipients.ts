import { connect, data, ehlo, mailFrom, quit, rcptTo, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'many-recipients',
	order: 3,
	title: 'One message, many recipients',
	teaches:
		'Bulk sending in one transaction: several RCPT TO, one copy of the content; To: vs RCPT TO, and how Bcc really works.',
	rfc: [rfc(5321, '3.3'), rfc(5322, '3.6.3')],
	intro:
		'Alice writes to Bob, copies Carol, and blind-copies Dave. All three get the message from one transaction: the content crosses the network once.',
	takeaway:
		'The server delivered to the three envelope recipients. Dave is in no header field: here Bcc is a recipient in the envelope only. The To: and Cc: lines are for the reader, not for delivery.',
	steps: [
		connect('mx'),
		ehlo(),
		mailFrom(
			'alice@example.org',
			'One MAIL FROM opens one transaction, whatever the number of recipients.'
		),
		rcptTo(
			'bob@example.com',
			'The first recipient. Each RCPT TO gets its own reply, so each recipient can be accepted or refused on its own.'
		),
		rcptTo('carol@example.net', 'Carol will appear in the Cc: line of the message.'),
		rcptTo(
			'dave@example.com',
			'Dave is the blind copy: he is named here, in the envelope, and nowhere in the message. That is how Bcc works (RFC 5322 §3.6.3): a mail program either removes the Bcc: line from every copy, or removes it from the To: and Cc: recipients’ copy and sends the blind recipients a separate copy that keeps it, or sends a Bcc: line with no addresses. This message has no Bcc: line.'
		),
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'One copy of the content',
			narration:
				'The content goes once for all three. Its To: names Bob and its Cc: names Carol; Dave is absent. Look at the message panel: "Bcc" lists the envelope recipient that no header names.',
			rfc: [rfc(5322, '3.6.3'), rfc(5321, '3.3')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.org>',
					to: ['Bob <bob@example.com>'],
					cc: ['Carol <carol@example.net>'],
					subject: 'Team lunch on Friday',
					text: 'Hi both,\n\nLunch on Friday at noon?\n\nAlice\n'
				}
			}
		},
		quit()
	]
};
