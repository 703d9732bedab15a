/*
 * What a real mail system does with a message after accepting it, and what each recipient
 * outcome in the sandbox means. RFC 5321 §5.1 (locating the target host), RFC 7505 (null MX),
 * RFC 5321 §4.5.4.1 (retry strategy), RFC 3464 (delivery status notifications).
 */
import type { RecipientOutcome, RfcRef } from '../../messages';
import { ref } from '../rfc';

export type OnwardStepId =
	'mx-lookup' | 'no-mx' | 'null-mx' | 'connect' | 'reply-2xx' | 'reply-4xx' | 'reply-5xx';

export interface OnwardStepRow {
	id: OnwardStepId;
	title: string;
	summary: string;
	/** The step this one branches from, when it is an alternative rather than the next step. */
	branchOf?: OnwardStepId;
	rfc: RfcRef[];
}

/** The path from an accepting server to the recipient domain's mail exchanger, in order. */
export const onwardStepTable: readonly OnwardStepRow[] = [
	{
		id: 'mx-lookup',
		title: 'Look up the MX records of the recipient’s domain',
		summary:
			'The sending server asks DNS which hosts accept mail for the domain after the "@", and tries them in order of preference (lowest number first).',
		rfc: [ref(5321, '5.1')]
	},
	{
		id: 'no-mx',
		title: 'No MX record: use the domain’s address records',
		summary:
			'If the domain has no MX records at all, the domain itself is the mail exchanger (an "implicit MX"): its A or AAAA records give the address to connect to.',
		branchOf: 'mx-lookup',
		rfc: [ref(5321, '5.1')]
	},
	{
		id: 'null-mx',
		title: 'A "null MX" (MX 0 .): the domain takes no mail',
		summary:
			'A single MX record pointing at "." says the domain accepts no mail. The sender does not try at all and reports the failure at once (status 5.1.10, reply 556).',
		branchOf: 'mx-lookup',
		rfc: [ref(7505, '3'), ref(7505, '4.1')]
	},
	{
		id: 'connect',
		title: 'Connect to the mail exchanger on port 25',
		summary:
			'Server-to-server mail always uses port 25, with STARTTLS when the receiving server offers it. Then the same conversation as in the lab: EHLO, MAIL FROM, RCPT TO, DATA.',
		rfc: [ref(5321, '4.5.4.2'), ref(3207, '4')]
	},
	{
		id: 'reply-2xx',
		title: '2xx after the data: delivered',
		summary:
			'The receiving server has taken responsibility for the message; the sender removes it from its queue.',
		rfc: [ref(5321, '4.2.1'), ref(5321, '6.1')]
	},
	{
		id: 'reply-4xx',
		title: '4xx: keep the message and retry later',
		summary:
			'A temporary failure (greylisting, a full disk, a busy server). The message stays in the queue and is tried again — typically after 30 minutes or more, for 4–5 days.',
		branchOf: 'reply-2xx',
		rfc: [ref(5321, '4.5.4.1')]
	},
	{
		id: 'reply-5xx',
		title: '5xx: give up and bounce',
		summary:
			'A permanent failure. The sending server sends a delivery status notification (a bounce) from the null sender <> to the envelope sender, the MAIL FROM address.',
		branchOf: 'reply-2xx',
		rfc: [ref(5321, '6.1'), ref(3464, '2')]
	}
];

export interface RecipientOutcomeRow {
	outcome: RecipientOutcome;
	/** Short label for lists. */
	label: string;
	summary: string;
	rfc: RfcRef[];
}

export const recipientOutcomeTable: readonly RecipientOutcomeRow[] = [
	{
		outcome: 'delivered',
		label: 'delivered',
		summary: 'Put in the sandbox mailbox of this address: the end of the road for SMTP.',
		rfc: [ref(5321, '4.4')]
	},
	{
		outcome: 'outbox',
		label: 'outbox — not sent (sandbox)',
		summary:
			'Accepted for a domain outside the sandbox: a real server would relay it to that domain’s mail exchanger. The sandbox never sends mail out, so it stays in the outbox.',
		rfc: [ref(6409, '2.1'), ref(5321, '5.1')]
	},
	{
		outcome: 'queued',
		label: 'queued — on its way',
		summary:
			'Accepted for a sandbox domain that another sandbox host serves: the outgoing queue looks up its MX and hands the message on in an SMTP session of its own, retrying if it must. Its journey shows every hop.',
		rfc: [ref(5321, '4.5.4.1'), ref(5321, '5.1')]
	},
	{
		outcome: 'deferred',
		label: 'deferred (4xx)',
		summary:
			'Refused for now with a 4xx reply: the sending program keeps the message and should try again later.',
		rfc: [ref(5321, '4.5.4.1')]
	},
	{
		outcome: 'refused',
		label: 'refused (5xx)',
		summary:
			'Refused with a 5xx reply (at RCPT TO or after the data): nothing was delivered, and the sending program must tell its user.',
		rfc: [ref(5321, '4.2.1')]
	},
	{
		outcome: 'bounced',
		label: 'bounced',
		summary:
			'Accepted first, then found undeliverable: the server sent a delivery status notification (a bounce) to the envelope sender.',
		rfc: [ref(3464, '2'), ref(6522, '3')]
	}
];

export const recipientOutcomesByName: ReadonlyMap<RecipientOutcome, RecipientOutcomeRow> = new Map(
	recipientOutcomeTable.map((r) => [r.outcome, r])
);
