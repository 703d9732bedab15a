import { connect, data, ehlo, mailFrom, quit, rcptTo, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'dmarc-reject-spoof',
	order: 27,
	title: 'DMARC p=reject: a forged From: refused at the MX',
	teaches:
		'DMARC protects the From: line the reader sees: it passes only when SPF or DKIM passes for a domain aligned with From:, and a domain that publishes p=reject asks receivers to refuse the rest — here 550 5.7.1 at the end of DATA.',
	rfc: [rfc(7489, '3.1'), rfc(7489, '6.3'), rfc(7489, '6.6.2'), rfc(7489, '10.3')],
	intro:
		'reject.test publishes “v=DMARC1; p=reject” at _dmarc.reject.test. Mallory connects straight to the sandbox’s MX and writes a message that says From: ceo@reject.test, with her own address in the envelope. SPF alone would check only her envelope domain; DMARC asks whether anything that passed belongs to the From: domain. DMARC is an Informational RFC (RFC 7489), not a standard: receivers apply it by choice, as this one does.',
	takeaway:
		'The envelope said example.org, the From: line said reject.test, and nothing authenticated reject.test: no aligned SPF pass, no DKIM signature of reject.test. DMARC failed and the domain’s policy asked for rejection, so the MX answered 550 5.7.1 at the end of DATA, the reply RFC 7489 §10.3 suggests, and nothing was delivered. Even had SPF passed for Mallory’s own domain, it would not align with reject.test (RFC 7489 §3.1.2). Refusing during the session means no bounce goes to an innocent address (RFC 7489 §10.3).',
	steps: [
		connect(
			'mx',
			'Mallory’s mail program connects to the sandbox’s MX, the mx listener (standing for port 25), from 127.0.0.1. Anyone may: an MX takes mail from the whole internet.'
		),
		ehlo(),
		mailFrom(
			'mallory@example.org',
			'The envelope sender is Mallory’s own address. SPF will check example.org — and the reader will never see this line.'
		),
		rcptTo('bob@example.com', 'Bob is the target: a mailbox this MX serves, accepted.'),
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'From: ceo@reject.test — refused: 550 5.7.1',
			narration:
				'Bob’s mail program would show the From: line: ceo@reject.test. The MX checks. SPF: example.org’s record names only out.smtp-lab.test, and “~all” gives 127.0.0.1 softfail — for example.org anyway. DKIM: no signature. DMARC: it looks up _dmarc.reject.test and finds p=reject (RFC 7489 §6.6.3); neither SPF nor DKIM passed for a domain aligned with reject.test, so DMARC fails (§6.6.2) and the policy says reject: 550 5.7.1 at the end of DATA, one reply for the message (§6.3, §10.3; RFC 5321 §4.2.5).',
			rfc: [
				rfc(7489, '6.6.3'),
				rfc(7489, '6.6.2'),
				rfc(7489, '6.3'),
				rfc(7489, '10.3'),
				rfc(5321, '4.2.5')
			],
			expect: [{ code: 550, enhanced: '5.7.1' }],
			message: {
				kind: 'compose',
				mail: {
					from: 'The CEO <ceo@reject.test>',
					to: ['bob@example.com'],
					subject: 'Urgent: pay this invoice today',
					text: 'Bob,\n\nPlease wire the money before noon. Do not call me, I am in meetings.\n'
				}
			}
		},
		{
			kind: 'auth',
			id: 'verdict',
			title: 'The MX’s verdict: dmarc=fail, refused',
			narration:
				'The refused message is kept with its report: its Authentication tab shows the identifiers DMARC compared — From: reject.test against SPF’s example.org and no DKIM d= at all — the alignment mode (relaxed: the default, RFC 7489 §6.3), the record and the decision.',
			rfc: [rfc(7489, '3.1'), rfc(7489, '6.3'), rfc(8601, '2.7')],
			expect: [],
			verdict: {
				recipient: 'bob@example.com',
				spf: 'softfail',
				dkim: 'none',
				dmarc: 'fail',
				action: 'reject'
			}
		},
		quit()
	]
};
