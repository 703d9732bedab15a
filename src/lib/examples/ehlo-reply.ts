import { connect, ehlo, quit, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'ehlo-reply',
	order: 2,
	title: 'Reading the EHLO reply',
	teaches: 'What each extension in the EHLO reply offers, and why the list changes after STARTTLS.',
	rfc: [rfc(5321, '4.1.1.1'), rfc(3207), rfc(4954)],
	intro:
		'ESMTP servers announce their extensions in the reply to EHLO. We ask twice on the submission listener — before and after STARTTLS — and compare the lists.',
	takeaway:
		'The extension list is a contract for this session only. After STARTTLS the client forgets it and asks again (RFC 3207 §4.2), and a careful server offers AUTH only where passwords cannot be read on the way.',
	steps: [
		connect('submission'),
		ehlo(
			'EHLO asks what the server offers. Read the lines: PIPELINING (RFC 2920: send several commands without waiting), 8BITMIME (RFC 6152: 8-bit bodies), SMTPUTF8 (RFC 6531: UTF-8 addresses), ENHANCEDSTATUSCODES (RFC 2034: the x.y.z codes), DSN (RFC 3461: delivery reports), STARTTLS (RFC 3207: upgrade to TLS) and SIZE (RFC 1870: the largest message). No AUTH: the password would cross the network in the clear.'
		),
		{
			kind: 'send',
			id: 'starttls',
			lines: ['STARTTLS'],
			title: 'STARTTLS: upgrade to TLS',
			narration:
				'STARTTLS asks to turn this very connection into a TLS connection. After the 220 both sides perform the TLS handshake; everything after it is encrypted.',
			rfc: [rfc(3207, '4')],
			expect: [REPLY.startTls]
		},
		ehlo(
			'After TLS the client must forget what it learned, since an attacker could have altered the first list, and SHOULD send EHLO again (RFC 3207 §4.2). Compare: STARTTLS is gone (TLS is already on) and AUTH PLAIN LOGIN appears (RFC 4954), because a password can now travel safely.',
			'ehlo-again'
		),
		quit()
	]
};
