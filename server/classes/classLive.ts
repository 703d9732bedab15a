/**
 * A class, live (issue 15 phase 2): what each member's page shows (presence), the students who
 * follow their teacher (class-follow), the session in the spotlight, and the teacher's roster
 * (class-roster) kept current while a console watches it. Spoken over the bridge's one WebSocket
 * (server/bridge/bridge.ts hands the class messages here).
 *
 * Nothing is computed per recorded line unless a teacher console watches a class: the lab's
 * throughput (bench/) has none, so its cost there is one Map size check per line.
 *
 * With several instances (issue 21) a teacher's pages and their students' may be on different
 * instances: each instance publishes its class members' pages (how many, what the newest shows)
 * on the shared store's bus (classBus.ts) and merges the others', by instance, with its own. An
 * owner in no class is never published, so a lab without classes sends nothing.
 */
import { studentAddress, type RosterRow } from '../../src/lib/classes';
import type { ExerciseProgress } from '../../src/lib/exercises/progress';
import { isFinalReplyLine, replyCode } from '../../src/lib/client/conversation';
import type {
	ClassFollow,
	ExamplePresence,
	ServerMessage,
	SessionSummary
} from '../../src/lib/messages';
import type { Clock } from '../clock';
import type { Viewer } from '../owners/visibility';
import type { LabStore, StoredSession } from '../store/labStore';
import {
	helloMessage,
	instanceStoppedMessage,
	ownersMessages,
	parseClassBusMessage,
	type ClassBusTransport,
	type OwnerState
} from './classBus';
import type { Membership } from './classDirectory';
import type { ClassRoom, Student } from './classRoom';

/** The roster goes to a teacher's console at most this often while something changes. */
export const ROSTER_INTERVAL_MS = 500;

/** What a page of a class member says it shows. */
export interface Presence {
	sessionId: string | null;
	example: ExamplePresence | null;
}

/** One connected browser, as far as the class channel needs it (the bridge's Peer). */
export interface ClassPeer {
	readonly viewer: Viewer;
	send(message: ServerMessage): void;
}

export interface ClassLiveDeps {
	store: LabStore;
	clock: Clock;
	/** ClassDirectory.membership: the one way to ask who is in which class. */
	membership(ownerId: string): Membership | null;
	/** ClassExercises.progressNow: a student's standing on the class's handouts. */
	exercisesOf(student: Student): ExerciseProgress[];
	/** The shared store's bus, when instances share one (issue 21); absent: this instance alone. */
	bus?: ClassBusTransport | null;
}

/** A page's presence and when it said it (the clock's time). */
interface SaidPresence {
	presence: Presence;
	at: number;
}

export class ClassLive {
	/** What each owner's pages said they show, in the order they said it (the newest last). */
	readonly #presence = new Map<string, Map<ClassPeer, SaidPresence>>();
	/** Other instances' pages (what each last published), by owner, then by instance. */
	readonly #remote = new Map<string, Map<string, OwnerState>>();
	/** Owners whose pages here the other instances were told of (and so must hear the end of). */
	readonly #published = new Set<string>();
	/** The spotlight each class's followers here were last shown. */
	readonly #spotlightShown = new Map<string, string | null>();
	#closed = false;
	/** Each connected page, by owner. */
	readonly #pages = new Map<string, Set<ClassPeer>>();
	/** Students following their teacher, by class id. */
	readonly #followers = new Map<string, Set<ClassPeer>>();
	/** Teacher consoles watching the roster, by class id. */
	readonly #consoles = new Map<string, Set<ClassPeer>>();
	/** Classes whose roster changed since it was last sent, and when it was last sent. */
	readonly #rosterDue = new Map<string, NodeJS.Timeout>();
	readonly #rosterSentAt = new Map<string, number>();
	readonly #tallies = new WeakMap<StoredSession, SessionTally>();

	constructor(readonly deps: ClassLiveDeps) {
		const bus = deps.bus;
		if (!bus) return;
		bus.subscribe((message, from) => this.#received(message, from));
		// Pages already connected to the others are told again, to this instance too.
		bus.publish(helloMessage);
	}

	/** A browser connected: its owner is connected in their class's roster. */
	connected(peer: ClassPeer): void {
		const pages = this.#pages.get(peer.viewer.ownerId);
		if (pages) pages.add(peer);
		else this.#pages.set(peer.viewer.ownerId, new Set([peer]));
		this.#ownerChanged(peer.viewer.ownerId);
		this.#publish(peer.viewer.ownerId);
	}

	/** Its socket closed. */
	gone(peer: ClassPeer): void {
		const ownerId = peer.viewer.ownerId;
		const pages = this.#pages.get(ownerId);
		pages?.delete(peer);
		if (pages?.size === 0) this.#pages.delete(ownerId);
		for (const [classId, set] of this.#followers) {
			set.delete(peer);
			if (!set.size) this.#followers.delete(classId);
		}
		for (const [classId, set] of this.#consoles) {
			set.delete(peer);
			if (!set.size) this.#consoles.delete(classId);
		}
		const shown = this.#presence.get(ownerId);
		if (shown?.delete(peer)) {
			if (!shown.size) this.#presence.delete(ownerId);
			this.#presenceChanged(ownerId);
		}
		this.#ownerChanged(ownerId);
		this.#publish(ownerId);
	}

	/**
	 * A page says what it shows. Kept for everyone (a teacher may start a class after opening the
	 * lab), but it goes nowhere unless its owner is in a class: pages send it blindly.
	 */
	presence(peer: ClassPeer, presence: Presence): void {
		const ownerId = peer.viewer.ownerId;
		const before = this.presenceOf(ownerId);
		let shown = this.#presence.get(ownerId);
		if (!shown) this.#presence.set(ownerId, (shown = new Map()));
		// Re-inserted so that the newest presence is the last of the owner's pages.
		shown.delete(peer);
		shown.set(peer, { presence, at: this.deps.clock.now() });
		if (samePresence(before, presence)) return;
		this.#presenceChanged(ownerId);
		this.#publish(ownerId);
	}

	/** What the owner's most recently changed page shows, on any instance, or null. */
	presenceOf(ownerId: string): Presence | null {
		let newest: SaidPresence | null = null;
		for (const said of this.#presence.get(ownerId)?.values() ?? []) newest = said;
		for (const state of this.#remote.get(ownerId)?.values() ?? [])
			if (state.presenceAt !== null && (!newest || state.presenceAt > newest.at))
				newest = {
					presence: { sessionId: state.sessionId, example: state.example },
					at: state.presenceAt
				};
		return newest?.presence ?? null;
	}

	/** A student's follow view subscribes to their teacher. */
	follow(peer: ClassPeer): void {
		const membership = this.deps.membership(peer.viewer.ownerId);
		if (membership?.role !== 'student')
			return peer.send({ type: 'error', message: 'not a student of a class' });
		const { room } = membership;
		const set = this.#followers.get(room.id);
		if (set) set.add(peer);
		else this.#followers.set(room.id, new Set([peer]));
		peer.send({ type: 'class-follow', ...this.followOf(room) });
	}

	/** The teacher's console subscribes to the roster. */
	watchClass(peer: ClassPeer): void {
		const membership = this.deps.membership(peer.viewer.ownerId);
		if (membership?.role !== 'teacher')
			return peer.send({ type: 'error', message: 'not the teacher of a class' });
		const { room } = membership;
		const set = this.#consoles.get(room.id);
		if (set) set.add(peer);
		else this.#consoles.set(room.id, new Set([peer]));
		// A class begun after its teacher's pages connected: the other instances hear of them now.
		this.#publishClass(room);
		peer.send({
			type: 'class-roster',
			roster: this.roster(room),
			spotlight: room.spotlight,
			handouts: room.handouts
		});
	}

	/**
	 * The teacher puts a session of the class on every follower's screen, or null to show their
	 * own again. Kept in the class (ClassRoom.spotlight), so a follower who comes later sees it.
	 */
	spotlight(peer: ClassPeer, sessionId: string | null): void {
		const membership = this.deps.membership(peer.viewer.ownerId);
		if (membership?.role !== 'teacher')
			return peer.send({ type: 'error', message: 'only the teacher of a class can spotlight' });
		const { room } = membership;
		if (sessionId !== null) {
			const stored = this.deps.store.sessions.get(sessionId);
			if (
				!stored ||
				!this.deps.store.classesOfItem(stored.owners, stored.summary.startedAt).includes(room)
			)
				return peer.send({ type: 'error', message: `unknown session ${sessionId} in this class` });
		}
		if (room.spotlight === sessionId) return;
		room.spotlight = sessionId;
		this.deps.store.saveClass(room);
		// Followers on other instances are told when the class reaches their store (classChanged).
		this.#toFollowers(room);
		// The teacher's other consoles (another device) show it too.
		this.#rosterChanged(room.id);
	}

	/** What the class's followers are shown now. */
	followOf(room: ClassRoom): ClassFollow {
		const teacher = this.presenceOf(room.teacherOwnerId);
		return {
			teacher: { sessionId: teacher?.sessionId ?? null, example: teacher?.example ?? null },
			spotlight: room.spotlight,
			spotlightNickname: this.#nicknameOf(room, room.spotlight)
		};
	}

	/** A recorded line: the roster of each watched class the session belongs to is due. */
	eventRecorded(sessionId: string): void {
		if (!this.#consoles.size) return;
		const stored = this.deps.store.sessions.get(sessionId);
		if (stored) this.#sessionOwnersChanged(stored.owners);
	}

	/** A session opened, ended, or was claimed. */
	sessionChanged(session: SessionSummary): void {
		if (!this.#consoles.size) return;
		const stored = this.deps.store.sessions.get(session.id);
		if (stored) this.#sessionOwnersChanged(stored.owners);
	}

	/**
	 * The class ended (its teacher, or CLASS_RETENTION_DAYS): its followers and consoles are told,
	 * and forgotten.
	 */
	classEnded(classId: string): void {
		const told = new Set([
			...(this.#followers.get(classId) ?? []),
			...(this.#consoles.get(classId) ?? [])
		]);
		for (const peer of told) peer.send({ type: 'class-ended' });
		this.#followers.delete(classId);
		this.#consoles.delete(classId);
		clearTimeout(this.#rosterDue.get(classId));
		this.#rosterDue.delete(classId);
		this.#rosterSentAt.delete(classId);
		this.#spotlightShown.delete(classId);
	}

	/** A student joined or was released, or their exercise progress changed: the roster is due. */
	studentsChanged(classId: string): void {
		this.#rosterChanged(classId);
		const room = this.deps.store.classes.get(classId);
		// A student who joined with pages open here: the other instances hear of them now.
		if (room) this.#publishClass(room);
	}

	/**
	 * Another instance's change to a class or its students reached the store (its replication):
	 * the roster is due, and followers here see a new spotlight.
	 */
	classChanged(classId: string): void {
		const room = this.deps.store.classes.get(classId);
		if (!room) return;
		this.#rosterChanged(classId);
		if (this.#spotlightShown.get(classId) !== room.spotlight) this.#toFollowers(room);
		// A class begun here after its teacher's pages connected, which a student joined elsewhere.
		this.#publishClass(room);
	}

	/**
	 * This instance's connection to the bus is back after a drop: what was published meanwhile,
	 * both ways, was lost. The others re-send theirs (hello), and this one re-sends its own.
	 */
	rejoin(): void {
		this.deps.bus?.publish(helloMessage);
		this.#publishAll();
	}

	/**
	 * Another instance stopped (the store's watchPeers, on the one instance that took it over):
	 * its pages go from every roster and presence, here and, told on the bus, on the others.
	 */
	instanceStopped(instanceId: string): void {
		this.#dropInstance(instanceId);
		this.deps.bus?.publish(instanceStoppedMessage(instanceId));
	}

	close(): void {
		for (const timer of this.#rosterDue.values()) clearTimeout(timer);
		this.#rosterDue.clear();
		if (this.#closed) return;
		this.#closed = true;
		// Its pages are about to close: the others drop them at once, not when its lock goes.
		this.deps.bus?.publish(instanceStoppedMessage(this.deps.bus.instanceId));
	}

	/** What this instance's pages of the owner are now, as the bus carries it. */
	#ownerState(ownerId: string): OwnerState {
		let newest: SaidPresence | null = null;
		for (const said of this.#presence.get(ownerId)?.values() ?? []) newest = said;
		return {
			ownerId,
			pages: this.#pages.get(ownerId)?.size ?? 0,
			sessionId: newest?.presence.sessionId ?? null,
			example: newest?.presence.example ?? null,
			presenceAt: newest?.at ?? null
		};
	}

	/** Tells the other instances of the owner's pages here, if the owner is in a class. */
	#publish(ownerId: string): void {
		const bus = this.deps.bus;
		if (!bus || this.#closed) return;
		const connected = this.#pages.has(ownerId);
		if (!this.#published.has(ownerId)) {
			if (!connected || !this.deps.membership(ownerId)) return;
			this.#published.add(ownerId);
		} else if (!connected) this.#published.delete(ownerId);
		for (const message of ownersMessages([this.#ownerState(ownerId)])) bus.publish(message);
	}

	/** The class's members connected here whom the other instances have not heard of yet. */
	#publishClass(room: ClassRoom): void {
		if (!this.deps.bus) return;
		const members = [
			room.teacherOwnerId,
			...this.deps.store.studentsOf(room.id).map((s) => s.ownerId)
		];
		for (const ownerId of members)
			if (!this.#published.has(ownerId) && this.#pages.has(ownerId)) this.#publish(ownerId);
	}

	/** A bus message from another instance; a malformed one is dropped with one line. */
	#received(raw: unknown, from: string): void {
		if (this.#closed || from === this.deps.bus?.instanceId) return;
		const message = parseClassBusMessage(raw);
		if (message === null) return;
		if (message instanceof Error)
			return console.error(
				`class bus: dropped a message from instance ${from}: ${message.message}`
			);
		switch (message.kind) {
			case 'hello':
				return this.#publishAll();
			case 'instance-stopped':
				return this.#dropInstance(message.instanceId);
			case 'owners':
				for (const state of message.owners) this.#remoteOwner(from, state);
		}
	}

	/** Everything published so far, again, for an instance that just started. */
	#publishAll(): void {
		const bus = this.deps.bus;
		if (!bus) return;
		const states: OwnerState[] = [];
		for (const ownerId of this.#pages.keys()) {
			if (!this.#published.has(ownerId)) {
				if (!this.deps.membership(ownerId)) continue;
				this.#published.add(ownerId);
			}
			states.push(this.#ownerState(ownerId));
		}
		for (const message of ownersMessages(states)) bus.publish(message);
	}

	#remoteOwner(instanceId: string, state: OwnerState): void {
		const { ownerId } = state;
		const before = this.presenceOf(ownerId);
		const wasConnected = this.#connected(ownerId);
		let byInstance = this.#remote.get(ownerId);
		if (state.pages > 0) {
			if (!byInstance) this.#remote.set(ownerId, (byInstance = new Map()));
			byInstance.set(instanceId, state);
		} else if (byInstance?.delete(instanceId) && !byInstance.size) this.#remote.delete(ownerId);
		this.#remoteChanged(ownerId, before, wasConnected);
	}

	#dropInstance(instanceId: string): void {
		for (const [ownerId, byInstance] of this.#remote) {
			if (!byInstance.has(instanceId)) continue;
			const before = this.presenceOf(ownerId);
			byInstance.delete(instanceId);
			if (!byInstance.size) this.#remote.delete(ownerId);
			this.#remoteChanged(ownerId, before, true);
		}
	}

	#remoteChanged(ownerId: string, before: Presence | null, wasConnected: boolean): void {
		if (!samePresence(before, this.presenceOf(ownerId))) this.#presenceChanged(ownerId);
		if (wasConnected !== this.#connected(ownerId)) this.#ownerChanged(ownerId);
	}

	/** A page of the owner is connected, here or on another instance. */
	#connected(ownerId: string): boolean {
		return this.#pages.has(ownerId) || this.#remote.has(ownerId);
	}

	#sessionOwnersChanged(owners: readonly string[]): void {
		for (const ownerId of owners) {
			const student = this.deps.store.students.get(ownerId);
			if (student && this.#consoles.has(student.classId)) this.#rosterChanged(student.classId);
		}
	}

	#presenceChanged(ownerId: string): void {
		const membership = this.deps.membership(ownerId);
		if (!membership) return;
		if (membership.role === 'student') return this.#rosterChanged(membership.room.id);
		for (const room of this.deps.store.classesTaughtBy(ownerId)) this.#toFollowers(room);
	}

	/** A page of the owner connected or closed: their roster row's `connected` may flip. */
	#ownerChanged(ownerId: string): void {
		if (!this.#consoles.size) return;
		const student = this.deps.store.students.get(ownerId);
		if (student) this.#rosterChanged(student.classId);
	}

	#toFollowers(room: ClassRoom): void {
		const followers = this.#followers.get(room.id);
		if (!followers?.size) return;
		this.#spotlightShown.set(room.id, room.spotlight);
		const message: ServerMessage = { type: 'class-follow', ...this.followOf(room) };
		for (const peer of followers) peer.send(message);
	}

	/** Sends the roster now if it was not sent in the last ROSTER_INTERVAL_MS, else then. */
	#rosterChanged(classId: string): void {
		if (!this.#consoles.has(classId) || this.#rosterDue.has(classId)) return;
		const since = this.deps.clock.now() - (this.#rosterSentAt.get(classId) ?? -Infinity);
		const wait = Math.max(0, ROSTER_INTERVAL_MS - since);
		const timer = setTimeout(() => {
			this.#rosterDue.delete(classId);
			this.#sendRoster(classId);
		}, wait);
		timer.unref();
		this.#rosterDue.set(classId, timer);
	}

	#sendRoster(classId: string): void {
		const consoles = this.#consoles.get(classId);
		const room = this.deps.store.classes.get(classId);
		if (!consoles?.size || !room) return;
		this.#rosterSentAt.set(classId, this.deps.clock.now());
		const message: ServerMessage = {
			type: 'class-roster',
			roster: this.roster(room),
			spotlight: room.spotlight,
			handouts: room.handouts
		};
		for (const peer of consoles) peer.send(message);
	}

	/**
	 * The class's students as the teacher's console shows them, now: for each, whether a page of
	 * theirs is connected, their newest session's state (the state the annotation engine gives its
	 * newest reply) and last reply class, the 4xx/5xx replies over all their sessions, and the
	 * example step their page shows, and their progress on the handed-out exercises.
	 */
	roster(room: ClassRoom): RosterRow[] {
		const { store } = this.deps;
		const students = store.studentsOf(room.id);
		const sessionsOf = new Map<string, StoredSession[]>(students.map((s) => [s.ownerId, []]));
		// The store keeps sessions in the order they began: each student's newest comes last.
		for (const stored of store.sessions.values())
			for (const ownerId of stored.owners) sessionsOf.get(ownerId)?.push(stored);
		return students.map((student) => {
			const sessions = sessionsOf.get(student.ownerId) ?? [];
			const tallies = sessions.map((stored) => this.#tally(stored));
			const newest = sessions.at(-1);
			const newestTally = tallies.at(-1);
			const example = this.presenceOf(student.ownerId)?.example ?? null;
			return {
				nickname: student.nickname,
				address: studentAddress(student.nickname, room.code),
				joinedAt: student.joinedAt,
				connected: this.#connected(student.ownerId),
				session:
					newest && newestTally
						? {
								id: newest.summary.id,
								listener: newest.summary.listener,
								live: !newestTally.ended,
								state: newestTally.state,
								lastReplyClass: newestTally.lastReplyClass,
								lastLineAt: newestTally.lastLineAt
							}
						: null,
				replies4xx: tallies.reduce((sum, t) => sum + t.replies4xx, 0),
				replies5xx: tallies.reduce((sum, t) => sum + t.replies5xx, 0),
				example: example && { id: example.slug, step: example.step },
				exercises: this.deps.exercisesOf(student)
			};
		});
	}

	/** An ended session is annotated again on each read: its tally is kept until it changes. */
	#tally(stored: StoredSession): SessionTally {
		const kept = this.#tallies.get(stored);
		if (
			kept &&
			kept.eventCount === stored.eventCount &&
			kept.ended === (stored.summary.endedAt !== null)
		)
			return kept;
		const fresh = tally(stored);
		this.#tallies.set(stored, fresh);
		return fresh;
	}

	/** The student whose session is in the spotlight, or null for the teacher's own. */
	#nicknameOf(room: ClassRoom, sessionId: string | null): string | null {
		const stored = sessionId === null ? undefined : this.deps.store.sessions.get(sessionId);
		for (const ownerId of stored?.owners ?? []) {
			const student = this.deps.store.students.get(ownerId);
			if (student?.classId === room.id) return student.nickname;
		}
		return null;
	}
}

function samePresence(a: Presence | null, b: Presence | null): boolean {
	return (
		a?.sessionId === b?.sessionId &&
		a?.example?.slug === b?.example?.slug &&
		a?.example?.step === b?.example?.step
	);
}

/** What a roster row needs of one session; unchanged while its event count and end are. */
interface SessionTally {
	eventCount: number;
	ended: boolean;
	state: string | null;
	lastReplyClass: number | null;
	lastLineAt: number;
	replies4xx: number;
	replies5xx: number;
}

/** Counts a session's replies: its state after the newest one (the annotation engine's). */
function tally(stored: StoredSession): SessionTally {
	const events = stored.events;
	const result: SessionTally = {
		eventCount: stored.eventCount,
		ended: stored.summary.endedAt !== null,
		state: null,
		lastReplyClass: null,
		lastLineAt: events.at(-1)?.at ?? stored.summary.startedAt,
		replies4xx: 0,
		replies5xx: 0
	};
	for (const event of events) {
		if (event.dir !== 'server' || !isFinalReplyLine(event.text)) continue;
		const code = replyCode(event.text);
		if (code === null) continue;
		result.lastReplyClass = Math.floor(code / 100);
		if (result.lastReplyClass === 4) result.replies4xx++;
		if (result.lastReplyClass === 5) result.replies5xx++;
		result.state = event.annotation.stateAfter ?? result.state;
	}
	return result;
}
