import { removalOf } from '$lib/mail/readerActs';
import type { MessageSummary, RecipientResult } from '$lib/messages';

export interface MailboxGroup {
	/** The mailbox address, domain lower-cased (RFC 5321 §2.4: the local-part is kept as sent). */
	address: string;
	messages: MessageSummary[];
}

export interface MailboxView {
	/** Sandbox mailboxes that received mail, by address. */
	mailboxes: MailboxGroup[];
	/** Accepted for outside domains: would be relayed, not sent. */
	outbox: { message: MessageSummary; recipients: RecipientResult[] }[];
	/** Bounces and delivery reports (they are also in the sender's mailbox). */
	reports: MessageSummary[];
	/** Accepted, then bounced for at least one recipient (a bounce went to the sender). */
	bounced: MessageSummary[];
	/** Messages no recipient received: refused after DATA, or every recipient deferred/refused. */
	refused: MessageSummary[];
}

export function mailboxAddress(address: string): string {
	const at = address.lastIndexOf('@');
	return at < 0 ? address : address.slice(0, at) + '@' + address.slice(at + 1).toLowerCase();
}

/** Sorts messages (newest first) into mailboxes, the outbox, reports and refused mail. */
export function groupMessages(messages: readonly MessageSummary[]): MailboxView {
	const sorted = [...messages].sort((a, b) => b.receivedAt - a.receivedAt);
	const boxes = new Map<string, MessageSummary[]>();
	const view: MailboxView = { mailboxes: [], outbox: [], reports: [], bounced: [], refused: [] };
	for (const message of sorted) {
		if (message.kind !== 'mail') view.reports.push(message);
		const outbox = message.recipients.filter((r) => r.outcome === 'outbox');
		if (outbox.length) view.outbox.push({ message, recipients: outbox });
		// A copy its reader removed (POP3 DELE then QUIT) is no longer in that mailbox.
		const delivered = new Set(
			message.recipients
				.filter((r) => r.outcome === 'delivered' && !removalOf(message.readerActs, r.address))
				.map((r) => mailboxAddress(r.address))
		);
		for (const address of delivered) {
			const box = boxes.get(address);
			if (box) box.push(message);
			else boxes.set(address, [message]);
		}
		if (message.recipients.some((r) => r.outcome === 'bounced')) view.bounced.push(message);
		if (message.recipients.every((r) => r.outcome === 'refused' || r.outcome === 'deferred'))
			view.refused.push(message);
	}
	view.mailboxes = [...boxes]
		.map(([address, list]) => ({ address, messages: list }))
		.sort((a, b) => a.address.localeCompare(b.address));
	return view;
}
