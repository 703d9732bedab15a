/**
 * What a page shows, told to the class channel (issue 15 phase 2): the lab's session, the example
 * player's example and position. A module of its own, apart from ClassChannel.ts's
 * subscriptions, because every lab and example page loads it.
 */
import type { ExamplePresence } from '../messages';
import type { LabSocket } from './LabSocket';

/**
 * Says what the page shows: the lab's session, the example player's example and position. Sent
 * at most once per animation frame, only when it changed, and again on every (re)connect. The
 * bridge ignores it from a browser outside any class, so every page may send it.
 */
export class PresenceReporter {
	#socket: LabSocket;
	#sessionId: string | null = null;
	#example: ExamplePresence | null = null;
	#sent: string | null = null;
	#frame: number | null = null;
	#offStatus: () => void;

	constructor(socket: LabSocket) {
		this.#socket = socket;
		this.#offStatus = socket.onStatus((status) => {
			if (status !== 'open') return;
			this.#sent = null;
			this.#schedule();
		});
	}

	show(sessionId: string | null, example: ExamplePresence | null = null): void {
		this.#sessionId = sessionId;
		this.#example = example;
		this.#schedule();
	}

	stop(): void {
		this.#offStatus();
		if (this.#frame !== null) cancelAnimationFrame(this.#frame);
	}

	#schedule(): void {
		if (this.#frame !== null) return;
		this.#frame = requestAnimationFrame(() => {
			this.#frame = null;
			const message = {
				type: 'class-presence' as const,
				sessionId: this.#sessionId,
				example: this.#example
			};
			const text = JSON.stringify(message);
			if (text === this.#sent) return;
			if (this.#socket.send(message)) this.#sent = text;
		});
	}
}
