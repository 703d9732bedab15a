import { data, deliveredLeg, logIn, mailFrom, quit, rcptTo, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'dkim-mailing-list',
	order: 26,
	title: 'DKIM broken by a mailing list’s footer',
	teaches:
		'A DKIM signature covers the body through its hash (bh=): a mailing list that appends a footer changes the body, so the members’ MX finds the hash no longer matches — and with the list sending from its own address, DMARC has nothing aligned left.',
	rfc: [
		rfc(6376, '3.7'),
		rfc(6376, '6.1.3'),
		rfc(7489, '3.1'),
		rfc(5321, '3.9.2'),
		rfc(8601, '2.7.1')
	],
	intro:
		'Alice writes to the list learners@list.test. Her provider signs the message for example.com (d=example.com): the signature holds a hash of the body (bh=) and a signature over chosen header fields and that hash (b=). The list, at mx.list.test, takes the message, adds a footer and sends it on to each member — ann and ben, both at north.test — from its own address. example.com’s DMARC policy is p=none: receivers only watch.',
	takeaway:
		'Nothing was forged, yet the signature broke: the footer changed the body, and the body hash was computed before it (RFC 6376 §3.7). mailauth writes it as dkim=neutral (body hash did not verify), as Gmail does; RFC 6376 §6.1.3 calls it PERMFAIL. SPF passed — for list.test, the list’s own envelope sender, which is not aligned with From: example.com — so DMARC failed (RFC 7489 §3.1), and only example.com’s p=none kept the message in the inbox. With p=reject the members would never have seen it: lists and forwarders break DKIM by design (RFC 7489 §10.5). The fixes — lists that rewrite From:, or ARC (RFC 8617), which the sandbox does not do — are beyond this example.',
	steps: [
		...logIn(),
		mailFrom(
			'alice@example.com',
			'Alice’s own address as the envelope sender: SPF at the list will check example.com.',
			'mail-from',
			{ title: 'MAIL FROM:<alice@example.com>' }
		),
		rcptTo(
			'learners@list.test',
			'The list’s address. For Alice it is one recipient; the list knows its members.',
			REPLY.rcpt,
			'rcpt-list'
		),
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The message is accepted and signed for example.com',
			narration:
				'250: queued. The submission server signs it: DKIM-Signature with d=example.com, s=smtplab (the selector: where the public key is published, <selector>._domainkey.example.com, RFC 6376 §3.6.2.1), c=relaxed/relaxed, and bh=, the hash of the body as it is now (RFC 6376 §3.7, §5).',
			rfc: [rfc(6376, '3.5'), rfc(6376, '3.7'), rfc(6376, '5')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.com>',
					to: ['learners@list.test'],
					subject: 'Notes from today’s lesson',
					text: 'Hello everyone,\n\nMy notes from today are below.\n\nAlice\n'
				}
			}
		},
		quit(),
		{
			kind: 'journey',
			id: 'journey',
			title: 'Two hops: to the list, then from the list to the members',
			narration:
				'The queue delivers Alice’s message to list.test’s MX, mx.list.test. The list keeps its copy, then posts a new message to its members — the same header fields plus List-Id and List-Post, the body with its footer appended, the envelope sender learners-bounces@list.test so that bounces go to the list (RFC 5321 §3.9.2) — and sends it from its own address, 127.0.0.12, to north.test’s MX. One journey, two legs.',
			rfc: [rfc(5321, '4.5.4.1'), rfc(5321, '3.9.2'), rfc(2919)],
			expect: [],
			fastForward: false,
			legs: [deliveredLeg('list.test', 'mx.list.test'), deliveredLeg('north.test', 'mx.north.test')]
		},
		{
			kind: 'auth',
			id: 'verdict-list',
			title: 'At the list: everything passes',
			narration:
				'mx.list.test checks the message like any MX. SPF: example.com’s record names out.smtp-lab.test, and the connection came from it: pass. DKIM: it fetches the key at smtplab._domainkey.example.com, hashes the body — the same bytes Alice’s provider signed — gets the same bh=, and the signature verifies: pass (RFC 6376 §6.1.3). DMARC: both pass for example.com itself, aligned with From:: pass.',
			rfc: [rfc(6376, '6.1.2'), rfc(6376, '6.1.3'), rfc(7489, '3.1'), rfc(8601, '2.7.1')],
			expect: [],
			verdict: {
				host: 'mx.list.test',
				recipient: 'learners@list.test',
				spf: 'pass',
				dkim: 'pass',
				dmarc: 'pass',
				action: 'inbox'
			}
		},
		{
			kind: 'auth',
			id: 'verdict-member',
			title: 'At the members’ MX: the body hash no longer matches',
			narration:
				'mx.north.test checked the list’s message to ann and ben (one copy: one transaction for both). A list that changes the message posts a new one (RFC 5321 §3.9.2), so this is a new sender, from a new address. SPF: list.test names mx.list.test: pass — for list.test. DKIM: the signature still says d=example.com and the old bh=; the body now ends with the footer, its hash differs: dkim=neutral (body hash did not verify), mailauth’s words; RFC 6376 §6.1.3 says PERMFAIL. DMARC: SPF passed for list.test, not aligned with example.com, and no DKIM signature verified: fail (RFC 7489 §6.6.2). example.com says p=none, so the message is delivered to the inbox, verdict recorded.',
			rfc: [rfc(5321, '3.9.2'), rfc(6376, '6.1.3'), rfc(7489, '6.6.2'), rfc(7489, '6.3')],
			expect: [],
			verdict: {
				host: 'mx.north.test',
				recipient: 'ann@north.test',
				spf: 'pass',
				dkim: 'neutral',
				dmarc: 'fail',
				action: 'inbox'
			}
		}
	]
};
