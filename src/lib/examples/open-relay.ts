import { connect, ehlo, mailFrom, quit, rcptTo, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'open-relay',
	order: 10,
	title: 'Open relay refused',
	teaches:
		'A mail exchanger refuses recipients at domains it is not responsible for (550 5.7.1), and why open relays are abused.',
	rfc: [rfc(5321, '3.6.2'), rfc(5321, '7.9')],
	intro:
		'Port 25 needs no login — so what stops anyone from using it to send mail anywhere? The mail exchanger accepts mail only for the domains it serves.',
	takeaway:
		'An open relay — a server that forwards mail for anyone to anywhere — is a gift to spammers: their mail arrives from someone else’s good address and reputation. Relaying is for authenticated users on submission (587/465); on port 25 a server accepts only its own domains (RFC 5321 §3.6.2, §7.9).',
	steps: [
		connect('mx'),
		ehlo(),
		mailFrom('mallory@example.org', 'Anyone may connect to port 25 and start a transaction.'),
		rcptTo(
			'victim@elsewhere.example',
			'elsewhere.example stands for any domain on the internet that this server does not serve. Forwarding would make it an open relay, so it answers 550 with 5.7.1 (class 5 permanent, subject 7 security or policy, detail 1 "not authorized").',
			{ code: 550, enhanced: '5.7.1' },
			'rcpt-outside'
		),
		rcptTo(
			'bob@example.com',
			'A recipient at a domain the server does serve is accepted: that is its job as the mail exchanger for example.com.'
		),
		{
			kind: 'send',
			id: 'rset',
			lines: ['RSET'],
			title: 'RSET',
			narration: 'Mallory gives up on this transaction.',
			rfc: [rfc(5321, '4.1.1.5')],
			expect: [REPLY.rset]
		},
		quit()
	]
};
