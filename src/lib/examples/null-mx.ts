import { data, deliveredLeg, logIn, mailFrom, quit, rcptTo, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'null-mx',
	order: 22,
	title: 'Null MX: a domain that accepts no mail',
	teaches:
		'A null MX ("MX 0 .") says a domain takes no mail: the submission server looks it up at RCPT and refuses at once with 556 5.1.10, so nothing is queued and nothing is tried.',
	rfc: [rfc(7505, '3'), rfc(7505, '4.1'), rfc(5321, '5.1')],
	intro:
		'nullmx.test exists, but its only MX record is "0 .": no mail exchanger at all. Without it, a sender would fall back to the domain’s address and retry for days; with it, the answer is immediate.',
	takeaway:
		'The null MX turned days of pointless retries into one immediate 556 5.1.10 (RFC 7505 §4.1), while Alice was still connected and could fix the address. Only north.test’s recipient was queued: the journey has one leg, and nullmx.test was never tried.',
	steps: [
		...logIn(),
		mailFrom('alice@example.com', 'A transaction from Alice.', 'mail-from', { title: 'MAIL FROM' }),
		{
			kind: 'send',
			id: 'rcpt-nullmx',
			lines: ['RCPT TO:<info@nullmx.test>'],
			title: 'RCPT TO a null-MX domain: 556 5.1.10',
			narration:
				'Before answering, the server looks up nullmx.test’s MX: a single record, preference 0, exchange "." (RFC 7505 §3). The domain accepts no mail, so the recipient is refused at once: 556, with 5.1.10 "recipient address has null MX" (RFC 7505 §4.1).',
			rfc: [rfc(7505, '3'), rfc(7505, '4.1')],
			expect: [{ code: 556, enhanced: '5.1.10' }]
		},
		rcptTo(
			'carol@north.test',
			'A recipient that can be reached: accepted. The transaction goes on without the refused one.',
			REPLY.rcpt,
			'rcpt-north'
		),
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The message is accepted',
			narration: '250: queued for the one recipient that was accepted.',
			rfc: [rfc(5321, '6.1')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.com>',
					to: ['carol@north.test'],
					subject: 'Only one of you',
					text: 'The other address accepts no mail.\n'
				}
			}
		},
		quit(),
		{
			kind: 'journey',
			id: 'one-leg',
			title: 'The journey: north.test only',
			narration:
				'The queue has one destination: north.test, delivered. nullmx.test has no leg: it was refused during the session, so nothing was queued, looked up again or tried.',
			rfc: [rfc(5321, '4.5.4.1'), rfc(7505, '4.1')],
			expect: [],
			fastForward: false,
			legs: [deliveredLeg('north.test', 'mx.north.test')]
		}
	]
};
