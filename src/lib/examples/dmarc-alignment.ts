import { data, deliveredLeg, logIn, mailFrom, quit, rcptTo, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'dmarc-alignment',
	order: 28,
	title: 'DMARC alignment: relaxed passes, strict fails',
	teaches:
		'DMARC asks whether the domain SPF or DKIM authenticated matches the From: domain: relaxed alignment accepts the same organizational domain (news.relaxed.test and relaxed.test), strict wants the very same name — so the same kind of message passes for one domain and is refused for the other.',
	rfc: [rfc(7489, '3.1.1'), rfc(7489, '3.1.2'), rfc(7489, '3.2'), rfc(7489, '6.3')],
	intro:
		'Two newsletters, sent the same way: From: news@news.<domain>, envelope sender bounces@<domain>, signed by the provider with d=<domain>. relaxed.test publishes “v=DMARC1; p=reject; adkim=r; aspf=r”, strict.test “v=DMARC1; p=reject; adkim=s; aspf=s”. SPF and DKIM will pass both times; only the alignment mode differs.',
	takeaway:
		'SPF passed for relaxed.test and strict.test, DKIM passed for d=relaxed.test and d=strict.test, yet only the first message passed DMARC: in relaxed mode news.relaxed.test and relaxed.test share an organizational domain (RFC 7489 §3.1.1, §3.1.2, §3.2), in strict mode news.strict.test is not strict.test. strict.test asked for p=reject, so mx.north.test refused the second with 550 5.7.1 and the outgoing queue, which had accepted it, sent a bounce to its envelope sender (RFC 5321 §6.1), bounces@strict.test.',
	steps: [
		...logIn(),
		mailFrom(
			'bounces@relaxed.test',
			'The envelope sender is a bounce address at relaxed.test: SPF checks relaxed.test, and that is the domain DMARC will compare with From: (RFC 7489 §3.1.2).',
			'mail-from-relaxed',
			{
				title: 'MAIL FROM:<bounces@relaxed.test>',
				rfc: [rfc(5321, '4.1.1.2'), rfc(7489, '3.1.2')]
			}
		),
		rcptTo(
			'dan@north.test',
			'Dan is at north.test: queued for mx.north.test.',
			REPLY.rcpt,
			'rcpt-dan-relaxed'
		),
		data(undefined, 'data-relaxed'),
		{
			kind: 'data',
			id: 'message-relaxed',
			title: 'From: news@news.relaxed.test — accepted and signed d=relaxed.test',
			narration:
				'250: queued. The From: domain is news.relaxed.test; the submission server signs with the closest domain it holds a key for, d=relaxed.test (RFC 6376 §3.5).',
			rfc: [rfc(5321, '6.1'), rfc(6376, '3.5')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Relaxed News <news@news.relaxed.test>',
					to: ['dan@north.test'],
					subject: 'This week at relaxed.test',
					text: 'Our news, from a subdomain, signed by the parent domain.\n'
				}
			}
		},
		{
			kind: 'journey',
			id: 'hop-relaxed',
			title: 'The hop: delivered',
			narration: 'The queue delivers it to mx.north.test, which checks it before its reply: 250.',
			rfc: [rfc(5321, '4.5.4.1')],
			expect: [],
			fastForward: false,
			legs: [deliveredLeg('north.test', 'mx.north.test')]
		},
		{
			kind: 'auth',
			id: 'verdict-relaxed',
			title: 'Relaxed alignment: dmarc=pass',
			narration:
				'news.relaxed.test has no DMARC record of its own, so mx.north.test asks at the organizational domain, _dmarc.relaxed.test (RFC 7489 §6.6.3; .test is on no public suffix list, so the organizational domain is the last two labels, §3.2). SPF passed for relaxed.test and DKIM for d=relaxed.test; in relaxed mode (adkim=r, aspf=r) a domain aligns with news.relaxed.test when both have the same organizational domain (§3.1.1, §3.1.2): relaxed.test does. DMARC: pass, inbox.',
			rfc: [rfc(7489, '6.6.3'), rfc(7489, '3.2'), rfc(7489, '3.1.1'), rfc(7489, '3.1.2')],
			expect: [],
			verdict: {
				host: 'mx.north.test',
				recipient: 'dan@north.test',
				spf: 'pass',
				dkim: 'pass',
				dmarc: 'pass',
				action: 'inbox'
			}
		},
		mailFrom(
			'bounces@strict.test',
			'The session is still open, and MAIL may be sent whenever no transaction is in progress: a second transaction (RFC 5321 §3.3, §4.1.4). The same layout, at strict.test.',
			'mail-from-strict',
			{
				title: 'A second transaction: MAIL FROM:<bounces@strict.test>',
				rfc: [rfc(5321, '3.3'), rfc(5321, '4.1.4')]
			}
		),
		rcptTo('dan@north.test', 'Dan again.', REPLY.rcpt, 'rcpt-dan-strict'),
		data(undefined, 'data-strict'),
		{
			kind: 'data',
			id: 'message-strict',
			title: 'From: news@news.strict.test — accepted and signed d=strict.test',
			narration: '250: queued and signed, d=strict.test. So far the same story.',
			rfc: [rfc(5321, '6.1'), rfc(6376, '3.5')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Strict News <news@news.strict.test>',
					to: ['dan@north.test'],
					subject: 'This week at strict.test',
					text: 'Our news, from a subdomain, signed by the parent domain.\n'
				}
			}
		},
		quit(),
		{
			kind: 'journey',
			id: 'hop-strict',
			title: 'The hop: refused with 550 5.7.1, and a bounce',
			narration:
				'mx.north.test answers the end of DATA with 550 5.7.1: DMARC failed and strict.test asks for reject (RFC 7489 §6.3, §10.3). A 5xx is final (RFC 5321 §4.2.1). The outgoing queue had already taken responsibility for the message, so it tells the envelope sender: a bounce from <> to bounces@strict.test (RFC 5321 §6.1). strict.test is not a sandbox mailbox, so the bounce stays in the outbox, visible to this browser.',
			rfc: [rfc(7489, '10.3'), rfc(5321, '4.2.1'), rfc(5321, '6.1'), rfc(3464)],
			expect: [],
			fastForward: false,
			legs: [
				{
					domain: 'north.test',
					tries: [
						{
							host: 'mx.north.test',
							outcome: 'refused',
							reply: { code: 550, enhanced: '5.7.1' }
						}
					],
					state: 'bounced'
				}
			]
		},
		{
			kind: 'auth',
			id: 'verdict-strict',
			title: 'Strict alignment: dmarc=fail, refused',
			narration:
				'SPF passed for strict.test and DKIM for d=strict.test, exactly as before. But strict.test says adkim=s and aspf=s: only an exact match of the names aligns (RFC 7489 §3.1.1, §3.1.2), and strict.test is not news.strict.test. Nothing aligned passed: DMARC fail, policy reject.',
			rfc: [rfc(7489, '3.1.1'), rfc(7489, '3.1.2'), rfc(7489, '6.6.2')],
			expect: [],
			verdict: {
				host: 'mx.north.test',
				recipient: 'dan@north.test',
				spf: 'pass',
				dkim: 'pass',
				dmarc: 'fail',
				action: 'reject'
			}
		}
	]
};
