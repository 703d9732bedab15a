/*
 * ENVELOPE from a message's header (RFC 3501 §7.4.2): date, subject, from, sender, reply-to,
 * to, cc, bcc, in-reply-to and message-id, as written — encoded words (RFC 2047) stay encoded,
 * the client decodes them. Addresses follow RFC 5322 §3.4:
 *
 *   address         = mailbox / group
 *   mailbox         = name-addr / addr-spec
 *   name-addr       = [display-name] angle-addr
 *   angle-addr      = [CFWS] "<" addr-spec ">" [CFWS] / obs-angle-addr
 *   obs-angle-addr  = [CFWS] "<" obs-route addr-spec ">" [CFWS]      ; §4.4: the source route
 *   group           = display-name ":" [group-list] ";" [CFWS]
 *
 * A group is a start marker (NIL NIL "name" NIL), its members, and an end marker
 * (NIL NIL NIL NIL): "host name field is NIL" marks group syntax (§7.4.2).
 */
import type { Envelope, EnvelopeAddress } from '../protocol/responseWriter';
import { fieldValue, headerText, type Entity } from './messageTree';

type Token =
	| { kind: 'word'; text: string }
	| { kind: 'quoted'; text: string; raw: string }
	| { kind: 'comment'; text: string }
	| { kind: 'special'; text: string };

/** Splits a structured field body into RFC 5322 §3.2 lexical tokens. */
function tokenize(value: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < value.length) {
		const ch = value[i];
		if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') i++;
		else if (ch === '"') {
			let text = '';
			let j = i + 1;
			for (; j < value.length && value[j] !== '"'; j++) {
				if (value[j] === '\\' && j + 1 < value.length) j++;
				text += value[j];
			}
			tokens.push({ kind: 'quoted', text, raw: value.slice(i, j + 1) });
			i = j + 1;
		} else if (ch === '(') {
			let depth = 0;
			let j = i;
			for (; j < value.length; j++) {
				if (value[j] === '\\') j++;
				else if (value[j] === '(') depth++;
				else if (value[j] === ')' && --depth === 0) break;
			}
			tokens.push({ kind: 'comment', text: value.slice(i + 1, j).trim() });
			i = j + 1;
		} else if (ch === '[') {
			const close = value.indexOf(']', i);
			const j = close < 0 ? value.length : close + 1;
			tokens.push({ kind: 'word', text: value.slice(i, j) });
			i = j;
		} else if ('<>@,;:.'.includes(ch)) {
			tokens.push({ kind: 'special', text: ch });
			i++;
		} else {
			let j = i;
			while (j < value.length && !' \t\r\n"(<>@,;:.['.includes(value[j])) j++;
			tokens.push({ kind: 'word', text: value.slice(i, j) });
			i = j;
		}
	}
	return tokens;
}

const isSpecial = (t: Token | undefined, ch: string) => t?.kind === 'special' && t.text === ch;

/** A phrase (display name or group name): words and quoted strings, joined by one space. */
function phrase(tokens: Token[]): string | null {
	const words: string[] = [];
	for (const t of tokens) {
		if (t.kind === 'comment') continue;
		// obs-phrase allows "." between words ("John Q. Public").
		if (t.kind === 'special' && t.text === '.' && words.length) words[words.length - 1] += '.';
		else words.push(t.text);
	}
	return words.length ? headerText(words.join(' ')) : null;
}

/** local-part "@" domain, as written (a quoted local part keeps its quotes); comments dropped. */
function addrSpec(tokens: Token[]): { mailbox: string | null; host: string | null } {
	const plain = tokens.filter((t) => t.kind !== 'comment');
	let at = -1;
	plain.forEach((t, i) => {
		if (isSpecial(t, '@')) at = i;
	});
	const join = (ts: Token[]) => ts.map((t) => (t.kind === 'quoted' ? t.raw : t.text)).join('');
	if (at < 0) {
		const mailbox = join(plain);
		// No domain: "" rather than NIL, which would make it a group marker (§7.4.2).
		return { mailbox: mailbox ? headerText(mailbox) : null, host: '' };
	}
	return {
		mailbox: headerText(join(plain.slice(0, at))),
		host: headerText(join(plain.slice(at + 1)))
	};
}

function mailbox(tokens: Token[]): EnvelopeAddress | null {
	if (!tokens.some((t) => t.kind !== 'comment')) return null;
	const open = tokens.findIndex((t) => isSpecial(t, '<'));
	if (open < 0) {
		// A bare addr-spec; an old-style "addr (Name)" comment gives the personal name.
		const comment = tokens.find((t) => t.kind === 'comment' && t.text);
		return {
			name: comment ? headerText(comment.text) : null,
			adl: null,
			...addrSpec(tokens)
		};
	}
	let close = tokens.findIndex((t, i) => i > open && isSpecial(t, '>'));
	if (close < 0) close = tokens.length;
	let inner = tokens.slice(open + 1, close);
	let adl: string | null = null;
	const colon = inner.findIndex((t) => isSpecial(t, ':'));
	if (colon >= 0) {
		// obs-route = obs-domain-list ":" (RFC 5322 §4.4): the at-domain-list of §7.4.2.
		adl = inner
			.slice(0, colon)
			.map((t) => t.text)
			.join('');
		inner = inner.slice(colon + 1);
	}
	return { name: phrase(tokens.slice(0, open)), adl, ...addrSpec(inner) };
}

/** An address-list as §7.4.2's address structures; null when the field is absent or empty. */
export function addressList(value: string | null): EnvelopeAddress[] | null {
	if (value === null) return null;
	const tokens = tokenize(value);
	const out: EnvelopeAddress[] = [];
	let pending: Token[] = [];
	let inAngle = false;
	let inGroup = false;
	const flush = () => {
		const m = mailbox(pending);
		if (m) out.push(m);
		pending = [];
	};
	for (const t of tokens) {
		if (t.kind === 'special' && t.text === '<') inAngle = true;
		if (t.kind === 'special' && t.text === '>') inAngle = false;
		if (!inAngle && isSpecial(t, ':') && !inGroup) {
			out.push({ name: null, adl: null, mailbox: phrase(pending) ?? '', host: null });
			pending = [];
			inGroup = true;
		} else if (!inAngle && isSpecial(t, ';') && inGroup) {
			flush();
			out.push({ name: null, adl: null, mailbox: null, host: null });
			inGroup = false;
		} else if (!inAngle && isSpecial(t, ',')) flush();
		else pending.push(t);
	}
	flush();
	// A group left open at the end of the field still gets its end marker.
	if (inGroup) out.push({ name: null, adl: null, mailbox: null, host: null });
	return out.length ? out : null;
}

/** The envelope of a message (the root entity) or of an encapsulated MESSAGE/RFC822 message. */
export function envelopeOf(message: Entity): Envelope {
	const text = (name: string) => {
		const v = fieldValue(message.fields, name);
		return v === null ? null : headerText(v);
	};
	const from = addressList(fieldValue(message.fields, 'from'));
	return {
		date: text('date'),
		subject: text('subject'),
		from,
		// "absent ... or present but empty": the same value as from (§7.4.2).
		sender: addressList(fieldValue(message.fields, 'sender')) ?? from,
		replyTo: addressList(fieldValue(message.fields, 'reply-to')) ?? from,
		to: addressList(fieldValue(message.fields, 'to')),
		cc: addressList(fieldValue(message.fields, 'cc')),
		bcc: addressList(fieldValue(message.fields, 'bcc')),
		inReplyTo: text('in-reply-to'),
		messageId: text('message-id')
	};
}
