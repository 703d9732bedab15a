import { indexBy, rowId, type ReferenceRow } from '../reference/reference';
import { ref } from '../rfc';

export interface HeaderFieldRow extends ReferenceRow {
	/** Canonical spelling, e.g. "Message-ID". Field names are case-insensitive (RFC 5322 §1.2.2). */
	name: string;
	/** RFC 5322 §3.6: how often it may appear (max undefined = unlimited). */
	min: number;
	max?: number;
	/** Added by servers on the way rather than by the author's program. */
	trace?: boolean;
}

const field = (
	name: string,
	row: Omit<HeaderFieldRow, 'name' | 'key' | 'slug' | 'ref' | 'title' | 'min'> & {
		min?: number;
	}
): HeaderFieldRow => ({
	...rowId('headers', name),
	name,
	title: name,
	min: 0,
	...row
});

const ORIGINATOR = ref(5322, '3.6.2');
const DESTINATION = ref(5322, '3.6.3');
const IDENTIFICATION = ref(5322, '3.6.4');

export const headerFieldTable: readonly HeaderFieldRow[] = [
	field('From', {
		summary: 'The author(s) of the message. Required, exactly once.',
		detail:
			'What the reader sees as the sender. It need not match the envelope MAIL FROM, which is where bounces go; SPF checks the envelope, DMARC ties checks to this field.',
		min: 1,
		max: 1,
		rfc: [ORIGINATOR, ref(5322, '3.6')]
	}),
	field('Sender', {
		summary:
			'The mailbox of the agent that actually sent the message, when it is not the author (e.g. a secretary or a list). Required if From holds more than one mailbox.',
		max: 1,
		rfc: [ORIGINATOR]
	}),
	field('Reply-To', {
		summary: 'Where replies should go, if not to the From address.',
		max: 1,
		rfc: [ORIGINATOR]
	}),
	field('To', {
		summary: 'The primary recipients, as shown to readers.',
		max: 1,
		rfc: [DESTINATION]
	}),
	field('Cc', {
		summary: '"Carbon copy": further recipients, as shown to readers.',
		max: 1,
		rfc: [DESTINATION]
	}),
	field('Bcc', {
		summary:
			'"Blind carbon copy": recipients not shown to the others. It may be handled three ways: removed from every copy; removed from the To:/Cc: recipients’ copy but kept in the copy for the Bcc: recipients; or sent with no addresses, to show that blind copies went out. Either way the envelope RCPT TO is what delivers to them.',
		max: 1,
		rfc: [DESTINATION]
	}),
	field('Subject', {
		summary: 'A short summary of the topic of the message.',
		max: 1,
		rfc: [ref(5322, '3.6.5')]
	}),
	field('Date', {
		summary:
			'When the author’s program considered the message ready to send (not when it was delivered). Required, exactly once.',
		min: 1,
		max: 1,
		rfc: [ref(5322, '3.6.1'), ref(5322, '3.3')]
	}),
	field('Message-ID', {
		summary:
			'A globally unique identifier for this message, like <unique@domain>. It should be present.',
		max: 1,
		rfc: [IDENTIFICATION]
	}),
	field('In-Reply-To', {
		summary: 'The Message-ID(s) of the message(s) this one replies to.',
		max: 1,
		rfc: [IDENTIFICATION]
	}),
	field('References', {
		summary: 'The Message-IDs of the conversation so far; mail programs use it to build threads.',
		max: 1,
		rfc: [IDENTIFICATION]
	}),
	field('Return-Path', {
		summary:
			'The envelope sender (MAIL FROM), written into the message by the server that makes the final delivery.',
		detail:
			'A sending program should not add it; the delivering server records the reverse-path here so that the information is not lost once the envelope is gone (RFC 5321 §4.4).',
		trace: true,
		rfc: [ref(5322, '3.6.7'), ref(5321, '4.4')]
	}),
	field('Received', {
		summary:
			'One per server the message passed through, added at the top: from where, by whom, when. Read from the bottom up to follow the path.',
		trace: true,
		rfc: [ref(5322, '3.6.7'), ref(5321, '4.4')]
	}),
	field('MIME-Version', {
		summary: 'Says the message uses MIME (always "1.0").',
		max: 1,
		rfc: [ref(2045, '4')]
	}),
	field('Content-Type', {
		summary:
			'What the body is: text/plain; charset=utf-8, text/html, multipart/mixed with a boundary between parts, image/png …',
		max: 1,
		rfc: [ref(2045, '5'), ref(2046, '')]
	}),
	field('Content-Transfer-Encoding', {
		summary:
			'How the body was made safe for a text protocol: 7bit, 8bit, quoted-printable or base64.',
		max: 1,
		rfc: [ref(2045, '6')]
	}),
	field('Content-Disposition', {
		summary: 'Whether a part is shown inline or offered as an attachment, and its file name.',
		max: 1,
		rfc: [ref(2183, '2')]
	}),
	field('DKIM-Signature', {
		summary:
			'A digital signature by a domain (d=) over chosen header fields (h=) and the body, checked with a public key published in DNS.',
		rfc: [ref(6376, '3.5')]
	}),
	field('Authentication-Results', {
		summary: 'Added by the receiving side: the results of its SPF, DKIM and DMARC checks.',
		trace: true,
		rfc: [ref(8601, '2.2')]
	}),
	field('Received-SPF', {
		summary: 'Added by the receiving side: the result of its SPF check of the envelope sender.',
		trace: true,
		rfc: [ref(7208, '9.1')]
	}),
	field('List-Unsubscribe', {
		summary:
			'How to unsubscribe from the list that sent this message: one or more URIs in angle brackets (mailto: or https:).',
		rfc: [ref(2369, '3.2')]
	}),
	field('List-Unsubscribe-Post', {
		summary:
			'"List-Unsubscribe=One-Click": the mail program may unsubscribe with a single HTTPS POST to the List-Unsubscribe URI.',
		detail:
			'Requires an HTTPS URI in List-Unsubscribe, and a valid DKIM signature whose h= covers both List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).',
		max: 1,
		rfc: [ref(8058, '')]
	}),
	field('Precedence', {
		summary:
			'"bulk", "list" or "junk": widely used to mark mass mail so auto-responders stay quiet, but never standardised.',
		rfc: [ref(2076, ''), ref(3834, '')]
	}),
	field('Auto-Submitted', {
		summary:
			'"auto-generated" or "auto-replied" marks a message sent by a program, so that other programs do not answer it (avoiding mail loops).',
		rfc: [ref(3834, '5')]
	})
];

export const headerFieldsByName: ReadonlyMap<string, HeaderFieldRow> = indexBy(
	headerFieldTable,
	(r) => r.key.toLowerCase()
);

/** RFC 5322 §3.6: the fields every message must have. */
export const REQUIRED_FIELDS = headerFieldTable.filter((r) => r.min > 0).map((r) => r.name);
