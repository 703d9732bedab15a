/*
 * Formats server responses (RFC 3501 §7, §9):
 *
 *   response-tagged = tag SP resp-cond-state CRLF
 *   response-data   = "*" SP (resp-cond-state / resp-cond-bye / mailbox-data /
 *                     message-data / capability-data) CRLF
 *   continue-req    = "+" SP (resp-text / base64) CRLF
 *   resp-cond-state = ("OK" / "NO" / "BAD") SP resp-text
 *   resp-text       = ["[" resp-text-code "]" SP] text
 *
 * Data items are written from plain values: a JS string becomes a quoted string when every
 * character may be quoted (7-bit, no CR, LF or NUL) and a literal otherwise (§4.3); null is NIL
 * (§4.5); an array is a parenthesized list (§4.4); bytes are a literal; `atom()` is written as is.
 * INTERNALDATE's value is the string formatDateTime() (dateTime.ts) makes.
 * The output is bytes, since literals carry 8-bit message text.
 */
import type { Section } from './commandParser';
import { isAtom } from './grammar';

export interface Atom {
	atom: string;
}

/** Values written one after the other with no SP: the parts of a multipart body (§9 body-type-mpart). */
export interface Adjacent {
	adjacent: ImapValue[];
}

export type ImapValue = null | number | string | Uint8Array | Atom | Adjacent | ImapValue[];

/** Written as is, unquoted: flags, keywords, names such as FLAGS or BODY[HEADER]. */
export function atom(text: string): Atom {
	return { atom: text };
}

export type ResponseCode =
	| { code: 'ALERT' | 'PARSE' | 'READ-ONLY' | 'READ-WRITE' | 'TRYCREATE' }
	| { code: 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN'; value: number }
	| { code: 'PERMANENTFLAGS'; flags: string[] }
	| { code: 'CAPABILITY'; capabilities: string[] }
	| { code: 'BADCHARSET'; charsets?: string[] }
	/** resp-text-code's open end: atom [SP 1*<any TEXT-CHAR except "]">], e.g. TOOBIG, UNAVAILABLE. */
	| { code: string; text?: string };

export type Status = 'OK' | 'NO' | 'BAD';

const encoder = new TextEncoder();
/** QUOTED-CHAR's range (§9): 7-bit, neither CR nor LF, and never NUL (§9 note 3). */
function isQuotable(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 0 || c === 0x0a || c === 0x0d || c > 0x7f) return false;
	}
	return true;
}

/** Octets of text that is 7-bit by construction (the parts between literals). */
function ascii(text: string): Uint8Array {
	const out = new Uint8Array(text.length);
	for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
	return out;
}

class Output {
	#parts: Uint8Array[] = [];
	#text = '';

	text(t: string): void {
		this.#text += t;
	}

	/** A literal: "{n}" CRLF, then the octets (§4.3; server to client, no continuation). */
	literal(bytes: Uint8Array): void {
		this.#text += `{${bytes.length}}\r\n`;
		this.#flush();
		this.#parts.push(bytes);
	}

	#flush(): void {
		if (this.#text) this.#parts.push(ascii(this.#text));
		this.#text = '';
	}

	bytes(): Uint8Array {
		this.#flush();
		const total = this.#parts.reduce((n, p) => n + p.length, 0);
		const out = new Uint8Array(total);
		let at = 0;
		for (const p of this.#parts) {
			out.set(p, at);
			at += p.length;
		}
		return out;
	}

	value(v: ImapValue): void {
		if (v === null) this.text('NIL');
		else if (typeof v === 'number') this.text(String(v));
		else if (typeof v === 'string') {
			if (isQuotable(v)) this.text(`"${v.replace(/[\\"]/g, '\\$&')}"`);
			else this.literal(encoder.encode(v));
		} else if (v instanceof Uint8Array) this.literal(v);
		else if (Array.isArray(v)) {
			this.text('(');
			v.forEach((item, i) => {
				if (i) this.text(' ');
				this.value(item);
			});
			this.text(')');
		} else if ('adjacent' in v) v.adjacent.forEach((item) => this.value(item));
		else this.text(v.atom);
	}
}

function codeText(code: ResponseCode): string {
	if ('value' in code) return `${code.code} ${code.value}`;
	if ('flags' in code) return `${code.code} (${code.flags.join(' ')})`;
	if ('capabilities' in code) return `${code.code} ${code.capabilities.join(' ')}`;
	if ('charsets' in code && code.charsets) return `${code.code} (${code.charsets.join(' ')})`;
	if ('text' in code && code.text) return `${code.code} ${code.text}`;
	return code.code;
}

/**
 * text = 1*TEXT-CHAR, and TEXT-CHAR is 7-bit without CR and LF (§9): line breaks become spaces,
 * the section sign of our own explanations "section ", any other 8-bit character "?".
 */
function textChars(text: string): string {
	const clean = text
		.replace(/[\r\n]+/g, ' ')
		.replace(/§/g, 'section ')
		.replace(/[^ -~]/gu, '?');
	if (!clean) throw new Error('resp-text needs at least one character (RFC 3501 §9 text)');
	return clean;
}

/** resp-text = ["[" resp-text-code "]" SP] text */
function respText(text: string, code?: ResponseCode): string {
	return (code ? `[${codeText(code)}] ` : '') + textChars(text);
}

/** "<tag> OK|NO|BAD [code] text" */
export function taggedResponse(
	tag: string,
	status: Status,
	text: string,
	code?: ResponseCode
): Uint8Array {
	return ascii(`${tag} ${status} ${respText(text, code)}\r\n`);
}

/** "* OK|NO|BAD|PREAUTH|BYE [code] text" (§7.1) */
export function untaggedStatus(
	status: Status | 'PREAUTH' | 'BYE',
	text: string,
	code?: ResponseCode
): Uint8Array {
	return ascii(`* ${status} ${respText(text, code)}\r\n`);
}

/** "+ text", or "+ " and base64 (possibly empty) during AUTHENTICATE (§7.5, §9 continue-req). */
export function continuation(text: string): Uint8Array {
	return ascii(`+ ${text && textChars(text)}\r\n`);
}

/** "* " then the values separated by SP: `untaggedData(atom('SEARCH'), 2, 84, 882)`. */
export function untaggedData(...values: ImapValue[]): Uint8Array {
	const out = new Output();
	out.text('*');
	for (const v of values) {
		out.text(' ');
		out.value(v);
	}
	out.text('\r\n');
	return out.bytes();
}

/** "* n FETCH (NAME value ...)": each pair a msg-att name (BODY[1]<0>, FLAGS, ...) and its value (§7.4.2). */
export function fetchResponse(seq: number, attributes: [string, ImapValue][]): Uint8Array {
	return untaggedData(
		seq,
		atom('FETCH'),
		attributes.flatMap(([name, value]) => [atom(name), value])
	);
}

/**
 * The msg-att name that answers a BODY[section] fetch (§7.4.2): "BODY[<section>]<<origin
 * octet>>", the origin only for a partial fetch; BODY.PEEK is answered as BODY.
 */
export function bodySectionName(section: Section, origin?: number): string {
	let spec = section.part.join('.');
	if (section.text) spec += (spec ? '.' : '') + section.text;
	// header-fld-name = astring
	const field = (f: string) => (isAtom(f) ? f : `"${f.replace(/[\\"]/g, '\\$&')}"`);
	if (section.fields) spec += ` (${section.fields.map(field).join(' ')})`;
	return `BODY[${spec}]` + (origin === undefined ? '' : `<${origin}>`);
}

/** An address of an ENVELOPE (§7.4.2): NIL host marks RFC 2822 group syntax. */
export interface EnvelopeAddress {
	name: string | null;
	adl: string | null;
	mailbox: string | null;
	host: string | null;
}

export interface Envelope {
	date: string | null;
	subject: string | null;
	from: EnvelopeAddress[] | null;
	sender: EnvelopeAddress[] | null;
	replyTo: EnvelopeAddress[] | null;
	to: EnvelopeAddress[] | null;
	cc: EnvelopeAddress[] | null;
	bcc: EnvelopeAddress[] | null;
	inReplyTo: string | null;
	messageId: string | null;
}

function addresses(list: EnvelopeAddress[] | null): ImapValue {
	// env-from = "(" 1*address ")" / nil: no SP between addresses; an empty list is NIL.
	if (!list || list.length === 0) return null;
	return [{ adjacent: list.map((a) => [a.name, a.adl, a.mailbox, a.host]) }];
}

/** envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")" */
export function envelopeValue(e: Envelope): ImapValue {
	return [
		e.date,
		e.subject,
		addresses(e.from),
		addresses(e.sender),
		addresses(e.replyTo),
		addresses(e.to),
		addresses(e.cc),
		addresses(e.bcc),
		e.inReplyTo,
		e.messageId
	];
}

/** Content-Disposition as BODYSTRUCTURE carries it: body-fld-dsp = "(" string SP body-fld-param ")" / nil */
export interface Disposition {
	type: string;
	params: [string, string][] | null;
}

/** The extension data BODYSTRUCTURE adds and BODY leaves out (§7.4.2). */
export interface BodyExtension {
	disposition?: Disposition | null;
	language?: string[] | null;
	location?: string | null;
}

export interface SinglePart extends BodyExtension {
	type: string;
	subtype: string;
	params: [string, string][] | null;
	id: string | null;
	description: string | null;
	encoding: string;
	/** body-fld-octets: size in its transfer encoding. */
	size: number;
	/** body-fld-lines: for TEXT/* and MESSAGE/RFC822 parts. */
	lines?: number;
	/** MESSAGE/RFC822: the enclosed message's envelope and structure. */
	envelope?: Envelope;
	body?: BodyStructure;
	md5?: string | null;
}

export interface Multipart extends BodyExtension {
	parts: BodyStructure[];
	subtype: string;
	params: [string, string][] | null;
}

export type BodyStructure = SinglePart | Multipart;

function params(p: [string, string][] | null): ImapValue {
	// body-fld-param = "(" string SP string *(SP string SP string) ")" / nil
	return p && p.length ? p.flat() : null;
}

function extension(b: BodyExtension): ImapValue[] {
	const d = b.disposition ? [b.disposition.type, params(b.disposition.params)] : null;
	const lang = b.language == null ? null : b.language.length === 1 ? b.language[0] : b.language;
	return [d, lang, b.location ?? null];
}

/**
 * body = "(" (body-type-1part / body-type-mpart) ")": BODYSTRUCTURE with `extensible`, the
 * non-extensible BODY without (which "MUST NOT" carry extension data, §9 body-ext-1part).
 */
export function bodyStructureValue(b: BodyStructure, extensible: boolean): ImapValue {
	if ('parts' in b) {
		// body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]: no SP between the parts.
		const v: ImapValue[] = [
			{ adjacent: b.parts.map((p) => bodyStructureValue(p, extensible)) },
			b.subtype
		];
		if (extensible) v.push(params(b.params), ...extension(b));
		return v;
	}
	const v: ImapValue[] = [
		b.type,
		b.subtype,
		params(b.params),
		b.id,
		b.description,
		b.encoding,
		b.size
	];
	const isMessage = b.type.toUpperCase() === 'MESSAGE' && b.subtype.toUpperCase() === 'RFC822';
	if (isMessage) {
		// body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines
		if (!b.envelope || !b.body)
			throw new Error('a MESSAGE/RFC822 part needs its envelope and body');
		v.push(envelopeValue(b.envelope), bodyStructureValue(b.body, extensible));
	}
	if (isMessage || b.type.toUpperCase() === 'TEXT') v.push(b.lines ?? 0);
	if (extensible) v.push(b.md5 ?? null, ...extension(b));
	return v;
}
