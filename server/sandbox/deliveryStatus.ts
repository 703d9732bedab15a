/**
 * Delivery status notifications: a multipart/report (RFC 6522) with a human-readable part, a
 * message/delivery-status part (RFC 3464) and the original message or its header (RET, RFC 3461
 * §4.3). Written as exact text: nodemailer's composer has no multipart/report.
 */
import { randomBytes } from 'node:crypto';
import type { ReceivedMessage } from './messageAssembly';
import { rfc5322Date } from './rfc5322Date';

export interface DsnRecipient {
	finalRecipient: string;
	/** ORCPT as given on RCPT TO (RFC 3461 §4.2), e.g. "rfc822;bob@example.com". */
	originalRecipient?: string;
	action: 'failed' | 'delivered' | 'delayed';
	status: string;
	diagnostic?: string;
	/** The server that gave the diagnostic (RFC 3464 §2.3.5), when it was another host's. */
	remoteMta?: string;
	/** For a delay: until when the queue keeps trying (RFC 3464 §2.3.9). */
	willRetryUntil?: Date;
}

export interface DsnInput {
	reportingMta: string;
	to: string;
	arrivalDate: Date;
	envid?: string | null;
	ret: 'FULL' | 'HDRS';
	original: Buffer;
	recipients: DsnRecipient[];
	messageId: string;
}

export function headerBlock(raw: Buffer): Buffer {
	const crlf = raw.indexOf('\r\n\r\n');
	if (crlf >= 0) return raw.subarray(0, crlf + 2);
	const lf = raw.indexOf('\n\n');
	return lf >= 0 ? raw.subarray(0, lf + 1) : raw;
}

export function composeDsn(input: DsnInput): Buffer {
	const failed = input.recipients.some((r) => r.action === 'failed');
	const delayed = !failed && input.recipients.some((r) => r.action === 'delayed');
	const boundary = `report-${randomBytes(9).toString('hex')}`;
	const subject = failed
		? 'Undelivered Mail Returned to Sender'
		: delayed
			? 'Delayed Mail (still being retried)'
			: 'Delivery Status Notification (Success)';
	const intro = `This is the mail system at ${input.reportingMta} (the SMTP Lab sandbox).\r\n\r\n`;
	const human = failed
		? `${intro}Your message could not be delivered to one or more recipients.\r\nIt was accepted first, so this server reports the failure to you: that is\r\nwhat a bounce is. It is sent from the null sender <> so that it can never\r\ncause another bounce (RFC 5321 section 4.5.5).\r\n`
		: delayed
			? `${intro}Your message has not been delivered yet to the recipients below: their\r\nmail server could not take it. It stays in the queue and is tried again;\r\nyou asked to hear of the delay with NOTIFY=DELAY (RFC 3461). Nothing for\r\nyou to do: if it cannot be delivered in the end, a bounce follows.\r\n`
			: `${intro}Your message was delivered to the recipients below, as you asked with\r\nNOTIFY=SUCCESS (RFC 3461).\r\n`;
	const perMessage = [
		`Reporting-MTA: dns; ${input.reportingMta}`,
		...(input.envid ? [`Original-Envelope-Id: ${input.envid}`] : []),
		`Arrival-Date: ${rfc5322Date(input.arrivalDate)}`
	];
	const perRecipient = input.recipients.map((r) =>
		[
			...(r.originalRecipient ? [`Original-Recipient: ${r.originalRecipient}`] : []),
			`Final-Recipient: rfc822; ${r.finalRecipient}`,
			`Action: ${r.action}`,
			`Status: ${r.status}`,
			...(r.remoteMta ? [`Remote-MTA: dns; ${r.remoteMta}`] : []),
			...(r.diagnostic ? [`Diagnostic-Code: smtp; ${r.diagnostic}`] : []),
			`Last-Attempt-Date: ${rfc5322Date(new Date())}`,
			...(r.willRetryUntil ? [`Will-Retry-Until: ${rfc5322Date(r.willRetryUntil)}`] : [])
		].join('\r\n')
	);
	const returned =
		input.ret === 'FULL'
			? `Content-Type: message/rfc822\r\nContent-Description: Undelivered message\r\n\r\n`
			: `Content-Type: text/rfc822-headers\r\nContent-Description: Header of the original message\r\n\r\n`;
	const original = input.ret === 'FULL' ? input.original : headerBlock(input.original);
	const head = [
		`From: Mail Delivery System <MAILER-DAEMON@${input.reportingMta}>`,
		`To: <${input.to}>`,
		`Subject: ${subject}`,
		`Date: ${rfc5322Date(new Date())}`,
		`Message-ID: <${input.messageId}@${input.reportingMta}>`,
		'Auto-Submitted: auto-replied',
		'MIME-Version: 1.0',
		`Content-Type: multipart/report; report-type=delivery-status;\r\n boundary="${boundary}"`,
		'',
		'This is a MIME-encapsulated delivery status notification.',
		'',
		`--${boundary}`,
		'Content-Type: text/plain; charset=utf-8',
		'Content-Description: Notification',
		'',
		human,
		`--${boundary}`,
		'Content-Type: message/delivery-status',
		'Content-Description: Delivery report',
		'',
		perMessage.join('\r\n'),
		'',
		perRecipient.join('\r\n\r\n'),
		'',
		`--${boundary}`,
		returned
	].join('\r\n');
	const tail = `${original.length && !original.subarray(-2).equals(Buffer.from('\r\n')) ? '\r\n' : ''}--${boundary}--\r\n`;
	return Buffer.concat([Buffer.from(head, 'utf8'), original, Buffer.from(tail)]);
}

/**
 * A report as a message of its own: from the null sender <> (RFC 5321 §4.5.5) to the reported
 * message's envelope sender, written by `reportingMta` (which stands as its client and HELO).
 */
export function reportMessage(
	reported: ReceivedMessage,
	id: string,
	raw: Buffer,
	reportingMta: { name: string; address: string }
): ReceivedMessage {
	return {
		...reported,
		id,
		sessionId: null,
		raw,
		helo: reportingMta.name,
		listener: null,
		clientAddress: reportingMta.address,
		tls: false,
		tlsProtocol: null,
		authUser: null,
		envelope: {
			mailFrom: { address: '', params: {} },
			rcptTo: [{ address: reported.envelope.mailFrom.address, params: {} }]
		}
	};
}
