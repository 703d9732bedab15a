import type { RosterRow } from '../classes';
import type { ClassFollow, ExamplePresence, ServerMessage } from '../messages';
import type { LabSocket } from './LabSocket';

/**
 * The class channel on a page's LabSocket (issue 15 phase 2): what the page shows (presence),
 * and the class messages a follow view and a teacher console subscribe to. Every subscription is
 * sent again when the socket reconnects, as the bridge forgets a closed socket's.
 */

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

/** A subscription kept across reconnects: `subscribe` is sent whenever the socket opens. */
function subscription(
	socket: LabSocket,
	subscribe: () => void,
	onMessage: (message: ServerMessage) => void
): () => void {
	const offMessage = socket.onMessage(onMessage);
	const offStatus = socket.onStatus((status) => {
		if (status === 'open') subscribe();
	});
	return () => {
		offMessage();
		offStatus();
	};
}

/** A student's follow view: `onFollow` with what the class is shown, at once and on every change. */
export function followClass(
	socket: LabSocket,
	onFollow: (follow: ClassFollow) => void,
	onError?: (message: string) => void
): () => void {
	return subscription(
		socket,
		() => socket.send({ type: 'follow-class' }),
		(message) => {
			if (message.type === 'class-follow') onFollow(message);
			if (message.type === 'error') onError?.(message.message);
		}
	);
}

/**
 * The teacher's console: `onRoster` with the class's live roster, at once and at most every
 * ROSTER_INTERVAL_MS (server/classes/classLive.ts) while something changes; `spotlight` puts a
 * student's session on every follower's screen (null: the teacher's own again).
 */
export function watchClass(
	socket: LabSocket,
	onRoster: (roster: RosterRow[]) => void
): { spotlight(sessionId: string | null): boolean; stop(): void } {
	const stop = subscription(
		socket,
		() => socket.send({ type: 'watch-class' }),
		(message) => {
			if (message.type === 'class-roster') onRoster(message.roster);
		}
	);
	return { spotlight: (sessionId) => socket.send({ type: 'spotlight', sessionId }), stop };
}
