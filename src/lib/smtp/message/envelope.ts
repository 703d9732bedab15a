import type { HeaderField, RfcRef } from '../../messages';
import { ref } from '../rfc';

export interface EnvelopeInput {
	mailFrom: string;
	rcptTo: string[];
}

export type EnvelopeFindingId =
	| 'bcc'
	| 'all-recipients-listed'
	| 'from-differs'
	| 'from-matches'
	| 'null-sender'
	| 'return-path-present'
	| 'return-path-absent'
	| 'no-from';

export interface EnvelopeFinding {
	id: EnvelopeFindingId;
	text: string;
	/** The addresses the finding is about. */
	addresses: string[];
	rfc: RfcRef[];
}

const FINDINGS: Record<EnvelopeFindingId, { text: string; rfc: RfcRef[] }> = {
	bcc: {
		text: 'Accepted for {value}, although no To: or Cc: field names them: this is what Bcc is. The envelope decides who gets the message; the header fields only say what readers see.',
		rfc: [ref(5321, '3.3'), ref(5322, '3.6.3')]
	},
	'all-recipients-listed': {
		text: 'Every envelope recipient also appears in To: or Cc:.',
		rfc: [ref(5322, '3.6.3')]
	},
	'from-differs': {
		text: 'The envelope sender (MAIL FROM:<{value}>) is not the From: address: normal for mailing lists and bulk senders, which want bounces sent to their own address. SPF checks the envelope sender; DMARC compares domains with From:.',
		rfc: [ref(5321, '3.3'), ref(5322, '3.6.2'), ref(7208, '2.4')]
	},
	'from-matches': {
		text: 'The envelope sender and the From: address are the same.',
		rfc: [ref(5321, '3.3')]
	},
	'null-sender': {
		text: 'MAIL FROM:<> — the null sender. Bounces and other delivery status notifications use it, so that a failure to deliver a notification never causes another one.',
		rfc: [ref(5321, '4.5.5'), ref(3464, '')]
	},
	'return-path-present': {
		text: 'A Return-Path field is already present: it should only be added by the server making the final delivery, which records MAIL FROM there.',
		rfc: [ref(5321, '4.4')]
	},
	'return-path-absent': {
		text: 'No Return-Path yet: the server that makes the final delivery adds "Return-Path: <{value}>" from MAIL FROM.',
		rfc: [ref(5321, '4.4')]
	},
	'no-from': {
		text: 'The message has no From: field, which RFC 5322 requires.',
		rfc: [ref(5322, '3.6')]
	}
};

const ADDRESS = /[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g;

/** Normalises for comparison: the domain is case-insensitive, the local-part is kept (RFC 5321 §2.4). */
function normal(address: string): string {
	const at = address.lastIndexOf('@');
	return at < 0 ? address : address.slice(0, at) + '@' + address.slice(at + 1).toLowerCase();
}

/** The addresses in a header field value (a simple scan for local@domain). */
export function addressesIn(value: string): string[] {
	return (value.match(ADDRESS) ?? []).map(normal);
}

function finding(id: EnvelopeFindingId, addresses: string[], value = ''): EnvelopeFinding {
	const row = FINDINGS[id];
	return { id, text: row.text.replace('{value}', value), addresses, rfc: row.rfc };
}

/** Envelope vs header fields: Bcc recipients, MAIL FROM vs From:, Return-Path, the null sender. */
export function compareEnvelope(
	envelope: EnvelopeInput,
	headers: HeaderField[]
): EnvelopeFinding[] {
	const findings: EnvelopeFinding[] = [];
	// One pass over the fields: this runs on every recorded message.
	const shown = new Set<string>();
	const from: string[] = [];
	let returnPath = false;
	for (const h of headers) {
		const name = h.name.toLowerCase();
		if (name === 'to' || name === 'cc') for (const a of addressesIn(h.value)) shown.add(a);
		else if (name === 'from') from.push(...addressesIn(h.value));
		else if (name === 'return-path') returnPath = true;
	}
	const hidden = envelope.rcptTo.map(normal).filter((a) => !shown.has(a));
	findings.push(
		hidden.length
			? finding('bcc', hidden, hidden.join(', '))
			: finding('all-recipients-listed', envelope.rcptTo)
	);
	if (envelope.mailFrom === '') findings.push(finding('null-sender', []));
	if (!from.length) findings.push(finding('no-from', []));
	else if (envelope.mailFrom !== '') {
		const sender = normal(envelope.mailFrom);
		findings.push(
			from.includes(sender)
				? finding('from-matches', [sender])
				: finding('from-differs', [sender, ...from], sender)
		);
	}
	findings.push(
		returnPath
			? finding('return-path-present', [])
			: finding('return-path-absent', [envelope.mailFrom], envelope.mailFrom)
	);
	return findings;
}
