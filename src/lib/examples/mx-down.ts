import { data, logIn, quit, REPLY, rfc } from './common';
import type { Example } from './types';

const refused = { host: 'mx.down.test', outcome: 'unreachable', reply: null } as const;

export const example: Example = {
	slug: 'mx-down',
	order: 20,
	title: 'The MX is down: retries, then a bounce',
	teaches:
		'A destination that cannot be reached is retried on a schedule — at least 30 minutes apart, for days — and when the queue gives up, the sender gets a bounce from the null sender <>.',
	rfc: [rfc(5321, '4.5.4.1'), rfc(3461, '4.1'), rfc(3464), rfc(5321, '4.5.5')],
	intro:
		'down.test has one mail exchanger, mx.down.test, and it is switched off: every connection is refused. Alice asks to be told of delays and of failure. The queue’s schedule takes days; the example fast-forwards through it.',
	takeaway:
		'No reply ever came, so every try ended before SMTP began. The queue retried on its schedule and, at the end, gave up and sent Alice a bounce from <> (so that it can never cause another bounce, RFC 5321 §4.5.5): a multipart/report whose Status is the last real error, 4.4.1, no answer from the host. Real servers wait days for this (RFC 5321 §4.5.4.1: at least 4–5 days); here QUEUE_MAX_AGE_HOURS sets the give-up and the fast-forward skipped the waits.',
	steps: [
		...logIn(),
		{
			kind: 'send',
			id: 'mail-from',
			lines: ['MAIL FROM:<alice@example.com>'],
			title: 'MAIL FROM',
			narration: 'Alice is the envelope sender: reports about this message will come to her.',
			rfc: [rfc(5321, '4.1.1.2')],
			expect: [REPLY.mail]
		},
		{
			kind: 'send',
			id: 'rcpt-down',
			lines: ['RCPT TO:<dan@down.test> NOTIFY=FAILURE,DELAY'],
			title: 'RCPT TO with NOTIFY=FAILURE,DELAY',
			narration:
				'NOTIFY=FAILURE,DELAY asks for a report if delivery fails and a notice if it is delayed (RFC 3461 §4.1). The lookup made now finds an MX, so the recipient is accepted.',
			rfc: [rfc(3461, '4.1')],
			expect: [REPLY.rcpt]
		},
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The message is accepted',
			narration: '250: the provider has taken responsibility for it (RFC 5321 §6.1).',
			rfc: [rfc(5321, '6.1')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.com>',
					to: ['dan@down.test'],
					subject: 'Are you there?',
					text: 'This one will not arrive.\n'
				}
			}
		},
		quit(),
		{
			kind: 'journey',
			id: 'first-try',
			title: 'The first try: connection refused',
			narration:
				'The queue looks up down.test’s MX, mx.down.test, and connects: refused, nothing listens there. No SMTP reply at all, so there is nothing final about it: the message stays queued for a retry 30 minutes later (RFC 5321 §4.5.4.1).',
			rfc: [rfc(5321, '4.5.4.1'), rfc(5321, '5.1')],
			expect: [],
			fastForward: false,
			legs: [{ domain: 'down.test', tries: [refused] }]
		},
		{
			kind: 'journey',
			id: 'retries',
			title: 'Fast-forward: two more tries',
			narration:
				'We fast-forward this message’s time twice (only this message moves; every other one keeps its schedule). The tries come 30 minutes apart, two in the first hour, then every two or three hours, as RFC 5321 §4.5.4.1 suggests. Still refused.',
			rfc: [rfc(5321, '4.5.4.1')],
			expect: [],
			fastForward: true,
			legs: [{ domain: 'down.test', tries: [refused, refused, refused] }]
		},
		{
			kind: 'journey',
			id: 'give-up',
			title: 'Fast-forward to the give-up: the bounce',
			narration:
				'On through the schedule: once the message has waited a few hours a delay notice goes to Alice (she asked for it), and when QUEUE_MAX_AGE_HOURS has passed the queue gives up and bounces with the last real error, 4.4.1: no answer from the host. A real server waits days before this moment.',
			rfc: [rfc(5321, '4.5.4.1'), rfc(3461, '4.1'), rfc(3464, '2.3.4'), rfc(3463, '3.5')],
			expect: [],
			fastForward: true,
			legs: [{ domain: 'down.test', tries: [refused, refused, refused], state: 'bounced' }]
		}
	]
};
