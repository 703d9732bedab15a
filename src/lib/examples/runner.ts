/**
 * The pure half of the example player: turns a script's step into the exact bytes to send, and
 * reads a step's events to tell when its replies have arrived and whether they are the expected
 * ones. No sockets, no DOM: the browser player and the integration test drive it the same way
 * (see driver.ts).
 */
import type { SessionEvent } from '../messages';
import { parseReply } from '../smtp/protocol/replyParser';
import type { ExpectedReply, RunContext, Step } from './types';

/** The bridge refuses `input` longer than this (server/bridge MAX_INPUT_CHARS is 16 KiB). */
export const INPUT_CHUNK_CHARS = 16_000;

const PLACEHOLDER = /\{(\w+)\}/g;

/** Fills `{name}` placeholders from the run: run tag, sandbox settings, facts of the messages. */
export function fill(template: string, ctx: RunContext): string {
	const values: Record<string, string | number> = {
		run: ctx.run,
		greylistSeconds: ctx.greylistSeconds,
		maxMessageBytes: ctx.maxMessageBytes,
		sizeOverLimit: ctx.maxMessageBytes + 1,
		...ctx.facts
	};
	return template.replace(PLACEHOLDER, (whole, name: string) =>
		name in values ? String(values[name]) : whole
	);
}

/**
 * RFC 5321 §4.5.2: a line of the message that starts with "." gets one more "." so that it cannot
 * be taken for the end-of-data marker; the receiver removes it.
 * @see https://www.rfc-editor.org/rfc/rfc5321#section-4.5.2
 */
export function dotStuffMessage(message: string): string {
	const crlf = message.replace(/\r?\n/g, '\r\n');
	const ended = crlf.endsWith('\r\n') ? crlf : `${crlf}\r\n`;
	return ended.replace(/(^|\r\n)\./g, '$1..');
}

/** A message just over the limit: ordinary 76-character lines until it passes `limit` bytes. */
export function oversizeMessage(
	subject: string,
	limit: number,
	from = 'alice@example.org'
): string {
	const head = `From: <${from}>\r\nTo: <bob@example.com>\r\nSubject: ${subject}\r\n\r\n`;
	const line = `${'0123456789'.repeat(7)}ABCDEF\r\n`;
	const count = Math.ceil((limit - head.length) / line.length) + 64;
	return head + line.repeat(count);
}

/** Splits text into pieces the bridge accepts in one `input` message. */
export function chunk(data: string, size = INPUT_CHUNK_CHARS): string[] {
	const pieces: string[] = [];
	for (let at = 0; at < data.length; at += size) pieces.push(data.slice(at, at + size));
	return pieces;
}

/** The exact bytes a step sends, as `input` messages in order (none for open and wait). */
export function stepInput(step: Step, ctx: RunContext): string[] {
	switch (step.kind) {
		case 'open':
		case 'wait':
			return [];
		case 'send':
			return chunk(step.lines.map((line) => `${fill(line, ctx)}\r\n`).join(''));
		case 'data': {
			const source = step.message;
			if (source.kind === 'raw') return chunk(fill(source.bytes, ctx));
			const composed = source.kind === 'compose' ? ctx.messages[step.id] : undefined;
			if (source.kind === 'compose' && composed === undefined)
				throw new Error(`no composed message for step "${step.id}"`);
			const message =
				composed !== undefined
					? fill(composed, ctx)
					: oversizeMessage(source.kind === 'oversize' ? source.subject : '', ctx.maxMessageBytes);
			return chunk(`${dotStuffMessage(message)}.\r\n`);
		}
	}
}

/** How long a `wait` step waits, in milliseconds: the window plus a margin for clocks. */
export function waitMs(step: Step, ctx: RunContext): number {
	return step.kind === 'wait' ? ctx.greylistSeconds * 1000 + 400 : 0;
}

export interface ObservedReply {
	code: number;
	enhanced: string | null;
	/** Every line of the reply. */
	lines: string[];
}

/** The complete replies among a step's events, in order (RFC 5321 §4.2.1 multi-line replies). */
export function repliesIn(events: readonly SessionEvent[]): ObservedReply[] {
	const replies: ObservedReply[] = [];
	let lines: string[] = [];
	for (const event of events) {
		if (event.dir !== 'server') continue;
		lines.push(event.text);
		const reply = parseReply(event.text);
		// A continuation ("250-…") or a line that is no reply: the reply is not complete yet.
		if (!reply?.last) continue;
		// The enhanced code is on every line of a reply that has one; take the final line's.
		replies.push({ code: reply.code, enhanced: reply.enhanced, lines });
		lines = [];
	}
	return replies;
}

export interface StepProgress {
	replies: ObservedReply[];
	/** Every expected reply has arrived (and, after STARTTLS's 220, the TLS handshake finished). */
	done: boolean;
}

/** Reads the events a step has produced so far. */
export function stepProgress(step: Step, events: readonly SessionEvent[]): StepProgress {
	const replies = repliesIn(events);
	let done = replies.length >= step.expect.length;
	// After "220 Ready to start TLS" the bridge shakes hands; the next command must wait for it.
	if (done && step.kind === 'send' && step.lines.some((l) => /^STARTTLS\s*$/i.test(l))) {
		const ready = replies.at(-1)?.code === 220;
		if (ready) done = events.some((e) => e.dir === 'system' && e.kind === 'tls');
	}
	return { replies, done };
}

export interface ReplyCheck {
	expected: ExpectedReply;
	observed: ObservedReply | null;
	ok: boolean;
}

/** Each expected reply beside the one that came; ok when code and enhanced code both match. */
export function checkReplies(
	expected: readonly ExpectedReply[],
	observed: readonly ObservedReply[]
): ReplyCheck[] {
	return expected.map((want, i) => {
		const got = observed[i] ?? null;
		return {
			expected: want,
			observed: got,
			ok: got !== null && got.code === want.code && got.enhanced === want.enhanced
		};
	});
}

export function formatExpected(reply: ExpectedReply): string {
	return reply.enhanced ? `${reply.code} ${reply.enhanced}` : String(reply.code);
}

/** True when a step ends the session: it says QUIT. */
export function endsSession(step: Step): boolean {
	return step.kind === 'send' && step.lines.some((l) => /^QUIT\s*$/i.test(l));
}
