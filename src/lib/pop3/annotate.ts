import { LISTENER_TABLE } from '../listeners';
import type { Annotation, Direction, RfcRef, SessionEvent } from '../messages';
import { closest } from '../smtp/protocol/editDistance';
import { analyzeMessage } from '../smtp/message/messageAnatomy';
import { authMechanismsByName } from '../smtp/tables/authMechanisms';
import { pop3CapabilitiesByTag } from './capabilities';
import { opensMultiLine, pop3CommandsByVerb, type Pop3CommandRow } from './commands';
import { pop3EventsByKind } from './events';
import { pop3Line, pop3Note, pop3NotesById } from './lineNotes';
import { findResponseCode } from './responseCodes';
import { parseStatusLine, pop3ResponsesByKey, type Pop3StatusLine } from './responses';
import { pop3StatesById, pop3Transition, type Pop3StateId } from './stateMachine';

export interface Pop3AnnotateInput {
	dir: Direction;
	text: string;
	kind?: SessionEvent['kind'];
	/** A server event carrying a RETR/TOP message's whole content, byte-stuffed ("\n" or CRLF between lines). */
	isData?: boolean;
}

/** A command awaiting its response. `shown` is what notes may quote: never a secret argument. */
interface Pending {
	verb: string;
	row?: Pop3CommandRow;
	args: string[];
	shown: string;
	/** A line of an AUTH exchange after the server's "+ " (or its "*" cancel). */
	saslAnswer?: boolean;
}

/** A multi-line response being received: its command and how many lines it has had. */
interface OpenResponse {
	pending: Pending;
	lines: number;
}

const VERBS = [...pop3CommandsByVerb.keys()];
const NUMBER = /^[1-9]\d*$/;
const LINE_COUNT = /^\d+$/;
const UNIQUE_ID = /^[\x21-\x7e]{1,70}$/;
const TIMESTAMP = /<[^<>\s]*>/;
// RFC 1939 §3: arguments up to 40 characters; RFC 2449 §4: command lines up to 255 octets, first
// response lines up to 512, both counting the CRLF.
const MAX_ARGUMENT = 40;
const MAX_COMMAND_LINE = 255 - 2;
const MAX_RESPONSE_LINE = 512 - 2;

const STATE_LABEL = (id: Pop3StateId) => pop3StatesById.get(id)!.label;
/** The fields a downloaded message's explanation names (the rest are on its page). */
const SHOWN_FIELDS = new Set(['from', 'to', 'subject', 'date']);

/**
 * Explains one POP3 session line by line, in order (the recorder's Annotator for POP3
 * listeners). Stateful: it follows the states (RFC 1939 §3), the commands awaiting responses, which
 * command a multi-line response answers and where it ends, the messages marked for deletion, TLS,
 * and an AUTH exchange. Never repeats a password or SASL data, even when it is given them.
 */
export class Pop3Annotator {
	#state: Pop3StateId = 'pop3-connected';
	#tls: boolean;
	#implicitTls: boolean;
	#pending: Pending[] = [];
	#open: OpenResponse | undefined;
	/** The server sent "+ ": the next client line is a SASL answer. */
	#saslTurn = false;
	#userAccepted = false;
	#marked = new Set<number>();
	#capabilities: Set<string> | undefined;

	constructor(options: { listener?: string } = {}) {
		const row = LISTENER_TABLE.find((r) => r.name === options.listener);
		this.#implicitTls = row?.tls === 'implicit';
		this.#tls = this.#implicitTls;
	}

	get state(): Pop3StateId {
		return this.#state;
	}

	/** A multi-line response has begun and its "." has not come yet. */
	get inMultiLine(): boolean {
		return this.#open !== undefined;
	}

	/** Capability tags of the server's last CAPA response since TLS; undefined before one. */
	get capabilities(): ReadonlySet<string> | undefined {
		return this.#capabilities;
	}

	annotate(input: Pop3AnnotateInput): Annotation {
		if (input.dir === 'system') return this.#system(input);
		if (input.dir === 'client') return this.#client(input.text);
		return this.#server(input.text, input.isData === true);
	}

	// ---- system events ----

	#system(input: Pop3AnnotateInput): Annotation {
		const before = this.#state;
		const row = pop3EventsByKind.get(input.kind ?? 'note') ?? pop3EventsByKind.get('note')!;
		const notes: string[] = [];
		const rfc = [...row.rfc];
		if (input.kind === 'connect') {
			this.#state = 'pop3-connected';
			this.#tls = this.#implicitTls;
			this.#pending = [];
			this.#open = undefined;
			this.#saslTurn = false;
			this.#userAccepted = false;
			this.#marked.clear();
			this.#capabilities = undefined;
		} else if (input.kind === 'tls') {
			this.#tls = true;
			this.#capabilities = undefined;
		} else if (input.kind === 'disconnect' || input.kind === 'timeout') {
			if (this.#pending.length)
				this.#add(notes, rfc, 'unanswered-at-close', { count: this.#pending.length });
			if (before === 'pop3-transaction' && this.#marked.size)
				this.#add(notes, rfc, 'closed-marked-kept', { count: this.#marked.size });
			// However it ends, the connection is closed; only QUIT in TRANSACTION went through UPDATE.
			this.#state = 'pop3-closed';
			this.#pending = [];
			this.#open = undefined;
		}
		if (input.text && input.text !== row.summary) notes.push(input.text);
		return {
			title: row.title,
			summary: row.summary || input.text,
			rfc,
			notes,
			stateBefore: before,
			stateAfter: this.#state,
			ref: row.ref
		};
	}

	// ---- client lines ----

	#client(text: string): Annotation {
		const before = this.#state;
		const notes: string[] = [];
		// A multi-line response the server never ended: the client moved on.
		if (this.#open) this.#open = undefined;
		if (this.#saslTurn) return this.#saslAnswer(text, before);
		const words = text.split(' ');
		const verb = words[0].toUpperCase();
		const args = words.slice(1).filter((w) => w !== '');
		const row = pop3CommandsByVerb.get(verb);
		const pending: Pending = {
			verb,
			row,
			args,
			// An unknown verb may be a mistyped PASS: only known, secret-free commands are quoted whole.
			shown: row && !row.secretArgument ? text : args.length ? `${words[0]} …` : words[0]
		};
		const rfc: RfcRef[] = [];
		if (this.#pending.length)
			this.#add(
				notes,
				rfc,
				this.#capabilities?.has('PIPELINING') ? 'pipelined-allowed' : 'pipelined',
				{
					command: this.#pending.at(-1)!.shown
				}
			);
		this.#pending.push(pending);
		if (text.length > MAX_COMMAND_LINE)
			this.#add(notes, rfc, 'command-too-long', { length: text.length + 2 });
		if (!row) {
			this.#add(notes, rfc, 'unknown-command', { verb: words[0] });
			const suggestion = closest(verb, VERBS, 1);
			if (suggestion) this.#add(notes, rfc, 'unknown-command-suggestion', { suggestion });
			const unknown = pop3Line('unknown-command', { verb: words[0] });
			return {
				title: unknown.title.trim(),
				summary: unknown.summary,
				rfc: merge(unknown.rfc, rfc),
				notes,
				stateBefore: before,
				stateAfter: before,
				ref: 'pop3/responses/err'
			};
		}
		if (!row.states.includes(before))
			this.#add(notes, rfc, 'wrong-state', {
				verb,
				states: row.states.map(STATE_LABEL).join(' or '),
				state: STATE_LABEL(before)
			});
		if (row.notOffered) this.#add(notes, rfc, 'not-offered', { reason: row.notOffered });
		this.#checkArguments(row, args, notes, rfc);
		if (row.secretArgument && args.length) {
			this.#add(notes, rfc, 'secret-not-shown');
			if (!this.#tls && verb !== 'APOP') this.#add(notes, rfc, 'secret-before-tls');
		}
		if (verb === 'PASS' && !this.#userAccepted) this.#add(notes, rfc, 'pass-without-user');
		if (verb === 'AUTH' && args.length > 1) this.#add(notes, rfc, 'auth-initial-response');
		if (verb === 'STLS' && this.#tls) this.#add(notes, rfc, 'stls-under-tls');
		if (verb === 'RSET' && this.#marked.size)
			this.#add(notes, rfc, 'rset-unmarks', { count: this.#marked.size });
		if (verb === 'TOP' && /^\d+$/.test(args[1] ?? ''))
			this.#add(notes, rfc, 'top-lines', { n: args[1] });
		if (verb === 'QUIT') {
			if (before === 'pop3-transaction')
				this.#add(notes, rfc, this.#marked.size ? 'quit-update-marked' : 'quit-update-none', {
					count: this.#marked.size
				});
			else if (before === 'pop3-authorization') this.#add(notes, rfc, 'quit-authorization');
		}
		// QUIT in TRANSACTION enters UPDATE as it arrives, whatever the answer (RFC 1939 §6).
		this.#state = pop3Transition(before, verb, 'command');
		return {
			title: row.title,
			summary: row.summary,
			detail: [row.detail, `Answer: ${row.answer}`].filter(Boolean).join('\n'),
			rfc: merge(row.rfc, rfc),
			notes,
			stateBefore: before,
			stateAfter: this.#state,
			ref: row.ref
		};
	}

	#checkArguments(row: Pop3CommandRow, args: string[], notes: string[], rfc: RfcRef[]): void {
		const needs: Record<string, number> = {
			USER: 1,
			PASS: 1,
			APOP: 2,
			AUTH: 1,
			RETR: 1,
			DELE: 1,
			TOP: 2
		};
		const numbered: Record<string, number> = { LIST: 1, UIDL: 1, RETR: 1, DELE: 1, TOP: 2 };
		if (args.length < (needs[row.verb] ?? 0))
			this.#add(notes, rfc, 'argument-missing', { verb: row.verb, syntax: row.syntax });
		// The syntax names each argument in <…>; a password may hold spaces (RFC 1939 §7, PASS).
		const allowed = row.syntax.split('<').length - 1;
		if (!row.secretArgument && args.length > allowed)
			this.#add(notes, rfc, 'argument-unexpected', {
				verb: row.verb,
				allowed: allowed ? `at most ${allowed} argument(s)` : 'no arguments'
			});
		// A message number counts from 1; TOP's line count may be 0 (RFC 1939 §7).
		args.slice(0, numbered[row.verb] ?? 0).forEach((arg, i) => {
			if (!(i === 1 ? LINE_COUNT : NUMBER).test(arg))
				this.#add(notes, rfc, 'argument-not-number', { arg });
		});
		// AUTH's initial response may be longer than 40 characters (RFC 5034 §4 lifts the limit).
		if (row.verb !== 'AUTH' && !row.secretArgument)
			for (const arg of args)
				if (arg.length > MAX_ARGUMENT)
					this.#add(notes, rfc, 'argument-too-long', { length: arg.length });
	}

	#saslAnswer(text: string, state: Pop3StateId): Annotation {
		this.#saslTurn = false;
		const cancel = text.trim() === '*';
		const notes: string[] = [];
		const rfc: RfcRef[] = [];
		this.#add(notes, rfc, cancel ? 'sasl-cancel' : 'sasl-answer');
		if (!cancel && !this.#tls) this.#add(notes, rfc, 'secret-before-tls');
		this.#pending.push({
			verb: 'AUTH',
			row: pop3CommandsByVerb.get('AUTH'),
			args: [],
			shown: cancel ? '*' : 'AUTH …',
			saslAnswer: true
		});
		const says = pop3Line(cancel ? 'sasl-cancel' : 'sasl-answer');
		return {
			title: says.title,
			summary: says.summary,
			rfc: merge(says.rfc, rfc),
			notes,
			stateBefore: state,
			stateAfter: state,
			ref: 'pop3/commands/auth'
		};
	}

	// ---- server lines ----

	#server(text: string, isData: boolean): Annotation {
		if (this.#open) return this.#multiLine(text, isData, this.#open);
		const before = this.#state;
		// Content whose +OK this annotator did not see (a session explained from its middle).
		if (isData) return this.#content(text, true, before);
		const notes: string[] = [];
		const rfc: RfcRef[] = [];
		if (text.length > MAX_RESPONSE_LINE)
			this.#add(notes, rfc, 'response-too-long', { length: text.length + 2 });
		const waiting = this.#pending[0];
		if ((text === '+' || text.startsWith('+ ')) && waiting?.verb === 'AUTH') {
			// The AUTH command is not finished: the server asks for (more) SASL data.
			this.#pending.shift();
			this.#saslTurn = true;
			const row = pop3ResponsesByKey.get('continuation')!;
			const challenge = text.slice(2).trim();
			if (challenge) this.#add(notes, rfc, 'challenge', { length: challenge.length });
			else this.#add(notes, rfc, 'challenge-empty');
			return this.#line(row, notes, rfc, before);
		}
		const status = parseStatusLine(text);
		if (!status) {
			const row = pop3ResponsesByKey.get('not-a-response')!;
			return { ...this.#line(row, notes, rfc, before), ref: undefined };
		}
		if (!text.startsWith('+OK') && !text.startsWith('-ERR')) this.#add(notes, rfc, 'status-case');
		this.#explainCode(status, notes, rfc);
		if (before === 'pop3-connected') return this.#greeting(status, notes, rfc);
		const pending = this.#pending.shift();
		if (!pending) {
			this.#add(notes, rfc, 'unsolicited');
			const row = pop3ResponsesByKey.get(status.ok ? 'ok' : 'err')!;
			return this.#line(row, notes, rfc, before, status);
		}
		if (this.#pending.length) this.#add(notes, rfc, 'answers-oldest', { command: pending.shown });
		return this.#response(pending, status, notes, rfc, before);
	}

	#greeting(status: Pop3StatusLine, notes: string[], rfc: RfcRef[]): Annotation {
		const before = this.#state;
		const row = pop3ResponsesByKey.get('greeting')!;
		const timestamp = TIMESTAMP.exec(status.text)?.[0];
		if (!status.ok) this.#add(notes, rfc, 'greeting-refused');
		else if (timestamp) this.#add(notes, rfc, 'greeting-timestamp', { timestamp });
		else this.#add(notes, rfc, 'greeting-no-timestamp');
		// A -ERR greeting refuses the session; the server closes the connection.
		if (status.ok) this.#state = pop3Transition(before, 'GREETING', 'response');
		return this.#line(
			row,
			notes,
			rfc,
			before,
			status,
			status.ok ? undefined : pop3Line('greeting-refused')
		);
	}

	#response(
		pending: Pending,
		status: Pop3StatusLine,
		notes: string[],
		rfc: RfcRef[],
		before: Pop3StateId
	): Annotation {
		const row = pending.row;
		const indicator = pop3ResponsesByKey.get(status.ok ? 'ok' : 'err')!;
		const verb = pending.verb;
		if (!row) {
			const unknown = pop3Line('response-to-unknown', { status: status.ok ? '+OK' : '-ERR' });
			return this.#line(indicator, notes, rfc, before, status, {
				title: unknown.title,
				summary: status.ok ? indicator.summary : unknown.summary
			});
		}
		this.#add(notes, rfc, 'answers', { command: pending.shown });
		if (status.ok) {
			if (
				(verb === 'PASS' || verb === 'AUTH' || verb === 'APOP') &&
				before === 'pop3-authorization'
			)
				this.#add(notes, rfc, 'logged-in');
			if (verb === 'USER') this.#userAccepted = true;
			if (verb === 'STLS') this.#add(notes, rfc, 'stls-ok');
			if (verb === 'STAT') this.#dropListing(status.text, notes, rfc);
			if (verb === 'DELE' && NUMBER.test(pending.args[0] ?? '')) {
				this.#marked.add(Number(pending.args[0]));
				this.#add(notes, rfc, 'dele-marked', { marked: [...this.#marked].join(', ') });
			}
			if (verb === 'RSET') this.#marked.clear();
			if (verb === 'QUIT' && before === 'pop3-update')
				this.#add(notes, rfc, this.#marked.size ? 'update-done' : 'update-nothing', {
					count: this.#marked.size
				});
			if (pending.args.length && (verb === 'LIST' || verb === 'UIDL'))
				this.#listingLine(verb, status.text, notes, rfc);
			if (opensMultiLine(row, pending.args)) {
				if (row.shape === 'message') {
					const octets = /^(\d+)\s+octets?\b/i.exec(status.text)?.[1];
					this.#add(notes, rfc, 'message-follows', { octets: octets ? ` (${octets} octets)` : '' });
				} else this.#add(notes, rfc, 'multi-line-follows');
				this.#open = { pending, lines: 0 };
				// Each CAPA answer replaces what the last one said.
				if (verb === 'CAPA') this.#capabilities = new Set();
			}
		} else {
			if (verb === 'USER') this.#userAccepted = false;
			if (opensMultiLine(row, pending.args)) this.#add(notes, rfc, 'err-single-line');
		}
		if (verb === 'PASS' || verb === 'APOP') this.#userAccepted = false;
		this.#state = status.ok ? pop3Transition(before, verb, 'response') : before;
		return this.#line(indicator, notes, rfc, before, status, {
			title: pop3Line('response', { status: status.ok ? '+OK' : '-ERR', verb }).title,
			summary: status.ok ? row.okMeans : row.errMeans
		});
	}

	/** A line after the +OK of a multi-line response: a listing line, content, or the ".". */
	#multiLine(text: string, isData: boolean, open: OpenResponse): Annotation {
		const state = this.#state;
		const notes: string[] = [];
		const rfc: RfcRef[] = [];
		const row = open.pending.row!;
		if (text === '.' && !isData) {
			this.#open = undefined;
			const end = pop3ResponsesByKey.get('terminator')!;
			if (row.shape === 'message') this.#add(notes, rfc, 'message-complete');
			else this.#add(notes, rfc, 'listing-count', { count: open.lines, verb: row.verb });
			const offered = this.#capabilities;
			if (row.verb === 'CAPA' && !this.#tls && !offered?.has('USER') && !offered?.has('SASL'))
				this.#add(notes, rfc, 'capability-no-password-before-tls');
			return this.#line(end, notes, rfc, state);
		}
		open.lines++;
		if (isData || row.shape === 'message') return this.#content(text, isData, state);
		if (row.shape === 'capabilities') return this.#capability(text, state);
		this.#listingLine(row.verb, text, notes, rfc);
		if (text.startsWith('.')) this.#add(notes, rfc, 'byte-stuffed-line');
		return {
			title: pop3Line('listing-line', { verb: row.verb }).title,
			summary: row.okMeans,
			rfc: merge(row.rfc, rfc),
			notes,
			stateBefore: state,
			stateAfter: state,
			ref: row.ref
		};
	}

	#content(text: string, whole: boolean, state: Pop3StateId): Annotation {
		const row = pop3ResponsesByKey.get('content')!;
		const notes: string[] = [];
		const rfc: RfcRef[] = [];
		if (whole) {
			const lines = text.split(/\r?\n/);
			if (lines.at(-1) === '') lines.pop();
			const stuffed = lines.filter((l) => l.startsWith('.')).length;
			const octets = byteLength(lines.join('\r\n')) + 2;
			this.#add(notes, rfc, 'content-summary', {
				lines: lines.length,
				octets: groupDigits(String(octets)),
				size: groupDigits(String(octets - stuffed))
			});
			if (stuffed) this.#add(notes, rfc, 'byte-stuffed-lines', { count: stuffed });
			this.#describeMessage(lines, notes, rfc);
		} else if (text.startsWith('.')) this.#add(notes, rfc, 'byte-stuffed-line');
		const own = whole ? row : pop3Line('message-line');
		return {
			title: own.title,
			summary: own.summary,
			detail: row.detail,
			rfc: merge(row.rfc, rfc),
			notes,
			stateBefore: state,
			stateAfter: state,
			ref: row.ref
		};
	}

	/** What the downloaded message is made of: its main fields, trace fields, header and body. */
	#describeMessage(lines: string[], notes: string[], rfc: RfcRef[]): void {
		// Unstuffed, as the client stores it (RFC 1939 §3).
		const m = analyzeMessage(lines.map((l) => (l.startsWith('.') ? l.slice(1) : l)).join('\r\n'));
		const shown = m.fields
			.filter((f) => SHOWN_FIELDS.has(f.name.toLowerCase()))
			.map((f) => `${f.name}: ${f.decoded ?? f.value}`.trim());
		if (shown.length) this.#add(notes, rfc, 'message-fields', { fields: shown.join(' · ') });
		const received = m.fields.filter((f) => f.name.toLowerCase() === 'received').length;
		if (received && m.fields.some((f) => f.name.toLowerCase() === 'return-path'))
			this.#add(notes, rfc, 'message-trace', { received });
		if (m.blankLine >= 0)
			this.#add(notes, rfc, 'message-parts', {
				headerLines: m.headerLines,
				bodyLines: m.bodyLines
			});
		else if (m.headerLines) this.#add(notes, rfc, 'message-no-body');
	}

	#capability(text: string, state: Pop3StateId): Annotation {
		const [tag, ...params] = text.split(' ');
		const upper = tag.toUpperCase();
		(this.#capabilities ??= new Set()).add(upper);
		const row = pop3CapabilitiesByTag.get(upper);
		const notes: string[] = [];
		const rfc: RfcRef[] = [];
		if (!row) {
			this.#add(notes, rfc, 'capability-unknown', { tag });
			const unknown = pop3Line('capability-unknown', { tag });
			return {
				title: unknown.title,
				summary: unknown.summary,
				rfc: merge(unknown.rfc, rfc),
				notes,
				stateBefore: state,
				stateAfter: state,
				ref: 'pop3/commands/capa'
			};
		}
		notes.push(row.clientUse);
		if (upper === 'SASL')
			for (const name of params) {
				const mech = authMechanismsByName.get(name.toUpperCase());
				if (mech)
					this.#add(notes, rfc, 'sasl-mechanism', { mechanism: mech.title, summary: mech.summary });
			}
		if ((upper === 'USER' || upper === 'SASL') && !this.#tls)
			this.#add(notes, rfc, 'capability-password-before-tls');
		if (upper === 'STLS') this.#add(notes, rfc, 'capability-after-stls');
		return {
			title: row.title,
			summary: row.summary,
			rfc: merge(row.rfc, rfc),
			notes,
			stateBefore: state,
			stateAfter: state,
			ref: row.ref
		};
	}

	#dropListing(text: string, notes: string[], rfc: RfcRef[]): void {
		const m = /^(\d+) (\d+)/.exec(text);
		if (m) this.#add(notes, rfc, 'drop-listing', { count: m[1], octets: groupDigits(m[2]) });
		else this.#add(notes, rfc, 'listing-malformed', { what: 'octets' });
	}

	#listingLine(verb: string, text: string, notes: string[], rfc: RfcRef[]): void {
		if (verb === 'LIST') {
			const m = /^(\d+) (\d+)/.exec(text);
			if (m) this.#add(notes, rfc, 'scan-listing', { msg: m[1], octets: groupDigits(m[2]) });
			else this.#add(notes, rfc, 'listing-malformed', { what: 'octets' });
			return;
		}
		const m = /^(\d+) (\S+)/.exec(text);
		if (!m) return this.#add(notes, rfc, 'listing-malformed', { what: 'unique-id' });
		this.#add(notes, rfc, 'unique-id-listing', { msg: m[1], uid: m[2] });
		if (!UNIQUE_ID.test(m[2])) this.#add(notes, rfc, 'unique-id-invalid', { uid: m[2] });
	}

	/** Notes on the bracketed response code, if any (RFC 2449 §8). */
	#explainCode(status: Pop3StatusLine, notes: string[], rfc: RfcRef[]): void {
		if (status.code === undefined) return;
		const row = findResponseCode(status.code);
		if (!row) return this.#add(notes, rfc, 'response-code-unknown', { code: status.code });
		this.#add(notes, rfc, 'response-code', {
			code: row.code,
			title: row.title,
			summary: row.summary,
			clientAction: row.clientAction
		});
		for (const r of row.rfc) pushRfc(rfc, r);
		if (row.code !== status.code)
			this.#add(notes, rfc, 'response-code-detail', {
				extra: status.code.slice(row.code.length + 1),
				known: row.code
			});
	}

	/** A server line's annotation from its response row; the state moves to `this.#state`. */
	#line(
		row: { title: string; summary: string; detail?: string; rfc: RfcRef[]; ref: string },
		notes: string[],
		rfc: RfcRef[],
		before: Pop3StateId,
		status?: Pop3StatusLine,
		own?: { title: string; summary: string }
	): Annotation {
		const code = status?.code !== undefined ? findResponseCode(status.code) : undefined;
		return {
			title: own?.title ?? row.title,
			summary: own?.summary ?? row.summary,
			detail: row.detail,
			rfc: merge(row.rfc, rfc),
			notes,
			stateBefore: before,
			stateAfter: this.#state,
			ref: code?.ref ?? row.ref
		};
	}

	#add(
		notes: string[],
		rfc: RfcRef[],
		id: string,
		values: Record<string, string | number> = {}
	): void {
		notes.push(pop3Note(id, values));
		for (const r of pop3NotesById.get(id)!.rfc) pushRfc(rfc, r);
	}
}

/** Annotates a whole POP3 session in order with a fresh Pop3Annotator. */
export function annotatePop3Transcript(
	lines: readonly Pop3AnnotateInput[],
	options: { listener?: string } = {}
): Annotation[] {
	const annotator = new Pop3Annotator(options);
	return lines.map((line) => annotator.annotate(line));
}

function pushRfc(list: RfcRef[], r: RfcRef): void {
	if (!list.some((x) => x.rfc === r.rfc && x.section === r.section)) list.push(r);
}

/** Citations of `first`, then those of `then` not already among them. */
function merge(first: readonly RfcRef[], then: readonly RfcRef[]): RfcRef[] {
	const out = [...first];
	for (const r of then) pushRfc(out, r);
	return out;
}

function byteLength(s: string): number {
	return new TextEncoder().encode(s).length;
}

/** "1234" → "1,234". */
function groupDigits(n: string): string {
	return n.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
