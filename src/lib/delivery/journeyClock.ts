/**
 * Reading a journey against the queue's clock (issue 17): which leg waits for the soonest try
 * (what fast-forward skips to) and the simulated time a page shows between two readings of the
 * server's clock. Shared by the server (POST …/fast-forward) and /journey/<id>.
 */
import type { QueueClockReading } from '../messages';
import type { Journey, JourneyLeg } from './journey';

/**
 * The queued leg whose next try is due first; undefined when nothing waits. A leg has a next
 * attempt time only while it is queued (JourneyLeg.nextAttemptAt).
 */
export function nextWaitingLeg(journey: Journey): JourneyLeg | undefined {
	let first: JourneyLeg | undefined;
	for (const leg of journey.legs)
		if (leg.nextAttemptAt !== null)
			if (first?.nextAttemptAt == null || leg.nextAttemptAt < first.nextAttemptAt) first = leg;
	return first;
}

/** Simulated now, `elapsedRealMs` after the server read its clock. */
export function simulatedNow(reading: QueueClockReading, elapsedRealMs: number): number {
	return reading.now + elapsedRealMs * reading.scale;
}
