import { LISTENER_TABLE } from '../listeners';
import type { Annotation, Direction, RfcRef, SessionEvent } from '../messages';
import { analyzeMessage } from '../smtp/message/messageAnatomy';
import {
	parseCommand,
	type FetchItem,
	type ImapCommand,
	type SearchKey,
	type SequenceSet
} from './protocol/commandParser';
import { tagOf, type Framed } from './protocol/grammar';
import { parseResponse, type FetchAttribute, type ImapResponse } from './protocol/responseParser';
import { bodySectionName, type ResponseCode } from './protocol/responseWriter';
import { imapCapabilitiesByName } from './capabilities';
import { imapCommandsByName, type ImapCommandRow } from './commands';
import { imapEventsByKind } from './events';
import { imapFlagsByName } from './fetchItems';
import { imapNote, imapNotesById } from './lineNotes';
import { imapResponseCodesByCode } from './responseCodes';
import { imapResponsesByKey, type ImapResponseRow } from './responses';
import { imapStatesById, imapTransition, type ImapStateId } from './stateMachine';
import { imapDataByName } from './untaggedData';

export interface ImapAnnotateInput {
	dir: Direction;
	text: string;
	kind?: SessionEvent['kind'];
	/** A server event carrying a literal's content (a FETCH's BODY[…]), as the recorder stores it. */
	isData?: boolean;
}

/** A command awaiting its tagged completion. `shown` is what notes may quote: never a secret. */
interface Pending {
	tag: string;
	/** Upper case; UID FETCH is FETCH with `uid`. */
	name: string;
	row?: ImapCommandRow;
	shown: string;
	uid: boolean;
	command?: ImapCommand;
}

/** A literal crossing as lines of a transcript: how many octets are still to come. */
interface LiteralInFlight {
	octets: number;
	left: number;
	/** Its octets are a password (LOGIN) or SASL data: never shown. */
	secret: boolean;
	/** The client's literal waits for "+" (a synchronizing literal). */
	awaitingGo: boolean;
	/** What the literal is part of, for notes ("a003 APPEND …", "BODY[HEADER]"). */
	what: string;
	/** The response line before the literal, and the literal's text so far (server side). */
	head?: string;
	content?: string;
}

/** What the recorder stores in place of a credential (server/recorder/sessionRecorder.ts MASK). */
const MASK_MARK = '••••';
const LITERAL_AT_END = /\{(\d+)(\+?)\}$/;
const STATE_LABEL = (id: ImapStateId) => imapStatesById.get(id)!.label.toLowerCase();
const SHOWN_FIELDS = new Set(['from', 'to', 'subject', 'date']);

/**
 * Explains one IMAP session line by line, in order (the recorder's Annotator for IMAP
 * listeners). Stateful: it follows the states (RFC 3501 §3), the commands in flight by tag
 * (several may be, §5.5), which command an untagged line belongs to, literals announced with
 * {n} (§4.3) and the "+" that lets them through (§7.5), an AUTHENTICATE exchange, IDLE until DONE
 * (RFC 2177), and TLS. Never repeats a password or SASL data, even when it is given them.
 */
export class ImapAnnotator {
	#state: ImapStateId = 'imap-connected';
	#tls: boolean;
	#implicitTls: boolean;
	#pending: Pending[] = [];
	#clientLiteral: LiteralInFlight | undefined;
	#serverLiteral: LiteralInFlight | undefined;
	/** The server sent "+" to AUTHENTICATE: the next client line is a SASL answer. */
	#saslTurn = false;
	/** The IDLE command the server said "+ idling" to, until DONE. */
	#idling: Pending | undefined;
	#capabilities = new Set<string>();
	#exists: number | undefined;

	constructor(options: { listener?: string } = {}) {
		const row = LISTENER_TABLE.find((r) => r.name === options.listener);
		this.#implicitTls = row?.tls === 'implicit';
		this.#tls = this.#implicitTls;
	}

	get state(): ImapStateId {
		return this.#state;
	}

	/** A response's literal is still arriving (its lines belong to the same response). */
	get inLiteral(): boolean {
		return this.#serverLiteral !== undefined;
	}

	annotate(input: ImapAnnotateInput): Annotation {
		if (input.dir === 'system') return this.#system(input);
		if (input.dir === 'client') return this.#client(input.text);
		return this.#server(input.text, input.isData === true);
	}

	// ---- system events ----

	#system(input: ImapAnnotateInput): Annotation {
		const before = this.#state;
		const row = imapEventsByKind.get(input.kind ?? 'note') ?? imapEventsByKind.get('note')!;
		const notes: string[] = [];
		const rfc = [...row.rfc];
		if (input.kind === 'connect') {
			this.#state = 'imap-connected';
			this.#tls = this.#implicitTls;
			this.#reset();
			this.#capabilities.clear();
			this.#exists = undefined;
		} else if (input.kind === 'tls') {
			this.#tls = true;
			this.#capabilities.clear();
		} else if (input.kind === 'disconnect' || input.kind === 'timeout') {
			if (this.#pending.length)
				this.#add(notes, rfc, 'unanswered-at-close', { count: this.#pending.length });
			this.#state = 'imap-closed';
			this.#reset();
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

	#reset(): void {
		this.#pending = [];
		this.#clientLiteral = undefined;
		this.#serverLiteral = undefined;
		this.#saslTurn = false;
		this.#idling = undefined;
	}

	// ---- client lines ----

	#client(text: string): Annotation {
		const before = this.#state;
		if (this.#saslTurn) return this.#saslAnswer(text);
		if (this.#idling) return this.#idleLine(text);
		const literal = this.#clientLiteral;
		if (literal && !literal.awaitingGo && literal.left > 0) return this.#literalLine(text, literal);
		if (literal && literal.left <= 0) return this.#commandRest(text, literal);
		// A literal the server never said "+" to: the client moved on.
		this.#clientLiteral = undefined;

		const notes: string[] = [];
		const rfc: RfcRef[] = [];
		const framed = framedOf(text);
		const first = framed.segments[0];
		const announced = LITERAL_AT_END.exec(framed.segments.at(-1)!);
		const tag = tagOf(first) ?? '';
		const word = first.slice(tag.length + 1).split(' ')[0] ?? '';
		let name = word.toUpperCase();
		const uid = name === 'UID';
		if (uid) name = (first.slice(tag.length + 1).split(' ')[1] ?? '').toUpperCase();
		const row = imapCommandsByName.get(name);
		const masked = text.includes(MASK_MARK);
		const secret = row?.secret === true;
		const pending: Pending = {
			tag,
			name,
			row,
			uid,
			// An unknown command may be a mistyped LOGIN: only known, secret-free commands are quoted whole.
			shown: !word
				? 'a line without a command'
				: secret || (!row && first.includes(' ', tag.length + 1 + word.length))
					? `${tag} ${word} …`
					: first.length > 80
						? `${first.slice(0, 77)}…`
						: first
		};
		if (this.#pending.length) this.#add(notes, rfc, 'pipelined', { count: this.#pending.length });
		this.#pending.push(pending);
		if (!row) {
			// A line of one word has no command: it is not quoted (it may be a password typed alone).
			if (!word) this.#add(notes, rfc, 'no-command');
			else this.#add(notes, rfc, 'unknown-command', { command: word, tag: tag || '*' });
			return {
				title: word ? `Unknown command ${word}` : 'A line without a command',
				summary: imapResponsesByKey.get('BAD')!.summary,
				rfc,
				notes,
				stateBefore: before,
				stateAfter: before,
				ref: 'imap/responses/bad'
			};
		}
		this.#add(notes, rfc, 'tag', { tag });
		if (uid) this.#add(notes, rfc, 'uid-command', { command: name });
		if (!row.states.includes(before) && before !== 'imap-connected')
			this.#add(notes, rfc, 'wrong-state', {
				command: name,
				states: row.states.map(STATE_LABEL).join(' or '),
				state: STATE_LABEL(before)
			});
		if (announced) {
			// The rest of the command comes after the literal (a transcript's lines).
			const octets = Number(announced[1]);
			this.#add(notes, rfc, announced[2] ? 'literal-nonsync' : 'literal-announced', { octets });
			this.#clientLiteral = {
				octets,
				left: octets,
				// LOGIN's second argument is the password: a literal after the user name carries it.
				secret: name === 'LOGIN' && argumentsBefore(first, tag, word) >= 1,
				awaitingGo: !announced[2],
				what: pending.shown
			};
		} else if (!masked) {
			const parsed = parseCommand(framed);
			if (parsed.ok) {
				pending.command = parsed.command;
				this.#explainCommand(parsed.command, notes, rfc);
			} else if (secret)
				this.#add(notes, rfc, 'syntax-error-secret', { command: name, tag: tag || '*' });
			else
				this.#add(notes, rfc, 'syntax-error', { message: parsed.error.message, tag: tag || '*' });
			for (const lit of framed.literals)
				this.#add(notes, rfc, secret ? 'literal-secret' : 'literal-inline', { octets: lit.length });
		}
		// LOGIN always carries a password; AUTHENTICATE only with an initial response.
		if (name === 'LOGIN' || (secret && (masked || argumentsBefore(first, tag, word) > 1))) {
			this.#add(notes, rfc, 'secret-not-shown');
			if (!this.#tls) this.#add(notes, rfc, 'secret-before-tls');
		}
		if (name === 'LOGIN' && this.#capabilities.has('LOGINDISABLED'))
			this.#add(notes, rfc, 'login-disabled');
		if (name === 'STARTTLS' && this.#tls) this.#add(notes, rfc, 'starttls-under-tls');
		return {
			title: row.title,
			summary: row.summary,
			detail: row.detail,
			rfc: merge(row.rfc, rfc),
			notes,
			stateBefore: before,
			stateAfter: before,
			ref: row.ref
		};
	}

	/** What the parsed command asks for, in words. */
	#explainCommand(command: ImapCommand, notes: string[], rfc: RfcRef[]): void {
		switch (command.name) {
			case 'SELECT':
			case 'EXAMINE':
			case 'CREATE':
			case 'DELETE':
			case 'SUBSCRIBE':
			case 'UNSUBSCRIBE':
			case 'STATUS':
			case 'APPEND': {
				const { raw, name } = command.mailbox;
				if (name !== null && name !== raw && name !== 'INBOX')
					this.#add(notes, rfc, 'mailbox-utf7', { raw, mailbox: name });
				else this.#add(notes, rfc, 'mailbox', { mailbox: name ?? raw });
				if (command.name === 'STATUS')
					this.#add(notes, rfc, 'status-items', { items: command.items.join(', ') });
				if (command.name === 'APPEND')
					this.#add(notes, rfc, 'literal-inline', { octets: command.message.length });
				return;
			}
			case 'LIST':
			case 'LSUB':
				return this.#add(notes, rfc, 'list-pattern', {
					reference: command.reference.raw,
					pattern: command.pattern
				});
			case 'FETCH': {
				if (command.macro)
					this.#add(notes, rfc, 'fetch-macro', {
						macro: command.macro,
						items: command.items.map(fetchItemName).join(' ')
					});
				this.#add(notes, rfc, 'fetch-items', {
					items: command.items.map(fetchItemName).join(', '),
					set: sequenceText(command.sequence)
				});
				if (
					command.items.some((i) =>
						i.item === 'BODY[section]' ? !i.peek : i.item === 'RFC822' || i.item === 'RFC822.TEXT'
					)
				)
					this.#add(notes, rfc, 'fetch-sets-seen');
				return;
			}
			case 'STORE': {
				const operation = { replace: 'Set exactly', add: 'Add', remove: 'Remove' }[
					command.operation
				];
				this.#add(notes, rfc, 'store-flags', {
					operation,
					flags: command.flags.join(' ') || '(no flags)',
					set: sequenceText(command.sequence),
					silent: command.silent ? ', silently (no FETCH back)' : ''
				});
				if (
					command.operation !== 'remove' &&
					command.flags.some((f) => f.toUpperCase() === '\\DELETED')
				)
					this.#add(notes, rfc, 'store-deleted');
				return;
			}
			case 'SEARCH':
				return this.#add(notes, rfc, 'search-criteria', {
					count: command.criteria.length,
					keys: command.criteria.map(searchKeyText).join(', ')
				});
			case 'COPY':
				return this.#add(notes, rfc, 'copy-target', {
					set: sequenceText(command.sequence),
					mailbox: command.mailbox.name ?? command.mailbox.raw
				});
			default:
				return;
		}
	}

	/**
	 * A client literal's octets: a transcript shows them line by line; the recorder stores them
	 * in one event with the rest of the command after them (server/imap's recordParts).
	 */
	#literalLine(text: string, literal: LiteralInFlight): Annotation {
		const state = this.#state;
		const notes: string[] = [];
		const rfc: RfcRef[] = [];
		const bytes = new TextEncoder().encode(text);
		const masked = text.includes(MASK_MARK);
		let rest: string | undefined;
		if (masked || bytes.length >= literal.left) {
			// The whole literal, then the rest of the command line.
			rest = masked ? '' : new TextDecoder().decode(bytes.slice(literal.left));
			literal.left = 0;
			this.#clientLiteral = undefined;
		} else literal.left -= bytes.length + 2;
		// The password itself, or (masked) a line that begins with the mask.
		const hidden = literal.secret || text.startsWith(MASK_MARK);
		if (hidden) this.#add(notes, rfc, 'literal-secret');
		this.#add(notes, rfc, literal.left > 0 ? 'literal-progress' : 'literal-done', {
			left: Math.max(0, literal.left),
			octets: literal.octets
		});
		const announced = rest === undefined ? null : LITERAL_AT_END.exec(rest);
		if (announced) {
			const octets = Number(announced[1]);
			this.#add(notes, rfc, 'literal-announced', { octets });
			this.#clientLiteral = {
				octets,
				left: octets,
				secret: this.#pending.at(-1)?.name === 'LOGIN',
				awaitingGo: !announced[2],
				what: literal.what
			};
		} else if (masked && !text.startsWith(MASK_MARK) && this.#pending.at(-1)?.name === 'LOGIN') {
			// "alice ••••": the mask may hide the password literal's announcement ({n}), which the
			// recorder masks too; the password's octets come after the next "+".
			this.#clientLiteral = {
				octets: NaN,
				left: 1,
				secret: true,
				awaitingGo: true,
				what: literal.what
			};
		}
		const row = imapResponsesByKey.get('literal')!;
		return {
			title: hidden ? 'Literal (password, not shown)' : `Literal of ${literal.what}`,
			summary: row.summary,
			rfc: merge(row.rfc, rfc),
			notes,
			stateBefore: state,
			stateAfter: state,
			ref: row.ref
		};
	}

	/** The line that follows a client literal: the rest of the command (often empty). */
	#commandRest(text: string, literal: LiteralInFlight): Annotation {
		const state = this.#state;
		const notes: string[] = [];
		const rfc: RfcRef[] = [];
		this.#clientLiteral = undefined;
		const announced = LITERAL_AT_END.exec(text);
		const pending = this.#pending.at(-1);
		if (announced) {
			const octets = Number(announced[1]);
			this.#add(notes, rfc, 'literal-announced', { octets });
			this.#clientLiteral = {
				octets,
				left: octets,
				secret: pending?.name === 'LOGIN',
				awaitingGo: !announced[2],
				what: literal.what
			};
		}
		const row = pending?.row;
		return {
			title: `Rest of ${literal.what}`,
			summary: text.trim()
				? 'The command goes on after its literal; the line end completes it.'
				: 'The line end after the literal completes the command.',
			rfc: merge(row?.rfc ?? [], rfc),
			notes,
			stateBefore: state,
			stateAfter: state,
			ref: row?.ref ?? 'imap/responses/literal'
		};
	}

	#saslAnswer(text: string): Annotation {
		this.#saslTurn = false;
		const state = this.#state;
		const cancel = text.trim() === '*';
		const notes: string[] = [];
		const rfc: RfcRef[] = [];
		this.#add(notes, rfc, cancel ? 'sasl-cancel' : 'sasl-answer');
		if (!cancel && !this.#tls) this.#add(notes, rfc, 'secret-before-tls');
		return {
			title: cancel ? 'Cancel the AUTHENTICATE exchange' : 'SASL answer (base64)',
			summary: cancel
				? 'The client gives up the AUTHENTICATE exchange.'
				: 'The client answers the server’s "+" with one base64 line: for PLAIN, the user name and password.',
			rfc,
			notes,
			stateBefore: state,
			stateAfter: state,
			ref: 'imap/commands/authenticate'
		};
	}

	#idleLine(text: string): Annotation {
		const state = this.#state;
		const idle = this.#idling!;
		const notes: string[] = [];
		const rfc: RfcRef[] = [];
		const done = text.trim().toUpperCase() === 'DONE';
		if (done) {
			this.#idling = undefined;
			this.#add(notes, rfc, 'idle-done', { tag: idle.tag });
		} else this.#add(notes, rfc, 'idle-not-done');
		const row = imapCommandsByName.get('IDLE')!;
		return {
			title: done ? 'DONE — end IDLE' : 'A line during IDLE',
			summary: done
				? 'The client stops idling; the server completes the IDLE command.'
				: 'Only DONE may be sent while IDLE is active.',
			rfc: merge(row.rfc, rfc),
			notes,
			stateBefore: state,
			stateAfter: state,
			ref: row.ref
		};
	}

	// ---- server lines ----

	#server(text: string, isData: boolean): Annotation {
		const before = this.#state;
		const literal = this.#serverLiteral;
		if (literal) return this.#responseLiteral(text, isData, literal);
		if (isData) return this.#content(text, 'a literal', before);
		const notes: string[] = [];
		const rfc: RfcRef[] = [];
		if (text === '+' || text.startsWith('+ ')) return this.#continuation(text.slice(2), notes, rfc);
		const announced = LITERAL_AT_END.exec(text);
		if (announced) {
			// The response goes on after the literal: read what is here, wait for the octets.
			const octets = Number(announced[1]);
			this.#serverLiteral = {
				octets,
				left: octets,
				secret: false,
				awaitingGo: false,
				what: literalItem(text),
				head: text,
				content: ''
			};
			return this.#untaggedWithLiteral(text, octets, notes, rfc);
		}
		const parsed = parseResponse(framedOf(text));
		if (!parsed.ok) {
			this.#add(notes, rfc, 'parse-error', { message: parsed.error.message });
			const status = /^(\S+) (OK|NO|BAD|PREAUTH|BYE)\b/i.exec(text);
			if (status)
				return this.#status(status[1], status[2].toUpperCase() as Status, undefined, notes, rfc);
			const row = imapResponsesByKey.get('not-a-response')!;
			return {
				...this.#line(row, notes, rfc, before),
				ref: text.startsWith('* ') ? 'imap/responses/ok' : row.ref
			};
		}
		return this.#response(parsed.response, notes, rfc);
	}

	#response(response: ImapResponse, notes: string[], rfc: RfcRef[]): Annotation {
		if (response.kind === 'continuation') return this.#continuation(response.text, notes, rfc);
		if (response.kind === 'status')
			return this.#status(response.tag, response.status, response.code, notes, rfc);
		return this.#data(response, notes, rfc);
	}

	#continuation(text: string, notes: string[], rfc: RfcRef[]): Annotation {
		const before = this.#state;
		const row = imapResponsesByKey.get('continuation')!;
		const waiting = this.#pending.at(-1);
		let title = row.title;
		if (this.#clientLiteral?.awaitingGo) {
			this.#clientLiteral.awaitingGo = false;
			const octets = this.#clientLiteral.octets;
			this.#add(
				notes,
				rfc,
				Number.isNaN(octets) ? 'continuation-literal-hidden' : 'continuation-literal',
				{
					octets,
					command: this.#clientLiteral.what
				}
			);
			title = '+ — send the literal';
		} else if (waiting?.name === 'AUTHENTICATE') {
			this.#saslTurn = true;
			this.#add(notes, rfc, 'continuation-sasl', { length: text.trim().length });
			title = '+ — SASL challenge';
		} else if (waiting?.name === 'IDLE') {
			this.#idling = waiting;
			this.#add(notes, rfc, 'continuation-idle');
			title = '+ — idling';
		} else this.#add(notes, rfc, 'continuation-unexpected');
		return { ...this.#line(row, notes, rfc, before), title };
	}

	#status(
		tag: string,
		status: Status,
		code: ResponseCode | undefined,
		notes: string[],
		rfc: RfcRef[]
	): Annotation {
		const before = this.#state;
		if (code) this.#explainCode(code, notes, rfc);
		const row = imapResponsesByKey.get(status)!;
		if (tag === '*') {
			if (before === 'imap-connected') {
				// The greeting names the first state (RFC 3501 §3).
				this.#state = imapTransition(
					before,
					status === 'PREAUTH' ? 'PREAUTH' : status === 'BYE' ? 'BYE' : 'OK',
					'untagged'
				);
				if (code?.code === 'CAPABILITY') this.#add(notes, rfc, 'greeting-capability');
				this.#noteState(before, notes, rfc);
				const greeting = imapResponsesByKey.get('greeting')!;
				return {
					...this.#line(greeting, notes, rfc, before, code),
					title:
						status === 'BYE'
							? 'Greeting: BYE (refused)'
							: status === 'PREAUTH'
								? 'Greeting: PREAUTH'
								: 'Greeting'
				};
			}
			if (status === 'BYE') {
				const loggingOut = this.#pending.some((p) => p.name === 'LOGOUT');
				this.#add(notes, rfc, loggingOut ? 'bye-logout' : 'bye-unilateral');
				this.#state = imapTransition(before, 'BYE', 'untagged');
				this.#noteState(before, notes, rfc);
			} else this.#attribute(notes, rfc);
			return {
				...this.#line(row, notes, rfc, before, code),
				title: `${status === 'BYE' ? 'BYE' : `Untagged ${status}`}${code ? ` [${code.code}]` : ''}`,
				summary: row.untagged ? `${row.untagged} ${row.summary}` : row.summary
			};
		}
		const index = this.#pending.findIndex((p) => p.tag === tag);
		if (index < 0) {
			this.#add(notes, rfc, 'tag-unknown', { tag });
			return { ...this.#line(row, notes, rfc, before, code), title: `${tag} ${status}` };
		}
		const [pending] = this.#pending.splice(index, 1);
		if (this.#pending.length && index < this.#pending.length)
			this.#add(notes, rfc, 'answers-out-of-order', {
				command: pending.shown,
				count: this.#pending.length
			});
		else this.#add(notes, rfc, 'answers', { command: pending.shown, tag });
		if (this.#clientLiteral) this.#clientLiteral = undefined;
		if (pending.name === 'IDLE') this.#idling = undefined;
		if (pending.name === 'AUTHENTICATE') this.#saslTurn = false;
		this.#state = this.#after(pending, status, before);
		if (
			status === 'OK' &&
			(pending.name === 'SELECT' || pending.name === 'EXAMINE') &&
			pending.command &&
			'mailbox' in pending.command
		) {
			const readOnly = pending.name === 'EXAMINE' || code?.code === 'READ-ONLY';
			this.#add(notes, rfc, 'selected', {
				mailbox: pending.command.mailbox.name ?? pending.command.mailbox.raw,
				mode: readOnly ? 'read-only' : 'read-write'
			});
		}
		this.#noteState(before, notes, rfc);
		const command = pending.row;
		return {
			...this.#line(row, notes, rfc, before, code),
			title: `${status} to ${pending.uid ? 'UID ' : ''}${pending.name}`,
			summary: command
				? status === 'OK'
					? command.okMeans
					: status === 'NO'
						? command.noMeans
						: (row.tagged ?? row.summary)
				: (row.tagged ?? row.summary)
		};
	}

	/** The state after a command's tagged completion. */
	#after(pending: Pending, status: Status, before: ImapStateId): ImapStateId {
		if (status === 'OK') return imapTransition(before, pending.name, 'response');
		// A failed SELECT or EXAMINE deselects (RFC 3501 §6.3.1).
		if (status === 'NO' && (pending.name === 'SELECT' || pending.name === 'EXAMINE'))
			return imapTransition(before, 'SELECT-FAILED', 'response');
		return before;
	}

	#noteState(before: ImapStateId, notes: string[], rfc: RfcRef[]): void {
		if (before !== this.#state)
			this.#add(notes, rfc, 'state-change', {
				before: STATE_LABEL(before),
				after: STATE_LABEL(this.#state)
			});
	}

	/** Which command an untagged line belongs to. */
	#attribute(notes: string[], rfc: RfcRef[], name?: string): void {
		const owner = name
			? this.#pending.find((p) => imapCommandsByName.get(p.name)?.untagged.includes(name))
			: this.#pending.at(-1);
		if (owner && !(owner.name === 'IDLE' && this.#idling))
			this.#add(notes, rfc, 'untagged-for', { command: owner.shown });
		else this.#add(notes, rfc, 'untagged-unsolicited');
	}

	#data(
		response: Exclude<ImapResponse, { kind: 'status' | 'continuation' }>,
		notes: string[],
		rfc: RfcRef[]
	): Annotation {
		const before = this.#state;
		const row = imapDataByName.get(response.kind)!;
		let title = row.title;
		switch (response.kind) {
			case 'CAPABILITY':
			case 'ENABLED':
				this.#capabilityList(response.capabilities, notes, rfc, response.kind === 'CAPABILITY');
				break;
			case 'FLAGS':
				this.#add(notes, rfc, 'flags-list', { flags: flagsText(response.flags) });
				break;
			case 'LIST':
			case 'LSUB':
				this.#add(notes, rfc, 'list-mailbox', {
					mailbox: response.mailbox.name ?? response.mailbox.raw,
					delimiter: response.delimiter === null ? 'none' : `"${response.delimiter}"`,
					attributes: response.attributes.length
						? `, attributes ${response.attributes.join(' ')}`
						: ''
				});
				break;
			case 'STATUS':
				this.#add(notes, rfc, 'status-counts', {
					mailbox: response.mailbox.name ?? response.mailbox.raw,
					counts: Object.entries(response.items)
						.map(([k, v]) => `${k} ${v}`)
						.join(', ')
				});
				break;
			case 'SEARCH':
				if (response.numbers.length)
					this.#add(notes, rfc, 'search-result', { numbers: response.numbers.join(', ') });
				else this.#add(notes, rfc, 'search-none');
				break;
			case 'EXISTS': {
				title = `${response.number} EXISTS — ${response.number} message(s)`;
				this.#add(notes, rfc, 'exists', { count: response.number });
				const selecting = this.#pending.some((p) => p.name === 'SELECT' || p.name === 'EXAMINE');
				if (!selecting && this.#exists !== undefined && response.number > this.#exists)
					this.#add(notes, rfc, 'exists-grew', {
						before: this.#exists,
						new: response.number - this.#exists
					});
				this.#exists = response.number;
				break;
			}
			case 'RECENT':
				title = `${response.number} RECENT`;
				this.#add(notes, rfc, 'recent', { count: response.number });
				break;
			case 'EXPUNGE':
				title = `EXPUNGE of message ${response.number}`;
				this.#add(notes, rfc, 'expunge', { n: response.number });
				if (this.#exists !== undefined && this.#exists > 0) this.#exists--;
				break;
			case 'FETCH':
				title = `FETCH of message ${response.seq}`;
				this.#fetchAttributes(response.seq, response.attributes, notes, rfc);
				break;
		}
		this.#attribute(
			notes,
			rfc,
			response.kind === 'EXISTS' || response.kind === 'RECENT' ? 'EXISTS' : response.kind
		);
		return {
			title,
			summary: row.summary,
			detail: row.detail,
			rfc: merge(row.rfc, rfc),
			notes,
			stateBefore: before,
			stateAfter: before,
			ref: row.ref
		};
	}

	#capabilityList(names: string[], notes: string[], rfc: RfcRef[], replaces: boolean): void {
		if (replaces) this.#capabilities = new Set(names.map((n) => n.toUpperCase()));
		const words = names.map((n) => {
			const row = imapCapabilitiesByName.get(n.toUpperCase());
			if (row) return `${n} (${row.clientUse.replace(/\.$/, '')})`;
			const auth = /^AUTH=/i.test(n);
			return auth ? `${n} (AUTHENTICATE ${n.slice(5)})` : n;
		});
		this.#add(notes, rfc, 'capability-list', { list: words.join('; ') });
		if (
			replaces &&
			!this.#tls &&
			this.#capabilities.has('LOGINDISABLED') &&
			![...this.#capabilities].some((c) => c.startsWith('AUTH='))
		)
			this.#add(notes, rfc, 'capability-no-login-before-tls');
	}

	#fetchAttributes(
		seq: number,
		attributes: FetchAttribute[],
		notes: string[],
		rfc: RfcRef[]
	): void {
		this.#add(notes, rfc, 'fetch-message', {
			n: seq,
			items: attributes.map((a) => attributeName(a)).join(', ')
		});
		for (const a of attributes) {
			if (a.name === 'FLAGS') this.#add(notes, rfc, 'fetch-flags', { flags: flagsText(a.flags) });
			else if (a.name === 'UID') this.#add(notes, rfc, 'fetch-uid', { uid: a.uid });
			else if (a.name === 'RFC822.SIZE')
				this.#add(notes, rfc, 'fetch-size', { size: groupDigits(a.size) });
			else if (a.name === 'ENVELOPE') {
				const e = a.envelope;
				const from = e.from?.[0];
				const fields = [
					e.subject !== null && e.subject !== undefined ? `Subject “${e.subject}”` : '',
					from ? `From ${from.mailbox ?? ''}@${from.host ?? ''}` : '',
					e.date ? `Date ${e.date}` : ''
				].filter(Boolean);
				if (fields.length) this.#add(notes, rfc, 'fetch-envelope', { fields: fields.join(', ') });
			}
		}
	}

	/** A FETCH (or other) line whose last value is a literal announced with {n}. */
	#untaggedWithLiteral(text: string, octets: number, notes: string[], rfc: RfcRef[]): Annotation {
		const before = this.#state;
		const seq = /^\* (\d+) FETCH\b/i.exec(text);
		this.#add(notes, rfc, 'fetch-literal', { item: literalItem(text), octets });
		// The items before the literal, read by closing the response early.
		if (seq) {
			const head = text
				.slice(0, text.lastIndexOf('{'))
				.replace(/\s*\S+\s*$/, '')
				.trimEnd();
			const probe = parseResponse(framedOf(head.endsWith('(') ? `${head})` : `${head})`));
			if (probe.ok && probe.response.kind === 'FETCH' && probe.response.attributes.length)
				this.#fetchAttributes(probe.response.seq, probe.response.attributes, notes, rfc);
		}
		this.#attribute(notes, rfc, seq ? 'FETCH' : undefined);
		const row = seq ? imapDataByName.get('FETCH')! : imapResponsesByKey.get('literal')!;
		return {
			title: seq ? `FETCH of message ${seq[1]}` : 'A response with a literal',
			summary: row.summary,
			rfc: merge(row.rfc, rfc),
			notes,
			stateBefore: before,
			stateAfter: before,
			ref: row.ref
		};
	}

	/** The literal of a server response: one content event (the recorder), or lines (a transcript). */
	#responseLiteral(text: string, isData: boolean, literal: LiteralInFlight): Annotation {
		const state = this.#state;
		if (literal.left > 0) {
			if (isData) {
				literal.left = 0;
				literal.content = text;
			} else {
				literal.left -= byteLength(text) + 2;
				literal.content += `${text}\r\n`;
			}
			if (literal.left > 0) {
				const row = imapResponsesByKey.get('literal')!;
				return {
					title: `Line of ${literal.what}`,
					summary: row.summary,
					rfc: row.rfc,
					notes: [imapNote('literal-progress', { left: literal.left, octets: literal.octets })],
					stateBefore: state,
					stateAfter: state,
					ref: row.ref
				};
			}
			return this.#content(literal.content ?? text, literal.what, state, literal.octets);
		}
		// The rest of the response after its literal (")" or more items).
		this.#serverLiteral = undefined;
		const notes: string[] = [];
		const rfc: RfcRef[] = [];
		this.#add(notes, rfc, 'literal-done', { octets: literal.octets });
		const seq = /^\* (\d+) FETCH\b/i.exec(literal.head ?? '');
		const row = imapDataByName.get('FETCH')!;
		const announced = LITERAL_AT_END.exec(text);
		if (announced) {
			const octets = Number(announced[1]);
			this.#serverLiteral = {
				...literal,
				octets,
				left: octets,
				what: literalItem(text),
				content: ''
			};
			this.#add(notes, rfc, 'fetch-literal', { item: literalItem(text), octets });
		}
		return {
			title: seq
				? `${announced ? 'FETCH' : 'End of FETCH'} of message ${seq[1]}${announced ? ', continued' : ''}`
				: 'Rest of the response',
			summary:
				text.trim() === ')'
					? 'The closing parenthesis ends the FETCH response.'
					: 'The response goes on after its literal.',
			rfc: merge(row.rfc, rfc),
			notes,
			stateBefore: state,
			stateAfter: state,
			ref: row.ref
		};
	}

	/** A literal's content: how big, how many lines, and for a message its main fields. */
	#content(text: string, what: string, state: ImapStateId, octets?: number): Annotation {
		const row = imapResponsesByKey.get('literal')!;
		const notes: string[] = [];
		const rfc: RfcRef[] = [];
		const lines = text.split(/\r?\n/);
		if (lines.at(-1) === '') lines.pop();
		this.#add(notes, rfc, 'literal-content', {
			octets: groupDigits(octets ?? byteLength(lines.join('\r\n')) + (lines.length ? 2 : 0)),
			item: what,
			lines: lines.length
		});
		const m = analyzeMessage(lines.join('\r\n'));
		const shown = m.fields
			.filter((f) => SHOWN_FIELDS.has(f.name.toLowerCase()))
			.map((f) => `${f.name}: ${f.decoded ?? f.value}`.trim());
		if (shown.length) this.#add(notes, rfc, 'message-fields', { fields: shown.join(' · ') });
		return {
			title: `Content of ${what}`,
			summary: row.summary,
			detail: row.detail,
			rfc: merge(row.rfc, rfc),
			notes,
			stateBefore: state,
			stateAfter: state,
			ref: row.ref
		};
	}

	/** Notes on a bracketed response code (RFC 3501 §7.1). */
	#explainCode(code: ResponseCode, notes: string[], rfc: RfcRef[]): void {
		const row = imapResponseCodesByCode.get(code.code.toUpperCase());
		if (!row) return this.#add(notes, rfc, 'response-code-unknown', { code: code.code });
		for (const r of row.rfc) pushRfc(rfc, r);
		if ('value' in code && typeof code.value === 'number')
			this.#add(notes, rfc, 'response-code-value', {
				code: row.code,
				value: code.value,
				meaning: row.summary
			});
		else if ('flags' in code && Array.isArray(code.flags))
			this.#add(notes, rfc, 'response-code-value', {
				code: row.code,
				value: `(${code.flags.join(' ')})`,
				meaning: row.summary
			});
		else if ('capabilities' in code && Array.isArray(code.capabilities)) {
			this.#add(notes, rfc, 'response-code', {
				code: row.code,
				title: row.title,
				summary: row.summary
			});
			this.#capabilityList(code.capabilities, notes, rfc, true);
		} else
			this.#add(notes, rfc, 'response-code', {
				code: row.code,
				title: row.title,
				summary: row.summary
			});
	}

	/** A server line's annotation from its row; the state moves to `this.#state`. */
	#line(
		row: ImapResponseRow,
		notes: string[],
		rfc: RfcRef[],
		before: ImapStateId,
		code?: ResponseCode
	): Annotation {
		const codeRow = code ? imapResponseCodesByCode.get(code.code.toUpperCase()) : undefined;
		return {
			title: row.title,
			summary: row.summary,
			detail: row.detail,
			rfc: merge(row.rfc, rfc),
			notes,
			stateBefore: before,
			stateAfter: this.#state,
			ref: codeRow?.ref ?? row.ref
		};
	}

	#add(
		notes: string[],
		rfc: RfcRef[],
		id: string,
		values: Record<string, string | number> = {}
	): void {
		notes.push(imapNote(id, values));
		for (const r of imapNotesById.get(id)!.rfc) pushRfc(rfc, r);
	}
}

type Status = 'OK' | 'NO' | 'BAD' | 'PREAUTH' | 'BYE';

/** Annotates a whole IMAP session in order with a fresh ImapAnnotator. */
export function annotateImapTranscript(
	lines: readonly ImapAnnotateInput[],
	options: { listener?: string } = {}
): Annotation[] {
	const annotator = new ImapAnnotator(options);
	return lines.map((line) => annotator.annotate(line));
}

/**
 * A command or response as the protocol layer reads it: a line, or lines with literals in
 * between ("{n}" at a line's end, CRLF, then n octets), as the recorder stores a command that
 * carried one.
 */
export function framedOf(text: string): Framed {
	const segments: string[] = [];
	const literals: Uint8Array[] = [];
	const encoder = new TextEncoder();
	let rest = text;
	for (;;) {
		const m = /\{(\d+)\+?\}\r?\n/.exec(rest);
		if (!m) break;
		const start = m.index + m[0].length;
		const bytes = encoder.encode(rest.slice(start));
		const n = Number(m[1]);
		if (bytes.length < n) break;
		segments.push(rest.slice(0, m.index + m[0].length - (m[0].endsWith('\r\n') ? 2 : 1)));
		literals.push(bytes.slice(0, n));
		rest = new TextDecoder().decode(bytes.slice(n));
	}
	segments.push(rest);
	return { segments, literals };
}

/** How many arguments follow the command name on a line, a trailing literal announcement left out. */
function argumentsBefore(line: string, tag: string, word: string): number {
	return line
		.slice(tag.length + 1 + word.length)
		.replace(LITERAL_AT_END, '')
		.split(' ')
		.filter(Boolean).length;
}

function fetchItemName(i: FetchItem): string {
	if (i.item !== 'BODY[section]') return i.item;
	const name = bodySectionName(i.section, i.partial?.offset);
	const shown = i.partial
		? `${name.slice(0, name.lastIndexOf('<'))}<${i.partial.offset}.${i.partial.length}>`
		: name;
	return i.peek ? shown.replace(/^BODY/, 'BODY.PEEK') : shown;
}

function attributeName(a: FetchAttribute): string {
	if (a.name === 'BODY[section]') return bodySectionName(a.section, a.origin);
	return a.name;
}

function sequenceText(set: SequenceSet): string {
	return set.map((r) => (r.to === undefined ? String(r.from) : `${r.from}:${r.to}`)).join(',');
}

function searchKeyText(k: SearchKey): string {
	switch (k.key) {
		case 'NOT':
			return `NOT ${searchKeyText(k.operand)}`;
		case 'OR':
			return `OR (${searchKeyText(k.left)}) (${searchKeyText(k.right)})`;
		case 'AND':
			return `(${k.operands.map(searchKeyText).join(' ')})`;
		case 'UID':
		case 'SEQUENCE':
			return `${k.key === 'UID' ? 'UID ' : ''}${sequenceText(k.set)}`;
		default:
			return k.key;
	}
}

function flagsText(flags: string[]): string {
	if (!flags.length) return 'none';
	return flags
		.map((f) => {
			const row = imapFlagsByName.get(f.toUpperCase());
			return row ? `${f} (${row.title.split(' — ')[1]})` : f;
		})
		.join(', ');
}

/** The item a response's literal belongs to: "BODY[HEADER]" in "* 12 FETCH (BODY[HEADER] {342}". */
function literalItem(text: string): string {
	const before = text.slice(0, text.lastIndexOf('{')).trimEnd();
	return /(\S+)$/.exec(before)?.[1].replace(/^\(/, '') || 'a literal';
}

function pushRfc(list: RfcRef[], r: RfcRef): void {
	if (!list.some((x) => x.rfc === r.rfc && x.section === r.section)) list.push(r);
}

function merge(first: readonly RfcRef[], then: readonly RfcRef[]): RfcRef[] {
	const out = [...first];
	for (const r of then) pushRfc(out, r);
	return out;
}

function byteLength(s: string): number {
	return new TextEncoder().encode(s).length;
}

function groupDigits(n: number | string): string {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
