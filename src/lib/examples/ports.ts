import { connect, ehlo, quit, REPLY, rfc } from './common';
import type { ComposeSpec, Example, Step } from './types';

const mail = (port: string): ComposeSpec => ({
	from: 'Alice <alice@example.org>',
	to: ['Bob <bob@example.com>'],
	subject: `The same message, via port ${port}`,
	text: `This copy travelled through the port ${port} listener.\n`
});

function message(id: string, port: string, narration: string): Step {
	return {
		kind: 'data',
		id,
		title: `The message via ${port}`,
		narration,
		rfc: [rfc(5321, '4.1.1.4')],
		expect: [REPLY.queued],
		message: { kind: 'compose', mail: mail(port) }
	};
}

function envelope(id: string, narration: string): Step {
	return {
		kind: 'send',
		id,
		lines: ['MAIL FROM:<alice@example.org>', 'RCPT TO:<bob@example.com>', 'DATA'],
		title: 'MAIL FROM, RCPT TO, DATA (pipelined)',
		narration,
		rfc: [rfc(5321, '3.3'), rfc(2920, '3.1')],
		expect: [REPLY.mail, REPLY.rcpt, REPLY.data]
	};
}

export const example: Example = {
	slug: 'ports',
	order: 9,
	title: 'Ports: 25, 587 and 465',
	teaches:
		'The same message three ways — server to server on 25, submission with STARTTLS on 587, submission with implicit TLS on 465 — and why 2525 exists.',
	rfc: [rfc(5321), rfc(6409), rfc(8314), rfc(3207)],
	intro:
		'Three sessions in a row deliver the same message to Bob. Port 25 is where mail exchangers receive mail from other servers; 587 and 465 are where people’s mail programs submit it. Some providers also open 2525: an unofficial alternative submission port for networks that block 587 — in this sandbox 2525 happens to be the mx listener’s number, because ports below 1024 need administrator rights.',
	takeaway:
		'Port 25 needs no password but accepts mail only for its own domains; 587 starts in the clear and upgrades with STARTTLS; 465 is TLS from the first byte (RFC 8314 recommends it for submission). Same SMTP inside all three — what differs is who may connect, and when encryption starts.',
	steps: [
		connect(
			'mx',
			'Session 1: port 25, server to server. The sending server connects to the recipient domain’s mail exchanger (found in DNS, its MX record). No login: the mx accepts mail only for the domains it serves.',
			'connect-25'
		),
		ehlo(undefined, 'ehlo-25'),
		envelope(
			'envelope-25',
			'To keep this example short, the three envelope commands go out at once (the server offered PIPELINING): three replies come back in order.'
		),
		message('message-25', '25', 'The message, in plain text on port 25.'),
		quit(undefined, 'quit-25'),
		connect(
			'submission',
			'Session 2: port 587, submission (RFC 6409). It starts in the clear, like port 25.',
			'connect-587'
		),
		ehlo(undefined, 'ehlo-587'),
		{
			kind: 'send',
			id: 'starttls-587',
			lines: ['STARTTLS'],
			title: 'STARTTLS',
			narration: 'Upgrade this connection to TLS before anything secret is sent (RFC 3207).',
			rfc: [rfc(3207, '4')],
			expect: [REPLY.startTls]
		},
		ehlo('EHLO again inside TLS: now AUTH is offered.', 'ehlo-587-tls'),
		{
			kind: 'send',
			id: 'auth-587',
			lines: ['AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ='],
			title: 'AUTH PLAIN',
			narration: 'Alice logs in (alice / wonderland, base64-encoded).',
			rfc: [rfc(4954, '4')],
			expect: [REPLY.authOk]
		},
		envelope('envelope-587', 'The same envelope, pipelined.'),
		message('message-587', '587', 'The message, encrypted by TLS on the way.'),
		quit(undefined, 'quit-587'),
		connect(
			'submissions',
			'Session 3: port 465, submissions (RFC 8314). TLS starts before the first SMTP byte: the greeting itself arrives encrypted. No STARTTLS, nothing in the clear, nothing for an attacker to strip.',
			'connect-465'
		),
		ehlo('EHLO: AUTH is offered at once, and STARTTLS is not (TLS is already on).', 'ehlo-465'),
		{
			kind: 'send',
			id: 'auth-465',
			lines: ['AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ='],
			title: 'AUTH PLAIN',
			narration: 'Alice logs in.',
			rfc: [rfc(4954, '4')],
			expect: [REPLY.authOk]
		},
		envelope('envelope-465', 'The same envelope, pipelined.'),
		message('message-465', '465', 'The third copy.'),
		quit(undefined, 'quit-465')
	]
};
