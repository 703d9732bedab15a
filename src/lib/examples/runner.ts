/**
 * The pure half of the example player: turns a script's step into the exact bytes to send, and
 * reads a step's events to tell when its replies have arrived and whether they are the expected
 * ones. No sockets, no DOM: the browser player and the integration test drive it the same way
 * (see driver.ts).
 */
import type { AuthenticationReport } from '../auth/report';
import type { Journey, JourneyAttempt, JourneyLeg } from '../delivery/journey';
import type { MessageSummary, Protocol, SessionEvent } from '../messages';
import { parseReply } from '../smtp/protocol/replyParser';
import { imapResponsesIn } from '../terminal/imapResponses';
import { pop3ResponsesIn } from '../terminal/pop3Responses';
import type {
	ExpectedImapResponse,
	ExpectedLeg,
	ExpectedPop3Response,
	ExpectedReply,
	ExpectedResponse,
	ExpectedTry,
	ExpectedVerdict,
	RunContext,
	Step
} from './types';

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
		case 'journey':
		case 'side':
		case 'auth':
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

/** A complete reply or response as it came, with every one of its lines. */
export type ObservedReply = ExpectedResponse & { lines: string[] };

/** The complete replies among a step's events, in order (RFC 5321 §4.2.1 multi-line replies). */
export function repliesIn(
	events: readonly SessionEvent[]
): (ExpectedReply & { lines: string[] })[] {
	const replies: (ExpectedReply & { lines: string[] })[] = [];
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

/** "-ERR [IN-USE] …" → status "-ERR", response code "IN-USE" (RFC 1939 §3, RFC 2449 §8). */
export function pop3Status(line: string): ExpectedPop3Response {
	const match = /^(\+OK|-ERR|\+)(?: \[([^\]]*)\])?/.exec(line);
	return {
		status: (match?.[1] ?? '-ERR') as ExpectedPop3Response['status'],
		responseCode: match?.[2] ?? null
	};
}

/** The complete POP3 responses among a step's events, multi-line ones up to their "." line. */
export function pop3RepliesIn(events: readonly SessionEvent[]): ObservedReply[] {
	return pop3ResponsesIn(events).map((response) => ({
		...pop3Status(response.status),
		lines: response.lines
	}));
}

/**
 * "a3 NO [TRYCREATE] …" → NO, TRYCREATE (the response code's name, without its arguments);
 * "+ idling" → "+" (RFC 3501 §7.1, §7.5).
 */
export function imapStatus(line: string): ExpectedImapResponse {
	if (line === '+' || line.startsWith('+ ')) return { imap: '+', responseCode: null };
	const match = /^\S+ (OK|NO|BAD|PREAUTH|BYE)(?: \[([^\]\s]*))?/i.exec(line);
	const status = match?.[1].toUpperCase() ?? 'BAD';
	return {
		imap: (status === 'PREAUTH' ? 'OK' : status === 'BYE' ? 'NO' : status) as 'OK',
		responseCode: match?.[2] ?? null
	};
}

/** The complete IMAP responses among a step's events, each up to its tagged completion. */
export function imapRepliesIn(events: readonly SessionEvent[]): ObservedReply[] {
	return imapResponsesIn(events).map((response) => ({
		...imapStatus(response.status),
		lines: response.lines
	}));
}

export interface StepProgress {
	replies: ObservedReply[];
	/** Every expected reply has arrived (and, after STARTTLS's 220 or STLS's +OK, the TLS handshake finished). */
	done: boolean;
}

/** Reads the events a step has produced so far, in the protocol of the step's session. */
export function stepProgress(
	step: Step,
	events: readonly SessionEvent[],
	protocol: Protocol = 'smtp'
): StepProgress {
	const replies =
		protocol === 'pop3'
			? pop3RepliesIn(events)
			: protocol === 'imap'
				? imapRepliesIn(events)
				: repliesIn(events);
	let done = replies.length >= step.expect.length;
	// After "220 Ready to start TLS" (or POP3's "+OK" to STLS, RFC 2595 §4) the bridge shakes
	// hands; the next command must wait for it.
	if (
		done &&
		step.kind === 'send' &&
		step.lines.some((l) => /^(\S+ )?(STARTTLS|STLS)\s*$/i.test(l))
	) {
		const last = replies.at(-1)!;
		const ready =
			'imap' in last
				? last.imap === 'OK'
				: 'status' in last
					? last.status === '+OK'
					: last.code === 220;
		if (ready) done = events.some((e) => e.dir === 'system' && e.kind === 'tls');
	}
	return { replies, done };
}

/**
 * The number a UIDL listing gives a message ("2 <id>", RFC 1939 §7 unique-id listing), or null
 * when the listing does not name it.
 */
export function messageNumberIn(
	replies: readonly ObservedReply[],
	messageId: string
): string | null {
	for (const reply of replies)
		for (const line of reply.lines) {
			const [number, uid] = line.split(' ');
			if (uid === messageId && /^[1-9]\d*$/.test(number)) return number;
		}
	return null;
}

export interface ReplyCheck {
	expected: ExpectedResponse;
	observed: ObservedReply | null;
	ok: boolean;
}

/** Each expected reply beside the one that came; ok when they read the same (codes, status). */
export function checkReplies(
	expected: readonly ExpectedResponse[],
	observed: readonly ObservedReply[]
): ReplyCheck[] {
	return expected.map((want, i) => {
		const got = observed[i] ?? null;
		return {
			expected: want,
			observed: got,
			ok: got !== null && formatExpected(got) === formatExpected(want)
		};
	});
}

/** "250 2.1.0", "220", "+OK", "-ERR [IN-USE]". */
export function formatExpected(reply: ExpectedResponse): string {
	if ('imap' in reply)
		return reply.responseCode ? `${reply.imap} [${reply.responseCode}]` : reply.imap;
	if ('status' in reply)
		return reply.responseCode ? `${reply.status} [${reply.responseCode}]` : reply.status;
	return reply.enhanced ? `${reply.code} ${reply.enhanced}` : String(reply.code);
}

/** True when a step ends the session: it says QUIT (or IMAP's LOGOUT, RFC 3501 §6.1.3). */
export function endsSession(step: Step): boolean {
	return step.kind === 'send' && step.lines.some((l) => /^(QUIT|\S+ LOGOUT)\s*$/i.test(l));
}

/** The untagged responses a step awaits ("* 3 EXISTS" for EXISTS) among a session's events. */
export function heardUntagged(events: readonly SessionEvent[], name: string): boolean {
	const untagged = new RegExp(`^\\* \\d+ ${name}$`, 'i');
	return events.some((e) => e.dir === 'server' && untagged.test(e.text));
}

/** A leg of the journey beside the one the script expected, when the step ended. */
export interface LegCheck {
	/** Null: a leg the script did not expect (the journey must have exactly the expected legs). */
	expected: ExpectedLeg | null;
	/** Null: the journey has no leg for the expected domain. */
	observed: JourneyLeg | null;
	ok: boolean;
}

export interface JourneyProgress {
	/** Every expected leg has made its tries and settled (or cannot: missing, or finished). */
	done: boolean;
	checks: LegCheck[];
}

/** The code and enhanced code of a hop's reply ("451 4.7.1 …"); null for a connection error. */
export function hopReply(reply: string): ExpectedReply | null {
	const match = /^([2-5]\d\d)(?:[ -]([245]\.\d{1,3}\.\d{1,3})\b)?/.exec(reply);
	return match ? { code: Number(match[1]), enhanced: match[2] ?? null } : null;
}

function tryMatches(expected: ExpectedTry, attempt: JourneyAttempt | undefined): boolean {
	if (!attempt) return false;
	if (expected.host !== undefined && expected.host !== attempt.host) return false;
	if (expected.outcome !== attempt.outcome) return false;
	const got = hopReply(attempt.reply);
	if (expected.reply === null) return got === null;
	return got?.code === expected.reply.code && got.enhanced === expected.reply.enhanced;
}

/**
 * Whether a leg has got as far as the step waits for: its expected tries made, not in the middle
 * of a try, and in the expected state — or finished (delivered, bounced), when no more will come.
 */
function legSettled(expected: ExpectedLeg, leg: JourneyLeg): boolean {
	if (leg.state === 'delivered' || leg.state === 'bounced') return true;
	if (leg.state === 'sending' || leg.attempts.length < expected.tries.length) return false;
	return expected.state === undefined || leg.state === expected.state;
}

/** Reads a journey against a journey step's expected legs (RFC 5321 §4.5.4.1: one per destination). */
export function journeyProgress(step: Step, journey: Journey): JourneyProgress {
	const expectedLegs = step.kind === 'journey' ? step.legs : [];
	const checks: LegCheck[] = expectedLegs.map((expected) => {
		const observed = journey.legs.find((l) => l.domain === expected.domain) ?? null;
		const ok =
			observed !== null &&
			legSettled(expected, observed) &&
			observed.attempts.length >= expected.tries.length &&
			(expected.state === undefined || observed.state === expected.state) &&
			expected.tries.every((t, i) => tryMatches(t, observed.attempts[i]));
		return { expected, observed, ok };
	});
	for (const leg of journey.legs)
		if (!expectedLegs.some((e) => e.domain === leg.domain))
			checks.push({ expected: null, observed: leg, ok: false });
	const done = checks.every(
		(c) => c.expected === null || c.observed === null || legSettled(c.expected, c.observed)
	);
	return { done, checks };
}

/**
 * When a journey step may press fast-forward: it asks for it, is not done, and a leg waits for a
 * retry. The key names that wait (leg and tries so far), so one wait is skipped once.
 */
export function fastForwardKey(step: Step, journey: Journey): string | null {
	if (step.kind !== 'journey' || !step.fastForward || journeyProgress(step, journey).done)
		return null;
	const waiting = journey.legs.find((l) => l.state === 'queued' && l.nextAttemptAt !== null);
	return waiting ? `${waiting.id}:${waiting.attempts.length}` : null;
}

/** "mx.greylist.test 451 4.7.1, then 250 2.0.0 → delivered", for the expected side of a check. */
export function formatExpectedLeg(leg: ExpectedLeg): string {
	const tries = leg.tries.map(
		(t) =>
			`${t.host ?? 'an MX'} ${t.reply ? formatExpected(t.reply) : 'no connection'} (${t.outcome})`
	);
	const state = leg.state ? ` → ${leg.state}` : '';
	return `${tries.join(', then ') || 'any tries'}${state}`;
}

/** What marks a message as this run's: the run's sessions and the messages they had accepted. */
export interface RunTraces {
	sessionIds: readonly string[];
	messageIds: readonly string[];
}

/**
 * The copy an auth step looks at: a message of this run — stored in one of its sessions, or on
 * the journey of one of its messages — checked by the verdict's host (its authserv-id; absent:
 * stored in one of the run's own sessions, the sandbox's mx listener), for the verdict's
 * recipient. The newest such copy, or null while there is none.
 */
export function verdictMessage(
	verdict: ExpectedVerdict,
	messages: readonly MessageSummary[],
	run: RunTraces
): MessageSummary | null {
	const recipient = verdict.recipient.toLowerCase();
	let found: MessageSummary | null = null;
	for (const message of messages) {
		const report = message.authentication;
		if (!report) continue;
		const inSession = message.sessionId !== null && run.sessionIds.includes(message.sessionId);
		const onJourney = message.journeyId !== undefined && run.messageIds.includes(message.journeyId);
		const mine =
			verdict.host === undefined
				? inSession
				: report.authservId === verdict.host && (inSession || onJourney);
		if (!mine || !message.recipients.some((r) => r.address.toLowerCase() === recipient)) continue;
		if (!found || message.receivedAt > found.receivedAt) found = message;
	}
	return found;
}

/** One result of the MX's verdict beside the one the script expected. */
export interface VerdictCheck {
	/** The method (RFC 8601 §2.7) or, for "action", what the MX did with the message. */
	what: 'spf' | 'dkim' | 'dmarc' | 'action';
	expected: string;
	/** Null: the message carries no check at all. */
	observed: string | null;
	ok: boolean;
}

/** The verdict the script expects beside the MX's report, method by method. */
export function checkVerdict(
	verdict: ExpectedVerdict,
	report: AuthenticationReport | undefined
): VerdictCheck[] {
	const observed = report && {
		spf: report.spf.result,
		dkim: report.dkim[0]?.result ?? 'none',
		dmarc: report.dmarc?.result ?? 'none',
		action: report.decision.action
	};
	return (['spf', 'dkim', 'dmarc', 'action'] as const).map((what) => ({
		what,
		expected: verdict[what],
		observed: observed?.[what] ?? null,
		ok: observed?.[what] === verdict[what]
	}));
}

/** "spf=pass" for a method, "→ inbox" for the action, as the player shows a check. */
export function formatVerdictPart(what: VerdictCheck['what'], value: string | null): string {
	if (value === null) return 'no check';
	return what === 'action' ? `→ ${value}` : `${what}=${value}`;
}
