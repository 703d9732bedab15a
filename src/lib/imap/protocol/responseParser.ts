/*
 * Parses server responses back into data (RFC 3501 §7, §9), for the annotator that reads
 * transcripts' server lines:
 *
 *   response-data   = "*" SP (resp-cond-state / resp-cond-bye / mailbox-data /
 *                     message-data / capability-data) CRLF
 *   response-tagged = tag SP resp-cond-state CRLF
 *   continue-req    = "+" SP (resp-text / base64) CRLF
 *   resp-text       = ["[" resp-text-code "]" SP] text
 *   mailbox-data    = "FLAGS" SP flag-list / "LIST" SP mailbox-list / "LSUB" SP mailbox-list /
 *                     "SEARCH" *(SP nz-number) / "STATUS" SP mailbox SP "(" [status-att-list] ")" /
 *                     number SP "EXISTS" / number SP "RECENT"
 *   mailbox-list    = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox
 *   message-data    = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att))
 *   msg-att         = "(" (msg-att-dynamic / msg-att-static) *(SP (msg-att-dynamic / msg-att-static)) ")"
 *   enable-data     = "ENABLED" *(SP capability)                    ; RFC 5161
 *
 * The body and envelope rules are quoted where they are read.
 */
import { CommandReader } from './commandReader';
import { Cursor, SyntaxFailure, isAtomChar, type Framed } from './grammar';
import { mailboxName, type MailboxName } from './mailboxName';
import { readDateTime, type ImapDateTime } from './dateTime';
import { readSection, type Section, type StatusItem } from './commandParser';
import type {
	BodyExtension,
	BodyStructure,
	Disposition,
	Envelope,
	EnvelopeAddress,
	ResponseCode
} from './responseWriter';

export type FetchAttribute =
	| { name: 'FLAGS'; flags: string[] }
	| { name: 'UID'; uid: number }
	| { name: 'INTERNALDATE'; dateTime: ImapDateTime }
	| { name: 'RFC822.SIZE'; size: number }
	| { name: 'ENVELOPE'; envelope: Envelope }
	| { name: 'BODYSTRUCTURE' | 'BODY'; body: BodyStructure }
	| {
			name: 'BODY[section]';
			section: Section;
			origin?: number;
			content: Uint8Array | string | null;
	  }
	| { name: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT'; content: Uint8Array | string | null };

export type ImapResponse =
	| { kind: 'continuation'; text: string }
	| {
			kind: 'status';
			/** The command's tag, or '*' for an untagged status. */
			tag: string;
			status: 'OK' | 'NO' | 'BAD' | 'PREAUTH' | 'BYE';
			code?: ResponseCode;
			text: string;
	  }
	| { kind: 'CAPABILITY' | 'ENABLED'; capabilities: string[] }
	| { kind: 'FLAGS'; flags: string[] }
	| { kind: 'LIST' | 'LSUB'; attributes: string[]; delimiter: string | null; mailbox: MailboxName }
	| { kind: 'STATUS'; mailbox: MailboxName; items: Partial<Record<StatusItem, number>> }
	| { kind: 'SEARCH'; numbers: number[] }
	| { kind: 'EXISTS' | 'RECENT' | 'EXPUNGE'; number: number }
	| { kind: 'FETCH'; seq: number; attributes: FetchAttribute[] };

export interface ResponseSyntaxError {
	position: number;
	found: string;
	expected: string;
	message: string;
}

export type ResponseParseResult =
	{ ok: true; response: ImapResponse } | { ok: false; error: ResponseSyntaxError };

/** Splits a server's bytes into framed responses (a server's literal follows its CRLF at once, §4.3). */
export function frameResponses(bytes: Uint8Array): Framed[] {
	const reader = new CommandReader({
		maxLineOctets: Infinity,
		maxLiteralOctets: Infinity,
		maxCommandOctets: Infinity
	});
	reader.push(bytes);
	const framed: Framed[] = [];
	for (let event = reader.next(); event; event = reader.next())
		if (event.kind === 'command') framed.push(event.command);
	return framed;
}

export function parseResponse(framed: Framed): ResponseParseResult {
	const c: Cursor = new Cursor(framed);
	try {
		const response = readResponse(c);
		if (!c.atEnd()) c.fail('end of line');
		return { ok: true, response };
	} catch (e) {
		if (!(e instanceof SyntaxFailure)) throw e;
		const { position, found, expected, message } = e;
		return { ok: false, error: { position, found, expected, message } };
	}
}

function readResponse(c: Cursor): ImapResponse {
	if (c.accept('+')) {
		// continue-req = "+" SP (resp-text / base64); some servers send a bare "+".
		c.accept(' ');
		const text = c.rest();
		c.skip(text.length);
		return { kind: 'continuation', text };
	}
	if (c.accept('* ')) return readUntagged(c);
	const tag = c.run((ch) => ch !== '+' && (ch === ']' || isAtomChar(ch)));
	if (!tag) c.fail('"*", "+" or a tag');
	c.sp();
	const status = c.atom('OK, NO or BAD').toUpperCase();
	if (status !== 'OK' && status !== 'NO' && status !== 'BAD') {
		c.skip(-status.length);
		c.fail('OK, NO or BAD');
	}
	return { kind: 'status', tag, status, ...readRespText(c) };
}

function readUntagged(c: Cursor): ImapResponse {
	if (c.peek() >= '0' && c.peek() <= '9') {
		const n = c.number();
		c.sp();
		const what = c.atom('EXISTS, RECENT, EXPUNGE or FETCH').toUpperCase();
		if (what === 'EXISTS' || what === 'RECENT' || what === 'EXPUNGE')
			return { kind: what, number: n };
		if (what !== 'FETCH') {
			c.skip(-what.length);
			c.fail('EXISTS, RECENT, EXPUNGE or FETCH');
		}
		c.sp();
		return { kind: 'FETCH', seq: n, attributes: list(c, () => readFetchAttribute(c)) };
	}
	const word = c.atom('a response name').toUpperCase();
	switch (word) {
		case 'OK':
		case 'NO':
		case 'BAD':
		case 'PREAUTH':
		case 'BYE':
			return { kind: 'status', tag: '*', status: word, ...readRespText(c) };
		case 'CAPABILITY':
		case 'ENABLED':
			return { kind: word, capabilities: atoms(c) };
		case 'FLAGS':
			c.sp();
			return { kind: 'FLAGS', flags: list(c, () => readFlag(c), true) };
		case 'SEARCH': {
			const numbers: number[] = [];
			while (c.accept(' ')) numbers.push(c.nzNumber());
			return { kind: 'SEARCH', numbers };
		}
		case 'LIST':
		case 'LSUB': {
			c.sp();
			const attributes = list(c, () => readFlag(c), true);
			c.sp();
			const delimiter = c.acceptWord('NIL') ? null : c.quoted();
			c.sp();
			return { kind: word, attributes, delimiter, mailbox: mailboxName(c.astring()) };
		}
		case 'STATUS': {
			c.sp();
			const mailbox = mailboxName(c.astring());
			c.sp();
			const items: Partial<Record<StatusItem, number>> = {};
			c.expect('(');
			while (c.peek() !== ')') {
				if (Object.keys(items).length) c.sp();
				const item = c.atom('a status item').toUpperCase() as StatusItem;
				c.sp();
				items[item] = c.number();
			}
			c.expect(')');
			return { kind: 'STATUS', mailbox, items };
		}
	}
	c.skip(-word.length);
	return c.fail(
		'a response: OK, NO, BAD, PREAUTH, BYE, CAPABILITY, ENABLED, FLAGS, LIST, LSUB, STATUS, SEARCH or a number'
	);
}

function atoms(c: Cursor): string[] {
	const out: string[] = [];
	while (c.peek() === ' ') {
		c.sp();
		out.push(c.atom());
	}
	return out;
}

/** flag-fetch, flag-perm ("\*") and mbx-list-flags: "\" atom, "\*" or a keyword */
function readFlag(c: Cursor): string {
	if (c.accept('\\*')) return '\\*';
	if (c.accept('\\')) return '\\' + c.atom('a flag name after "\\"');
	return c.atom('a flag');
}

/** "(" [item *(SP item)] ")" */
function list<T>(c: Cursor, item: () => T, empty = false): T[] {
	c.expect('(', '"("');
	const items: T[] = [];
	if (empty && c.accept(')')) return items;
	items.push(item());
	while (c.peek() === ' ') {
		c.sp();
		items.push(item());
	}
	c.expect(')', 'SP or ")"');
	return items;
}

/** resp-text = ["[" resp-text-code "]" SP] text */
function readRespText(c: Cursor): { code?: ResponseCode; text: string } {
	// resp-text's text is 1*TEXT-CHAR, yet servers end "OK" lines without any: accept both.
	if (!c.accept(' ')) return { text: '' };
	let code: ResponseCode | undefined;
	if (c.accept('[')) {
		code = readCode(c);
		c.expect(']', '"]" closing the response code');
		c.accept(' ');
	}
	const text = c.rest();
	c.skip(text.length);
	return { code, text };
}

function readCode(c: Cursor): ResponseCode {
	const code = c.atom('a response code').toUpperCase();
	switch (code) {
		case 'ALERT':
		case 'PARSE':
		case 'READ-ONLY':
		case 'READ-WRITE':
		case 'TRYCREATE':
			return { code };
		case 'UIDNEXT':
		case 'UIDVALIDITY':
		case 'UNSEEN':
			c.sp();
			return { code, value: c.nzNumber() };
		case 'PERMANENTFLAGS':
			c.sp();
			return { code, flags: list(c, () => readFlag(c), true) };
		case 'CAPABILITY':
			return { code, capabilities: atoms(c) };
		case 'BADCHARSET':
			if (!c.accept(' ')) return { code };
			return { code, charsets: list(c, () => c.astring()) };
	}
	// atom [SP 1*<any TEXT-CHAR except "]">]
	if (!c.accept(' ')) return { code };
	const text = c.run((ch) => ch !== ']');
	return { code, text };
}

function readFetchAttribute(c: Cursor): FetchAttribute {
	const name = c.run((ch) => /[A-Za-z0-9.]/.test(ch)).toUpperCase();
	if (name === 'BODY' && c.peek() === '[') {
		const section = readSection(c);
		let origin: number | undefined;
		if (c.accept('<')) {
			origin = c.number('the origin octet');
			c.expect('>');
		}
		c.sp();
		return { name: 'BODY[section]', section, origin, content: c.nbytes() };
	}
	c.sp();
	switch (name) {
		case 'FLAGS':
			return { name, flags: list(c, () => readFlag(c), true) };
		case 'UID':
			return { name, uid: c.nzNumber() };
		case 'INTERNALDATE':
			return { name, dateTime: readDateTime(c) };
		case 'RFC822.SIZE':
			return { name, size: c.number() };
		case 'ENVELOPE':
			return { name, envelope: readEnvelope(c) };
		case 'BODY':
		case 'BODYSTRUCTURE':
			return { name, body: readBody(c) };
		case 'RFC822':
		case 'RFC822.HEADER':
		case 'RFC822.TEXT':
			return { name, content: c.nbytes() };
	}
	c.skip(-name.length - 1);
	return c.fail(
		'a msg-att: FLAGS, UID, INTERNALDATE, RFC822.SIZE, ENVELOPE, BODY, BODYSTRUCTURE, BODY[...], RFC822...'
	);
}

/** envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")" */
function readEnvelope(c: Cursor): Envelope {
	c.expect('(', '"(" opening the envelope');
	const date = c.nstring();
	c.sp();
	const subject = c.nstring();
	const lists: (EnvelopeAddress[] | null)[] = [];
	for (let i = 0; i < 6; i++) {
		c.sp();
		lists.push(readAddresses(c));
	}
	c.sp();
	const inReplyTo = c.nstring();
	c.sp();
	const messageId = c.nstring();
	c.expect(')', '")" closing the envelope');
	const [from, sender, replyTo, to, cc, bcc] = lists;
	return { date, subject, from, sender, replyTo, to, cc, bcc, inReplyTo, messageId };
}

/** env-from = "(" 1*address ")" / nil; address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")" */
function readAddresses(c: Cursor): EnvelopeAddress[] | null {
	if (c.acceptWord('NIL')) return null;
	c.expect('(', '"(" or NIL');
	const out: EnvelopeAddress[] = [];
	do {
		c.expect('(', '"(" opening an address');
		const name = c.nstring();
		c.sp();
		const adl = c.nstring();
		c.sp();
		const mailbox = c.nstring();
		c.sp();
		const host = c.nstring();
		c.expect(')', '")" closing the address');
		out.push({ name, adl, mailbox, host });
	} while (c.peek() === '(');
	c.expect(')', '")" closing the address list');
	return out;
}

/** body-fld-param = "(" string SP string *(SP string SP string) ")" / nil */
function readParams(c: Cursor): [string, string][] | null {
	if (c.acceptWord('NIL')) return null;
	const flat = list(c, () => c.string());
	if (flat.length % 2) c.fail('attribute/value pairs', 'body-fld-param needs pairs of strings');
	const pairs: [string, string][] = [];
	for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
	return pairs;
}

/** [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]] */
function readExtensionTail(c: Cursor, into: BodyExtension): void {
	if (!c.accept(' ')) return;
	let disposition: Disposition | null = null;
	if (!c.acceptWord('NIL')) {
		c.expect('(');
		const type = c.string();
		c.sp();
		disposition = { type, params: readParams(c) };
		c.expect(')');
	}
	into.disposition = disposition;
	if (!c.accept(' ')) return;
	if (c.peek() === '(') into.language = list(c, () => c.string());
	else {
		const one = c.nstring();
		into.language = one === null ? null : [one];
	}
	if (!c.accept(' ')) return;
	into.location = c.nstring();
	while (c.accept(' ')) skipExtension(c);
}

/** body-extension = nstring / number / "(" body-extension *(SP body-extension) ")": read and dropped. */
function skipExtension(c: Cursor): void {
	if (c.peek() === '(') list(c, () => skipExtension(c));
	else if (c.peek() >= '0' && c.peek() <= '9') c.number();
	else c.nstring();
}

/** body = "(" (body-type-1part / body-type-mpart) ")" */
function readBody(c: Cursor): BodyStructure {
	c.expect('(', '"(" opening a body');
	let body: BodyStructure;
	if (c.peek() === '(') {
		// body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
		const parts: BodyStructure[] = [];
		while (c.peek() === '(') parts.push(readBody(c));
		c.sp();
		const multipart: BodyStructure = { parts, subtype: c.string(), params: null };
		if (c.accept(' ')) {
			multipart.params = readParams(c);
			readExtensionTail(c, multipart);
		}
		body = multipart;
	} else {
		// body-type-1part: media type SP body-fields [SP envelope SP body] [SP body-fld-lines] [SP body-ext-1part]
		const type = c.string();
		c.sp();
		const subtype = c.string();
		c.sp();
		const params = readParams(c);
		c.sp();
		const id = c.nstring();
		c.sp();
		const description = c.nstring();
		c.sp();
		const encoding = c.string();
		c.sp();
		const size = c.number();
		const part: BodyStructure = { type, subtype, params, id, description, encoding, size };
		const isMessage = type.toUpperCase() === 'MESSAGE' && subtype.toUpperCase() === 'RFC822';
		if (isMessage) {
			c.sp();
			part.envelope = readEnvelope(c);
			c.sp();
			part.body = readBody(c);
		}
		if (isMessage || type.toUpperCase() === 'TEXT') {
			c.sp();
			part.lines = c.number();
		}
		if (c.accept(' ')) {
			part.md5 = c.nstring();
			readExtensionTail(c, part);
		}
		body = part;
	}
	c.expect(')', '")" closing the body');
	return body;
}
