import { data, logIn, quit, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'backup-mx',
	order: 21,
	title: 'The backup MX takes over',
	teaches:
		'MX preferences: the lowest number is tried first; when it cannot be reached, the next one takes the message in the same round, without waiting for a retry.',
	rfc: [rfc(5321, '5.1')],
	intro:
		'backup.test publishes two MX records: mx1.backup.test with preference 10 and mx2.backup.test with preference 20. Today the primary is down.',
	takeaway:
		'The queue sorted the MX records by preference and tried them in order until one answered (RFC 5321 §5.1): the primary refused the connection, the secondary delivered. A backup MX keeps mail flowing while the primary is away.',
	steps: [
		...logIn(),
		{
			kind: 'send',
			id: 'mail-from',
			lines: ['MAIL FROM:<alice@example.com>'],
			title: 'MAIL FROM',
			narration: 'A transaction from Alice.',
			rfc: [rfc(5321, '4.1.1.2')],
			expect: [REPLY.mail]
		},
		{
			kind: 'send',
			id: 'rcpt-backup',
			lines: ['RCPT TO:<dan@backup.test>'],
			title: 'RCPT TO: dan@backup.test',
			narration: 'Accepted and queued for backup.test.',
			rfc: [rfc(5321, '4.1.1.3')],
			expect: [REPLY.rcpt]
		},
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The message is accepted',
			narration: '250: queued.',
			rfc: [rfc(5321, '6.1')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.com>',
					to: ['dan@backup.test'],
					subject: 'Via the backup',
					text: 'The primary was down; the secondary took it.\n'
				}
			}
		},
		quit(),
		{
			kind: 'journey',
			id: 'failover',
			title: 'Preference 10 refused, preference 20 delivers',
			narration:
				'The queue asks DNS for backup.test’s MX records and sorts them: lower numbers first (RFC 5321 §5.1). mx1.backup.test refuses the connection; the client must be able to try each address in turn, so it goes on at once to mx2.backup.test, which answers 250.',
			rfc: [rfc(5321, '5.1')],
			expect: [],
			fastForward: false,
			legs: [
				{
					domain: 'backup.test',
					tries: [
						{ host: 'mx1.backup.test', outcome: 'unreachable', reply: null },
						{
							host: 'mx2.backup.test',
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
