import { followClass } from '$lib/client/ClassChannel';
import { LabSocket, type SocketStatus } from '$lib/client/LabSocket';
import type { ClassFollow, SessionEvent, SessionSummary } from '$lib/messages';
import { formatEvent } from '$lib/terminal/format';
import { Checklists } from '../Checklists.svelte';

/** Where the watched session's lines are shown: the read-only terminal implements it. */
export interface FollowSink {
	print(lines: string[]): void;
	reset(): void;
}

/**
 * A student following their teacher (issue 15 phase 2): the class channel says which session
 * the class is shown (the teacher's, or the one in the spotlight) and which example step; the
 * bridge's ordinary `watch` brings that session's lines. A new session on the teacher's side
 * replaces the one shown.
 */
export class FollowView {
	socketStatus = $state<SocketStatus>('connecting');
	follow = $state.raw<ClassFollow | null>(null);
	/** The session on screen, or null while the teacher shows none. */
	sessionId = $state<string | null>(null);
	session = $state.raw<SessionSummary | null>(null);
	events = $state.raw<SessionEvent[]>([]);
	ended = $state<string | null>(null);
	/** Why the class cannot be followed (not a student of a class), or null. */
	error = $state<string | null>(null);
	/** The teacher ended the class (or its time was up) while this page followed it. */
	classEnded = $state(false);
	/** The student's checklists on the exercises handed out, on the same socket (issue 16). */
	readonly exercises = new Checklists();

	/** The state machine's state after the last line that named one. */
	state = $derived(
		this.events.findLast((e) => e.annotation.stateAfter)?.annotation.stateAfter ?? null
	);
	/** The state before the last change, so the diagram can show the transition just taken. */
	previousState = $derived(
		this.events.findLast(
			(e) => e.annotation.stateBefore && e.annotation.stateBefore !== e.annotation.stateAfter
		)?.annotation.stateBefore ?? null
	);

	#socket: LabSocket | null = null;
	#sink: FollowSink | null = null;

	/** Opens the WebSocket and follows the class (browser only); returns the cleanup. */
	start(): () => void {
		const socket = new LabSocket();
		this.#socket = socket;
		const offStatus = socket.onStatus((status) => {
			this.socketStatus = status;
			// The bridge forgot what a closed socket watched: the lines after the last one shown.
			if (status === 'open' && this.sessionId)
				socket.send({
					type: 'watch',
					sessionId: this.sessionId,
					since: this.events.at(-1)?.seq ?? 0
				});
		});
		const offFollow = followClass(
			socket,
			(follow) => {
				this.error = null;
				this.follow = follow;
				this.#show(follow.spotlight ?? follow.teacher.sessionId);
			},
			(message) => {
				// The only refusal of follow-class; other errors concern a watch that raced a change.
				if (message === 'not a student of a class') this.error = message;
			}
		);
		const offMessage = socket.onMessage((message) => {
			if (message.type === 'event' && message.sessionId === this.sessionId) {
				const last = this.events.at(-1)?.seq ?? 0;
				if (message.event.seq <= last) return;
				this.events = [...this.events, message.event];
				this.#sink?.print(formatEvent(message.event));
			} else if (message.type === 'session' && message.session.id === this.sessionId) {
				this.session = message.session;
			} else if (message.type === 'closed' && message.sessionId === this.sessionId) {
				this.ended = message.reason;
			} else if (message.type === 'class-ended') {
				this.classEnded = true;
			}
		});
		const offExercises = this.exercises.listen(socket);
		return () => {
			offStatus();
			offFollow();
			offMessage();
			offExercises();
			socket.close();
			this.#socket = null;
		};
	}

	/** Connects the terminal; replays what is already known so a remount shows the session. */
	attach(sink: FollowSink): () => void {
		this.#sink = sink;
		for (const event of this.events) sink.print(formatEvent(event));
		return () => {
			if (this.#sink === sink) this.#sink = null;
		};
	}

	#show(sessionId: string | null): void {
		if (sessionId === this.sessionId) return;
		if (this.sessionId) this.#socket?.send({ type: 'unwatch', sessionId: this.sessionId });
		this.sessionId = sessionId;
		this.session = null;
		this.events = [];
		this.ended = null;
		this.#sink?.reset();
		if (sessionId) this.#socket?.send({ type: 'watch', sessionId, since: 0 });
	}
}
