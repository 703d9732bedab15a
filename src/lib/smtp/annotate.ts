import type { Annotation, Direction, ListenerName, RfcRef, SessionEvent } from '../messages';
import { authMechanismsByName, explainAuthResponse, explainChallenge } from './authMechanisms';
import { decodeBase64 } from './base64';
import { correctedPathCommand, parseCommand, type ParsedCommand } from './commandParser';
import { parametersByName } from './commands';
import { describeEnhanced, enhancedMatchesReply } from './enhancedCodes';
import { compareEnvelope } from './envelope';
import { parseEhloLine } from './extensions';
import { headerFieldsByName } from './headerFields';
import { analyzeMessage, type MessageAnatomy } from './messageAnatomy';
import { parseReply, type ParsedReply } from './replyParser';
import {
	replyCategoryByDigit,
	replyClassByDigit,
	replyCodesByCode,
	type ReplyCodeRow
} from './replyCodes';
import { findReplyContext, findReplyNote, type ReplyContextRow } from './replyContexts';
import { ref } from './rfc';
import {
	initialContext,
	statesById,
	transition,
	type SessionContext,
	type StateId
} from './stateMachine';
import { pathFixTable, syntaxNoteText } from './syntaxNotes';
import { listenersByName, systemEventsByKind } from './systemEvents';

export interface AnnotateInput {
	dir: Direction;
	text: string;
	kind?: SessionEvent['kind'];
	/** A client event carrying the whole DATA content ("\n" between lines). */
	isData?: boolean;
}

/** An annotation with no `ref` is a fallback: nothing in the tables matched this line. */
export function isFallback(annotation: Annotation): boolean {
	return !annotation.ref;
}

interface Pending {
	/** Verb, or GREETING / DATA-END / BDAT-LAST / AUTH-CONT / AUTH-CANCEL / UNKNOWN. */
	context: string;
	parsed?: ParsedCommand;
	text: string;
}

interface OpenReply {
	code: number;
	context: string;
	pending?: Pending;
	annotation: Annotation;
	keywords?: Set<string>;
}

const CONTENT_FIELD = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:/;
const FOLDED = /^[ \t]/;

const CONTENT_RFC: RfcRef[] = [ref(5322, '2.1'), ref(5321, '4.5.2')];
const RFC_UNKNOWN_COMMAND: RfcRef[] = [ref(5321, '4.2.4'), ref(5321, '3.8')];
const RFC_AUTH: RfcRef[] = [ref(4954, '4')];
const RFC_BLANK_LINE: RfcRef[] = [ref(5322, '2.1')];
const RFC_FOLDING: RfcRef[] = [ref(5322, '2.2.3')];
const RFC_HEADER_FIELD: RfcRef[] = [ref(5322, '2.2')];
const RFC_MESSAGE: RfcRef[] = [ref(5322, '2.1'), ref(5322, '3.6'), ref(5321, '4.5.2')];
const RFC_REPLY: RfcRef[] = [ref(5321, '4.2')];
const RFC_VENDOR_KEYWORD: RfcRef[] = [ref(5321, '2.2.2'), ref(5321, '4.1.1.1')];
const RFC_END_OF_DATA = ref(5321, '4.1.1.4');
const END_OF_DATA_RFC: RfcRef[] = [RFC_END_OF_DATA, ...CONTENT_RFC];
const RFC_REPLY_THEORY = ref(5321, '4.2.1');

// The part of a reply's annotation that depends only on its context, code, enhanced code and
// the context row its text matched (the text matters no further: "250 2.6.0 Queued as <id>"
// differs on every message), cached so that a long session costs one Map lookup per reply.
// Bounded: cleared when full.
const replyCache = new Map<ReplyContextRow | undefined, Map<string, Annotation>>();
let replyCacheSize = 0;
const REPLY_CACHE_MAX = 2000;

function replyBase(reply: ParsedReply, context: string, inTransaction: boolean): Annotation {
	const { code, enhanced } = reply;
	const ctxRow = findReplyContext(code, context, enhanced, reply.text);
	const key = `${context}\u0000${code}\u0000${enhanced}\u0000${inTransaction}`;
	let forRow = replyCache.get(ctxRow);
	const hit = forRow?.get(key);
	if (hit) return hit;
	const digit = Math.floor(code / 100);
	const codeRow: ReplyCodeRow | undefined = replyCodesByCode.get(String(code));
	// parseReply admits first digits 2–5 and second digits 0–5 only: each has its table row.
	const cls = replyClassByDigit.get(String(digit))!;
	const category = replyCategoryByDigit.get(String(Math.floor(code / 10) % 10))!;
	const e = enhanced ? describeEnhanced(enhanced) : undefined;
	const notes: string[] = [];
	if (e) {
		notes.push(
			`${e.code}: ${e.class.title} · ${e.subject?.title ?? 'unknown subject'} · ${e.title}${e.entry ? ` — ${e.summary}` : ''}`
		);
		if (!enhancedMatchesReply(e.code, code))
			notes.push(
				`The enhanced code’s class (${e.code[0]}) should match the reply’s first digit (${digit}).`
			);
	}
	// RCPT rows in the context table already say "only this recipient"; elsewhere add the note.
	let replyNote = findReplyNote(context, code, inTransaction);
	if (ctxRow?.after && context === 'RCPT') replyNote = undefined;
	if (replyNote) notes.push(replyNote.note);
	if (context === 'UNSOLICITED' && code !== 421)
		notes.push('No command was waiting for a reply: this reply is unexpected here.');
	const rfc: RfcRef[] = [];
	const cited = [...(ctxRow?.rfc ?? []), ...(codeRow?.rfc ?? []), ...(replyNote?.rfc ?? [])];
	for (const r of [...cited, ...(e?.rfc ?? [])])
		if (!rfc.some((x) => x.rfc === r.rfc && x.section === r.section)) rfc.push(r);
	if (!rfc.length) rfc.push(RFC_REPLY_THEORY);
	const detail = [
		codeRow
			? `RFC text: "${codeRow.code} ${codeRow.text}"`
			: `${code} is not a registered reply code: read it by its digits.`,
		`First digit ${digit} — ${cls.title}: ${cls.summary} ${cls.next}`,
		`Second digit ${category.digit} — ${category.title}: ${category.summary}`
	].join('\n');
	const annotation: Annotation = {
		title: ctxRow?.title ?? codeRow?.title ?? `${code}: unknown reply code`,
		summary: ctxRow?.summary ?? codeRow?.summary ?? cls.summary,
		code,
		enhanced,
		class: digit,
		rfc,
		detail,
		notes,
		ref: codeRow ? codeRow.ref : undefined
	};
	if (replyCacheSize >= REPLY_CACHE_MAX) {
		replyCache.clear();
		replyCacheSize = 0;
		forRow = undefined;
	}
	if (!forRow) replyCache.set(ctxRow, (forRow = new Map()));
	forRow.set(key, annotation);
	replyCacheSize++;
	return annotation;
}

/**
 * Annotates one session, line by line, in order. Stateful: it follows the state machine, the
 * FIFO of pipelined commands awaiting replies, the server's EHLO keywords, an AUTH exchange,
 * message content after 354, and multi-line replies.
 */
export class SessionAnnotator {
	#ctx: SessionContext;
	#listener?: ListenerName;
	#pending: Pending[] = [];
	#extensions: Set<string> | undefined;
	#reply: OpenReply | undefined;
	#auth: { mechanism: string; step: number; challenge?: string } | undefined;
	#awaitingAuthResponse = false;
	#inContent = false;
	#content: string[] = [];
	#contentHeader = true;
	/** The content arrived as one isData event: the "." line only ends it. */
	#contentFromData = false;
	#envelope = { mailFrom: '', rcptTo: [] as string[], mailFromSet: false };
	#sizeLimit: number | undefined;
	/** The blind-copy finding of the last message: said only with the 250 that accepts it. */
	#blindCopies: string | undefined;

	constructor(options: { listener?: ListenerName } = {}) {
		this.#listener = options.listener;
		this.#ctx = this.#fresh();
	}

	#fresh(): SessionContext {
		const l = this.#listener && listenersByName.get(this.#listener);
		return initialContext({ tls: l?.implicitTls ?? false });
	}

	get state(): StateId {
		return this.#ctx.state;
	}

	/** Keywords of the server's last EHLO reply; undefined before one was seen. */
	get extensions(): ReadonlySet<string> | undefined {
		return this.#extensions;
	}

	/** Commands sent and not yet answered (pipelining). */
	get pendingCommands(): readonly string[] {
		return this.#pending.map((p) => p.text);
	}

	annotate(input: AnnotateInput): Annotation {
		if (input.dir === 'system') return this.#system(input);
		if (input.dir === 'client') return this.#client(input);
		return this.#server(input.text);
	}

	// ---- system events ----

	#system(input: AnnotateInput): Annotation {
		const before = this.#ctx.state;
		const row = systemEventsByKind.get(input.kind ?? 'note') ?? systemEventsByKind.get('note')!;
		const notes: string[] = [];
		let summary = row.summary || input.text;
		let rfc = row.rfc;
		if (input.kind === 'connect') {
			this.#ctx = this.#fresh();
			this.#pending = [];
			this.#reply = undefined;
			this.#extensions = undefined;
			this.#inContent = false;
			const l = this.#listener && listenersByName.get(this.#listener);
			if (l) {
				notes.push(`${l.title}. ${l.summary}`);
				rfc = [...rfc, ...l.rfc];
			}
		} else if (input.kind === 'tls') {
			this.#ctx = { ...this.#ctx, tls: true };
		} else if (input.kind === 'disconnect') {
			this.#ctx = { ...this.#ctx, state: 'closed' };
			if (this.#pending.length) notes.push(`${this.#pending.length} command(s) never got a reply.`);
			this.#pending = [];
		}
		if (input.text && summary !== input.text) notes.push(input.text);
		if (!row.summary) summary = input.text;
		return {
			title: row.title,
			summary,
			rfc,
			notes,
			stateBefore: before,
			stateAfter: this.#ctx.state,
			ref: `events/${row.kind}`
		};
	}

	// ---- client lines ----

	#client(input: AnnotateInput): Annotation {
		const unfinished = this.#reply;
		if (unfinished) {
			// The server never sent the last line ("code SP …") of a multi-line reply.
			this.#reply = undefined;
			if (unfinished.pending) this.#pending.shift();
			this.#complete(unfinished, { code: unfinished.code, last: true, enhanced: null, text: '' });
		}
		const a = this.#clientLine(input);
		if (unfinished)
			a.notes = [
				`The previous ${unfinished.code} reply never got its last line ("${unfinished.code} " with a space); a multi-line reply must end with one (RFC 5321 §4.2.1).`,
				...(a.notes ?? [])
			];
		return a;
	}

	#clientLine(input: AnnotateInput): Annotation {
		const state = this.#ctx.state;
		if (input.isData) {
			// The recorder sends the whole content as one event, then the "." line on its own:
			// stay in content mode until that line, which ends the data.
			this.#inContent = true;
			this.#contentFromData = true;
			this.#content = [];
			return this.#messageAnnotation(analyzeMessage(input.text), state);
		}
		if (this.#inContent) return this.#contentLine(input.text, state);
		if (this.#awaitingAuthResponse) return this.#authResponse(input.text, state);
		const parsed = parseCommand(input.text, { extensions: this.#extensions });
		const row = parsed.command;
		const context =
			row?.verb === 'BDAT' && parsed.bdat?.last ? 'BDAT-LAST' : (row?.verb ?? 'UNKNOWN');
		this.#pending.push({ context, parsed, text: input.text });
		const notes = parsed.issues.map(syntaxNoteText);
		if (parsed.path && !parsed.path.isNull && row) {
			notes.unshift(
				`${row.verb === 'MAIL' ? 'Envelope sender' : 'Envelope recipient'}: ${parsed.path.address}`
			);
		}
		for (const p of parsed.params) {
			const prow = parametersByName.get(`${parsed.verb} ${p.keyword}`);
			if (prow) notes.push(`${p.keyword}${p.value === true ? '' : '=' + p.value}: ${prow.summary}`);
			if (p.keyword === 'SIZE' && this.#sizeLimit && Number(p.value) > this.#sizeLimit)
				notes.push(
					`Declared size ${p.value} is over the server’s SIZE ${this.#sizeLimit}: expect 552.`
				);
		}
		if (row?.verb === 'AUTH' && parsed.auth) {
			const mech = authMechanismsByName.get(parsed.auth.mechanism);
			this.#auth = { mechanism: parsed.auth.mechanism, step: 0 };
			if (mech) notes.push(`${mech.title}: ${mech.summary}`);
			if (parsed.auth.initialResponse !== undefined)
				notes.push(...explainAuthResponse(parsed.auth.initialResponse, this.#auth));
			if (mech?.sendsPassword && !this.#ctx.tls)
				notes.push(
					'This connection is not encrypted: the credentials can be read by anyone on the path. Use STARTTLS first.'
				);
		}
		if (this.#pending.length > 1)
			notes.push(
				`Sent before the reply to "${this.#pending[0].text}": pipelined (RFC 2920); replies will come in order.`
			);
		if (!row) {
			return {
				title: parsed.suggestion
					? `Unknown command — did you mean ${parsed.suggestion}?`
					: 'Unknown command',
				summary: 'The server will answer 500 (command not recognised) and stay in the same state.',
				rfc: RFC_UNKNOWN_COMMAND,
				notes,
				stateBefore: state,
				stateAfter: state
			};
		}
		const fixed = correctedPathCommand(parsed);
		return {
			title: row.title,
			summary: fixed ? pathFixTable.command.summary.replace('{fixed}', fixed) : row.summary,
			detail: `Expected answer: ${row.answer}\nThen: ${row.stateChange}`,
			rfc: fixed ? mergeRfc(pathFixTable.command.rfc, row.rfc) : row.rfc,
			notes,
			stateBefore: state,
			stateAfter: state,
			ref: row.ref
		};
	}

	#authResponse(text: string, state: StateId): Annotation {
		this.#awaitingAuthResponse = false;
		const cancel = text.trim() === '*';
		const auth = this.#auth ?? { mechanism: '', step: 1 };
		this.#pending.push({ context: cancel ? 'AUTH-CANCEL' : 'AUTH-CONT', text });
		return {
			title: cancel ? 'AUTH cancelled by the client' : 'AUTH response',
			summary: cancel
				? '"*" cancels the authentication exchange; the server answers 501.'
				: 'The client’s answer to the server’s 334 challenge, in base64.',
			rfc: RFC_AUTH,
			notes: explainAuthResponse(text, auth),
			stateBefore: state,
			stateAfter: state,
			ref: 'commands/auth'
		};
	}

	#contentLine(text: string, state: StateId): Annotation {
		if (text === '.') {
			this.#inContent = false;
			this.#pending.push({ context: 'DATA-END', text: '.' });
			const fromData = this.#contentFromData;
			this.#contentFromData = false;
			// The message was already described on its isData event; do not repeat it.
			const message = fromData
				? null
				: this.#messageAnnotation(analyzeMessage(this.#content.join('\r\n')), state);
			this.#content = [];
			const end: Annotation = {
				title: 'End of data: <CRLF>.<CRLF>',
				summary:
					'A line holding only a dot ends the message. The server now replies once for the whole message.',
				rfc: message ? [RFC_END_OF_DATA, ...message.rfc!] : END_OF_DATA_RFC,
				notes: message?.notes ?? [],
				stateBefore: state,
				stateAfter: state,
				ref: 'states/data'
			};
			if (message?.detail) end.detail = message.detail;
			return end;
		}
		const base = { stateBefore: state, stateAfter: state, rfc: CONTENT_RFC, ref: 'states/data' };
		this.#content.push(text);
		const notes: string[] = [];
		if (text.length > 1 && text[0] === '.')
			notes.push(
				'Dot-stuffed: the client doubled a leading dot so that the line is not mistaken for the end of data; the server removes one (RFC 5321 §4.5.2).'
			);
		if (text.length > 998)
			notes.push(`${text.length} characters: over the 998 allowed per line (RFC 5322 §2.1.1).`);
		else if (text.length > 78)
			notes.push(`${text.length} characters: lines should be at most 78 (RFC 5322 §2.1.1).`);
		if (this.#contentHeader) {
			if (text === '') {
				this.#contentHeader = false;
				return {
					...base,
					title: 'Blank line: end of the header section',
					summary: 'The first empty line separates the header fields from the body.',
					rfc: RFC_BLANK_LINE,
					notes
				};
			}
			const last = this.#content.length > 1;
			if (FOLDED.test(text) && last)
				return {
					...base,
					title: 'Folded header line',
					summary:
						'Starts with white space: it continues the previous header field (unfolding removes only the line break).',
					rfc: RFC_FOLDING,
					notes
				};
			const m = CONTENT_FIELD.exec(text);
			const field = m && headerFieldsByName.get(m[1].toLowerCase());
			if (field)
				return {
					...base,
					title: `${field.name}: header field`,
					summary: field.summary,
					rfc: field.rfc,
					notes,
					ref: field.ref
				};
			if (!m) this.#contentHeader = false;
			else
				return {
					...base,
					title: `${m[1]}: header field`,
					summary:
						'A header field this lab has no entry for (X- fields and vendor fields are common).',
					rfc: RFC_HEADER_FIELD,
					notes
				};
		}
		return { ...base, title: 'Body line', summary: 'Part of the message body.', notes };
	}

	#messageAnnotation(m: MessageAnatomy, state: StateId): Annotation {
		const notes: string[] = [];
		for (const f of m.fields) {
			const folded = f.lines > 1 ? ` (folded over ${f.lines} lines)` : '';
			notes.push(
				`${f.name}: ${f.decoded ?? f.value}${folded}${f.decoded ? ' — decoded from RFC 2047 encoded words' : ''}`
			);
		}
		notes.push(
			m.headerLines === 0
				? 'No header fields: the content starts with the body.'
				: m.blankLine >= 0
					? `Blank line after ${m.headerLines} header line(s); then ${m.bodyLines} body line(s).`
					: 'No blank line after the header fields: the message has no body.'
		);
		if (m.missingRequired.length)
			notes.push(`Missing required field(s): ${m.missingRequired.join(', ')} (RFC 5322 §3.6).`);
		if (m.duplicated.length)
			notes.push(`Appears more often than allowed: ${m.duplicated.join(', ')} (RFC 5322 §3.6).`);
		if (m.malformedHeaderLines)
			notes.push(`${m.malformedHeaderLines} line(s) in the header section are not header fields.`);
		if (m.dotStuffedLines)
			notes.push(
				`${m.dotStuffedLines} dot-stuffed line(s): a leading dot was doubled (RFC 5321 §4.5.2).`
			);
		if (m.bareLf) notes.push(`${m.bareLf} bare LF (line feed without CR) (RFC 5321 §2.3.8).`);
		if (m.bareCr) notes.push(`${m.bareCr} bare CR (carriage return without LF) (RFC 5321 §2.3.8).`);
		if (m.smuggling)
			notes.push(
				'An end-of-data look-alike (<LF>.<LF>, <LF>.<CR><LF> or <CR><LF>.<LF>): servers that disagree on it can be tricked into seeing two messages (SMTP smuggling).'
			);
		if (m.over998)
			notes.push(`${m.over998} line(s) over 998 characters (RFC 5322 §2.1.1: MUST NOT).`);
		if (m.over78)
			notes.push(`${m.over78} line(s) over 78 characters (RFC 5322 §2.1.1: SHOULD NOT).`);
		if (m.eightBit && this.#extensions && !this.#extensions.has('8BITMIME'))
			notes.push('8-bit characters, but the server did not advertise 8BITMIME (RFC 6152).');
		for (const e of m.encodings) notes.push(`${e.name}: ${e.summary}`);
		this.#blindCopies = undefined;
		if (this.#envelope.mailFromSet && this.#envelope.rcptTo.length) {
			for (const f of compareEnvelope(this.#envelope, m.fields)) {
				// Without a header section there is no To: or Cc: to be blind to.
				if (f.id === 'bcc') this.#blindCopies = m.headerLines ? f.text : undefined;
				else notes.push(f.text);
			}
		}
		return {
			title: 'The message: header fields, blank line, body',
			summary: `${m.fields.length} header field(s), ${m.bodyLines} body line(s), ${m.size} octets.`,
			detail:
				'What the client sends after 354 is the message in Internet Message Format: header fields, one empty line, then the body. The envelope (MAIL FROM, RCPT TO) is not part of it.',
			rfc: RFC_MESSAGE,
			notes,
			stateBefore: state,
			stateAfter: state,
			ref: 'states/data'
		};
	}

	// ---- server lines ----

	#server(text: string): Annotation {
		const before = this.#ctx.state;
		const reply = parseReply(text);
		if (!reply)
			return {
				title: 'Not a reply line',
				summary:
					'Every server reply line begins with a reply code — three digits, the first 2 to 5, the second 0 to 5 — then a space, a hyphen or the end of the line (RFC 5321 §4.2). A client SHOULD treat a code whose first digit is not 2 to 5 as a fatal error and end the mail transaction (RFC 5321 §4.2).',
				rfc: RFC_REPLY,
				notes: [],
				stateBefore: before,
				stateAfter: before
			};
		let open = this.#reply;
		let codeChanged: string | undefined;
		if (open && open.code !== reply.code) {
			codeChanged = `The code changed within a multi-line reply (${open.code} → ${reply.code}); all lines must carry the same code (RFC 5321 §4.2.1).`;
			open = undefined;
		}
		let first = false;
		if (!open) {
			const pending = this.#pending[0];
			const context = pending?.context ?? (before === 'connected' ? 'GREETING' : 'UNSOLICITED');
			open = {
				code: reply.code,
				context,
				pending,
				annotation: this.#replyAnnotation(reply, context, pending)
			};
			if (context === 'EHLO' && reply.code === 250) open.keywords = new Set();
			this.#reply = open;
			first = true;
		}
		// Each line after the first of an EHLO reply is one extension keyword.
		const result = open.keywords && !first ? this.#ehloKeyword(reply, open) : open.annotation;
		// Cached annotations are shared between lines: hand out a copy of the notes array. One
		// spread per line: a long session allocates little.
		const notes = result.notes ? result.notes.slice() : [];
		if (codeChanged) notes.push(codeChanged);
		if (!reply.last) return withState(result, notes, before, before);
		// The reply is complete: it answers the oldest pending command.
		this.#reply = undefined;
		if (open.pending) this.#pending.shift();
		this.#complete(open, reply);
		return withState(result, notes, before, this.#ctx.state);
	}

	#ehloKeyword(reply: ParsedReply, open: OpenReply): Annotation {
		const line = parseEhloLine(reply.text);
		open.keywords!.add(line.keyword);
		const notes: string[] = [];
		if (line.row) notes.push(`A client: ${line.row.clientUse}`);
		if (line.row?.params === 'size' && line.params[0]) {
			const n = Number(line.params[0]);
			notes.push(
				n > 0
					? `Largest message: ${groupDigits(n)} octets (${(n / 1048576).toFixed(1)} MiB).`
					: 'SIZE 0: no fixed maximum announced.'
			);
			this.#sizeLimit = n > 0 ? n : undefined;
		}
		if (line.row?.params === 'mechanisms') {
			for (const name of line.params) {
				const mech = authMechanismsByName.get(name.toUpperCase());
				notes.push(
					mech
						? `${mech.title}: ${mech.summary}`
						: `${name}: a mechanism this lab has no entry for.`
				);
			}
			if (
				!this.#ctx.tls &&
				line.params.some((p) => authMechanismsByName.get(p.toUpperCase())?.sendsPassword)
			)
				notes.push('Password mechanisms offered before TLS: a careful client does STARTTLS first.');
		}
		if (line.legacyEquals)
			notes.push('"AUTH=…" is the pre-standard form some servers still send for old clients.');
		if (!line.row)
			return {
				title: `${line.keyword}: extension`,
				summary: line.keyword.startsWith('X')
					? 'A private (X-) extension: its meaning is defined by the server’s vendor, not by an RFC.'
					: 'An extension keyword this lab has no entry for: a vendor extension or a newer RFC. A client ignores keywords it does not know.',
				code: reply.code,
				enhanced: null,
				class: 2,
				rfc: RFC_VENDOR_KEYWORD,
				notes,
				ref: 'replies/250'
			};
		return {
			title: line.row.title,
			summary: line.row.summary,
			code: reply.code,
			enhanced: null,
			class: 2,
			rfc: line.row.rfc,
			notes,
			ref: line.row.ref
		};
	}

	#replyAnnotation(reply: ParsedReply, context: string, pending?: Pending): Annotation {
		const s = this.#ctx.state;
		const base = replyBase(reply, context, s === 'mail' || s === 'rcpt' || s === 'data');
		const extra: string[] =
			reply.code === 334 ? explainChallenge(reply.text, this.#auth?.mechanism) : [];
		// Only a 250 to the end of the data means the server took the message for them (§4.1.1.4).
		if (
			reply.code === 250 &&
			(context === 'DATA-END' || context === 'BDAT-LAST') &&
			this.#blindCopies
		)
			extra.push(this.#blindCopies);
		if (pending && this.#pending.length > 1)
			extra.push(
				`Answers "${pending.text}" — the oldest command still waiting for a reply (pipelining, RFC 2920).`
			);
		const fixed = reply.code === 501 && pending?.parsed && correctedPathCommand(pending.parsed);
		if (fixed) {
			const fix = pathFixTable.reply;
			return {
				...base,
				title: fix.title.replace('{fixed}', fixed),
				summary: fix.summary.replace('{fixed}', fixed),
				rfc: mergeRfc(fix.rfc, base.rfc!),
				notes: [...base.notes!, ...extra]
			};
		}
		// The cached base is shared: copy it only when this line adds notes of its own.
		return extra.length ? { ...base, notes: [...base.notes!, ...extra] } : base;
	}

	/** Applies a complete reply to the session: state, EHLO keywords, AUTH, envelope. */
	#complete(open: OpenReply, reply: ParsedReply): void {
		const { context, code } = open;
		const digit = Math.floor(code / 100);
		this.#ctx = transition(this.#ctx, context, code);
		if (open.keywords) this.#extensions = open.keywords;
		if (context === 'STARTTLS' && digit === 2) {
			this.#extensions = undefined;
			this.#sizeLimit = undefined;
		}
		if ((context === 'AUTH' || context === 'AUTH-CONT') && digit === 3) {
			this.#awaitingAuthResponse = true;
			if (this.#auth) {
				this.#auth.step++;
				this.#auth.challenge = decodeBase64(reply.text.trim());
			}
		} else if (context.startsWith('AUTH')) this.#auth = undefined;
		if (context === 'DATA-END' || context === 'BDAT-LAST') this.#blindCopies = undefined;
		if (context === 'DATA' && digit === 3) {
			this.#inContent = true;
			this.#contentHeader = true;
			this.#content = [];
		}
		const parsed = open.pending?.parsed;
		if (context === 'MAIL' && digit === 2 && parsed?.path)
			this.#envelope = { mailFrom: parsed.path.address, rcptTo: [], mailFromSet: true };
		if (context === 'RCPT' && digit === 2 && parsed?.path)
			this.#envelope.rcptTo.push(parsed.path.address);
		const s = this.#ctx.state;
		if (s !== 'mail' && s !== 'rcpt' && s !== 'data')
			this.#envelope = { mailFrom: '', rcptTo: [], mailFromSet: false };
	}
}

export interface TranscriptLine {
	dir: Direction;
	text: string;
	kind?: SessionEvent['kind'];
	isData?: boolean;
}

/** Annotates a whole session in order with a fresh SessionAnnotator. */
export function annotateTranscript(
	lines: readonly TranscriptLine[],
	options: { listener?: ListenerName } = {}
): Annotation[] {
	const annotator = new SessionAnnotator(options);
	return lines.map((line) => annotator.annotate(line));
}

/** Label of a state id, for display. */
export function stateLabel(id: string): string {
	return statesById.get(id)?.label ?? id;
}

/** Citations of `first`, then those of `then` not already among them. */
function mergeRfc(first: readonly RfcRef[], then: readonly RfcRef[]): RfcRef[] {
	const seen = (r: RfcRef) => first.some((x) => x.rfc === r.rfc && x.section === r.section);
	return [...first, ...then.filter((r) => !seen(r))];
}

/** 1048576 → "1,048,576"; toLocaleString goes through ICU and costs more than a whole line's annotation. */
function groupDigits(n: number): string {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A cached reply annotation with this line's notes and states. Written field by field rather
 * than spread: every annotation then has one shape, which keeps the hot path monomorphic.
 */
function withState(
	a: Annotation,
	notes: string[],
	stateBefore: StateId,
	stateAfter: StateId
): Annotation {
	const out: Annotation = { title: a.title, summary: a.summary, notes, stateBefore, stateAfter };
	if (a.code !== undefined) out.code = a.code;
	if (a.enhanced !== undefined) out.enhanced = a.enhanced;
	if (a.class !== undefined) out.class = a.class;
	if (a.rfc !== undefined) out.rfc = a.rfc;
	if (a.detail !== undefined) out.detail = a.detail;
	if (a.ref !== undefined) out.ref = a.ref;
	return out;
}
