/**
 * What the exercise checks read of a student's work, and the readings they share. Pure: the same
 * code runs on the server (the class dashboard) and in the browser (the student's checklist).
 */
import type {
	HeaderField,
	MessageSummary,
	MimePart,
	SessionEvent,
	SessionSummary
} from '../messages';

/** One recorded session: its summary and its events, annotated by the recorder. */
export interface ExerciseSession {
	summary: SessionSummary;
	/** In order; the checks read dir, text, kind, messageId and annotation.ref/stateBefore. */
	events: SessionEvent[];
}

/** One stored message: its summary and what the message view parsed of it. */
export interface ExerciseMessage extends MessageSummary {
	/** The message's own header fields (MessageDetail.headers, not its traceFields), for To/Cc/Bcc. */
	headers: HeaderField[];
	/** Its MIME tree (MessageDetail.parts), for attachments and delivery-status reports. */
	parts: MimePart[];
	/** The stored message as text, without the trace fields; the server has removed the dot-stuffing. */
	raw: string;
}

/** Everything a student did that the checks may read. */
export interface ExerciseWork {
	sessions: ExerciseSession[];
	messages: ExerciseMessage[];
}

/**
 * A client line and the final reply that answered it. Replies come in the order of the lines
 * they answer, pipelined or not (RFC 5321 §4.2, RFC 2920 §3), so they are paired first in,
 * first out; the greeting answers nothing.
 */
export interface Exchange {
	/** Position of the client line in the session's events. */
	index: number;
	/** "MAIL", "RCPT", … (from the annotation's ref); "CONTENT" the message, "END" its final dot. */
	verb: string;
	text: string;
	/** The final reply's code; null when none came. */
	code: number | null;
	/**
	 * Lines sent with no server line between them share a group number: the recorder keeps the
	 * order of the wire, so a pipelined group shows as client lines in a row (RFC 2920 §3.1).
	 */
	group: number;
	/** The message id the recorder set on the content event (CONTENT only). */
	messageId?: string;
}

const FINAL_REPLY = /^(\d{3})(?: |$)/;

export function exchanges(session: ExerciseSession): Exchange[] {
	const all: Exchange[] = [];
	const waiting: Exchange[] = [];
	let greeted = false;
	let group = 0;
	let lastDir: string | null = null;
	session.events.forEach((event, index) => {
		if (event.dir === 'server') {
			lastDir = 'server';
			const final = FINAL_REPLY.exec(event.text);
			if (!final) return;
			if (!greeted) {
				greeted = true;
				return;
			}
			const answered = waiting.shift();
			if (answered) answered.code = Number(final[1]);
			return;
		}
		if (event.dir !== 'client') return;
		if (lastDir !== 'client') group++;
		lastDir = 'client';
		const exchange: Exchange = { index, verb: verbOf(event), text: event.text, code: null, group };
		if (exchange.verb === 'CONTENT') {
			// The content is answered by the reply to its final dot, recorded as its own line.
			if (event.messageId) exchange.messageId = event.messageId;
		} else waiting.push(exchange);
		all.push(exchange);
	});
	return all;
}

function verbOf(event: SessionEvent): string {
	const ref = event.annotation.ref ?? '';
	if (event.annotation.stateBefore === 'data') return event.text === '.' ? 'END' : 'CONTENT';
	return ref.startsWith('commands/') ? ref.slice('commands/'.length).toUpperCase() : 'UNKNOWN';
}

/** Every exchange of every session, each with its session. */
export function allExchanges(work: ExerciseWork): { session: ExerciseSession; list: Exchange[] }[] {
	return work.sessions.map((session) => ({ session, list: exchanges(session) }));
}

export function isPositive(code: number | null): boolean {
	return code !== null && code >= 200 && code < 300;
}

/** The address of a MAIL FROM or RCPT TO line, with or without angle brackets, lower-cased. */
export function pathAddress(text: string): string {
	const arg = text.replace(/^[^:]*:\s*/, '').trim();
	const bracketed = /^<([^>]*)>/.exec(arg);
	return (bracketed ? bracketed[1] : arg.split(/\s/)[0]).toLowerCase();
}

/** The path is written inside angle brackets, as RFC 5321 §4.1.2 requires. */
export function hasAngleBrackets(text: string): boolean {
	return /^[^:]*:\s*</.test(text);
}

/** A teaching mailbox's local part (src/lib/sandboxPolicy.ts) at any domain. */
export function isLocalPart(address: string, localPart: string): boolean {
	return address.toLowerCase().startsWith(`${localPart}@`);
}

/** A part and all the parts inside it. */
export function flattenParts(parts: readonly MimePart[]): MimePart[] {
	return parts.flatMap((p) => [p, ...flattenParts(p.children)]);
}

export function headerValues(message: ExerciseMessage, name: string): string[] {
	return message.headers
		.filter((h) => h.name.toLowerCase() === name.toLowerCase())
		.map((h) => h.value.toLowerCase());
}

/** The addresses a header field's value names, lower-cased (display names and comments left out). */
export function addressesIn(value: string): string[] {
	return (value.match(/[^\s<>,;:"()]+@[^\s<>,;:"()]+/g) ?? []).map((a) => a.toLowerCase());
}

/** The lines of a text, whatever its line ends. */
export function linesOf(text: string): string[] {
	return text.split(/\r?\n/);
}
