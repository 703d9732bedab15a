import { connect, data, ehlo, mailFrom, quit, rcptTo, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'unknown-recipient',
	order: 4,
	title: 'A recipient that does not exist',
	teaches:
		'A permanent refusal for one recipient (550 5.1.1) while the others are still delivered.',
	rfc: [rfc(5321, '4.2.2'), rfc(3463, '3.2')],
	intro:
		'Alice writes to three people; one address has a typo. SMTP refuses recipients one by one, at RCPT time, before any content is sent.',
	takeaway:
		'The refusal cost one line: no message content was sent for the unknown address, and Bob and Carol still got theirs. A 5xx is permanent — retrying the same address will fail again — so the sending server tells the sender (a bounce) instead of retrying.',
	steps: [
		connect('mx'),
		ehlo(),
		mailFrom('alice@example.org', 'The transaction starts as usual.'),
		rcptTo('bob@example.com', 'Bob exists: 250, accepted.'),
		rcptTo(
			'unknown@example.com',
			'This mailbox does not exist. The reply is 550 (permanent failure) with the enhanced code 5.1.1: class 5 permanent, subject 1 addressing, detail 1 "bad destination mailbox" (RFC 3463 §3.2). Only this recipient is refused; the transaction goes on.',
			{ code: 550, enhanced: '5.1.1' }
		),
		rcptTo('carol@example.net', 'Carol exists: accepted despite the failure before her.'),
		data(
			'DATA is allowed because at least one recipient was accepted (RFC 5321 §3.3). Without any, the server would answer 554 "no valid recipients".'
		),
		{
			kind: 'data',
			id: 'message',
			title: 'The message goes to the accepted recipients',
			narration:
				'The content is sent once and delivered to Bob and Carol only — see "Where it went" in the message panel.',
			rfc: [rfc(5321, '4.1.1.4')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.org>',
					to: ['bob@example.com', 'unknown@example.com', 'carol@example.net'],
					subject: 'Minutes of the meeting',
					text: 'Hello all,\n\nThe minutes are below.\n\nAlice\n'
				}
			}
		},
		quit()
	]
};
