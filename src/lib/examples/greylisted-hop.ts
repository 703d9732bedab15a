import { data, logIn, quit, REPLY, rfc } from './common';
import type { Example } from './types';

const greylisted = {
	host: 'mx.greylist.test',
	outcome: 'deferred',
	reply: { code: 451, enhanced: '4.7.1' }
} as const;

export const example: Example = {
	slug: 'greylisted-hop',
	order: 19,
	title: 'Greylisted on the second hop, retried by the queue',
	teaches:
		'A 4xx on the hop from the sender’s provider to the recipient’s MX: the message stays in the outgoing queue and is tried again at least 30 minutes later, and then gets through.',
	rfc: [rfc(5321, '4.5.4.1'), rfc(5321, '4.2.1'), rfc(6647)],
	intro:
		'In the “Try again later” example we were the client that was greylisted. Here Alice’s session goes well; it is her provider’s outgoing server, one hop further, that meets greylist.test’s greylisting MX. Alice sees none of it: store-and-forward.',
	takeaway:
		'The second hop was refused with 451 4.7.1 and the queue kept the message, as RFC 5321 §4.5.4.1 requires, and tried again later: accepted. Here the fast-forward jumped this message’s time to its next try; a real server waits at least 30 minutes between tries and keeps trying for 4–5 days.',
	steps: [
		...logIn(),
		{
			kind: 'send',
			id: 'mail-from',
			lines: ['MAIL FROM:<alice@example.com>'],
			title: 'MAIL FROM',
			narration: 'The envelope sender: where a report would go if delivery failed.',
			rfc: [rfc(5321, '4.1.1.2')],
			expect: [REPLY.mail]
		},
		{
			kind: 'send',
			id: 'rcpt-greylist',
			lines: ['RCPT TO:<dan@greylist.test>'],
			title: 'RCPT TO: dan@greylist.test',
			narration:
				'Accepted at once: the submission server does not greylist its own users. greylist.test’s MX has not been asked yet.',
			rfc: [rfc(5321, '4.1.1.3')],
			expect: [REPLY.rcpt]
		},
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The message is accepted',
			narration: '250: queued. For Alice the message is sent.',
			rfc: [rfc(5321, '6.1')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.com>',
					to: ['dan@greylist.test'],
					subject: 'Patience on the second hop',
					text: 'Deferred once between the providers, then delivered.\n'
				}
			}
		},
		quit(),
		{
			kind: 'journey',
			id: 'first-try',
			title: 'The second hop: 451 4.7.1',
			narration:
				'The queue looks up greylist.test’s MX and connects. mx.greylist.test has never seen this client, sender and recipient together, so it answers RCPT with 451 4.7.1: class 4, transient (RFC 5321 §4.2.1). The queue keeps the message and plans the next try 30 minutes later in queue time (§4.5.4.1).',
			rfc: [rfc(5321, '4.2.1'), rfc(5321, '4.5.4.1'), rfc(6647, '2.4')],
			expect: [],
			fastForward: false,
			legs: [{ domain: 'greylist.test', tries: [greylisted] }]
		},
		{
			kind: 'journey',
			id: 'retry',
			title: 'Fast-forward: the retry gets through',
			narration:
				'We fast-forward this message’s time to its next try (only this message moves: every other message in the queue keeps its schedule); real servers wait 30 minutes or more. The same client, sender and recipient come back after the greylisting window: 250, delivered to Dan’s mailbox.',
			rfc: [rfc(5321, '4.5.4.1'), rfc(6647, '2.4')],
			expect: [],
			fastForward: true,
			legs: [
				{
					domain: 'greylist.test',
					tries: [
						greylisted,
						{
							host: 'mx.greylist.test',
							outcome: 'delivered',
							reply: { code: 250, enhanced: '2.6.0' }
						}
					],
					state: 'delivered'
				}
			]
		}
	]
};
