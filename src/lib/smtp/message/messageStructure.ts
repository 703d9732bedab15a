/*
 * The parts of a message's layout that are not header fields: the blank line, the body, folding,
 * line ends, dot-stuffing, MIME parts, and why remote images are held back. One row per idea,
 * looked up by id, so the mailbox pages carry no teaching prose of their own.
 */
import type { RfcRef } from '../../messages';
import { ref } from '../rfc';

export type MessageStructureId =
	| 'header-section'
	| 'trace-fields'
	| 'blank-line'
	| 'body'
	| 'folding'
	| 'encoded-word'
	| 'mime-tree'
	| 'multipart-boundary'
	| 'line-ends'
	| 'bare-lf'
	| 'dot-stuffing'
	| 'line-length'
	| 'unknown-field'
	| 'html-sandbox'
	| 'remote-images';

export interface MessageStructureRow {
	id: MessageStructureId;
	title: string;
	summary: string;
	rfc: RfcRef[];
}

export const messageStructureTable: readonly MessageStructureRow[] = [
	{
		id: 'header-section',
		title: 'Header section',
		summary:
			'Lines of "Name: value" at the top of the message: who it is from and to, the subject, the date, and how the body is built.',
		rfc: [ref(5322, '2.2')]
	},
	{
		id: 'trace-fields',
		title: 'Trace fields added at delivery',
		summary:
			'Return-Path and Received are not part of the bytes the client sent: the server adds them on top when it delivers the message, so the delivered copy (.eml) has them and the received bytes do not.',
		rfc: [ref(5321, '4.4'), ref(5322, '3.6.7')]
	},
	{
		id: 'blank-line',
		title: 'The blank line',
		summary:
			'An empty line (CR LF CR LF in the bytes) ends the header section. Everything after it is the body.',
		rfc: [ref(5322, '2.1')]
	},
	{
		id: 'body',
		title: 'Body',
		summary:
			'The content, as lines of text. With MIME it can hold several parts — text, HTML, attachments — each made safe for a text protocol by its transfer encoding.',
		rfc: [ref(5322, '2.3'), ref(2045, '1')]
	},
	{
		id: 'folding',
		title: 'Folded field',
		summary:
			'A long field may continue on the next line if that line starts with a space or tab; readers join the lines again ("unfolding").',
		rfc: [ref(5322, '2.2.3')]
	},
	{
		id: 'encoded-word',
		title: 'Encoded words',
		summary:
			'Header fields are ASCII only, so other text is written as =?charset?B?…?= (base64) or =?charset?Q?…?= (quoted-printable-like) and decoded for display.',
		rfc: [ref(2047, '2')]
	},
	{
		id: 'mime-tree',
		title: 'MIME parts',
		summary:
			'A multipart body is a tree: multipart/alternative offers the same text as plain text and HTML, multipart/mixed adds attachments. Each leaf has its own type, transfer encoding and size — larger on the wire than decoded.',
		rfc: [ref(2046, '5.1'), ref(2045, '6')]
	},
	{
		id: 'multipart-boundary',
		title: 'Boundary lines',
		summary:
			'Parts are separated by a line "--" + the boundary from Content-Type; the last one ends with an extra "--". The boundary must not occur inside any part.',
		rfc: [ref(2046, '5.1.1')]
	},
	{
		id: 'line-ends',
		title: 'Line ends',
		summary:
			'Every line of a message ends in CR LF (bytes 13 10). Mail programs hide them; here you can show them.',
		rfc: [ref(5322, '2.1'), ref(5321, '2.3.8')]
	},
	{
		id: 'bare-lf',
		title: 'Bare LF',
		summary:
			'A line that ends in LF alone. RFC 5321 forbids it; servers differ in how they read it, which is what SMTP smuggling exploits.',
		rfc: [ref(5321, '2.3.8')]
	},
	{
		id: 'dot-stuffing',
		title: 'Dot-stuffing',
		summary:
			'A line holding only "." ends the data, so a client sends every line that begins with "." with one more "." in front; the server removes it on receipt. Marked lines travelled as "..".',
		rfc: [ref(5321, '4.5.2')]
	},
	{
		id: 'line-length',
		title: 'Line length',
		summary:
			'Lines should be at most 78 characters and must be at most 998, not counting CR LF. Long text is folded, or encoded as quoted-printable or base64.',
		rfc: [ref(5322, '2.1.1')]
	},
	{
		id: 'unknown-field',
		title: 'Field not in the lab’s tables',
		summary:
			'Any program may add its own fields; readers ignore the ones they do not know. Names starting with "X-" are a common, non-standard habit.',
		rfc: [ref(5322, '3.6.8'), ref(6648, '')]
	},
	{
		id: 'html-sandbox',
		title: 'How this HTML is shown',
		summary:
			'Mail HTML comes from strangers. It is cleaned with DOMPurify (scripts, event handlers and frames removed), then shown in a sandboxed frame that may run no script, submit no form and navigate nothing, under a content security policy that loads nothing from the network. Links are disabled; hover one to see where it points.',
		rfc: []
	},
	{
		id: 'remote-images',
		title: 'Remote images are blocked',
		summary:
			'An image loaded from the sender’s server tells the sender that you opened the message, when, and from which address — a "tracking pixel" is an invisible 1×1 image made for exactly that. So remote images load only when you allow them (HTTPS only).',
		rfc: []
	}
];

export const messageStructureById: ReadonlyMap<MessageStructureId, MessageStructureRow> = new Map(
	messageStructureTable.map((r) => [r.id, r])
);

/** The row for an id; the table holds every id of MessageStructureId. */
export function structureRow(id: MessageStructureId): MessageStructureRow {
	return messageStructureById.get(id)!;
}
