/**
 * The one event schema shared by the server (recorder, bridge, API) and the browser.
 * Defined by issue 2: sessions are ordered lists of events; the WebSocket bridge speaks the
 * client/server messages below; both sides validate at the boundary with `parseClientMessage`
 * and `parseServerMessage`.
 */

// The listeners' names come from their table (src/lib/listeners.ts).
import { LISTENERS, type ListenerName, type Protocol } from './listeners';
import type { RosterRow } from './classes';
import type { Handout, StudentExercises } from './exercises/progress';
import type { Journey } from './delivery/journey';
import type { DnsLookup, DnsSnapshot } from './dns/lookups';
import type { ReaderAct } from './mail/readerActs';
import type { AuthenticationReport } from './auth/report';
import {
	EXAMPLE_STEP_MAX,
	ID_PATTERN,
	SLUG_PATTERN,
	examplePresence,
	nullableSessionId
} from './messageFields';
export { LISTENERS, type ListenerName, type Protocol };
export { EXAMPLE_STEP_MAX, SLUG_PATTERN };

export type Direction = 'client' | 'server' | 'system';

/** Something on the wire worth a learner's attention, detected from the bytes themselves. */
export type Anomaly =
	| 'bare-lf' // a line ended in LF without CR (RFC 5321 §2.3.8)
	| 'bare-cr' // a CR not followed by LF inside a line
	| 'dot-stuffed' // a DATA line the client began with an extra '.' (RFC 5321 §4.5.2)
	| 'smuggling-pattern' // <LF>.<LF>, <LF>.<CR><LF> or <CR><LF>.<LF> inside DATA (CVE-2023-51764 class)
	| '8bit-in-command' // bytes above 0x7F in a command line
	| 'nul-byte' // a NUL byte
	| 'line-too-long' // over RFC 5321 §4.5.3.1.4/6 limits
	| 'credentials-masked' // AUTH material hidden from this viewer
	| 'truncated'; // the recorder stopped keeping events for this session

export interface RfcRef {
	rfc: number;
	section: string;
}

export interface Annotation {
	title: string;
	summary: string;
	code?: number;
	enhanced?: string | null;
	class?: number;
	rfc?: RfcRef[];
	/** Longer teaching text, shown when a row is expanded. */
	detail?: string;
	/** Short notes on this particular line (syntax slips, limits, decoded base64). */
	notes?: string[];
	/** Session state before and after this line (state ids of src/lib/smtp's state machine). */
	stateBefore?: string;
	stateAfter?: string;
	/** Stable key into the reference tables, e.g. "commands/rcpt", "replies/550". */
	ref?: string;
}

export interface SessionEvent {
	seq: number;
	at: number;
	dir: Direction;
	text: string;
	anomalies: Anomaly[];
	annotation: Annotation;
	/** Lines of one multi-line reply share this id. */
	replyId?: number;
	/** Set on the one event that carries a message's DATA content. */
	messageId?: string;
	/** Set on system events: what happened. */
	kind?: 'connect' | 'starttls' | 'tls' | 'auth' | 'disconnect' | 'timeout' | 'truncated' | 'note';
}

/** Who opened it: a page's bridge, any other client, or the sandbox's outgoing queue (a hop). */
export type SessionOrigin = 'browser' | 'external' | 'queue';

export interface SessionSummary {
	id: string;
	listener: ListenerName;
	/** What the listener speaks (its row in src/lib/listeners.ts says). */
	protocol: Protocol;
	/** The real port this listener stands for (25, 587, 465). */
	standsFor: number;
	origin: SessionOrigin;
	clientAddress: string;
	startedAt: number;
	endedAt: number | null;
	endReason: string | null;
	tls: { protocol: string; cipher: string } | null;
	authUser: string | null;
	messageIds: string[];
	eventCount: number;
	truncated: boolean;
	/**
	 * The sandbox mail host that answered (src/lib/delivery/mailHosts.ts), for a hop of the
	 * outgoing queue; absent for the sandbox's own listeners.
	 */
	host?: string;
	/** For a hop: the submitted message whose journey it is part of (/journey/<id>). */
	journeyId?: string;
}

export type RecipientOutcome =
	| 'delivered' // in a sandbox mailbox
	| 'outbox' // accepted on submission for an outside domain: would be relayed, not sent (sandbox)
	| 'queued' // accepted on submission for a remote sandbox domain: the outgoing queue delivers it
	| 'deferred' // 4xx: the sender should retry
	| 'refused' // 5xx at RCPT or after DATA
	| 'bounced'; // accepted, then a delivery status notification went back to the sender

export interface RecipientResult {
	address: string;
	outcome: RecipientOutcome;
	/** The reply line this recipient got, e.g. "250 2.1.5 Accepted". */
	reply: string;
	/** DSN parameters given with RCPT TO (RFC 3461). */
	notify?: string[];
	orcpt?: string;
}

export interface Envelope {
	mailFrom: { address: string; params: Record<string, string | true> };
	rcptTo: { address: string; params: Record<string, string | true> }[];
}

export type MessageKind = 'mail' | 'bounce' | 'delivery-report';

export interface MessageSummary {
	id: string;
	sessionId: string | null;
	listener: ListenerName | null;
	kind: MessageKind;
	receivedAt: number;
	from: string;
	subject: string;
	size: number;
	envelope: Envelope;
	recipients: RecipientResult[];
	tls: boolean;
	authUser: string | null;
	/** Set on bounces and delivery reports: the message they report on. */
	reportsOn?: string;
	/**
	 * Set on a message that went through the outgoing queue (the submitted copy, each delivered
	 * copy, a bounce the queue wrote): the submitted message's id, whose journey it is.
	 */
	journeyId?: string;
	/** What readers did to its delivered copies (read, removed from a mailbox), oldest first. */
	readerActs?: ReaderAct[];
	/**
	 * What the receiving host found checking its SPF, DKIM and DMARC, and did about it (issue 20):
	 * set on a message an MX stored (the sandbox's mx listener, a mail host), accepted or refused.
	 */
	authentication?: AuthenticationReport;
}

export interface HeaderField {
	name: string;
	value: string;
}

export interface MimePart {
	/** Dotted path ("1", "1.2") usable in /api/messages/:id/parts/:part. */
	id: string;
	contentType: string;
	encoding: string | null;
	filename: string | null;
	disposition: string | null;
	/** Content-ID without its angle brackets: HTML parts refer to it as cid:… (RFC 2392). */
	contentId: string | null;
	/** Size of the decoded content in bytes. */
	size: number;
	children: MimePart[];
}

export interface MessageDetail extends MessageSummary {
	headers: HeaderField[];
	parts: MimePart[];
	/** False when the parser ran out of time or size budget: the raw bytes are still stored. */
	parsed: boolean;
	parseNote: string | null;
	/** The trace fields the sandbox added at delivery (Received, Return-Path). */
	traceFields: HeaderField[];
}

// ---- WebSocket messages ----

export type ClientMessage =
	| WatchJourney
	| { type: 'open'; listener: ListenerName }
	| { type: 'input'; data: string }
	| { type: 'close' }
	| { type: 'resume'; sessionId: string; resumeToken: string }
	| { type: 'watch'; sessionId: string; since?: number }
	| { type: 'unwatch'; sessionId: string }
	| { type: 'watch-all' }
	/** What a class member's page shows: sent on change and on (re)connect; ignored from others. */
	| { type: 'class-presence'; sessionId: string | null; example: ExamplePresence | null }
	/** A student's follow view subscribes to their class's teacher. */
	| { type: 'follow-class' }
	/** The teacher's console subscribes to the live roster. */
	| { type: 'watch-class' }
	/** Teacher only: a class session on every follower's screen (null: back to the teacher). */
	| { type: 'spotlight'; sessionId: string | null }
	/** A student's page subscribes to their own checklist on the class's handed-out exercises. */
	| { type: 'watch-exercises' }
	/** /dns follows the sandbox DNS's lookups. */
	| { type: 'watch-dns' };

/** /journey/<id> follows a submitted message's journey through the outgoing queue. */
export type WatchJourney = { type: 'watch-journey'; id: string };

/**
 * The outgoing queue's clock as the server read it (issue 17): simulated now, the lab's real now,
 * and how many simulated milliseconds pass per real one (QUEUE_TIME_SCALE).
 */
export interface QueueClockReading {
	now: number;
	realNow: number;
	scale: number;
}

/**
 * The example a page plays and where it is: the player's position, as `?step=N` deep links say
 * it (0 the introduction, N once N steps are done: step N on screen).
 */
export interface ExamplePresence {
	slug: string;
	step: number;
}

/** What a class's followers are shown: the teacher's page, or the session in the spotlight. */
export interface ClassFollow {
	teacher: { sessionId: string | null; example: ExamplePresence | null };
	spotlight: string | null;
	/** The spotlighted session's student, for the follow view's banner (null: none, or the teacher's). */
	spotlightNickname: string | null;
}

export type ServerMessage =
	| { type: 'opened'; session: SessionSummary; resumeToken: string }
	| { type: 'event'; sessionId: string; event: SessionEvent }
	| { type: 'closed'; sessionId: string; reason: string }
	| { type: 'snapshot'; sessions: SessionSummary[]; messages: MessageSummary[] }
	| { type: 'session'; session: SessionSummary }
	| { type: 'message'; message: MessageSummary }
	| { type: 'cleared'; what: 'sessions' | 'messages' }
	/** Deleted, or no longer this browser's to see (its owner deleted it for themselves). */
	| { type: 'removed'; what: 'session' | 'message'; id: string }
	| ({ type: 'class-follow' } & ClassFollow)
	/** The roster, and the session in the spotlight (every console of the teacher shows it). */
	| { type: 'class-roster'; roster: RosterRow[]; spotlight: string | null; handouts: Handout[] }
	/** To a student's page: the handouts and their own progress, again whenever either changes. */
	| ({ type: 'class-exercises' } & StudentExercises)
	/** To the class's followers and consoles: the class ended, and its data is deleted. */
	| { type: 'class-ended' }
	/** To a watch-dns: the zone, where the name server listens, the lookups so far. */
	| ({ type: 'dns-snapshot' } & DnsSnapshot)
	/** Then each new lookup the viewer may see. */
	| { type: 'dns-lookup'; lookup: DnsLookup }
	/**
	 * To a watch-journey: the journey now, and again whenever it changes. Its shape is checked by
	 * the journey page (src/lib/delivery/journeyMessage.ts), not here: this module is part of
	 * /lab's first load, and /lab never watches a journey.
	 */
	| { type: 'journey'; journey: Journey; clock: QueueClockReading }
	| { type: 'error'; message: string };

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail<T>(error: string): ParseResult<T> {
	return { ok: false, error };
}

/** Validates one message from a browser. Extra fields are ignored; wrong types are named. */
export function parseClientMessage(raw: string): ParseResult<ClientMessage> {
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch {
		return fail('invalid JSON');
	}
	if (!isRecord(value)) return fail('a message must be a JSON object');
	const type = value.type;
	if (typeof type !== 'string') return fail('"type" must be a string');
	switch (type) {
		case 'open':
			if (!LISTENERS.includes(value.listener as ListenerName))
				return fail(`"listener" must be one of ${LISTENERS.join(', ')}`);
			return { ok: true, value: { type, listener: value.listener as ListenerName } };
		case 'input':
			if (typeof value.data !== 'string') return fail('"data" must be a string');
			return { ok: true, value: { type, data: value.data } };
		case 'close':
		case 'watch-all':
		case 'follow-class':
		case 'watch-class':
		case 'watch-exercises':
		case 'watch-dns':
			return { ok: true, value: { type } };
		case 'class-presence': {
			const sessionId = nullableSessionId(value.sessionId);
			if (sessionId === undefined) return fail('"sessionId" must be a session id or null');
			const example = examplePresence(value.example);
			if (example === undefined)
				return fail(
					`"example" must be null or { slug: an example's slug, step: an integer from 0 to ${EXAMPLE_STEP_MAX} }`
				);
			return { ok: true, value: { type, sessionId, example } };
		}
		case 'spotlight': {
			const sessionId = nullableSessionId(value.sessionId);
			if (sessionId === undefined) return fail('"sessionId" must be a session id or null');
			return { ok: true, value: { type, sessionId } };
		}
		case 'resume':
			if (typeof value.sessionId !== 'string' || !ID_PATTERN.test(value.sessionId))
				return fail('"sessionId" must be a session id');
			if (typeof value.resumeToken !== 'string' || !ID_PATTERN.test(value.resumeToken))
				return fail('"resumeToken" must be a token string');
			return {
				ok: true,
				value: { type, sessionId: value.sessionId, resumeToken: value.resumeToken }
			};
		case 'watch':
			if (typeof value.sessionId !== 'string' || !ID_PATTERN.test(value.sessionId))
				return fail('"sessionId" must be a session id');
			if (
				value.since !== undefined &&
				(typeof value.since !== 'number' || !Number.isInteger(value.since) || value.since < 0)
			)
				return fail('"since" must be a non-negative integer');
			return {
				ok: true,
				value: { type, sessionId: value.sessionId, since: (value.since as number) ?? 0 }
			};
		case 'unwatch':
			if (typeof value.sessionId !== 'string' || !ID_PATTERN.test(value.sessionId))
				return fail('"sessionId" must be a session id');
			return { ok: true, value: { type, sessionId: value.sessionId } };
		case 'watch-journey':
			if (typeof value.id !== 'string' || !ID_PATTERN.test(value.id))
				return fail('"id" must be a message id');
			return { ok: true, value: { type, id: value.id } };
		default:
			return fail(`unknown message type "${type.slice(0, 40)}"`);
	}
}

const SERVER_TYPES = new Set([
	'opened',
	'event',
	'closed',
	'snapshot',
	'session',
	'message',
	'cleared',
	'removed',
	'class-follow',
	'class-roster',
	'class-exercises',
	'class-ended',
	'dns-snapshot',
	'dns-lookup',
	'journey',
	'error'
]);

/**
 * The browser's side of the boundary: a message from the server, checked for its type. The class
 * messages' shapes are checked by the class channel that subscribes to them
 * (src/lib/client/ClassChannel.ts), not here: this module is part of /lab's first load, and /lab
 * never gets one.
 */
export function parseServerMessage(raw: string): ParseResult<ServerMessage> {
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch {
		return fail('invalid JSON');
	}
	if (!isRecord(value) || typeof value.type !== 'string' || !SERVER_TYPES.has(value.type))
		return fail('unknown server message');
	return { ok: true, value: value as unknown as ServerMessage };
}
