import { connect, data, ehlo, quit, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'greylisting',
	order: 5,
	title: 'Try again later: greylisting',
	teaches:
		'A transient refusal (451 4.7.1), store-and-forward, and a retry after the window that succeeds — how real servers space their retries.',
	rfc: [rfc(5321, '4.5.4.1'), rfc(6647)],
	intro:
		'Greylisting refuses the first attempt from an unknown (client, sender, recipient) triple with a temporary 4xx, and accepts a retry after a while. Spam software often never retries; real mail servers always do. The sender address carries a tag unique to this run ({run}) so every replay meets the greylist afresh.',
	takeaway:
		'A 4xx is not a failure but a "not now". The message never left the sender’s queue: store-and-forward means the sending server keeps it and retries. Real servers wait minutes, not seconds — RFC 5321 §4.5.4.1 suggests at least 30 minutes between tries and giving up only after 4–5 days.',
	steps: [
		connect('mx'),
		ehlo(),
		{
			kind: 'send',
			id: 'mail-from',
			lines: ['MAIL FROM:<alice+{run}@example.org>'],
			title: 'MAIL FROM, first attempt',
			narration: 'The sender, tagged for this run so the greylist has never seen it.',
			rfc: [rfc(5321, '4.1.1.2')],
			expect: [REPLY.mail]
		},
		{
			kind: 'send',
			id: 'rcpt-first',
			lines: ['RCPT TO:<greylist@example.com>'],
			title: 'RCPT TO: greylisted',
			narration:
				'The server has never seen this client, sender and recipient together, so it answers 451 with 4.7.1: class 4 means transient — "try again later" — and the sender must keep the message (RFC 5321 §4.2.1).',
			rfc: [rfc(5321, '4.2.1'), rfc(6647, '2.4')],
			expect: [{ code: 451, enhanced: '4.7.1' }]
		},
		{
			kind: 'send',
			id: 'rset',
			lines: ['RSET'],
			title: 'RSET: abandon this transaction',
			narration:
				'With no accepted recipient there is nothing to send. RSET clears the transaction; the connection stays open.',
			rfc: [rfc(5321, '4.1.1.5')],
			expect: [REPLY.rset]
		},
		{
			kind: 'wait',
			id: 'wait',
			seconds: 'greylist',
			title: 'Wait out the greylisting window',
			narration:
				'The sandbox’s window is GREYLIST_SECONDS = {greylistSeconds} seconds; we wait that long. Real greylisting waits minutes, and a real sending server would retry from its queue much later — RFC 5321 §4.5.4.1 says retries should be at least 30 minutes apart and continue for 4–5 days.',
			rfc: [rfc(5321, '4.5.4.1')],
			expect: []
		},
		{
			kind: 'send',
			id: 'mail-again',
			lines: ['MAIL FROM:<alice+{run}@example.org>'],
			title: 'MAIL FROM, the retry',
			narration: 'The same sender tries again.',
			rfc: [rfc(5321, '4.1.1.2')],
			expect: [REPLY.mail]
		},
		{
			kind: 'send',
			id: 'rcpt-retry',
			lines: ['RCPT TO:<greylist@example.com>'],
			title: 'RCPT TO: accepted this time',
			narration:
				'Same client, sender and recipient, after the window: the greylist lets it through with 250.',
			rfc: [rfc(6647, '2.4')],
			expect: [REPLY.rcpt]
		},
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The message, delivered at last',
			narration: 'The content goes out and is queued for delivery.',
			rfc: [rfc(5321, '4.1.1.4')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.org>',
					to: ['greylist@example.com'],
					subject: 'Patience pays',
					text: 'This message was refused once with 451 and accepted on the retry.\n'
				}
			}
		},
		quit()
	]
};
