import { connect, data, ehlo, mailFrom, quit, rcptTo, rfc } from './common';
import type { Example } from './types';

const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

export const example: Example = {
	slug: 'spam-refused',
	order: 16,
	title: 'Refused after DATA',
	teaches:
		'Content the server judges to be spam (the GTUBE test string) refused with 550 5.7.1 once the content is seen — one reply for all recipients.',
	rfc: [rfc(5321, '4.2.5'), rfc(5321, '3.3')],
	intro:
		'Recipients are judged at RCPT time; the content only after the final dot. GTUBE is a harmless test string that spam filters are built to flag, like the EICAR file for antivirus software.',
	takeaway:
		'Both recipients were accepted, yet the message was refused as a whole: after DATA there is one reply for the whole transaction, not one per recipient (RFC 5321 §4.2.5). Refusing during the session, rather than accepting and bouncing later, means the sender — not an innocent third party — learns of it.',
	steps: [
		connect('mx'),
		ehlo(),
		mailFrom('alice@example.org', 'An ordinary transaction.'),
		rcptTo('bob@example.com', 'Accepted.'),
		rcptTo('carol@example.net', 'Accepted too.'),
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The content is refused',
			narration:
				'The body contains the GTUBE string. The server reads the whole message, judges it, and answers once for both recipients: 550 with 5.7.1 (security or policy: not authorized). Nothing is delivered to anyone.',
			rfc: [rfc(5321, '4.2.5'), rfc(3463, '3.8')],
			expect: [{ code: 550, enhanced: '5.7.1' }],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.org>',
					to: ['bob@example.com', 'carol@example.net'],
					subject: 'Totally not spam',
					text: `This message carries the GTUBE test string:\n\n${GTUBE}\n`
				}
			}
		},
		quit()
	]
};
