import { connect, data, ehlo, mailFrom, quit, rcptTo, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'mailbox-full',
	order: 6,
	title: 'Mailbox full',
	teaches:
		'A transient failure (452 4.2.2): the sender keeps the message and retries; some servers answer the permanent 552 5.2.2 instead.',
	rfc: [rfc(5321, '4.2.3'), rfc(3463, '3.3')],
	intro:
		'Bob’s colleague has not emptied her mailbox in years. Is that a reason to give up on the message, or to try later?',
	takeaway:
		'The sandbox treats a full mailbox as transient: 452 with 4.2.2, "try again later" — the owner may make room. Some servers answer the permanent 552 5.2.2 instead (RFC 5321 keeps 552 for "exceeded storage allocation"), which makes the sender bounce at once. Either way, the other recipient was unaffected.',
	steps: [
		connect('mx'),
		ehlo(),
		mailFrom('alice@example.org', 'The transaction starts.'),
		rcptTo(
			'full@example.com',
			'The mailbox is full. 452 is a transient reply (class 4), and 4.2.2 reads: 4 transient, 2 mailbox status, 2 "mailbox full" (RFC 3463 §3.3). The sending server keeps the message for this recipient and retries later.',
			{ code: 452, enhanced: '4.2.2' }
		),
		rcptTo('bob@example.com', 'Bob’s mailbox has room: accepted.'),
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'Delivered to Bob only',
			narration:
				'The content goes to Bob now; for full@ the sending server would keep the message in its queue and try again later.',
			rfc: [rfc(5321, '4.5.4.1')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.org>',
					to: ['full@example.com', 'bob@example.com'],
					subject: 'Holiday photos',
					text: 'The photos are on the shared drive.\n'
				}
			}
		},
		quit()
	]
};
