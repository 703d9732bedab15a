/**
 * What happens to a message once the sandbox said 250 after DATA (or refused it there): each
 * recipient's outcome, whether storing it is final delivery (so it gets a Return-Path, RFC 5321
 * §4.4), the outbox for outside domains, and delivery status notifications (RFC 3461/3464/6522).
 */
import type { MessageKind, RecipientResult } from '../../src/lib/messages';
import { isClassDomain } from '../../src/lib/classes';
import { domainsServedBy } from '../hosts/hostPolicy';
import { newId } from '../ids';
import type { LabStore } from '../store/labStore';
import { composeDsn, reportMessage, type DsnRecipient } from './deliveryStatus';
import { storedMessage, type ReceivedMessage } from './messageAssembly';
import type { StoredMessage } from '../store/labStore';
import {
	domainOf,
	isLocalRecipient,
	isRemoteSandboxRecipient,
	isSandboxDomain,
	teachingMailbox
} from './policy';
import { SANDBOX_REPLIES } from './replies';

export class Delivery {
	/** The remote sandbox domains routed to this server, when it is one of the mail hosts. */
	readonly #ownRemoteDomains: ReadonlySet<string>;

	constructor(
		readonly store: LabStore,
		readonly serverName: string,
		/**
		 * The owners whose mailbox an address is: a personal domain's (server/owners/ownerDirectory.ts),
		 * a student's, every student of a class for its class-wide address (server/classes/).
		 */
		readonly ownersOfAddress: (address: string) => string[],
		/** The outgoing queue (server/queue): mail for remote sandbox domains goes on from here. */
		readonly outgoing?: { enqueue(message: ReceivedMessage, stored: StoredMessage): void }
	) {
		this.#ownRemoteDomains = domainsServedBy(serverName);
	}

	/** The message was accepted (250 after DATA): decide each recipient's fate and store it. */
	accept(message: ReceivedMessage): void {
		const accepted = message.recipients.map((r) => {
			if (r.outcome !== 'delivered') return r;
			// A mail host (server/hosts) is the final stop for its own domains.
			if (this.#ownRemoteDomains.has(domainOf(r.address))) return r;
			if (isRemoteSandboxRecipient(r.address)) return { ...r, outcome: 'queued' as const };
			if (!isLocalRecipient(r.address)) return { ...r, outcome: 'outbox' as const };
			// A student called "bounce" is a student: the teaching mailboxes are the sandbox domains'.
			if (!isClassDomain(domainOf(r.address)) && teachingMailbox(r.address)?.behaviour === 'bounce')
				return { ...r, outcome: 'bounced' as const };
			return r;
		});
		const delivered = accepted.some((r) => r.outcome === 'delivered' || r.outcome === 'bounced');
		const stored = this.#store(message, accepted, 'mail', delivered);
		if (this.outgoing && accepted.some((r) => r.outcome === 'queued'))
			this.outgoing.enqueue(message, stored);
		this.#notify(message, accepted);
	}

	/** Refused after DATA: kept (complete) so the learner can see what was refused and why. */
	refuse(message: ReceivedMessage, reply: string): void {
		const recipients = message.recipients.map((r) =>
			r.outcome === 'delivered' ? { ...r, outcome: 'refused' as const, reply } : r
		);
		this.#store(message, recipients, 'mail', false);
	}

	/**
	 * Whose the message is: the sender's side, and the owner of every recipient whose mailbox got
	 * (or bounced) it. An MX's checks ask their DNS questions for these owners too.
	 */
	ownersOf(message: ReceivedMessage, recipients = message.recipients): string[] {
		const owners = new Set(message.senderOwners);
		for (const r of recipients) {
			if (r.outcome === 'refused' || r.outcome === 'deferred') continue;
			for (const owner of this.ownersOfAddress(r.address)) owners.add(owner);
		}
		return [...owners];
	}

	#store(
		message: ReceivedMessage,
		recipients: RecipientResult[],
		kind: MessageKind,
		finalDelivery: boolean,
		reportsOn?: string
	): StoredMessage {
		const stored = storedMessage(
			message,
			{ recipients, kind, finalDelivery, reportsOn, owners: this.ownersOf(message, recipients) },
			this.serverName
		);
		// A message with recipients for the queue is the start of a journey (/journey/<id>).
		if (recipients.some((r) => r.outcome === 'queued')) stored.summary.journeyId = message.id;
		this.store.addMessage(stored);
		return stored;
	}

	/** Bounces for bounced recipients (unless NOTIFY=NEVER), reports for NOTIFY=SUCCESS. */
	#notify(message: ReceivedMessage, recipients: RecipientResult[]): void {
		const sender = message.envelope.mailFrom.address;
		// Never answer a bounce with a bounce (RFC 5321 §4.5.5); only sandbox senders get mail.
		if (!sender || !isSandboxDomain(domainOf(sender))) return;
		const notifyOf = (r: RecipientResult) => r.notify ?? ['FAILURE'];
		const failures = recipients.filter(
			(r) => r.outcome === 'bounced' && notifyOf(r).includes('FAILURE')
		);
		const successes = recipients.filter(
			(r) => r.outcome === 'delivered' && notifyOf(r).includes('SUCCESS')
		);
		const bounceRow = SANDBOX_REPLIES.unknownUser;
		if (failures.length)
			this.#sendReport(
				message,
				failures.map((r) => ({
					finalRecipient: r.address,
					originalRecipient: r.orcpt,
					action: 'failed',
					status: bounceRow.enhanced,
					diagnostic: `${bounceRow.code} ${bounceRow.enhanced} Mailbox does not exist (teaching mailbox bounce@: accepted, then bounced)`
				})),
				'bounce'
			);
		if (successes.length)
			this.#sendReport(
				message,
				successes.map((r) => ({
					finalRecipient: r.address,
					originalRecipient: r.orcpt,
					action: 'delivered',
					status: '2.0.0'
				})),
				'delivery-report'
			);
	}

	#sendReport(message: ReceivedMessage, recipients: DsnRecipient[], kind: MessageKind): void {
		const id = newId();
		const sender = message.envelope.mailFrom.address;
		const raw = composeDsn({
			reportingMta: this.serverName,
			to: sender,
			arrivalDate: new Date(),
			envid: message.envid,
			ret: message.ret ?? 'HDRS',
			original: message.raw,
			recipients,
			messageId: id
		});
		// The report is this server's own message: the checks of the one it reports on are not its.
		const reported = { ...message, authentication: undefined };
		this.#store(
			reportMessage(reported, id, raw, { name: this.serverName, address: '127.0.0.1' }),
			[{ address: sender, outcome: 'delivered', reply: 'delivered internally by the sandbox' }],
			kind,
			true,
			message.id
		);
	}
}
