/**
 * What happens to a message once the sandbox said 250 after DATA (or refused it there): each
 * recipient's outcome, the trace fields added at delivery (RFC 5321 §4.4), the outbox for
 * outside domains, and delivery status notifications (RFC 3461/3464/6522).
 */
import type { Envelope, ListenerName, MessageKind, RecipientResult } from '../../src/lib/messages';
import { newId } from '../ids';
import type { LabStore } from '../store/labStore';
import { composeDsn, type DsnRecipient } from './deliveryStatus';
import { domainOf, isLocalRecipient, isSandboxDomain, teachingMailbox } from './policy';
import { rfc5322Date } from './rfc5322Date';
import { SANDBOX_REPLIES } from './replies';

export interface ReceivedMessage {
	id: string;
	sessionId: string | null;
	listener: ListenerName | null;
	raw: Buffer;
	envelope: Envelope;
	/** Every RCPT TO of the transaction with the reply it got, accepted or not. */
	recipients: RecipientResult[];
	tls: boolean;
	tlsProtocol: string | null;
	authUser: string | null;
	clientAddress: string;
	helo: string;
	ret: 'FULL' | 'HDRS' | null;
	envid: string | null;
}

/** RFC 3848 protocol names for the Received field's "with" clause. */
function withProtocol(tls: boolean, auth: boolean): string {
	return `ESMTP${tls ? 'S' : ''}${auth ? 'A' : ''}`;
}

/** Header field values must not carry CR/LF from client-supplied text (HELO names, addresses). */
function clean(value: string): string {
	return value.replace(/\p{Cc}/gu, '?');
}

/**
 * RFC 5321 §4.4 TCP-info = address-literal / ( Domain FWS address-literal ): the address the
 * connection came from, as an address literal (§4.1.3), "[IPv6:…]" for IPv6. No Domain: that
 * part would come from a reverse lookup of the address (never the client's EHLO), and the
 * sandbox does none.
 */
function addressLiteral(address: string): string {
	return address.includes(':') ? `[IPv6:${address}]` : `[${address}]`;
}

export class Delivery {
	constructor(
		readonly store: LabStore,
		readonly serverName: string
	) {}

	/** The message was accepted (250 after DATA): decide each recipient's fate and store it. */
	accept(message: ReceivedMessage): void {
		const accepted = message.recipients.map((r) => {
			if (r.outcome !== 'delivered') return r;
			if (!isLocalRecipient(r.address)) return { ...r, outcome: 'outbox' as const };
			if (teachingMailbox(r.address)?.behaviour === 'bounce')
				return { ...r, outcome: 'bounced' as const };
			return r;
		});
		const delivered = accepted.some((r) => r.outcome === 'delivered' || r.outcome === 'bounced');
		this.#store(message, accepted, 'mail', delivered);
		this.#notify(message, accepted);
	}

	/** Refused after DATA: kept (complete) so the learner can see what was refused and why. */
	refuse(message: ReceivedMessage, reply: string): void {
		const recipients = message.recipients.map((r) =>
			r.outcome === 'delivered' ? { ...r, outcome: 'refused' as const, reply } : r
		);
		this.#store(message, recipients, 'mail', false);
	}

	#store(
		message: ReceivedMessage,
		recipients: RecipientResult[],
		kind: MessageKind,
		finalDelivery: boolean,
		reportsOn?: string
	): void {
		const date = new Date();
		const forClause = recipients.length === 1 ? `\r\n\tfor <${clean(recipients[0].address)}>` : '';
		const received =
			`Received: from ${clean(message.helo || 'unknown')} (${addressLiteral(clean(message.clientAddress))})\r\n` +
			`\tby ${this.serverName} (SMTP Lab sandbox${message.listener ? `, ${message.listener} listener` : ''})` +
			`${message.tlsProtocol ? ` (${message.tlsProtocol})` : ''}\r\n` +
			`\twith ${withProtocol(message.tls, Boolean(message.authUser))} id ${message.id}${forClause};\r\n` +
			`\t${rfc5322Date(date)}\r\n`;
		// RFC 5321 §4.4: Return-Path is added by the final delivery agent only, never in transit.
		const returnPath = finalDelivery
			? `Return-Path: <${clean(message.envelope.mailFrom.address)}>\r\n`
			: '';
		const headers = parseHeaderSummary(message.raw);
		this.store.addMessage({
			raw: message.raw,
			trace: returnPath + received,
			summary: {
				id: message.id,
				sessionId: message.sessionId,
				listener: message.listener,
				kind,
				receivedAt: date.getTime(),
				from: headers.from,
				subject: headers.subject,
				size: message.raw.length,
				envelope: message.envelope,
				recipients,
				tls: message.tls,
				authUser: message.authUser,
				...(reportsOn ? { reportsOn } : {})
			}
		});
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
		this.#store(
			{
				...message,
				id,
				sessionId: null,
				raw,
				helo: this.serverName,
				listener: null,
				clientAddress: '127.0.0.1',
				tls: false,
				tlsProtocol: null,
				authUser: null,
				envelope: {
					mailFrom: { address: '', params: {} },
					rcptTo: [{ address: sender, params: {} }]
				}
			},
			[{ address: sender, outcome: 'delivered', reply: 'delivered internally by the sandbox' }],
			kind,
			true,
			message.id
		);
	}
}

/** From and Subject for lists, read cheaply from the header block (full parsing is lazy). */
const HEADER_END = Buffer.from('\r\n\r\n');
const FROM_FIELD = /^From:[ \t]*(.*)$/im;
const SUBJECT_FIELD = /^Subject:[ \t]*(.*)$/im;

export function parseHeaderSummary(raw: Buffer): { from: string; subject: string } {
	const end = raw.indexOf(HEADER_END);
	const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 64 * 1024) : end).toString('utf8');
	const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
	const field = (pattern: RegExp) => pattern.exec(unfolded)?.[1]?.trim().slice(0, 300) ?? '';
	return { from: field(FROM_FIELD), subject: field(SUBJECT_FIELD) };
}
