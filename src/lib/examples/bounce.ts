import { connect, data, ehlo, quit, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'bounce',
	order: 7,
	title: 'The bounce and the delivery report',
	teaches:
		'Accepted, then bounced: a delivery status notification (multipart/report) sent from the null sender <>; and NOTIFY=SUCCESS asking for a delivery report.',
	rfc: [rfc(3461), rfc(3464), rfc(6522), rfc(5321, '4.5.5')],
	intro:
		'A server may accept a recipient and only later find it cannot deliver. Then it must tell the sender — not with a reply (the session is long over) but with a new message: a delivery status notification.',
	takeaway:
		'Two reports landed in Alice’s mailbox, both sent from the null sender <> so that a report can never cause another report (RFC 5321 §4.5.5). Each is a multipart/report (RFC 6522): a human-readable part, a machine-readable message/delivery-status part (RFC 3464), and the returned headers.',
	steps: [
		connect('mx'),
		ehlo(
			'EHLO lists DSN (RFC 3461): this server accepts the NOTIFY, RET, ENVID and ORCPT parameters that say which reports the sender wants.'
		),
		{
			kind: 'send',
			id: 'mail-from',
			lines: ['MAIL FROM:<alice@example.org> RET=HDRS'],
			title: 'MAIL FROM with RET=HDRS',
			narration:
				'The envelope sender is where reports will go. RET=HDRS asks that a report return only the headers of the message, not all of it (RFC 3461 §4.3).',
			rfc: [rfc(3461, '4.3')],
			expect: [REPLY.mail]
		},
		{
			kind: 'send',
			id: 'rcpt-bounce',
			lines: ['RCPT TO:<bounce@example.com>'],
			title: 'RCPT TO: accepted — for now',
			narration:
				'The server accepts this recipient now. The teaching mailbox bounce@ will fail after the session, as a real server does when the mailbox store turns out to be broken or a later hop refuses.',
			rfc: [rfc(5321, '4.1.1.3')],
			expect: [REPLY.rcpt]
		},
		{
			kind: 'send',
			id: 'rcpt-notify',
			lines: ['RCPT TO:<bob@example.com> NOTIFY=SUCCESS,FAILURE'],
			title: 'RCPT TO with NOTIFY=SUCCESS',
			narration:
				'NOTIFY=SUCCESS,FAILURE asks for a report whether delivery succeeds or fails (RFC 3461 §4.1). By default only failures are reported.',
			rfc: [rfc(3461, '4.1')],
			expect: [REPLY.rcpt]
		},
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The message is accepted',
			narration:
				'250: the server takes responsibility for the message. From here on, anything that goes wrong must be reported by mail to the envelope sender, alice@example.org.',
			rfc: [rfc(5321, '6.1')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.org>',
					to: ['bounce@example.com', 'bob@example.com'],
					subject: 'Quarterly report',
					text: 'Please find the figures below.\n'
				}
			}
		},
		quit(
			'We say goodbye. Meanwhile the server tries to deliver: bounce@ fails, bob@ succeeds — and both outcomes are reported to Alice. Follow the links below to open the reports in the mailbox.'
		)
	]
};
