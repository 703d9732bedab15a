/**
 * Retention replaces eviction: what is older than RETENTION_HOURS goes, and nothing else. Ended
 * sessions go RETENTION_HOURS after they ended, messages RETENTION_HOURS after they arrived; a
 * live session is never deleted, nor a message of one (the store checks that too). Shares of
 * what goes are deleted with it (LabStore.expire).
 */
import type { Clock } from '../clock';
import type { LabStore } from './labStore';

/**
 * How often the sweeper looks. Five minutes keeps the work small next to the hours it measures,
 * and an expired item outlives its time by at most that much.
 */
export const SWEEP_INTERVAL_MS = 5 * 60 * 1000;

const HOUR_MS = 60 * 60 * 1000;

export class RetentionSweeper {
	#cancel: (() => void) | null = null;

	constructor(
		readonly store: LabStore,
		readonly clock: Clock,
		readonly retentionHours: number
	) {}

	/** Sweeps now (the data loaded at startup), then every SWEEP_INTERVAL_MS until stop(). */
	start(): void {
		this.#sweep();
		const next = () => {
			this.#cancel = this.clock.after(SWEEP_INTERVAL_MS, () => {
				this.#sweep();
				next();
			});
		};
		next();
	}

	stop(): void {
		this.#cancel?.();
		this.#cancel = null;
	}

	/** Deletes everything retention expired. */
	#sweep(): void {
		const before = this.clock.now() - this.retentionHours * HOUR_MS;
		const sessions = [...this.store.sessions.values()]
			.filter((s) => s.summary.endedAt !== null && s.summary.endedAt < before)
			.map((s) => s.summary.id);
		const messages = [...this.store.messages.values()]
			.filter((m) => m.summary.receivedAt < before)
			.map((m) => m.summary.id);
		this.store.expire(sessions, messages);
	}
}
