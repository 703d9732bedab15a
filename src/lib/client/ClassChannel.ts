import type { RosterRow } from '../classes';
import type { Handout, StudentExercises } from '../exercises/progress';
import { isRecord, type ClassFollow, type ServerMessage } from '../messages';
import { examplePresence, nullableSessionId } from '../messageFields';
import type { LabSocket } from './LabSocket';

/**
 * The class channel on a page's LabSocket (issue 15 phase 2): the class messages a follow view and
 * a teacher console subscribe to (what a page shows is classPresence.ts's). Every subscription is
 * sent again when the socket reconnects, as the bridge forgets a closed socket's.
 */

/**
 * False for a class message whose shape is wrong (what a follower's page watches is driven by
 * them); true for any other message. Checked here rather than in parseServerMessage, which /lab
 * loads first and which never gets a class message (its first-load budget, bench/labBrowser.ts).
 */
export function isWellFormedClassMessage(message: ServerMessage): boolean {
	const value = message as unknown as Record<string, unknown>;
	switch (message.type) {
		case 'class-follow': {
			const { teacher, spotlight, spotlightNickname } = value;
			return (
				isRecord(teacher) &&
				nullableSessionId(teacher.sessionId) !== undefined &&
				examplePresence(teacher.example) !== undefined &&
				nullableSessionId(spotlight) !== undefined &&
				(spotlightNickname === null || typeof spotlightNickname === 'string')
			);
		}
		case 'class-roster':
			return (
				Array.isArray(value.roster) &&
				nullableSessionId(value.spotlight) !== undefined &&
				Array.isArray(value.handouts)
			);
		case 'class-exercises':
			return Array.isArray(value.handouts) && Array.isArray(value.progress);
		default:
			return true;
	}
}

/**
 * A subscription kept across reconnects: `subscribe` is sent whenever the socket opens; a
 * malformed class message is dropped, as LabSocket drops any message it cannot parse.
 */
function subscription(
	socket: LabSocket,
	subscribe: () => void,
	onMessage: (message: ServerMessage) => void
): () => void {
	const offMessage = socket.onMessage((message) => {
		if (isWellFormedClassMessage(message)) onMessage(message);
	});
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
