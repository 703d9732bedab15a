import {
	connect,
	data,
	deliveredLeg,
	ehlo,
	logIn,
	mailFrom,
	quit,
	rcptTo,
	REPLY,
	rfc
} from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'spf-pass-fail',
	order: 25,
	title: 'SPF: the same sender, passed from one address and failed from another',
	teaches:
		'SPF lets a domain name the hosts that may send its mail: the receiving MX compares the connecting address with the record of the MAIL FROM domain, so Alice’s provider passes and a spoofer typing the same MAIL FROM fails.',
	rfc: [
		rfc(7208, '2.4'),
		rfc(7208, '4.6.2'),
		rfc(7208, '8.4'),
		rfc(7372, '3.2'),
		rfc(8601, '2.7.2')
	],
	intro:
		'hardfail.test publishes one SPF record: “v=spf1 a:out.smtp-lab.test -all” — mail for it may come from the address of out.smtp-lab.test (the sandbox’s outgoing server, 127.0.0.2), and from nowhere else (“-all”). First Alice sends as alice@hardfail.test through her provider; then a spoofer connects straight to an MX from 127.0.0.1 and claims the same address. Both MXs ask the same DNS question; the answer is the same; the connecting address is not.',
	takeaway:
		'SPF checked the envelope sender’s domain against the address the connection came from (RFC 7208 §2.4): out.smtp-lab.test is named in hardfail.test’s record, 127.0.0.1 is not. Because hardfail.test publishes no DMARC policy, the MX enforced SPF on its own and refused the spoofer with 550 5.7.23 (RFC 7208 §8.4 allows it; RFC 7372 §3.2 gives the code). SPF says nothing about the From: line a reader sees — DMARC does that: see “DMARC p=reject” and “DMARC alignment”.',
	steps: [
		...logIn(),
		mailFrom(
			'alice@hardfail.test',
			'The envelope sender is the identity SPF checks: the receiving MX will look up the SPF record of its domain, hardfail.test (RFC 7208 §2.4). Alice’s provider accepts it from her, logged in.',
			'mail-from',
			{ title: 'MAIL FROM:<alice@hardfail.test>', rfc: [rfc(5321, '4.1.1.2'), rfc(7208, '2.4')] }
		),
		rcptTo(
			'dan@north.test',
			'north.test is another provider: the message will be queued and delivered to its MX, mx.north.test, which checks SPF.'
		),
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The message is accepted and signed',
			narration:
				'250: queued. Before it leaves, the submission server adds a DKIM signature for hardfail.test (RFC 6376 §5); this example is about SPF, which looks only at the envelope and the connection.',
			rfc: [rfc(5321, '6.1'), rfc(6376, '5')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@hardfail.test>',
					to: ['dan@north.test'],
					subject: 'Sent the proper way',
					text: 'Through my provider, from an address my domain names.\n'
				}
			}
		},
		quit(),
		{
			kind: 'journey',
			id: 'hop',
			title: 'The hop: out.smtp-lab.test to mx.north.test',
			narration:
				'The queue delivers the message from out.smtp-lab.test, address 127.0.0.2, to mx.north.test. After the message, before its reply, mx.north.test runs its checks; it answers 250.',
			rfc: [rfc(5321, '4.5.4.1'), rfc(7208, '2.4')],
			expect: [],
			fastForward: false,
			legs: [deliveredLeg('north.test', 'mx.north.test')]
		},
		{
			kind: 'auth',
			id: 'verdict-pass',
			title: 'mx.north.test’s verdict: spf=pass',
			narration:
				'mx.north.test asked the sandbox DNS for hardfail.test’s TXT records and found “v=spf1 a:out.smtp-lab.test -all”. It evaluates the terms left to right (RFC 7208 §4.6.2): “a:out.smtp-lab.test” costs one more lookup (§5.3), out.smtp-lab.test’s address, 127.0.0.2 — the address the connection came from. A match with no qualifier means “+”: pass (§2.6.3). The signature verifies too (dkim=pass); hardfail.test publishes no DMARC record, so dmarc=none. It wrote all three into the Authentication-Results field it added (RFC 8601 §2.7) and delivered to the inbox.',
			rfc: [rfc(7208, '4.6.2'), rfc(7208, '5.3'), rfc(7208, '2.6.3'), rfc(8601, '2.7.2')],
			expect: [],
			verdict: {
				host: 'mx.north.test',
				recipient: 'dan@north.test',
				spf: 'pass',
				dkim: 'pass',
				dmarc: 'none',
				action: 'inbox'
			}
		},
		connect(
			'mx',
			'Now the spoofer. A mail program connects straight to the sandbox’s own MX — the mx listener, standing for port 25 — from 127.0.0.1. Port 25 takes mail from anyone, without a login: that is what an MX is for.',
			'spoofer-connect'
		),
		ehlo(undefined, 'spoofer-ehlo'),
		mailFrom(
			'alice@hardfail.test',
			'Nothing in SMTP stops anyone from typing Alice’s address. The MX answers 250 for now: it checks SPF once it has the whole message, so that it can give one reply for it.',
			'spoofer-mail-from',
			{
				title: 'MAIL FROM: the same sender, claimed',
				rfc: [rfc(5321, '4.1.1.2'), rfc(7208, '2.4')]
			}
		),
		rcptTo(
			'bob@example.com',
			'A recipient this MX serves: accepted.',
			REPLY.rcpt,
			'spoofer-rcpt-bob'
		),
		data(undefined, 'spoofer-data'),
		{
			kind: 'data',
			id: 'spoofer-message',
			title: 'The message is refused: 550 5.7.23',
			narration:
				'The MX looks up the same record. This time the connection came from 127.0.0.1: “a:out.smtp-lab.test” does not match, “-all” matches everything and its “-” means fail (RFC 7208 §2.6.4). hardfail.test publishes no DMARC policy, so this MX enforces SPF alone: RFC 7208 §8.4 lets a receiver refuse a fail with 550, and RFC 7372 §3.2 gives the enhanced code 5.7.23, “SPF validation failed”. One reply, for the whole message.',
			rfc: [rfc(7208, '2.6.4'), rfc(7208, '8.4'), rfc(7372, '3.2'), rfc(5321, '4.2.5')],
			expect: [{ code: 550, enhanced: '5.7.23' }],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@hardfail.test>',
					to: ['bob@example.com'],
					subject: 'Not really from Alice',
					text: 'Typed straight to an MX, from an address hardfail.test does not name.\n'
				}
			}
		},
		{
			kind: 'auth',
			id: 'verdict-fail',
			title: 'The MX’s verdict: spf=fail, refused',
			narration:
				'The refused message is kept with its report, so its Authentication tab shows each term of the record and why it did not match. No DKIM signature (the spoofer has no key for hardfail.test): dkim=none; no DMARC record: dmarc=none.',
			rfc: [rfc(7208, '2.6.4'), rfc(8601, '2.7.1'), rfc(8601, '2.7.2')],
			expect: [],
			verdict: {
				recipient: 'bob@example.com',
				spf: 'fail',
				dkim: 'none',
				dmarc: 'none',
				action: 'reject'
			}
		},
		quit(undefined, 'spoofer-quit')
	]
};
