/*
 * A message's MIME structure with the byte offsets of every entity, for what IMAP serves from
 * the raw bytes: BODYSTRUCTURE's sizes and line counts, and the sections of BODY[section]
 * (RFC 3501 §6.4.5, §7.4.2). Offsets count octets: the message is read as one character per
 * octet (Latin-1), and the multipart split is the one the mailbox's anatomy uses
 * (src/lib/mail/mimeLayout.ts splitMultipart, RFC 2046 §5.1.1).
 *
 * Each entity has a header (ended by a blank line, RFC 5322 §2.1) and a body; a multipart body
 * holds parts, a MESSAGE/RFC822 body holds one encapsulated message (RFC 2046 §5.2.1).
 */
import { latin1 } from '../protocol/grammar';
import { splitMultipart } from '../../mail/mimeLayout';

export interface HeaderField {
	/** The field name as written. */
	name: string;
	/** The unfolded value (CRLF before WSP removed, RFC 5322 §2.2.3), leading WSP dropped. */
	value: string;
	/** Octets [start, end) of the field's lines, its last line end included. */
	start: number;
	end: number;
}

export interface ContentType {
	type: string;
	subtype: string;
	/** Parameters in the order and case written; values unquoted (RFC 2045 §5.1). */
	params: [string, string][];
	/** No Content-Type (or an unreadable one): the RFC 2045 §5.2 / RFC 2046 §5.1.5 default. */
	defaulted: boolean;
}

export interface Entity {
	/** Octet offset of the header's first line. */
	start: number;
	/** Offset of the body: after the blank line, or `end` when there is none. */
	bodyStart: number;
	/** Offset just past the body. */
	end: number;
	/** The header ends with a blank line (RFC 3501 §7.4.2: a message may have neither body nor blank line). */
	blankLine: boolean;
	fields: HeaderField[];
	contentType: ContentType;
	/** The parts of a multipart body (RFC 2046 §5.1). */
	parts: Entity[];
	/** The encapsulated message of a MESSAGE/RFC822 body (RFC 2046 §5.2.1). */
	message?: Entity;
}

export interface MessageTree {
	raw: Uint8Array;
	/** The raw bytes, one character per octet. */
	text: string;
	root: Entity;
}

/** Nesting deeper than this is read as a text/plain leaf (keeps recursion bounded). */
const MAX_DEPTH = 50;

export function readMessage(raw: Uint8Array): MessageTree {
	const text = latin1(raw);
	return { raw, text, root: readEntity(text, 0, text.length, false, 0) };
}

function readEntity(
	text: string,
	start: number,
	end: number,
	inDigest: boolean,
	depth: number
): Entity {
	const fields: HeaderField[] = [];
	let at = start;
	let bodyStart = end;
	let blankLine = false;
	while (at < end) {
		let lf = text.indexOf('\n', at);
		if (lf < 0 || lf >= end) lf = end - 1;
		const lineEnd = lf + 1;
		const content = text.slice(at, text[lf] === '\n' ? lf : lineEnd).replace(/\r$/, '');
		if (content === '') {
			bodyStart = lineEnd;
			blankLine = true;
			break;
		}
		const last = fields[fields.length - 1];
		if ((content[0] === ' ' || content[0] === '\t') && last) {
			last.value += content;
			last.end = lineEnd;
		} else {
			const colon = content.indexOf(':');
			if (colon > 0)
				fields.push({
					name: content.slice(0, colon).trimEnd(),
					value: content.slice(colon + 1),
					start: at,
					end: lineEnd
				});
		}
		at = lineEnd;
	}
	for (const f of fields) f.value = f.value.replace(/^[ \t]+/, '').trimEnd();
	// Past the nesting limit an entity is read as the default type: a leaf.
	const contentType = readContentType(
		depth > MAX_DEPTH ? null : fieldValue(fields, 'content-type'),
		inDigest && depth <= MAX_DEPTH
	);
	const entity: Entity = {
		start,
		bodyStart,
		end,
		blankLine,
		fields,
		contentType,
		parts: []
	};
	const type = contentType.type.toLowerCase();
	const subtype = contentType.subtype.toLowerCase();
	const boundary = paramValue(contentType.params, 'boundary');
	if (type === 'multipart' && boundary)
		for (const [s, e] of splitMultipart(text, bodyStart, end, boundary))
			entity.parts.push(readEntity(text, s, e, subtype === 'digest', depth + 1));
	else if (type === 'message' && subtype === 'rfc822')
		entity.message = readEntity(text, bodyStart, end, false, depth + 1);
	return entity;
}

/** The first field called `name` (case-insensitive, RFC 5322 §1.2.2), or null. */
export function fieldValue(fields: HeaderField[], name: string): string | null {
	const lower = name.toLowerCase();
	return fields.find((f) => f.name.toLowerCase() === lower)?.value ?? null;
}

export function paramValue(params: [string, string][], name: string): string | undefined {
	const lower = name.toLowerCase();
	return params.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** RFC 2045 §5.1 token: any CHAR but SPACE, CTLs and tspecials. */
const TOKEN = /^[!#-'*+\-.0-9A-Z^-~]+$/;

/**
 * Content-Type := type "/" subtype *(";" parameter) (RFC 2045 §5.1). Absent or unreadable:
 * text/plain; charset=us-ascii (§5.2), or message/rfc822 inside multipart/digest (RFC 2046
 * §5.1.5).
 */
export function readContentType(value: string | null, inDigest: boolean): ContentType {
	const fallback: ContentType = inDigest
		? { type: 'MESSAGE', subtype: 'RFC822', params: [], defaulted: true }
		: { type: 'TEXT', subtype: 'PLAIN', params: [['CHARSET', 'US-ASCII']], defaulted: true };
	if (value === null) return fallback;
	const m = /^\s*([^\s/;]+)\s*\/\s*([^\s;]+)\s*/.exec(withoutComments(value));
	if (!m || !TOKEN.test(m[1]) || !TOKEN.test(m[2])) return fallback;
	return {
		type: m[1],
		subtype: m[2],
		params: readParams(withoutComments(value).slice(m[0].length)),
		defaulted: false
	};
}

/** *(";" attribute "=" value), value = token / quoted-string (RFC 2045 §5.1). */
export function readParams(rest: string): [string, string][] {
	const params: [string, string][] = [];
	const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))/g;
	for (const m of rest.matchAll(re))
		params.push([m[1], m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]]);
	return params;
}

/** RFC 822 comments "(...)" outside quoted strings, which structured fields may carry. */
function withoutComments(value: string): string {
	let out = '';
	let depth = 0;
	let quoted = false;
	for (let i = 0; i < value.length; i++) {
		const ch = value[i];
		if (ch === '\\' && (quoted || depth)) {
			if (!depth) out += ch + (value[i + 1] ?? '');
			i++;
		} else if (quoted) {
			out += ch;
			if (ch === '"') quoted = false;
		} else if (ch === '(') depth++;
		else if (ch === ')' && depth) depth--;
		else if (!depth) {
			out += ch;
			if (ch === '"') quoted = true;
		}
	}
	return out;
}

/**
 * Lines of text in [start, end): each line end, and a last line that has none (a part's last
 * line: the CRLF before a boundary belongs to the delimiter, RFC 2046 §5.1.1).
 */
export function countLines(text: string, start: number, end: number): number {
	let lines = 0;
	for (let i = text.indexOf('\n', start); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) lines++;
	if (end > start && text[end - 1] !== '\n') lines++;
	return lines;
}

const utf8 = new TextDecoder('utf-8');

/** Header text read one char per octet, as the characters it encodes (8-bit header text is UTF-8, RFC 6532 §3.2). */
export function headerText(octets: string): string {
	if (!/[\x80-\xff]/.test(octets)) return octets;
	return utf8.decode(Uint8Array.from(octets, (c) => c.charCodeAt(0)));
}
