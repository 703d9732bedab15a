/*
 * Delivery status notifications, part by part.
 * RFC 6522 §3: multipart/report = human-readable part, machine-readable part (report-type), and
 * optionally the returned message or its header.
 * RFC 3464 §2.1: delivery-status-content = per-message-fields 1*( CRLF per-recipient-fields )
 * — groups of "Name: value" lines separated by blank lines; the first group is about the message,
 * each further group about one recipient (§2.2, §2.3).
 */
import type { HeaderField } from '../../messages';
import { indexBy, rowId, type ReferenceRow } from '../reference/reference';
import { ref } from '../rfc';

export interface DeliveryStatusFieldRow extends ReferenceRow {
	/** Canonical spelling, e.g. "Final-Recipient". Names are case-insensitive. */
	name: string;
	group: 'per-message' | 'per-recipient';
	required: boolean;
}

const dsnField = (
	name: string,
	group: DeliveryStatusFieldRow['group'],
	section: string,
	summary: string,
	required = false,
	detail?: string
): DeliveryStatusFieldRow => ({
	...rowId('headers', `dsn-${name}`),
	name,
	title: name,
	group,
	required,
	summary,
	...(detail ? { detail } : {}),
	rfc: [ref(3464, section)]
});

export const deliveryStatusFieldTable: readonly DeliveryStatusFieldRow[] = [
	dsnField(
		'Original-Envelope-Id',
		'per-message',
		'2.2.1',
		'The ENVID the sender gave on MAIL FROM (RFC 3461 §4.4), handed back so its program can match the report to what it sent.'
	),
	dsnField(
		'Reporting-MTA',
		'per-message',
		'2.2.2',
		'The mail server that wrote this report ("dns; its host name").',
		true
	),
	dsnField(
		'DSN-Gateway',
		'per-message',
		'2.2.3',
		'Set when a gateway translated a report from a non-Internet mail system.'
	),
	dsnField(
		'Received-From-MTA',
		'per-message',
		'2.2.4',
		'The server the reporting server received the message from.'
	),
	dsnField(
		'Arrival-Date',
		'per-message',
		'2.2.5',
		'When the reporting server received the message.'
	),
	dsnField(
		'Original-Recipient',
		'per-recipient',
		'2.3.1',
		'The recipient as the sender first addressed it: the ORCPT parameter of RCPT TO (RFC 3461 §4.2), if it was given.',
		false,
		'Forwarding and aliases can change the address on the way; this field keeps the one the sender knows.'
	),
	dsnField(
		'Final-Recipient',
		'per-recipient',
		'2.3.2',
		'The recipient this group is about, as the reporting server saw it ("rfc822; address").',
		true
	),
	dsnField(
		'Action',
		'per-recipient',
		'2.3.3',
		'What happened: failed (a bounce), delayed (still trying), delivered, relayed (passed on to a system that does not send reports) or expanded (a list or alias).',
		true
	),
	dsnField(
		'Status',
		'per-recipient',
		'2.3.4',
		'The enhanced status code (RFC 3463), e.g. 5.1.1 "bad destination mailbox address": class 2 success, 4 temporary, 5 permanent.',
		true
	),
	dsnField(
		'Remote-MTA',
		'per-recipient',
		'2.3.5',
		'The server that gave the reply in Diagnostic-Code, when it was another one.'
	),
	dsnField(
		'Diagnostic-Code',
		'per-recipient',
		'2.3.6',
		'The actual reply that decided the outcome ("smtp; 550 5.1.1 …"): the most useful line for a person reading a bounce.'
	),
	dsnField(
		'Last-Attempt-Date',
		'per-recipient',
		'2.3.7',
		'When the reporting server last tried to deliver to this recipient.'
	),
	dsnField(
		'Final-Log-ID',
		'per-recipient',
		'2.3.8',
		'An id in the final server’s logs, for its administrators.'
	),
	dsnField(
		'Will-Retry-Until',
		'per-recipient',
		'2.3.9',
		'With Action: delayed — when the server will give up trying.'
	)
];

export const deliveryStatusFieldsByName: ReadonlyMap<string, DeliveryStatusFieldRow> = indexBy(
	deliveryStatusFieldTable,
	(r) => r.name.toLowerCase()
);

export interface ReportPartRow extends ReferenceRow {
	/** Lower-case media type, e.g. "message/delivery-status". */
	contentType: string;
}

const part = (contentType: string, summary: string, rfc: ReportPartRow['rfc']): ReportPartRow => ({
	...rowId('headers', `report-${contentType}`),
	contentType,
	title: contentType,
	summary,
	rfc
});

/** The parts of a delivery status notification (RFC 6522 §3, RFC 3464 §2, RFC 3461 §4.3). */
export const reportPartTable: readonly ReportPartRow[] = [
	part(
		'multipart/report',
		'The container of every report: first a part for people, then one for programs (its report-type parameter names it), then optionally the original message or its header.',
		[ref(6522, '3')]
	),
	part(
		'text/plain',
		'The first part: a human-readable explanation, for readers whose mail program does not understand reports.',
		[ref(6522, '3')]
	),
	part(
		'message/delivery-status',
		'The machine-readable part: one group of fields about the message, then one group per recipient (Final-Recipient, Action, Status …) — what a sending program reads to mark an address as bad.',
		[ref(3464, '2')]
	),
	part(
		'text/rfc822-headers',
		'Only the header of the original message: the sender asked for it with RET=HDRS (or did not ask at all), so the body is not sent back.',
		[ref(6522, '4'), ref(3461, '4.3')]
	),
	part(
		'message/rfc822',
		'The whole original message, returned because the sender asked for it with RET=FULL.',
		[ref(2046, '5.2.1'), ref(3461, '4.3')]
	)
];

export const reportPartsByType: ReadonlyMap<string, ReportPartRow> = indexBy(
	reportPartTable,
	(r) => r.contentType
);

export interface DeliveryStatus {
	perMessage: HeaderField[];
	perRecipient: HeaderField[][];
}

/**
 * Splits a message/delivery-status body into its groups of fields (RFC 3464 §2.1). Folded lines
 * are unfolded; lines that are not fields are skipped. Never throws.
 */
export function parseDeliveryStatus(text: string): DeliveryStatus {
	const groups: HeaderField[][] = [];
	let current: HeaderField[] = [];
	for (const line of text.split(/\r?\n/)) {
		if (line.trim() === '') {
			if (current.length) groups.push(current);
			current = [];
			continue;
		}
		const last = current[current.length - 1];
		if (/^[ \t]/.test(line) && last) {
			last.value += ' ' + line.trim();
			continue;
		}
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		current.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
	}
	if (current.length) groups.push(current);
	return { perMessage: groups[0] ?? [], perRecipient: groups.slice(1) };
}
