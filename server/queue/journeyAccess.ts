/**
 * The journeys as the site shows them (issue 17): GET /api/journeys/<id>, its fast-forward, and
 * the bridge's watch-journey. A journey is visible exactly when the submitted message it belongs
 * to is (the one VisibilityRule); otherwise it is answered as one that does not exist.
 *
 * A fast-forward moves this journey's own time to its next try (OutgoingQueue.fastForward):
 * every other message keeps its schedule, so no visitor can hurry another's mail. With several
 * instances on one database, only the instance that sends a journey can; asked on another, the
 * fast-forward goes to it over the bus (server/queue/journeyForward.ts).
 */
import { nextWaitingLeg } from '../../src/lib/delivery/journeyClock';
import type { Journey } from '../../src/lib/delivery/journey';
import type { QueueClockReading } from '../../src/lib/messages';
import type { Viewer } from '../owners/visibility';
import type { StoredMessage } from '../store/labStore';
import type { JourneyForwarder } from './journeyForward';
import type { OutgoingQueue } from './outgoingQueue';
import type { QueueClock } from './queueClock';

/** The queue and its clock, as the lab made them. */
export interface JourneySource {
	queue: Pick<
		OutgoingQueue,
		'journey' | 'journeyNow' | 'fastForward' | 'sends' | 'withReads' | 'on' | 'off'
	>;
	queueClock: QueueClock;
	/** Several instances on one database: the journeys another instance sends are asked of it. */
	forward?: Pick<JourneyForwarder, 'ask'> | null;
}

export type JourneyAnswer =
	| { journey: Journey; clock: QueueClockReading }
	/** No such message, not the viewer's to see, or a message that never went through the queue. */
	| { missing: string };

export type FastForwardAnswer =
	| { clock: QueueClockReading; skippedMs: number }
	| { missing: string }
	/** Nothing of this journey waits for a retry. */
	| { conflict: string }
	/** Another instance sends this journey, and none answered (it stopped; nobody took over yet). */
	| { unavailable: string };

export interface JourneyApi {
	journey(viewer: Viewer, id: string): JourneyAnswer;
	/** Skips this journey's time to its next try (the soonest of its queued legs). */
	fastForward(viewer: Viewer, id: string): Promise<FastForwardAnswer>;
}

/** The clock a journey page shows: the queue clock, plus the journey's own fast-forwards. */
export function readQueueClock(source: JourneySource, journey: Journey): QueueClockReading {
	const { queueClock } = source;
	return {
		now: source.queue.journeyNow(journey),
		realNow: queueClock.clock.now(),
		scale: queueClock.scale
	};
}

const nothingWaits = {
	conflict:
		'nothing of this journey waits for a retry: every leg is delivered, bounced or being tried now'
};

export function createJourneyApi(
	source: JourneySource,
	/** The message if the viewer may see it (the lab API's message visibility check). */
	message: (viewer: Viewer, id: string) => StoredMessage | undefined
): JourneyApi {
	const find = (viewer: Viewer, id: string): Journey | { missing: string } => {
		if (!message(viewer, id)) return { missing: 'no such message' };
		return (
			source.queue.journey(id) ?? {
				missing:
					'none of its recipients was at a remote sandbox domain, so it never went through the outgoing queue'
			}
		);
	};
	return {
		journey: (viewer, id) => {
			const found = find(viewer, id);
			return 'missing' in found
				? found
				: { journey: source.queue.withReads(found), clock: readQueueClock(source, found) };
		},
		fastForward: async (viewer, id) => {
			const found = find(viewer, id);
			if ('missing' in found) return found;
			if (source.forward && !source.queue.sends(id)) {
				// Nothing is asked of the others for a journey that, as shown here, waits for nothing.
				if (!nextWaitingLeg(found)) return nothingWaits;
				const done = await source.forward.ask(id);
				if (done === 'unanswered')
					return {
						unavailable:
							'the instance sending this journey did not answer: it may have stopped, and another takes its journeys over within seconds; try again shortly'
					};
				return done ?? nothingWaits;
			}
			const skippedMs = source.queue.fastForward(id);
			if (skippedMs === null) return nothingWaits;
			return { clock: readQueueClock(source, found), skippedMs };
		}
	};
}
