import { connect, data, ehlo, mailFrom, quit, rcptTo, REPLY, rfc } from './common';
import type { Example } from './types';

/** Exact bytes: lines that begin with "." are sent with one more "." (RFC 5321 §4.5.2). */
const BYTES = [
	'From: Alice <alice@example.org>',
	'To: Bob <bob@example.com>',
	'Subject: Dots at the start of a line',
	'',
	'Bob, the next line is a single dot, the one after starts with three:',
	'..',
	'....and so on.',
	'..hidden files on Unix start with a dot.',
	'A dot in the middle. of a line needs nothing.',
	'.',
	''
].join('\r\n');

export const example: Example = {
	slug: 'dot-stuffing',
	order: 12,
	title: 'Dot-stuffing and the end-of-data marker',
	teaches:
		'A line with a single dot ends the message — so lines of the message that start with a dot are sent with an extra one, and the server removes it.',
	rfc: [rfc(5321, '4.5.2'), rfc(5321, '4.1.1.4')],
	intro:
		'The end of a message is the five bytes CR LF . CR LF. What if the message itself contains a line with just a dot? The answer is dot-stuffing — exact bytes, written by hand in this example.',
	takeaway:
		'On the wire, three lines began with an extra dot; in the stored message they do not. The sender adds a dot to every line that starts with one, the receiver removes the first dot of every such line (RFC 5321 §4.5.2), and only CR LF . CR LF ends the message.',
	steps: [
		connect('mx'),
		ehlo(),
		mailFrom('alice@example.org', 'An ordinary transaction.'),
		rcptTo('bob@example.com', 'To Bob.'),
		data(),
		{
			kind: 'data',
			id: 'message',
			title: 'The message, dot-stuffed by hand',
			narration:
				'These are the exact bytes sent. The body has a line that is a single dot, one that starts with three dots, and one that starts with one: each is sent with one more dot ("..", "....", "..hidden"). Only the final line "." alone ends the data. The timeline marks the stuffed lines; the message panel shows them as stored, without the extra dot.',
			rfc: [rfc(5321, '4.5.2')],
			expect: [REPLY.queued],
			message: { kind: 'raw', bytes: BYTES }
		},
		quit()
	]
};
