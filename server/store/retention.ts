/**
 * Retention replaces eviction: what is older than RETENTION_HOURS goes, and nothing else. Ended
 * sessions go RETENTION_HOURS after they ended, messages RETENTION_HOURS after they arrived; a
 * live session is never deleted, nor a message of one (the store checks that too). Shares of
 * what goes are deleted with it (LabStore.expire). A class's data (server/classes/) is not: it is
 * kept until its class ends, by its teacher or CLASS_RETENTION_DAYS after it began, and this
 * sweep ends the classes whose time is up.
 */
import type { ClassDirectory } from '../classes/classDirectory';
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
		readonly retentionHours: number,
		/** Class data is kept until its class ends (CLASS_RETENTION_DAYS), not RETENTION_HOURS. */
		readonly classes: ClassDirectory
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

	/** Ends the classes whose time is up, then deletes everything else retention expired. */
	#sweep(): void {
		this.classes.endExpired();
		const before = this.clock.now() - this.retentionHours * HOUR_MS;
		const { store } = this;
		const sessions = [...store.sessions.values()]
			.filter(
				(s) =>
					s.summary.endedAt !== null &&
					s.summary.endedAt < before &&
					!store.classesOfItem(s.owners, s.summary.startedAt).length
			)
			.map((s) => s.summary.id);
		const messages = [...store.messages.values()]
			.filter(
				(m) =>
					m.summary.receivedAt < before &&
					!store.classesOfItem(m.owners, m.summary.receivedAt).length
			)
			.map((m) => m.summary.id);
		this.store.expire(sessions, messages);
	}
}
