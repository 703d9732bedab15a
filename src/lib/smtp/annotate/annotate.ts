import type { Annotation, Direction, ListenerName, RfcRef, SessionEvent } from '../../messages';
import {
	authMechanismsByName,
	explainAuthResponse,
	explainChallenge
} from '../tables/authMechanisms';
import { decodeBase64 } from '../protocol/base64';
import { correctedPathCommand, parseCommand, type ParsedCommand } from '../protocol/commandParser';
import { parametersByName } from '../tables/commands';
import { describeEnhanced, enhancedMatchesReply } from '../tables/enhancedCodes';
import { compareEnvelope } from '../message/envelope';
import { parseEhloLine } from '../tables/extensions';
import { headerFieldsByName } from '../tables/headerFields';
import { analyzeMessage, type MessageAnatomy } from '../message/messageAnatomy';
import { annotationText, fillText } from '../tables/annotationTexts';
import { parseReply, type ParsedReply } from '../protocol/replyParser';
import {
	replyCategoryByDigit,
	replyClassByDigit,
	replyCodesByCode,
	type ReplyCodeRow
} from '../tables/replyCodes';
import { findReplyContext, findReplyNote, type ReplyContextRow } from '../tables/replyContexts';
import { ref } from '../rfc';
import {
	initialContext,
	statesById,
	transition,
	type SessionContext,
	type StateId
} from '../protocol/stateMachine';
import { pathFixTable, syntaxNoteText } from '../tables/syntaxNotes';
import { listenersByName, systemEventsByKind } from '../tables/systemEvents';

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

const BODY_LINE = annotationText('body-line');
const END_OF_DATA = annotationText('end-of-data');
const NOT_A_REPLY = annotationText('not-a-reply');
const END_OF_DATA_RFC: RfcRef[] = [...END_OF_DATA.rfc, ...BODY_LINE.rfc];
const RFC_REPLY_THEORY = ref(5321, '4.2.1');

/** The note of a row of annotationTexts.ts, its placeholders filled. */
function note(id: string, values?: object): string {
	return fillText(annotationText(id).note!, values);
}

// The part of a reply's annotation that depends only on its context, code, enhanced code and
// the context row its text matched (the text matters no further: "250 2.6.0 Queued as <id>"
// differs on every message), cached so that a long session costs a few Map lookups per reply.
// Nested rather than one string key: building and hashing a new key string per reply cost more
// than the lookups. Context row → context → enhanced code → code × 2 + in a transaction.
// Bounded: cleared when full.
type RepliesByCode = Map<number, Annotation>;
const replyCache = new Map<
	ReplyContextRow | undefined,
	Map<string, Map<string | null, RepliesByCode>>
>();
let replyCacheSize = 0;
const REPLY_CACHE_MAX = 2000;

function cachedReplies(
	ctxRow: ReplyContextRow | undefined,
	context: string,
	enhanced: string | null
): RepliesByCode {
	let byContext = replyCache.get(ctxRow);
	if (!byContext) replyCache.set(ctxRow, (byContext = new Map()));
	let byEnhanced = byContext.get(context);
	if (!byEnhanced) byContext.set(context, (byEnhanced = new Map()));
	let byCode = byEnhanced.get(enhanced);
	if (!byCode) byEnhanced.set(enhanced, (byCode = new Map()));
	return byCode;
}

function replyBase(reply: ParsedReply, context: string, inTransaction: boolean): Annotation {
	const { code, enhanced } = reply;
	const ctxRow = findReplyContext(code, context, enhanced, reply.text);
	const key = code * 2 + (inTransaction ? 1 : 0);
	const hit = cachedReplies(ctxRow, context, enhanced).get(key);
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
			notes.push(note('enhanced-class-mismatch', { enhancedClass: e.code[0], digit }));
	}
	// RCPT rows in the context table already say "only this recipient"; elsewhere add the note.
	let replyNote = findReplyNote(context, code, inTransaction);
	if (ctxRow?.after && context === 'RCPT') replyNote = undefined;
	if (replyNote) notes.push(replyNote.note);
	if (context === 'UNSOLICITED' && code !== 421) notes.push(note('unsolicited-reply'));
	const rfc: RfcRef[] = [];
	const cited = [...(ctxRow?.rfc ?? []), ...(codeRow?.rfc ?? []), ...(replyNote?.rfc ?? [])];
	for (const r of [...cited, ...(e?.rfc ?? [])])
		if (!rfc.some((x) => x.rfc === r.rfc && x.section === r.section)) rfc.push(r);
	if (!rfc.length) rfc.push(RFC_REPLY_THEORY);
	const detail = [
		codeRow
			? note('registered-code', { code, text: codeRow.text })
			: note('unregistered-code', { code }),
		note('first-digit', { digit, title: cls.title, summary: cls.summary, next: cls.next }),
		note('second-digit', category)
	].join('\n');
	const annotation: Annotation = {
		title:
			ctxRow?.title ??
			codeRow?.title ??
			fillText(annotationText('unregistered-code').title!, { code }),
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
	}
	cachedReplies(ctxRow, context, enhanced).set(key, annotation);
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
			if (this.#pending.length)
				notes.push(note('unanswered-at-disconnect', { count: this.#pending.length }));
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
			a.notes = [note('reply-never-ended', { code: unfinished.code }), ...(a.notes ?? [])];
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
				note(row.verb === 'MAIL' ? 'envelope-sender' : 'envelope-recipient', parsed.path)
			);
		}
		for (const p of parsed.params) {
			const prow = parametersByName.get(`${parsed.verb} ${p.keyword}`);
			if (prow) notes.push(`${p.keyword}${p.value === true ? '' : '=' + p.value}: ${prow.summary}`);
			if (p.keyword === 'SIZE' && this.#sizeLimit && Number(p.value) > this.#sizeLimit)
				notes.push(note('size-over-limit', { size: String(p.value), limit: this.#sizeLimit }));
		}
		if (row?.verb === 'AUTH' && parsed.auth) {
			const mech = authMechanismsByName.get(parsed.auth.mechanism);
			this.#auth = { mechanism: parsed.auth.mechanism, step: 0 };
			if (mech) notes.push(`${mech.title}: ${mech.summary}`);
			if (parsed.auth.initialResponse !== undefined)
				notes.push(...explainAuthResponse(parsed.auth.initialResponse, this.#auth));
			if (mech?.sendsPassword && !this.#ctx.tls) notes.push(note('credentials-in-clear'));
		}
		if (this.#pending.length > 1)
			notes.push(note('pipelined-command', { command: this.#pending[0].text }));
		if (!row) {
			const unknown = annotationText(
				parsed.suggestion ? 'unknown-command-suggestion' : 'unknown-command'
			);
			return {
				title: fillText(unknown.title!, { suggestion: parsed.suggestion ?? '' }),
				summary: unknown.summary!,
				rfc: unknown.rfc,
				notes,
				stateBefore: state,
				stateAfter: state
			};
		}
		const fixed = correctedPathCommand(parsed);
		return {
			title: row.title,
			summary: fixed ? pathFixTable.command.summary.replace('{fixed}', fixed) : row.summary,
			detail: note('command-answer', row),
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
		const says = annotationText(cancel ? 'auth-cancel' : 'auth-response');
		return {
			title: says.title!,
			summary: says.summary!,
			rfc: says.rfc,
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
				title: END_OF_DATA.title!,
				summary: END_OF_DATA.summary!,
				rfc: message ? [...END_OF_DATA.rfc, ...message.rfc!] : END_OF_DATA_RFC,
				notes: message?.notes ?? [],
				stateBefore: state,
				stateAfter: state,
				ref: 'states/data'
			};
			if (message?.detail) end.detail = message.detail;
			return end;
		}
		this.#content.push(text);
		const notes: string[] = [];
		if (text.length > 1 && text[0] === '.') notes.push(note('dot-stuffed-line'));
		if (text.length > 998) notes.push(note('line-over-998', { length: text.length }));
		else if (text.length > 78) notes.push(note('line-over-78', { length: text.length }));
		if (this.#contentHeader) {
			if (text === '') {
				this.#contentHeader = false;
				const blank = annotationText('blank-line');
				return contentLine(state, blank.rfc, 'states/data', blank.title!, blank.summary!, notes);
			}
			const last = this.#content.length > 1;
			if (FOLDED.test(text) && last) {
				const folded = annotationText('folded-line');
				return contentLine(state, folded.rfc, 'states/data', folded.title!, folded.summary!, notes);
			}
			const m = CONTENT_FIELD.exec(text);
			const field = m && headerFieldsByName.get(m[1].toLowerCase());
			const fieldLine = annotationText('header-field');
			if (field)
				return contentLine(
					state,
					field.rfc,
					field.ref,
					fillText(fieldLine.title!, field),
					field.summary,
					notes
				);
			if (!m) this.#contentHeader = false;
			else
				return contentLine(
					state,
					fieldLine.rfc,
					'states/data',
					fillText(fieldLine.title!, { name: m[1] }),
					fieldLine.summary!,
					notes
				);
		}
		return contentLine(
			state,
			BODY_LINE.rfc,
			'states/data',
			BODY_LINE.title!,
			BODY_LINE.summary!,
			notes
		);
	}

	#messageAnnotation(m: MessageAnatomy, state: StateId): Annotation {
		const notes: string[] = [];
		for (const f of m.fields) {
			const folded = f.lines > 1 ? note('message-field-folded', f) : '';
			const decoded = f.decoded ? note('message-field-decoded') : '';
			notes.push(
				note('message-field', { name: f.name, value: f.decoded ?? f.value }) + folded + decoded
			);
		}
		notes.push(
			m.headerLines === 0
				? note('no-header-fields')
				: m.blankLine >= 0
					? note('header-and-body', m)
					: note('no-blank-line')
		);
		if (m.missingRequired.length)
			notes.push(note('missing-required-fields', { fields: m.missingRequired.join(', ') }));
		if (m.duplicated.length)
			notes.push(note('duplicated-fields', { fields: m.duplicated.join(', ') }));
		if (m.malformedHeaderLines)
			notes.push(note('malformed-header-lines', { count: m.malformedHeaderLines }));
		if (m.dotStuffedLines) notes.push(note('dot-stuffed-lines', { count: m.dotStuffedLines }));
		if (m.bareLf) notes.push(note('bare-lf', { count: m.bareLf }));
		if (m.bareCr) notes.push(note('bare-cr', { count: m.bareCr }));
		if (m.smuggling) notes.push(note('smuggling'));
		if (m.over998) notes.push(note('lines-over-998', { count: m.over998 }));
		if (m.over78) notes.push(note('lines-over-78', { count: m.over78 }));
		if (m.eightBit && this.#extensions && !this.#extensions.has('8BITMIME'))
			notes.push(note('eight-bit-without-8bitmime'));
		for (const e of m.encodings) notes.push(`${e.name}: ${e.summary}`);
		this.#blindCopies = undefined;
		if (this.#envelope.mailFromSet && this.#envelope.rcptTo.length) {
			for (const f of compareEnvelope(this.#envelope, m.fields)) {
				// Without a header section there is no To: or Cc: to be blind to.
				if (f.id === 'bcc') this.#blindCopies = m.headerLines ? f.text : undefined;
				else notes.push(f.text);
			}
		}
		const message = annotationText('message');
		return {
			title: message.title!,
			summary: fillText(message.summary!, {
				fields: m.fields.length,
				bodyLines: m.bodyLines,
				size: m.size
			}),
			detail: message.note,
			rfc: message.rfc,
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
				title: NOT_A_REPLY.title!,
				summary: NOT_A_REPLY.summary!,
				rfc: NOT_A_REPLY.rfc,
				notes: [],
				stateBefore: before,
				stateAfter: before
			};
		let open = this.#reply;
		let codeChanged: string | undefined;
		if (open && open.code !== reply.code) {
			codeChanged = note('code-changed', { from: open.code, to: reply.code });
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
		if (line.row) notes.push(note('ehlo-client-use', line.row));
		if (line.row?.params === 'size' && line.params[0]) {
			const n = Number(line.params[0]);
			notes.push(
				n > 0
					? note('ehlo-size', { octets: groupDigits(n), mib: (n / 1048576).toFixed(1) })
					: note('ehlo-size-zero')
			);
			this.#sizeLimit = n > 0 ? n : undefined;
		}
		if (line.row?.params === 'mechanisms') {
			for (const name of line.params) {
				const mech = authMechanismsByName.get(name.toUpperCase());
				notes.push(
					mech ? `${mech.title}: ${mech.summary}` : note('ehlo-unknown-mechanism', { name })
				);
			}
			if (
				!this.#ctx.tls &&
				line.params.some((p) => authMechanismsByName.get(p.toUpperCase())?.sendsPassword)
			)
				notes.push(note('ehlo-passwords-before-tls'));
		}
		if (line.legacyEquals) notes.push(note('ehlo-legacy-auth'));
		if (!line.row) {
			const vendor = annotationText(
				line.keyword.startsWith('X') ? 'ehlo-private-keyword' : 'ehlo-unknown-keyword'
			);
			return {
				title: fillText(vendor.title!, line),
				summary: vendor.summary!,
				code: reply.code,
				enhanced: null,
				class: 2,
				rfc: vendor.rfc,
				notes,
				ref: 'replies/250'
			};
		}
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
			extra.push(note('answers-oldest-command', { command: pending.text }));
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
 * A line of message content. One literal, its keys always in the order the annotations have
 * always had (they are stored and compared as JSON), rather than spreads that V8 builds slowly.
 */
function contentLine(
	state: StateId,
	rfc: RfcRef[],
	ref: string | undefined,
	title: string,
	summary: string,
	notes: string[]
): Annotation {
	return { stateBefore: state, stateAfter: state, rfc, ref, title, summary, notes };
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
