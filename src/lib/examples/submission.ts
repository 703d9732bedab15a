import { connect, ehlo, data, quit, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'submission',
	order: 8,
	title: 'Submission on port 587: STARTTLS, then AUTH',
	teaches:
		'Why AUTH appears only after STARTTLS (530 5.7.0 before it), a wrong password (535 5.7.8), the right one (235), and why base64 is not encryption.',
	rfc: [rfc(6409), rfc(3207), rfc(4954), rfc(4616)],
	intro:
		'Alice’s mail program hands a new message to her provider. Submission servers must know who is sending (so they can relay to any domain), and a password must never cross the network in the clear.',
	takeaway:
		'On 587 the order is fixed: EHLO, STARTTLS, EHLO again, AUTH, then the message — which may go to any domain, because the server now knows who is responsible for it. The AUTH PLAIN string was base64: an encoding anyone can reverse, safe only inside TLS.',
	steps: [
		connect('submission'),
		ehlo(
			'The first EHLO offers STARTTLS but no AUTH: the server will not invite a password over a plain connection (RFC 4954 §4).'
		),
		{
			kind: 'send',
			id: 'auth-too-early',
			lines: ['AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ='],
			title: 'AUTH before STARTTLS: refused',
			narration:
				'A careless client tries to log in right away. The server refuses with 530 5.7.0 "Must issue a STARTTLS command first" (RFC 3207 §4) — but the password has already been sent in the clear. That is why the client should check the EHLO list first.',
			rfc: [rfc(3207, '4'), rfc(4954, '6')],
			expect: [{ code: 530, enhanced: '5.7.0' }]
		},
		{
			kind: 'send',
			id: 'starttls',
			lines: ['STARTTLS'],
			title: 'STARTTLS',
			narration:
				'STARTTLS, then 220, then the TLS handshake: from here on the connection is encrypted.',
			rfc: [rfc(3207, '4')],
			expect: [REPLY.startTls]
		},
		ehlo(
			'EHLO again: after TLS both sides have forgotten the first EHLO, so the client SHOULD send it again (RFC 3207 §4.2), and a mail transaction needs one anyway (RFC 5321 §4.1.4). Now the list contains AUTH PLAIN LOGIN.',
			'ehlo-tls'
		),
		{
			kind: 'send',
			id: 'auth-wrong',
			lines: ['AUTH PLAIN AGFsaWNlAHdyb25n'],
			title: 'AUTH PLAIN with a wrong password',
			narration:
				'AUTH PLAIN carries "\\0user\\0password" in base64 (RFC 4616). This one decodes to alice / wrong. The server answers 535 5.7.8: credentials invalid (RFC 4954 §6).',
			rfc: [rfc(4616, '2'), rfc(4954, '6')],
			expect: [{ code: 535, enhanced: '5.7.8' }]
		},
		{
			kind: 'send',
			id: 'auth-right',
			lines: ['AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ='],
			title: 'AUTH PLAIN with the right password',
			narration:
				'AGFsaWNlAHdvbmRlcmxhbmQ= decodes to alice / wonderland — anyone can decode it: base64 is an encoding, not encryption. Only TLS keeps it secret. 235 2.7.0: authenticated.',
			rfc: [rfc(4954, '6')],
			expect: [REPLY.authOk]
		},
		{
			kind: 'send',
			id: 'mail-from',
			lines: ['MAIL FROM:<alice@example.com>'],
			title: 'MAIL FROM',
			narration: 'Authenticated, Alice may now start a transaction.',
			rfc: [rfc(5321, '4.1.1.2')],
			expect: [REPLY.mail]
		},
		{
			kind: 'send',
			id: 'rcpt-outside',
			lines: ['RCPT TO:<friend@elsewhere.example>'],
			title: 'RCPT TO an outside domain',
			narration:
				'A submission server relays for its authenticated users, so a recipient at any domain is accepted. The sandbox keeps it in its outbox: "would be relayed — not sent (sandbox)".',
			rfc: [rfc(6409, '4.3'), rfc(5321, '3.6.3')],
			expect: [REPLY.rcpt]
		},
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The message',
			narration:
				'The message, inside TLS. A real provider would now look up the MX of elsewhere.example and deliver on port 25.',
			rfc: [rfc(6409, '2.1'), rfc(5321, '5.1')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.com>',
					to: ['friend@elsewhere.example'],
					subject: 'Sent the proper way',
					text: 'Encrypted on the way to my provider, with a password.\n'
				}
			}
		},
		quit()
	]
};
