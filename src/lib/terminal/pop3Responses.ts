/**
 * Where a POP3 response ends, read from a session's events as they come. RFC 1939 §3: a
 * response is one status line ("+OK" or "-ERR"); after "+OK", some commands' responses go on
 * over more lines up to a line holding only "." (multi-line). POP3 answers in order, pipelined or
 * not (RFC 2449 §6.6), so a first-in-first-out queue of the client's commands says which command
 * each status line answers. Used by the lab's terminal (when to announce, when the next pasted
 * command may go) and by the example runner (when a step's responses are complete).
 * @see https://www.rfc-editor.org/rfc/rfc1939#section-3
 */
import type { SessionEvent } from '../messages';
import { opensMultiLine, pop3CommandsByVerb } from '../pop3/commands';

/**
 * Whether a +OK answer to this command line is multi-line, as the POP3 command table says
 * (CAPA, RETR, TOP always; LIST and UIDL without an argument).
 */
export function isMultiLineCommand(line: string): boolean {
	const [verb = '', ...args] = line.trim().split(/\s+/);
	const row = pop3CommandsByVerb.get(verb.toUpperCase());
	return row !== undefined && opensMultiLine(row, args);
}

/** A complete response: its status line (or SASL continuation) and the command it answers. */
export interface Pop3Response {
	/** "+OK …", "-ERR …", or "+ …" (an AUTH continuation, RFC 5034 §4). */
	status: string;
	ok: boolean;
	/** The command line it answers; null for the greeting. */
	command: string | null;
	/** Every line of the response, the status line first and the terminating "." last. */
	lines: string[];
}

export class Pop3Responses {
	/** Commands sent and not yet answered, oldest first. */
	#pending: string[] = [];
	/** The line after an AUTH continuation is the client's answer to it, not a command. */
	#inSasl = false;
	/** The response being read, while its multi-line body goes on. */
	#open: Pop3Response | null = null;

	/** Reads one event; returns the response it completes, if any. */
	feed(event: Pick<SessionEvent, 'dir' | 'text'>): Pop3Response | null {
		if (event.dir === 'client') {
			if (this.#inSasl) this.#inSasl = false;
			this.#pending.push(event.text);
			return null;
		}
		if (event.dir !== 'server') return null;
		if (this.#open) {
			this.#open.lines.push(event.text);
			if (event.text !== '.') return null;
			const done = this.#open;
			this.#open = null;
			return done;
		}
		// With no command waiting, a status line answers none: the greeting.
		const command = this.#pending.shift() ?? null;
		const continuation = event.text === '+' || event.text.startsWith('+ ');
		const ok = event.text.startsWith('+OK');
		const response: Pop3Response = { status: event.text, ok, command, lines: [event.text] };
		if (continuation) {
			this.#inSasl = true;
			return response;
		}
		if (ok && command !== null && isMultiLineCommand(command)) {
			this.#open = response;
			return null;
		}
		return response;
	}

	/** True while an AUTH exchange waits for the client's next (base64) line. */
	get inSasl(): boolean {
		return this.#inSasl;
	}
}

/** The complete responses among a list of events, in order. */
export function pop3ResponsesIn(events: readonly Pick<SessionEvent, 'dir' | 'text'>[]) {
	const reader = new Pop3Responses();
	const responses: Pop3Response[] = [];
	for (const event of events) {
		const done = reader.feed(event);
		if (done) responses.push(done);
	}
	return responses;
}
