/**
 * The journeys as the site shows them (issue 17): GET /api/journeys/<id>, its fast-forward, and
 * the bridge's watch-journey. A journey is visible exactly when the submitted message it belongs
 * to is (the one VisibilityRule); otherwise it is answered as one that does not exist.
 *
 * The queue's clock is one for the whole server: a fast-forward moves every queued message's
 * next try, not only this journey's.
 */
import { nextWaitingLeg } from '../../src/lib/delivery/journeyClock';
import type { Journey } from '../../src/lib/delivery/journey';
import type { QueueClockReading } from '../../src/lib/messages';
import type { Viewer } from '../owners/visibility';
import type { StoredMessage } from '../store/labStore';
import type { OutgoingQueue } from './outgoingQueue';
import type { QueueClock } from './queueClock';

/** The queue and its clock, as the lab made them. */
export interface JourneySource {
	queue: Pick<OutgoingQueue, 'journey' | 'on' | 'off'>;
	queueClock: QueueClock;
}

export type JourneyAnswer =
	| { journey: Journey; clock: QueueClockReading }
	/** No such message, not the viewer's to see, or a message that never went through the queue. */
	| { missing: string };

export type FastForwardAnswer =
	| { clock: QueueClockReading; skippedMs: number }
	| { missing: string }
	/** Nothing of this journey waits for a retry. */
	| { conflict: string };

export interface JourneyApi {
	journey(viewer: Viewer, id: string): JourneyAnswer;
	/** Skips the queue's clock to this journey's next try (the soonest of its queued legs). */
	fastForward(viewer: Viewer, id: string): FastForwardAnswer;
}

export function readQueueClock(queueClock: QueueClock): QueueClockReading {
	return { now: queueClock.now(), realNow: queueClock.clock.now(), scale: queueClock.scale };
}

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
				: { journey: found, clock: readQueueClock(source.queueClock) };
		},
		fastForward: (viewer, id) => {
			const found = find(viewer, id);
			if ('missing' in found) return found;
			const leg = nextWaitingLeg(found);
			if (!leg)
				return {
					conflict:
						'nothing of this journey waits for a retry: every leg is delivered, bounced or being tried now'
				};
			const skippedMs = Math.max(0, leg.nextAttemptAt! - source.queueClock.now());
			source.queueClock.skip(skippedMs);
			return { clock: readQueueClock(source.queueClock), skippedMs };
		}
	};
}
