import { connect, data, ehlo, quit, rcptTo, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'bulk-mail',
	order: 14,
	title: 'Bulk mail done right: List-Unsubscribe',
	teaches:
		'List-Unsubscribe (RFC 2369) and one-click List-Unsubscribe-Post (RFC 8058): an HTTPS link covered by a DKIM signature — why an easy unsubscribe protects the sender’s reputation.',
	rfc: [rfc(2369, '3.2'), rfc(8058), rfc(6376)],
	intro:
		'A newsletter goes to subscribers. The header fields that matter here are invisible in the message body: they let the reader’s mail program show an “Unsubscribe” button.',
	takeaway:
		'People who cannot unsubscribe press “Report spam” instead, and those reports decide whether the sender’s next mail reaches the inbox. RFC 8058’s one-click POST needs an HTTPS URI, and both List-Unsubscribe and List-Unsubscribe-Post must be covered by the message’s DKIM signature (RFC 6376) so nobody can add or change them on the way. Large mailbox providers now require this of bulk senders. (This example does not sign: the sandbox teaches the fields, not key management.)',
	steps: [
		connect('mx'),
		ehlo(),
		{
			kind: 'send',
			id: 'mail-from',
			lines: ['MAIL FROM:<bounces+{run}@lists.example.org>'],
			title: 'MAIL FROM: a bounce address per mailing',
			narration:
				'Lists use their own envelope sender, often with a tag per mailing or per recipient (VERP), so every bounce can be matched to the address that failed.',
			rfc: [rfc(5321, '4.1.1.2')],
			expect: [REPLY.mail]
		},
		rcptTo('bob@example.com', 'A subscriber.'),
		rcptTo('carol@example.net', 'Another subscriber, in the same transaction.'),
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The newsletter with List-Unsubscribe',
			narration:
				'Look at the header fields: List-Unsubscribe gives two ways out — an HTTPS link and a mailto: address (RFC 2369 §3.2). List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058) says a single POST to that HTTPS link unsubscribes, with no web page to click through. A real sender signs both fields with DKIM. Real lists send each subscriber a separate transaction so the link can be personal.',
			rfc: [rfc(2369, '3.2'), rfc(8058, '3.1'), rfc(8058, '4')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'SMTP Lab News <news@lists.example.org>',
					to: ['Subscribers <subscribers@lists.example.org>'],
					subject: 'This month in SMTP',
					text: 'Hello subscriber,\n\nThis month: greylisting, explained.\n\nUnsubscribe: https://lists.example.org/u/{run}\n',
					headers: {
						'List-Id': 'SMTP Lab News <news.lists.example.org>',
						'List-Unsubscribe':
							'<https://lists.example.org/u/{run}>, <mailto:unsubscribe@lists.example.org?subject=unsubscribe>',
						'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
						Precedence: 'bulk'
					}
				}
			}
		},
		quit()
	]
};
