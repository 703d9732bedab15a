import { data, logIn, quit, REPLY, rfc } from './common';
import type { Example } from './types';

const delivered = { code: 250, enhanced: '2.6.0' } as const;

export const example: Example = {
	slug: 'split-delivery',
	order: 18,
	title: 'One message, three domains: the split',
	teaches:
		'After the 250 the message is the server’s to deliver: its outgoing queue splits it per destination server, looks up each domain’s MX and makes one SMTP transaction per destination.',
	rfc: [rfc(5321, '4.5.4.1'), rfc(5321, '5.1'), rfc(5321, '4.4')],
	intro:
		'Alice sends one message to three people at three other providers: north.test, south.test and nomx.test. Her session ends with one 250; then her provider’s outgoing server (out.smtp-lab.test) delivers it, hop by hop, to each domain’s mail exchanger. Everything stays inside the sandbox.',
	takeaway:
		'One submission became three deliveries: one transaction per destination server, each with only its own recipients (RFC 5321 §4.5.4.1). Each delivered copy carries two Received fields — the submission server’s and the MX’s, newest on top — and a Return-Path added only at final delivery (RFC 5321 §4.4). Open the journey to see every lookup and session.',
	steps: [
		...logIn(),
		{
			kind: 'send',
			id: 'mail-from',
			lines: ['MAIL FROM:<alice@example.com>'],
			title: 'MAIL FROM',
			narration: 'Alice starts one transaction: one envelope sender for all her recipients.',
			rfc: [rfc(5321, '3.3'), rfc(5321, '4.1.1.2')],
			expect: [REPLY.mail]
		},
		{
			kind: 'send',
			id: 'rcpt-north',
			lines: ['RCPT TO:<carol@north.test>'],
			title: 'RCPT TO: carol@north.test',
			narration:
				'north.test is not this provider’s domain, so the recipient is accepted for delivery elsewhere: it will be queued.',
			rfc: [rfc(5321, '4.1.1.3'), rfc(6409, '4.3')],
			expect: [REPLY.rcpt]
		},
		{
			kind: 'send',
			id: 'rcpt-south',
			lines: ['RCPT TO:<dan@south.test>'],
			title: 'RCPT TO: dan@south.test',
			narration: 'A second domain, a second destination.',
			rfc: [rfc(5321, '4.1.1.3')],
			expect: [REPLY.rcpt]
		},
		{
			kind: 'send',
			id: 'rcpt-nomx',
			lines: ['RCPT TO:<erin@nomx.test>'],
			title: 'RCPT TO: erin@nomx.test',
			narration: 'And a third. Three recipients, one transaction so far.',
			rfc: [rfc(5321, '4.1.1.3')],
			expect: [REPLY.rcpt]
		},
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The message, once',
			narration:
				'The content goes over once. 250: the server has taken responsibility for it (RFC 5321 §6.1) and queued it for the three domains.',
			rfc: [rfc(5321, '4.1.1.4'), rfc(5321, '6.1')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.com>',
					to: ['carol@north.test', 'dan@south.test', 'erin@nomx.test'],
					subject: 'One message, three providers',
					text: 'Sent once, delivered three times.\n'
				}
			}
		},
		quit(
			'Alice’s part is over: QUIT. Her mail program never talks to north.test, south.test or nomx.test; her provider’s queue does.'
		),
		{
			kind: 'journey',
			id: 'split',
			title: 'The queue: three destinations, three deliveries',
			narration:
				'The queue groups the recipients by destination server and makes one transaction for each (RFC 5321 §4.5.4.1). For each domain it asks the sandbox DNS for MX records (§5.1): north.test has one; south.test has two of equal preference, so either may be picked at random; nomx.test has none, so its own address record is the implicit MX. Then out.smtp-lab.test connects to each host, which greets as itself and answers 250.',
			rfc: [rfc(5321, '4.5.4.1'), rfc(5321, '5.1')],
			expect: [],
			fastForward: false,
			legs: [
				{
					domain: 'north.test',
					tries: [{ host: 'mx.north.test', outcome: 'delivered', reply: delivered }],
					state: 'delivered'
				},
				{
					domain: 'south.test',
					tries: [{ outcome: 'delivered', reply: delivered }],
					state: 'delivered'
				},
				{
					domain: 'nomx.test',
					tries: [{ host: 'nomx.test', outcome: 'delivered', reply: delivered }],
					state: 'delivered'
				}
			]
		}
	]
};
