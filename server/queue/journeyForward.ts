/**
 * A journey's fast-forward across instances (issue 21). A journey is sent by exactly one instance
 * (the one that queued it, or the one that took a stopped one's place); every other one only
 * shows it. The learner's page may well be on another instance than the one sending (sticky
 * routing by cookie, the mail client balanced by address), so a fast-forward asked where the
 * journey is only shown goes over the shared store's bus to the instance that sends it, which
 * makes the skip and answers. The bus stores nothing: an ask nobody answers within
 * JOURNEY_FORWARD_TIMEOUT_MS (the sender stopped and nobody took over yet) is unanswered.
 *
 * Each instance checks what it receives: the bus is a boundary like any other.
 */
import { randomUUID } from 'node:crypto';
import { isRecord, type QueueClockReading } from '../../src/lib/messages';
import { ID_PATTERN } from '../../src/lib/messageFields';
import type { SharedPersistence } from '../store/persistence';
import { readQueueClock, type JourneySource } from './journeyAccess';

export const JOURNEY_FORWARD_TOPIC = 'journey-fast-forward';

/**
 * How long an instance waits for the sender's answer. The sender answers at once (the skip is
 * synchronous) and a NOTIFY round trip takes milliseconds; this leaves room for a busy database
 * while the learner, who pressed the button, still gets an answer soon.
 */
export const JOURNEY_FORWARD_TIMEOUT_MS = 2000;

/** What the sender did: how far it skipped and the journey's clock there, or null: nothing waits. */
export type ForwardedSkip = { skippedMs: number; clock: QueueClockReading } | null;

export type JourneyForwardMessage =
	/** Any instance that sends this journey: skip it to its next try and answer. */
	| { topic: typeof JOURNEY_FORWARD_TOPIC; kind: 'ask'; requestId: string; journeyId: string }
	| { topic: typeof JOURNEY_FORWARD_TOPIC; kind: 'answer'; requestId: string; done: ForwardedSkip };

/**
 * The journey-forward message a bus message is; null when it is another topic's, an error naming
 * the field when it is this topic's but malformed.
 */
export function parseJourneyForwardMessage(message: unknown): JourneyForwardMessage | null | Error {
	if (!isRecord(message) || message.topic !== JOURNEY_FORWARD_TOPIC) return null;
	const { requestId } = message;
	if (typeof requestId !== 'string' || !ID_PATTERN.test(requestId))
		return new Error('"requestId" must be 1 to 64 letters, digits, _ or -');
	switch (message.kind) {
		case 'ask': {
			const { journeyId } = message;
			if (typeof journeyId !== 'string' || !ID_PATTERN.test(journeyId))
				return new Error('"journeyId" must be a message id');
			return { topic: JOURNEY_FORWARD_TOPIC, kind: 'ask', requestId, journeyId };
		}
		case 'answer': {
			const done = forwardedSkip(message.done);
			if (done instanceof Error) return done;
			return { topic: JOURNEY_FORWARD_TOPIC, kind: 'answer', requestId, done };
		}
		default:
			return new Error('"kind" must be ask or answer');
	}
}

function forwardedSkip(done: unknown): ForwardedSkip | Error {
	if (done === null) return null;
	if (!isRecord(done)) return new Error('"done" must be null or { skippedMs, clock }');
	const { skippedMs, clock } = done;
	if (typeof skippedMs !== 'number' || !Number.isFinite(skippedMs) || skippedMs < 0)
		return new Error('"done.skippedMs" must be a number of milliseconds, at least 0');
	if (!isRecord(clock)) return new Error('"done.clock" must be { now, realNow, scale }');
	const { now, realNow, scale } = clock;
	for (const [name, value] of [
		['now', now],
		['realNow', realNow]
	] as const)
		if (typeof value !== 'number' || !Number.isFinite(value))
			return new Error(`"done.clock.${name}" must be a time in milliseconds`);
	if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 1)
		return new Error('"done.clock.scale" must be a number, at least 1');
	return { skippedMs, clock: { now: now as number, realNow: realNow as number, scale } };
}

/** The bus as this needs it: the shared store's publish and subscribe. */
export type JourneyForwardBus = Pick<SharedPersistence, 'publish' | 'subscribe'>;

/**
 * Answers the other instances' asks for the journeys this one sends, and asks them for the
 * journeys it only shows.
 */
export class JourneyForwarder {
	readonly #asks = new Map<string, (done: ForwardedSkip | 'unanswered') => void>();

	constructor(
		readonly bus: JourneyForwardBus,
		readonly source: JourneySource,
		readonly timeoutMs = JOURNEY_FORWARD_TIMEOUT_MS
	) {
		bus.subscribe((raw, from) => {
			const message = parseJourneyForwardMessage(raw);
			if (message === null) return;
			if (message instanceof Error)
				return console.error(
					`SMTP Lab: dropped a fast-forward message from instance ${from}: ${message.message}`
				);
			if (message.kind === 'ask') this.#answer(message.requestId, message.journeyId);
			else this.#asks.get(message.requestId)?.(message.done);
		});
	}

	/**
	 * Asks the instance that sends the journey to skip it to its next try; 'unanswered' when no
	 * instance sends it now (its sender stopped, nobody took over yet).
	 */
	ask(journeyId: string): Promise<ForwardedSkip | 'unanswered'> {
		const requestId = randomUUID();
		return new Promise((resolve) => {
			const timer = setTimeout(() => settle('unanswered'), this.timeoutMs);
			const settle = (done: ForwardedSkip | 'unanswered') => {
				clearTimeout(timer);
				this.#asks.delete(requestId);
				resolve(done);
			};
			this.#asks.set(requestId, settle);
			this.bus.publish({ topic: JOURNEY_FORWARD_TOPIC, kind: 'ask', requestId, journeyId });
		});
	}

	/** Only the instance that sends the journey answers; the others keep quiet. */
	#answer(requestId: string, journeyId: string): void {
		const { queue } = this.source;
		if (!queue.sends(journeyId)) return;
		const skippedMs = queue.fastForward(journeyId);
		const journey = queue.journey(journeyId);
		const done: ForwardedSkip =
			skippedMs === null || !journey
				? null
				: { skippedMs, clock: readQueueClock(this.source, journey) };
		this.bus.publish({ topic: JOURNEY_FORWARD_TOPIC, kind: 'answer', requestId, done });
	}
}
