/*
 * SEARCH (RFC 3501 §6.4.4): does a message match the criteria the parser read? All keys given
 * must match (AND); OR, NOT and parenthesized groups combine them. Text keys are substrings,
 * case-insensitive (§6.4.4: "In all search keys that use strings, a message matches the key if
 * the string is a substring of the field. The matching is case-insensitive"); header text is
 * compared with its encoded words (RFC 2047) decoded, the body as a reader sees it: each text
 * part with its transfer encoding undone (RFC 2045 §6.7 quoted-printable, §6.8 base64) and read
 * in its charset, an encapsulated message's header included.
 */
import type { SearchKey, SequenceSet } from '../protocol/commandParser';
import type { ImapDate } from '../protocol/dateTime';
import { MONTHS } from '../protocol/dateTime';
import { decodeEncodedWords } from '../../smtp/message/encodedWords';
import {
	fieldValue,
	headerText,
	paramValue,
	readMessage,
	type Entity,
	type MessageTree
} from './messageTree';

/** The charsets SEARCH accepts; any other is NO [BADCHARSET (…)] (§6.4.4, §7.1). */
export const SEARCH_CHARSETS = ['US-ASCII', 'UTF-8'] as const;

export interface SearchedMessage {
	seq: number;
	uid: number;
	flags: readonly string[];
	internalDate: number;
	size: number;
	/** The message's bytes, read only when a key needs them. */
	content(): Uint8Array | null;
}

/** What a sequence set's "*" stands for: the largest number in use (§9 seq-number). */
export interface SetBounds {
	maxSeq: number;
	maxUid: number;
}

/** Is `n` in the set? "*" is the largest in use; a:b is the range either way round (§9). */
export function inSet(set: SequenceSet, n: number, largest: number): boolean {
	return set.some(({ from, to }) => {
		const a = from === '*' ? largest : from;
		if (to === undefined) return n === a;
		const b = to === '*' ? largest : to;
		return n >= Math.min(a, b) && n <= Math.max(a, b);
	});
}

export function matches(
	criteria: readonly SearchKey[],
	message: SearchedMessage,
	bounds: SetBounds
): boolean {
	let tree: MessageTree | null | undefined;
	const parsed = () => {
		if (tree === undefined) {
			const content = message.content();
			tree = content ? readMessage(content) : null;
		}
		return tree;
	};
	const has = (flag: string) => message.flags.includes(flag);
	const header = (name: string): string[] => {
		const t = parsed();
		if (!t) return [];
		const lower = name.toLowerCase();
		return t.root.fields
			.filter((f) => f.name.toLowerCase() === lower)
			.map((f) => decodeEncodedWords(headerText(f.value)).text);
	};
	const contains = (haystack: string, needle: string) =>
		haystack.toLowerCase().includes(needle.toLowerCase());
	let bodyText: string | undefined;
	const body = () => {
		const t = parsed();
		return t ? (bodyText ??= readableBody(t, t.root)) : '';
	};
	const sentDate = () => {
		const date = header('date')[0];
		return date === undefined ? null : dayOfHeader(date);
	};
	const test = (key: SearchKey): boolean => {
		switch (key.key) {
			case 'ALL':
				return true;
			case 'ANSWERED':
				return has('\\Answered');
			case 'DELETED':
				return has('\\Deleted');
			case 'DRAFT':
				return has('\\Draft');
			case 'FLAGGED':
				return has('\\Flagged');
			case 'SEEN':
				return has('\\Seen');
			case 'RECENT':
				return has('\\Recent');
			case 'NEW':
				return has('\\Recent') && !has('\\Seen');
			case 'OLD':
				return !has('\\Recent');
			case 'UNANSWERED':
				return !has('\\Answered');
			case 'UNDELETED':
				return !has('\\Deleted');
			case 'UNDRAFT':
				return !has('\\Draft');
			case 'UNFLAGGED':
				return !has('\\Flagged');
			case 'UNSEEN':
				return !has('\\Seen');
			case 'KEYWORD':
				return has(key.flag);
			case 'UNKEYWORD':
				return !has(key.flag);
			case 'FROM':
			case 'TO':
			case 'CC':
			case 'BCC':
			case 'SUBJECT':
				return header(key.key).some((v) => contains(v, key.value));
			case 'HEADER':
				// §6.4.4: an empty string matches every message that has the field.
				return header(key.field).some((v) => contains(v, key.value));
			case 'BODY':
				return contains(body(), key.value);
			case 'TEXT': {
				const t = parsed();
				return (
					!!t &&
					(contains(headerText(t.text.slice(0, t.root.bodyStart)), key.value) ||
						contains(body(), key.value))
				);
			}
			case 'BEFORE':
				return compareDays(utcDay(message.internalDate), key.date) < 0;
			case 'ON':
				return compareDays(utcDay(message.internalDate), key.date) === 0;
			case 'SINCE':
				return compareDays(utcDay(message.internalDate), key.date) >= 0;
			case 'SENTBEFORE':
			case 'SENTON':
			case 'SENTSINCE': {
				const sent = sentDate();
				if (!sent) return false;
				const c = compareDays(sent, key.date);
				return key.key === 'SENTBEFORE' ? c < 0 : key.key === 'SENTON' ? c === 0 : c >= 0;
			}
			case 'LARGER':
				return message.size > key.size;
			case 'SMALLER':
				return message.size < key.size;
			case 'UID':
				return inSet(key.set, message.uid, bounds.maxUid);
			case 'SEQUENCE':
				return inSet(key.set, message.seq, bounds.maxSeq);
			case 'NOT':
				return !test(key.operand);
			case 'OR':
				return test(key.left) || test(key.right);
			case 'AND':
				return key.operands.every(test);
		}
	};
	return criteria.every(test);
}

/** The day of an internal date (the server writes INTERNALDATE in +0000). */
function utcDay(ms: number): ImapDate {
	const d = new Date(ms);
	return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** SENT* compare the Date field's own day, "disregarding time and timezone" (§6.4.4). */
function dayOfHeader(value: string): ImapDate | null {
	const m = /(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})/.exec(value);
	if (!m) return null;
	const month = MONTHS.findIndex((name) => name.toLowerCase() === m[2].toLowerCase());
	return month < 0 ? null : { year: Number(m[3]), month: month + 1, day: Number(m[1]) };
}

function compareDays(a: ImapDate, b: ImapDate): number {
	return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** The text parts of an entity's body as a reader sees them, one after the other. */
function readableBody(t: MessageTree, e: Entity): string {
	if (e.parts.length) return e.parts.map((p) => readableBody(t, p)).join('\n');
	if (e.message)
		return (
			headerText(t.text.slice(e.message.start, e.message.bodyStart)) + readableBody(t, e.message)
		);
	if (e.contentType.type.toLowerCase() !== 'text') return '';
	const octets = t.text.slice(e.bodyStart, e.end);
	const encoding = (fieldValue(e.fields, 'content-transfer-encoding') ?? '').toLowerCase();
	const decoded =
		encoding === 'base64'
			? fromBase64(octets)
			: encoding === 'quoted-printable'
				? fromQuotedPrintable(octets)
				: octets;
	const bytes = Uint8Array.from(decoded, (c) => c.charCodeAt(0));
	try {
		return new TextDecoder(paramValue(e.contentType.params, 'charset') ?? 'utf-8').decode(bytes);
	} catch {
		// A charset the platform does not know: read it as UTF-8.
		return new TextDecoder('utf-8').decode(bytes);
	}
}

/** RFC 2045 §6.8; characters outside the alphabet are ignored. */
function fromBase64(text: string): string {
	try {
		return atob(text.replace(/[^A-Za-z0-9+/=]/g, ''));
	} catch {
		return text;
	}
}

/** RFC 2045 §6.7: "=" CRLF is a soft line break, "=" two hex digits an octet. */
function fromQuotedPrintable(text: string): string {
	return text
		.replace(/=\r?\n/g, '')
		.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
