/**
 * watch-journey (issue 17): /journey/<id> is sent the journey with the queue's clock now, and again
 * whenever the queue changes it. A journey is visible exactly when its submitted message is
 * (VisibilityRule.message); one the browser may not see is answered as one that does not exist.
 */
import type { Journey } from '../../src/lib/delivery/journey';
import type { ServerMessage } from '../../src/lib/messages';
import type { VisibilityRule } from '../owners/visibility';
import { readQueueClock, type JourneySource } from '../queue/journeyAccess';
import type { LabStore } from '../store/labStore';
import type { Peer } from './peers';

export class JourneyWatch {
	/** Who watches each journey, by its message's id. */
	readonly #watchers = new Map<string, Set<Peer>>();
	readonly #unsubscribe: () => void;

	constructor(
		readonly source: JourneySource,
		readonly store: LabStore,
		readonly visibility: VisibilityRule
	) {
		const changed = (journey: Journey) => this.#changed(journey);
		source.queue.on('journey', changed);
		this.#unsubscribe = () => source.queue.off('journey', changed);
	}

	watch(peer: Peer, id: string): void {
		const journey = this.#visible(peer, id) ? this.source.queue.journey(id) : undefined;
		if (!journey) return peer.send({ type: 'error', message: `unknown journey ${id}` });
		let set = this.#watchers.get(id);
		if (!set) this.#watchers.set(id, (set = new Set()));
		set.add(peer);
		peer.send(this.#message(journey));
	}

	/** The peer's socket closed. */
	drop(peer: Peer): void {
		for (const [id, watchers] of this.#watchers) {
			watchers.delete(peer);
			if (!watchers.size) this.#watchers.delete(id);
		}
	}

	close(): void {
		this.#unsubscribe();
		this.#watchers.clear();
	}

	#visible(peer: Peer, id: string): boolean {
		const stored = this.store.messages.get(id);
		return stored !== undefined && this.visibility.message(peer.viewer, stored);
	}

	#message(journey: Journey): ServerMessage {
		const withReads = this.source.queue.withReads(journey);
		return { type: 'journey', journey: withReads, clock: readQueueClock(this.source, journey) };
	}

	#changed(journey: Journey): void {
		const watchers = this.#watchers.get(journey.id);
		if (!watchers?.size) return;
		// Serialised once for every watcher who still sees the message (it may have been let go of).
		const payload = JSON.stringify(this.#message(journey));
		for (const peer of watchers) if (this.#visible(peer, journey.id)) peer.sendSerialised(payload);
	}
}
