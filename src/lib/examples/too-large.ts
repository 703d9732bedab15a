import { connect, data, ehlo, mailFrom, quit, rcptTo, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'too-large',
	order: 15,
	title: 'Too large',
	teaches:
		'SIZE advertised in EHLO, MAIL FROM … SIZE= refused up front, and an oversized message refused after the data with 552 5.3.4.',
	rfc: [rfc(1870), rfc(3463, '3.4')],
	intro:
		'Servers limit the size of a message. The SIZE extension (RFC 1870) lets a client learn the limit and declare its message’s size before sending a single byte of it.',
	takeaway:
		'Declaring SIZE= saved sending a megabyte for nothing: the refusal came in one round trip. The client that did not declare it sent over {maxMessageBytes} bytes, only to hear 552 5.3.4 at the end — and the server kept nothing of it.',
	steps: [
		connect('mx'),
		ehlo(
			'Look at the last line of the EHLO reply: SIZE {maxMessageBytes}. That is the largest message, in bytes, this server accepts (RFC 1870 §3).'
		),
		{
			kind: 'send',
			id: 'mail-size',
			lines: ['MAIL FROM:<alice@example.org> SIZE={sizeOverLimit}'],
			title: 'MAIL FROM with SIZE= over the limit',
			narration:
				'The client declares its message will be {sizeOverLimit} bytes — one more than the limit. The server refuses at once with 552 5.3.4 (“message too big for system”, RFC 3463 §3.4), before any content is sent (RFC 1870 §6.1).',
			rfc: [rfc(1870, '6.1'), rfc(3463, '3.4')],
			expect: [{ code: 552, enhanced: '5.3.4' }]
		},
		mailFrom(
			'alice@example.org',
			'A client that does not declare SIZE (it is optional) gets the transaction started…'
		),
		rcptTo('bob@example.com', '…and the recipient accepted.'),
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'Over a megabyte of content',
			narration:
				'Now the player sends a generated message just over {maxMessageBytes} bytes — in pieces of 16 000 characters, the most the lab’s WebSocket takes in one message, paced under its limit of 50 messages a second (about two seconds). The server reads it all, then answers 552 5.3.4 and stores nothing.',
			rfc: [rfc(1870, '4'), rfc(5321, '4.5.3.1.7'), rfc(5321, '4.5.3.1.9')],
			expect: [{ code: 552, enhanced: '5.3.4' }],
			message: { kind: 'oversize', subject: 'A very large message' }
		},
		quit()
	]
};
