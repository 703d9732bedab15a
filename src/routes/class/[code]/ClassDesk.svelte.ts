import { watchClass } from '$lib/client/ClassChannel';
import { LabSocket, type SocketStatus } from '$lib/client/LabSocket';
import type { RosterRow } from '$lib/classes';
import type { Handout } from '$lib/exercises/progress';
import type { SessionEvent } from '$lib/messages';

/** How often "idle for …" is written again: the roster itself comes only when something changes. */
const CLOCK_TICK_MS = 10_000;

/**
 * The teacher's console, live (issue 15 phase 2): the roster over the class channel
 * (`watch-class` → `class-roster`), one student's newest session watched with the bridge's
 * ordinary `watch`, and the spotlight (`spotlight`) that puts a student's session on every
 * follower's screen. The roster brings the handed-out exercises too (issue 16), whichever
 * console of the teacher handed them out.
 */
export class ClassDesk {
	roster = $state.raw<RosterRow[]>([]);
	socketStatus = $state<SocketStatus>('connecting');
	/** The session on every follower's screen, or null for the teacher's own. */
	spotlight = $state<string | null>(null);
	/** The exercises handed out to the class, oldest first. */
	handouts = $state.raw<Handout[]>([]);
	/** The student watched in the console, by nickname, or null. */
	watched = $state<string | null>(null);
	/** Their session being shown, and its lines so far. */
	watchedSessionId = $state<string | null>(null);
	events = $state.raw<SessionEvent[]>([]);
	/** What the lab refused last (a spotlight of a session that went), or null. */
	refusal = $state<string | null>(null);
	/** The browser's time, renewed every CLOCK_TICK_MS, for "idle for …". */
	now = $state(Date.now());

	/** Whose session is in the spotlight, as the roster knew it when the teacher chose it. */
	#spotlightNickname = $state<string | null>(null);
	#socket: LabSocket | null = null;
	#channel: ReturnType<typeof watchClass> | null = null;

	constructor(roster: RosterRow[], spotlight: string | null, handouts: Handout[]) {
		this.roster = roster;
		this.spotlight = spotlight;
		this.handouts = handouts;
	}

	/** The student's row, as the roster has it now. */
	row(nickname: string | null): RosterRow | undefined {
		return nickname === null ? undefined : this.roster.find((r) => r.nickname === nickname);
	}

	/** The nickname of the student whose session is in the spotlight, or null when unknown. */
	get spotlightNickname(): string | null {
		if (this.spotlight === null) return null;
		return (
			this.roster.find((r) => r.session?.id === this.spotlight)?.nickname ?? this.#spotlightNickname
		);
	}

	/** Opens the WebSocket and watches the class (browser only); returns the cleanup. */
	start(): () => void {
		const socket = new LabSocket();
		this.#socket = socket;
		const offStatus = socket.onStatus((status) => {
			this.socketStatus = status;
			// The bridge forgot what a closed socket watched: the lines after the last one shown.
			if (status === 'open' && this.watchedSessionId)
				socket.send({
					type: 'watch',
					sessionId: this.watchedSessionId,
					since: this.events.at(-1)?.seq ?? 0
				});
		});
		this.#channel = watchClass(socket, (roster, spotlight, handouts) => {
			this.handouts = handouts;
			this.takeRoster(roster, spotlight);
		});
		const offMessage = socket.onMessage((message) => {
			if (message.type === 'event' && message.sessionId === this.watchedSessionId) {
				if (message.event.seq <= (this.events.at(-1)?.seq ?? 0)) return;
				this.events = [...this.events, message.event];
			} else if (message.type === 'error' && message.message.endsWith('in this class')) {
				// The session asked for left the class (its student released, the class ended).
				this.refusal = message.message;
				this.spotlight = null;
			}
		});
		const clock = setInterval(() => (this.now = Date.now()), CLOCK_TICK_MS);
		return () => {
			clearInterval(clock);
			offStatus();
			offMessage();
			this.#channel?.stop();
			this.#channel = null;
			socket.close();
			this.#socket = null;
		};
	}

	/**
	 * A roster from the server (the live one, or the page's after a release), and the spotlight as
	 * the class has it (set from this console or another).
	 */
	takeRoster(roster: RosterRow[], spotlight: string | null = this.spotlight): void {
		this.roster = roster;
		this.spotlight = spotlight;
		this.now = Date.now();
		if (this.watched === null) return;
		const row = this.row(this.watched);
		// A released student is gone from the roster: nothing is left to watch.
		if (!row) return this.unwatch();
		this.#show(row.session?.id ?? null);
	}

	/** Watches the student's newest session, and the next one they open. */
	watch(nickname: string): void {
		this.watched = nickname;
		this.#show(this.row(nickname)?.session?.id ?? null);
	}

	unwatch(): void {
		this.watched = null;
		this.#show(null);
	}

	/** Puts the session on every follower's screen; null brings the teacher's own back. */
	show(sessionId: string | null): void {
		if (!this.#channel?.spotlight(sessionId)) {
			this.refusal = 'The connection to the lab is down: try again once it is back.';
			return;
		}
		this.refusal = null;
		this.spotlight = sessionId;
		this.#spotlightNickname =
			sessionId === null
				? null
				: (this.roster.find((r) => r.session?.id === sessionId)?.nickname ?? null);
	}

	#show(sessionId: string | null): void {
		if (sessionId === this.watchedSessionId) return;
		if (this.watchedSessionId)
			this.#socket?.send({ type: 'unwatch', sessionId: this.watchedSessionId });
		this.watchedSessionId = sessionId;
		this.events = [];
		if (sessionId) this.#socket?.send({ type: 'watch', sessionId, since: 0 });
	}
}
