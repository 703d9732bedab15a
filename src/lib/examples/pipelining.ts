import { connect, ehlo, quit, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'pipelining',
	order: 13,
	title: 'PIPELINING',
	teaches:
		'MAIL, RCPT, RCPT and DATA sent at once, the replies matched to the commands in order, and the body that waits for 354.',
	rfc: [rfc(2920)],
	intro:
		'Every command waits for its reply: over a slow link each round trip costs time. When the server offers PIPELINING (RFC 2920) the client may send a group of commands in one go.',
	takeaway:
		'Four commands went out in one write, four replies came back in the same order — SMTP always answers in order, which is how the client matches them (RFC 2920 §3.1). One recipient was refused, yet the others went through. The message itself waited for 354: a client must never send content before DATA is accepted.',
	steps: [
		connect('mx'),
		ehlo('The EHLO reply must list PIPELINING before a client may pipeline. It does.'),
		{
			kind: 'send',
			id: 'pipeline',
			lines: [
				'MAIL FROM:<alice@example.org>',
				'RCPT TO:<bob@example.com>',
				'RCPT TO:<unknown@example.com>',
				'DATA'
			],
			title: 'Four commands in one write',
			narration:
				'MAIL FROM, two RCPT TO and DATA leave in a single write, without waiting. DATA must be the last of the group (RFC 2920 §3.1): its answer decides whether content may follow. The four replies arrive in order — 250, 250, 550 for unknown@, then 354 because one recipient was accepted.',
			rfc: [rfc(2920, '3.1'), rfc(2920, '3.2')],
			expect: [REPLY.mail, REPLY.rcpt, { code: 550, enhanced: '5.1.1' }, REPLY.data]
		},
		{
			kind: 'data',
			id: 'message',
			title: 'The body waited for 354',
			narration:
				'Only now, after 354, does the content go. Sending it earlier would be a protocol error: had DATA been refused, the body’s lines would have been taken as commands.',
			rfc: [rfc(2920, '3.1')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.org>',
					to: ['bob@example.com'],
					subject: 'Pipelined',
					text: 'Four commands, one round trip.\n'
				}
			}
		},
		quit()
	]
};
