/**
 * A message's journey through the outgoing queue (issue 17): how it was split, looked up, tried,
 * retried, delivered or bounced. The queue (server/queue) keeps one per submitted message that had
 * recipients at remote sandbox domains; /journey/<id> draws it. Times are given twice: real (the
 * lab's clock) and simulated (the queue's clock, QUEUE_TIME_SCALE times faster).
 */
import type { ReaderAct } from '../mail/readerActs';
import type { RfcRef } from '../messages';
import { ref } from '../smtp/rfc';

/** One try at one host: a connection, and the replies it got. */
export interface JourneyAttempt {
	/** 1 for the first try of this leg. */
	number: number;
	at: number;
	simulatedAt: number;
	/** The MX host tried, as DNS named it, with the endpoint connected to. */
	host: string;
	address: string;
	port: number;
	/** The session the host recorded (null when no connection was made). */
	sessionId: string | null;
	outcome: 'delivered' | 'deferred' | 'refused' | 'unreachable';
	/** The reply that decided it ("250 2.0.0 Accepted"), or what went wrong connecting. */
	reply: string;
	/** Per recipient, when the recipients fared differently (a 4xx for one, 250 for another). */
	recipients: { address: string; reply: string }[];
}

export type LegState =
	| 'queued' // waiting for its next attempt
	| 'sending' // an attempt is under way
	| 'delivered'
	| 'bounced'; // given up, refused (5xx), null MX, a loop: a bounce went back

/** The recipients that go to one destination server: one copy, one transaction (RFC 5321 §4.5.4.1). */
export interface JourneyLeg {
	id: string;
	domain: string;
	recipients: string[];
	state: LegState;
	/** The DNS lookups made for it (/dns#lookup-<id>). */
	lookupIds: string[];
	/** The exchangers in the order they are tried (equal preferences shuffled, RFC 5321 §5.1). */
	route: { preference: number | null; host: string }[];
	attempts: JourneyAttempt[];
	/** When the next attempt is due (simulated), while queued. */
	nextAttemptAt: number | null;
	/** The copy the destination host stored, once delivered. */
	deliveredMessageId: string | null;
	/** The bounce the queue sent back, if it gave up or was refused. */
	bounceMessageId: string | null;
	/** Delay notices sent (NOTIFY=DELAY). */
	delayNoticeIds: string[];
	/** Why it ended as it did, in a sentence, with its reply and RFC. */
	verdict: string | null;
	/**
	 * Set when a mail host sends this leg, not the outgoing server: a mailing list that took the
	 * message and posts a new one to its members (RFC 5321 §3.9.2) — the host, the address it
	 * connects from, the new message and its envelope sender.
	 */
	resent?: { by: string; address: string; messageId: string; from: string };
}

export interface Journey {
	/** The submitted message's id. */
	id: string;
	/** The submission session it came in on. */
	sessionId: string | null;
	from: string;
	subject: string;
	queuedAt: number;
	simulatedQueuedAt: number;
	/** When the queue gives up (simulated): queuedAt + QUEUE_MAX_AGE. */
	giveUpAt: number;
	/**
	 * How far this journey was fast-forwarded: its time is the queue clock's plus this. Only its
	 * own tries come sooner; every other message keeps its schedule.
	 */
	skippedMs: number;
	legs: JourneyLeg[];
	/** Recipients at outside domains: kept in the outbox, never looked up. */
	outbox: string[];
	/** Recipients delivered where they arrived (the sandbox's own domains). */
	local: string[];
	/**
	 * The journey's end (issue 18): what readers did to its copies — the submitted message's local
	 * deliveries, each leg's delivered copy, its bounce — oldest first. Filled from the messages
	 * when the journey is sent (server/queue/journeyAccess.ts), never saved with the queue.
	 */
	reads?: JourneyRead[];
}

/** A reader's act on one of the journey's copies (`messageId`). */
export interface JourneyRead extends ReaderAct {
	messageId: string;
}

/**
 * Minutes between tries of one destination: at least 30 (RFC 5321 §4.5.4.1), two tries in the
 * first hour, then backing off to one every two or three hours, as the RFC's experience says;
 * the last interval repeats until the give-up time.
 */
export const RETRY_INTERVALS_MINUTES = [30, 30, 120, 180] as const;

/** Give up after this long in the queue unless QUEUE_MAX_AGE says otherwise: "at least 4-5 days". */
export const DEFAULT_QUEUE_MAX_AGE_HOURS = 120;

/** A delay notice (NOTIFY=DELAY) goes back once the message has waited this long. */
export const DELAY_NOTICE_AFTER_HOURS = 4;

/** The simulated wait before try number `next` (2 for the first retry). */
export function retryDelayMs(next: number): number {
	const i = Math.min(next - 2, RETRY_INTERVALS_MINUTES.length - 1);
	return RETRY_INTERVALS_MINUTES[Math.max(0, i)] * 60_000;
}

/** Why each kind of verdict happens, for the journey page. */
export const JOURNEY_RULES: Record<string, { text: string; rfc: RfcRef[] }> = {
	split: {
		text: 'One transaction per destination server, with all of its recipients in it.',
		rfc: [ref(5321, '4.5.4.1'), ref(5321, '3.3')]
	},
	retry: {
		text: 'A 4xx reply or no connection: the message stays queued and is tried again later, at least 30 minutes apart, until the queue gives up after days.',
		rfc: [ref(5321, '4.5.4.1'), ref(5321, '4.2.1')]
	},
	refused: {
		text: 'A 5xx reply is final: the queue stops and sends a bounce from <> to the envelope sender.',
		rfc: [ref(5321, '4.2.1'), ref(5321, '6.1'), ref(3464, '2')]
	},
	giveUp: {
		text: 'After QUEUE_MAX_AGE the queue gives up and bounces, with the last real error as the status.',
		rfc: [ref(5321, '4.5.4.1'), ref(3463, '3.5')]
	},
	nullMx: {
		text: 'A null MX says the domain accepts no mail: nothing is tried, 556 5.1.10.',
		rfc: [ref(7505, '3'), ref(7505, '4.1')]
	},
	loop: {
		text: 'The best MX is this server itself: a routing loop, caught before connecting (5.4.6).',
		rfc: [ref(5321, '5.1'), ref(3463, '3.5')]
	},
	resent: {
		text: 'A mailing list is not a relay: it took the message, and now sends a new one to each member from its own host, with the list as the envelope sender (bounces go to the list) and its own changes: List-Id, List-Post and a footer.',
		rfc: [ref(5321, '3.9.2'), ref(5321, '2.3.10'), ref(2919, '2'), ref(2369, '3.4')]
	}
};
