import type { RosterRow } from '../classes';
import type { Handout, StudentExercises } from '../exercises/progress';
import type { ClassFollow, ServerMessage } from '../messages';
import type { LabSocket } from './LabSocket';

/**
 * The class channel on a page's LabSocket (issue 15 phase 2): the class messages a follow view and
 * a teacher console subscribe to (what a page shows is classPresence.ts's). Every subscription is
 * sent again when the socket reconnects, as the bridge forgets a closed socket's.
 */

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
 * A student's page (issue 16): `onExercises` with the class's handed-out exercises and the
 * student's own checklist on each, at once and again whenever either changes.
 */
export function watchExercises(
	socket: LabSocket,
	onExercises: (exercises: StudentExercises) => void,
	onError?: (message: string) => void
): () => void {
	return subscription(
		socket,
		() => socket.send({ type: 'watch-exercises' }),
		(message) => {
			if (message.type === 'class-exercises')
				onExercises({ handouts: message.handouts, progress: message.progress });
			if (message.type === 'error') onError?.(message.message);
		}
	);
}

/**
 * The teacher's console: `onRoster` with the class's live roster (each row's progress on the
 * handed-out exercises), the spotlight and the handouts, at once and at most every
 * ROSTER_INTERVAL_MS (server/classes/classLive.ts) while something changes; `spotlight` puts a
 * student's session on every follower's screen (null: the teacher's own again).
 */
export function watchClass(
	socket: LabSocket,
	onRoster: (roster: RosterRow[], spotlight: string | null, handouts: Handout[]) => void
): { spotlight(sessionId: string | null): boolean; stop(): void } {
	const stop = subscription(
		socket,
		() => socket.send({ type: 'watch-class' }),
		(message) => {
			if (message.type === 'class-roster')
				onRoster(message.roster, message.spotlight, message.handouts);
		}
	);
	return { spotlight: (sessionId) => socket.send({ type: 'spotlight', sessionId }), stop };
}
