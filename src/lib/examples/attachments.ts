import { connect, data, ehlo, mailFrom, quit, rcptTo, REPLY, rfc } from './common';
import type { Example } from './types';

export const example: Example = {
	slug: 'attachments',
	order: 11,
	title: 'Attachments and MIME',
	teaches:
		'How a picture travels over a text protocol: multipart/mixed, base64 and its cost (about 1.37× with line breaks) — why “SMTP cannot carry attachments” is only half true.',
	rfc: [rfc(2045), rfc(2046, '5.1.3'), rfc(2183), rfc(5321, '4.5.3.1.6')],
	intro:
		'A popular claim says SMTP cannot carry pictures or attachments. SMTP itself moves lines of text — that half is true. MIME (RFC 2045–2049) turns any file into such lines, and every mail program uses it.',
	takeaway:
		'SMTP carried only lines of text. MIME made a {pictureBytes}-byte picture into {pictureBase64Bytes} bytes of base64 text (×{pictureRatio}): 4 characters for every 3 bytes, plus a line break every 76 characters. The claim is half right: SMTP cannot carry attachments — MIME on top of it can.',
	steps: [
		connect('mx'),
		ehlo(
			'EHLO lists 8BITMIME, but not BINARYMIME (RFC 3030): lines must stay short and end in CRLF, so arbitrary binary bytes still cannot be sent as they are.'
		),
		mailFrom('alice@example.org', 'An ordinary transaction.'),
		rcptTo('bob@example.com', 'To Bob.'),
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'A multipart/mixed message with a PNG',
			narration:
				'The message is multipart/mixed (RFC 2046 §5.1.3): a text part, then the picture as image/png with Content-Disposition: attachment and Content-Transfer-Encoding: base64. The PNG is {pictureBytes} bytes; in base64 with line breaks it becomes {pictureBase64Bytes} bytes — {pictureRatio} times as large. Open the MIME parts in the message panel.',
			rfc: [rfc(2046, '5.1.3'), rfc(2045, '6.8'), rfc(2183, '2')],
			expect: [REPLY.queued],
			message: {
				kind: 'compose',
				mail: {
					from: 'Alice <alice@example.org>',
					to: ['Bob <bob@example.com>'],
					subject: 'A picture of an envelope',
					text: 'Hi Bob,\n\nThe picture is attached.\n\nAlice\n',
					picture: { filename: 'envelope.png', width: 96, height: 64 }
				}
			}
		},
		quit()
	]
};
