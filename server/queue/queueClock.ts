/**
 * The outgoing queue's clock (issue 17): simulated time that runs QUEUE_TIME_SCALE times faster
 * than the lab's clock, so a realistic retry schedule (hours between tries, days to give up,
 * RFC 5321 §4.5.4.1) plays out during a lesson. Every queue time, greylist wait and tarpit delay of the sandbox hosts
 * is read from here; pages show both clocks. A journey page's fast-forward moves that journey
 * only (Journey.skippedMs), never this clock: one visitor cannot hurry everyone's mail.
 */
import type { Clock } from '../clock';
import type { QueueClockOrigin } from '../store/persistence';

export class QueueClock {
	readonly #start: number;
	readonly #base: number;

	constructor(
		readonly clock: Clock,
		/** Simulated milliseconds per real millisecond (QUEUE_TIME_SCALE). */
		readonly scale: number,
		/** The simulated time the last run saved (QueueRecord): after a restart, time goes on. */
		resumeAt = -Infinity,
		/** Another clock's origin to run with (the instances sharing a database share one). */
		origin?: QueueClockOrigin
	) {
		this.#start = origin?.start ?? clock.now();
		this.#base = origin?.base ?? Math.max(this.#start, resumeAt);
	}

	get origin(): QueueClockOrigin {
		return { start: this.#start, base: this.#base };
	}

	/**
	 * Simulated now, in ms since the epoch: it starts at the real now (or where the last run left
	 * it, if that is later) and runs `scale` times faster.
	 */
	now(): number {
		return this.#base + (this.clock.now() - this.#start) * this.scale;
	}

	/** The real milliseconds until simulated time `at` (0 if it has come). */
	realDelayUntil(at: number): number {
		return Math.max(0, (at - this.now()) / this.scale);
	}

	/** The real length of a simulated duration. */
	realDuration(simulatedMs: number): number {
		return simulatedMs / this.scale;
	}
}
