import type { RfcRef } from '../../messages';
import { ianaEnhancedCodes, type IanaEnhancedCodeRow } from './enhancedCodeTable';
import { indexBy, rowId, type ReferenceRow } from '../reference/reference';
import { ref } from '../rfc';

/** RFC 3463 §2: the first number of an enhanced status code. */
export interface EnhancedClassRow extends ReferenceRow {
	class: 2 | 4 | 5;
}

export const enhancedClassTable: readonly EnhancedClassRow[] = [
	{
		...rowId('enhanced', '2.X.X'),
		class: 2,
		title: 'Success',
		summary: 'The action was carried out; detail codes may report a conversion made on the way.',
		rfc: [ref(3463, '2')]
	},
	{
		...rowId('enhanced', '4.X.X'),
		class: 4,
		title: 'Persistent transient failure',
		summary:
			'The message as sent is valid, but a temporary condition stopped or delayed it; sending it again later may succeed.',
		rfc: [ref(3463, '2')]
	},
	{
		...rowId('enhanced', '5.X.X'),
		class: 5,
		title: 'Permanent failure',
		summary:
			'Not likely to be resolved by sending the message again in its current form; something about the message or the destination must change.',
		rfc: [ref(3463, '2')]
	}
];

/** RFC 3463 §2: the second number, what part of the system the status is about. */
export interface EnhancedSubjectRow extends ReferenceRow {
	subject: number;
}

const subject = (n: number, title: string, summary: string): EnhancedSubjectRow => ({
	...rowId('enhanced', `X.${n}.X`),
	subject: n,
	title,
	summary,
	rfc: [ref(3463, '2'), ref(3463, `3.${n + 1}`)]
});

export const enhancedSubjectTable: readonly EnhancedSubjectRow[] = [
	subject(0, 'Other or undefined status', 'No additional subject information is available.'),
	subject(
		1,
		'Addressing status',
		'About the originator or destination address: its syntax or validity. The sender can usually correct these and retry.'
	),
	subject(
		2,
		'Mailbox status',
		'Something about the mailbox caused this status; mailbox issues are under the general control of the recipient.'
	),
	subject(
		3,
		'Mail system status',
		'Something about the destination system caused this status; under the control of its administrator.'
	),
	subject(
		4,
		'Network and routing status',
		'About the delivery infrastructure itself, including directory (DNS) and routing services.'
	),
	subject(
		5,
		'Mail delivery protocol status',
		'A failure in the mail delivery protocol itself: from implementation errors to an unreliable connection.'
	),
	subject(
		6,
		'Message content or media status',
		'A failure involving the content of the message: translation, transcoding or unsupported media.'
	),
	subject(
		7,
		'Security or policy status',
		'Policies such as per-recipient or per-host filtering, and cryptographic operations.'
	)
];

export interface EnhancedCodeRow extends ReferenceRow, IanaEnhancedCodeRow {
	subject: number;
	detailNumber: number;
}

// Registered after the copy of the registry in tests/fixtures (see /work/shared/data/README.md).
const laterRegistrations: IanaEnhancedCodeRow[] = [
	{
		key: 'X.7.29',
		sampleText: 'ARC validation failure',
		basicCodes: '550',
		description: 'This status code may be returned when a message fails ARC validation.',
		reference: '[RFC8617] (Experimental)',
		rfc: [ref(8617, '')]
	},
	{
		key: 'X.7.30',
		sampleText: 'REQUIRETLS support required',
		basicCodes: '550',
		description:
			'This indicates that the message was not able to be forwarded because it was received with a REQUIRETLS requirement and none of the SMTP servers to which the message should be forwarded provide this support.',
		reference: '[RFC8689] (Standards Track)',
		rfc: [ref(8689, '')]
	}
];

/** Every enumerated code of the IANA registry, keyed "X.s.d". */
export const enhancedCodeTable: readonly EnhancedCodeRow[] = [
	...ianaEnhancedCodes,
	...laterRegistrations
].map((row) => {
	const [, s, d] = row.key.split('.');
	return {
		...row,
		...rowId('enhanced', row.key),
		subject: Number(s),
		detailNumber: Number(d),
		// X.6.10 has no sample text in the registry: it is a deprecated duplicate.
		title: row.sampleText || row.description,
		summary: row.description
	};
});

/**
 * RFC 3463 §2: the subject and detail keep their meaning in every class; the class decides the
 * outcome. The registry words most details as failures, and some as "only permanent" or "only
 * transient"; where the class changes what a code says, this row says it for that class.
 */
export interface EnhancedClassWordingRow {
	/** Registry key, "X.6.0". */
	key: string;
	class: 2 | 4 | 5;
	/** Replaces the registry's sample text when it names a failure. */
	title?: string;
	summary: string;
	rfc: RfcRef[];
}

export const enhancedClassWordingTable: readonly EnhancedClassWordingRow[] = [
	{
		key: 'X.0.0',
		class: 2,
		summary:
			'Success, and nothing more specific to say: only the class is known (e.g. "250 2.0.0 OK", "221 2.0.0 Bye").',
		rfc: [ref(3463, '2'), ref(3463, '3.1')]
	},
	{
		key: 'X.1.0',
		class: 2,
		summary:
			'Success concerning an address: the originator or destination address was accepted (e.g. "250 2.1.0 Sender OK").',
		rfc: [ref(3463, '2'), ref(3463, '3.2')]
	},
	{
		key: 'X.2.0',
		class: 2,
		summary: 'Success concerning the destination mailbox.',
		rfc: [ref(3463, '2'), ref(3463, '3.3')]
	},
	{
		key: 'X.3.0',
		class: 2,
		summary: 'Success concerning the destination mail system.',
		rfc: [ref(3463, '2'), ref(3463, '3.4')]
	},
	{
		key: 'X.5.0',
		class: 2,
		summary:
			'A positive reply concerning the mail protocol: the command was acceptable and answered (e.g. "252 2.5.0" to a VRFY the server will not verify).',
		rfc: [ref(3463, '2'), ref(3463, '3.6')]
	},
	{
		key: 'X.6.0',
		class: 2,
		title: 'Other or undefined media status',
		summary:
			'Success concerning the message content: the message was accepted (e.g. "250 2.6.0 Message queued").',
		rfc: [ref(3463, '2'), ref(3463, '3.7')]
	},
	{
		key: 'X.7.0',
		class: 2,
		summary:
			'Success concerning security or policy: e.g. authentication succeeded ("235 2.7.0") or the TLS handshake may start.',
		rfc: [ref(3463, '2'), ref(3463, '3.8')]
	},
	{
		key: 'X.2.2',
		class: 5,
		summary:
			'The mailbox is full, reported as a permanent failure: the sender gives up. The registry says a full mailbox "should be used as a persistent transient failure" (the recipient can make room): 4.2.2, with 452, lets the sender retry.',
		rfc: [ref(3463, '3.3')]
	},
	{
		key: 'X.7.1',
		class: 4,
		summary:
			'Not authorized, for now: the sender may try again later — this is how greylisting answers (451 4.7.1). The registry’s description calls X.7.1 "useful only as a permanent error", yet the same registry lists 451 among X.7.1’s basic codes.',
		rfc: [ref(3463, '3.8'), ref(5248, '')]
	}
];

const wordingByCode = indexBy(enhancedClassWordingTable, (r) => `${r.class}${r.key.slice(1)}`);

/**
 * The registry reserves some details for one class ("useful only as a permanent error"), yet
 * lists basic codes of the other class for several of them (X.1.1 with 451, X.5.4 with 451).
 * Used in the other class, the class still decides the outcome (RFC 3463 §2); this says so.
 */
export const registryClassRestrictionTable: readonly {
	/** Phrases of the registry's descriptions that reserve a detail for one class. */
	phrase: RegExp;
	/** The class the phrase reserves it for. */
	class: 4 | 5;
	/** Appended to the summary when the code comes in the other failure class. */
	note: string;
	rfc: RfcRef[];
}[] = [
	{
		phrase:
			/only useful for permanent failures|useful only as a permanent error|should be used as a permanent failure/,
		class: 5,
		note: 'The registry describes this detail for permanent failures; sent with class 4, it is a transient one: the class decides, and the sender may try again later.',
		rfc: [ref(3463, '2')]
	},
	{
		phrase:
			/useful only as a persistent transient error|should be used as a persistent transient failure/,
		class: 4,
		note: 'The registry describes this detail for persistent transient failures; sent with class 5, it is a permanent one: the class decides, and the sender gives up.',
		rfc: [ref(3463, '2')]
	}
];

/** The restriction row whose class the code's class contradicts (4 vs 5), if any. */
function contradictedRestriction(entry: EnhancedCodeRow | undefined, cls: number) {
	if (!entry || cls === 2) return undefined;
	return registryClassRestrictionTable.find(
		(r) => r.class !== cls && r.phrase.test(entry.description)
	);
}

const byKey = indexBy(enhancedCodeTable, (r) => r.key);
const classByNumber = indexBy(enhancedClassTable, (r) => String(r.class));
const subjectByNumber = indexBy(enhancedSubjectTable, (r) => String(r.subject));

/** RFC 3463 §2 and RFC 2034 §4 grammar: class "." subject "." detail, subject and detail 1–3 digits. */
const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})$/;

export interface EnhancedCodeInfo {
	code: string;
	class: EnhancedClassRow;
	/** Undefined when the subject number is not one RFC 3463 defines. */
	subject?: EnhancedSubjectRow;
	/** Undefined when the code is not in the registry: fall back to class and subject. */
	entry?: EnhancedCodeRow;
	title: string;
	summary: string;
	rfc: RfcRef[];
	/** Deep link: `enhanced/5.1.1`. */
	ref: string;
}

/** Looks up "5.1.1"; unknown details fall back to class and subject. Never throws. */
export function describeEnhanced(code: string): EnhancedCodeInfo | undefined {
	const m = ENHANCED.exec(code);
	if (!m) return undefined;
	const cls = classByNumber.get(m[1])!;
	const subj = subjectByNumber.get(String(Number(m[2])));
	const entry = byKey.get(`X.${Number(m[2])}.${Number(m[3])}`);
	const wording = wordingByCode.get(`${m[1]}.${Number(m[2])}.${Number(m[3])}`);
	const restriction = wording ? undefined : contradictedRestriction(entry, cls.class);
	const title = wording?.title
		? wording.title
		: entry
			? entry.title
			: subj
				? `${subj.title} (detail ${m[3]} not in the registry)`
				: `Unregistered subject ${m[2]}`;
	let summary = entry ? entry.summary : (subj?.summary ?? cls.summary);
	let rfc = entry ? entry.rfc : (subj?.rfc ?? cls.rfc);
	if (wording) {
		summary = wording.summary;
		rfc = [...wording.rfc, ...rfc];
	} else if (restriction) {
		summary = `${summary} ${restriction.note}`;
		rfc = [...rfc, ...restriction.rfc];
	}
	return {
		code,
		class: cls,
		subject: subj,
		entry,
		title,
		summary,
		rfc,
		ref: `enhanced/${code}`
	};
}

/** Does an enhanced code's class agree with its basic reply code (RFC 2034 §4, RFC 3463 §2)? */
export function enhancedMatchesReply(enhanced: string, replyCode: number): boolean {
	return enhanced[0] === String(replyCode)[0];
}
