/**
 * Where an IMAP command's response ends, read from a session's events as they come. RFC 3501
 * §2.2.2: the server answers each command with any number of untagged lines ("* …") and ends
 * with the tagged completion ("<tag> OK|NO|BAD …", §7.1) carrying the command's own tag; a "+"
 * line is a command continuation request (§7.5: send the literal, AUTHENTICATE's next answer,
 * or — after IDLE, RFC 2177 §3 — DONE). A response line ending in "{n}" announces a literal
 * (§4.3): the recorder stores its octets as one content event, then the rest of the line, so a
 * literal's text is never read as a status line. Commands may be pipelined (§5.5); the tag says
 * which one a completion ends. Used by the lab's terminal and the example runner.
 * @see https://www.rfc-editor.org/rfc/rfc3501#section-2.2.2
 */
import type { SessionEvent } from '../messages';

/** A complete response: its tagged completion (or continuation, or the greeting). */
export interface ImapResponse {
	/** "<tag> OK …", "+ …" (a continuation request), or the greeting "* OK …". */
	status: string;
	/** OK (or PREAUTH for a greeting, or a continuation): the command went through so far. */
	ok: boolean;
	/** The command line it answers; null for the greeting. */
	command: string | null;
	/** Every line of the response, untagged data first, the completion last (literals left out). */
	lines: string[];
}

/** RFC 3501 §9: tag = 1*<any ASTRING-CHAR except "+">; a completion is tag SP cond SP text. */
const COMPLETION = /^(\S+) (OK|NO|BAD)\b/i;
/** §4.3: a literal's announcement ends a line. */
const LITERAL = /\{\d+\}$/;

export class ImapResponses {
	/** Tags of commands sent and not yet completed, with their lines, oldest first. */
	#pending: { tag: string; line: string }[] = [];
	/** Lines since the last completion. */
	#lines: string[] = [];
	#greeted = false;
	/** After a "+": the client's next line is the continuation, not a new command. */
	#continuing = false;
	/** A client line announced a literal: its octets and the rest of the command come next. */
	#clientLiteral = false;
	/** A server line announced a literal: the next server event is its octets. */
	#serverLiteral = false;

	/** Reads one event; returns the response it completes, if any. */
	feed(event: Pick<SessionEvent, 'dir' | 'text'>): ImapResponse | null {
		if (event.dir === 'client') {
			if (this.#continuing || this.#clientLiteral) {
				this.#continuing = false;
				this.#clientLiteral = LITERAL.test(event.text);
				return null;
			}
			const tag = event.text.split(' ', 1)[0];
			this.#pending.push({ tag, line: event.text });
			this.#clientLiteral = LITERAL.test(event.text);
			return null;
		}
		if (event.dir !== 'server') return null;
		if (this.#serverLiteral) {
			this.#serverLiteral = false;
			return null;
		}
		const text = event.text;
		this.#serverLiteral = LITERAL.test(text);
		if (text === '+' || text.startsWith('+ ')) {
			this.#continuing = true;
			return this.#done(text, true, this.#pending.at(-1)?.line ?? null);
		}
		if (!this.#greeted && this.#pending.length === 0 && /^\* (OK|PREAUTH|BYE)\b/i.test(text)) {
			this.#greeted = true;
			return this.#done(text, !/^\* BYE/i.test(text), null);
		}
		const completion = COMPLETION.exec(text);
		if (!completion || completion[1] === '*') {
			this.#lines.push(text);
			return null;
		}
		// A tag this reader never saw sent: a command from before it started reading (an example
		// step that begins inside IDLE reads DONE's answer to the IDLE before it).
		const index = this.#pending.findIndex((p) => p.tag === completion[1]);
		const [answered] = index < 0 ? [null] : this.#pending.splice(index, 1);
		this.#continuing = false;
		return this.#done(text, completion[2].toUpperCase() === 'OK', answered?.line ?? null);
	}

	#done(status: string, ok: boolean, command: string | null): ImapResponse {
		const lines = [...this.#lines, status];
		this.#lines = [];
		return { status, ok, command, lines };
	}
}

/** The complete responses among a list of events, in order. */
export function imapResponsesIn(events: readonly Pick<SessionEvent, 'dir' | 'text'>[]) {
	const reader = new ImapResponses();
	const responses: ImapResponse[] = [];
	for (const event of events) {
		const done = reader.feed(event);
		if (done) responses.push(done);
	}
	return responses;
}

/**
 * The tag the lab offers next: "a" and one more than the highest "a<n>" the learner used (RFC
 * 3501 §2.2.1: a fresh tag per command; any tag the learner types is fine too).
 */
export function nextImapTag(events: readonly Pick<SessionEvent, 'dir' | 'text'>[]): string {
	let highest = 0;
	for (const e of events) {
		const n = e.dir === 'client' ? /^a(\d+) /i.exec(e.text) : null;
		if (n) highest = Math.max(highest, Number(n[1]));
	}
	return `a${highest + 1}`;
}
