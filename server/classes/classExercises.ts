/**
 * A class's exercises, live (issue 16): what the teacher handed out, each student's checklist
 * over what they did since, and the first time they passed. The checks are the pure ones of
 * src/lib/exercises, run here on the store's sessions and messages, so the teacher's roster, the
 * student's page and the CSV export read one result.
 *
 * A student's work is evaluated again after their lines and messages, at most once per
 * EXERCISE_EVALUATE_INTERVAL_MS: a class with no handout costs one map lookup per line.
 */
import { studentAddress } from '../../src/lib/classes';
import { EXERCISES, EXERCISES_BY_ID } from '../../src/lib/exercises/catalogue';
import {
	progressBeforeWork,
	progressOn,
	type ExerciseProgress,
	type Handout,
	type StudentExercises
} from '../../src/lib/exercises/progress';
import type { ExerciseMessage, ExerciseSession, ExerciseWork } from '../../src/lib/exercises/work';
import type { Clock } from '../clock';
import type { LabStore, StoredMessage, StoredSession } from '../store/labStore';
import type { MessageView } from '../store/messageView';
import type { ClassPeer } from './classLive';
import type { Membership } from './classDirectory';
import { ClassError, type ClassRoom, type Student } from './classRoom';

/** A student's checklist is worked out again at most this often while they work. */
export const EXERCISE_EVALUATE_INTERVAL_MS = 300;

export interface ClassExercisesDeps {
	store: LabStore;
	clock: Clock;
	membership(ownerId: string): Membership | null;
	/** The lab's one parsed view of a stored message (server/lab.ts, cached on the message). */
	messageView(stored: StoredMessage): Promise<MessageView>;
	/** A student's progress changed: the teacher's roster is due (ClassLive.studentsChanged). */
	rosterChanged(classId: string): void;
}

/** What is known of one student's progress, and whether it is out of date. */
interface Standing {
	progress: ExerciseProgress[];
	stale: boolean;
	timer: NodeJS.Timeout | null;
	running: Promise<ExerciseProgress[]> | null;
	evaluatedAt: number;
}

export class ClassExercises {
	readonly #standings = new Map<string, Standing>();
	/** Students' pages that watch their checklist, by owner id, with the class they watch in. */
	readonly #watchers = new Map<string, { classId: string; peers: Set<ClassPeer> }>();
	/**
	 * An ended session's events, annotated once: the store annotates an ended session again on
	 * each read (server/store/labStore.ts), and a student's checklist reads all of theirs often.
	 */
	readonly #endedSessions = new WeakMap<StoredSession, ExerciseSession>();
	#closed = false;

	constructor(readonly deps: ClassExercisesDeps) {}

	/** The teacher hands an exercise out; handing out one already out changes nothing. */
	handOut(room: ClassRoom, exercise: string): { handouts: Handout[]; created: boolean } {
		if (!EXERCISES_BY_ID.has(exercise))
			throw new ClassError(
				404,
				`There is no exercise "${exercise}": the exercises are ${EXERCISES.map((e) => e.id).join(', ')}.`
			);
		if (room.handouts.some((h) => h.exercise === exercise))
			return { handouts: room.handouts, created: false };
		room.handouts = [...room.handouts, { exercise, handedOutAt: this.deps.clock.now() }];
		this.deps.store.saveClass(room);
		this.#handoutsChanged(room);
		return { handouts: room.handouts, created: true };
	}

	/** The teacher takes an exercise back: it goes from every page, and its passes with it. */
	withdraw(room: ClassRoom, exercise: string): Handout[] {
		if (!room.handouts.some((h) => h.exercise === exercise))
			throw new ClassError(404, `The exercise "${exercise}" is not handed out in this class.`);
		room.handouts = room.handouts.filter((h) => h.exercise !== exercise);
		this.deps.store.saveClass(room);
		for (const student of this.deps.store.studentsOf(room.id))
			if (exercise in student.passes) {
				const passes = { ...student.passes };
				delete passes[exercise];
				student.passes = passes;
				this.deps.store.saveStudent(student);
			}
		this.#handoutsChanged(room);
		return room.handouts;
	}

	/** The student's progress as last worked out (for the roster); a stale one is redone soon. */
	progressNow(student: Student): ExerciseProgress[] {
		const room = this.deps.store.classes.get(student.classId);
		if (!room?.handouts.length) return [];
		const standing = this.#standing(student);
		if (standing.stale) this.#schedule(student.ownerId);
		return standing.progress;
	}

	/** The student's progress, worked out now if anything changed since. */
	async progress(student: Student): Promise<ExerciseProgress[]> {
		const standing = this.#standing(student);
		if (!standing.stale) return standing.progress;
		return this.#evaluate(student.ownerId);
	}

	/** What the student's page shows. */
	async studentView(student: Student): Promise<StudentExercises> {
		const room = this.deps.store.classes.get(student.classId);
		return { handouts: room?.handouts ?? [], progress: await this.progress(student) };
	}

	/** A student's page subscribes to their checklist (`watch-exercises`). */
	watch(peer: ClassPeer): void {
		const membership = this.deps.membership(peer.viewer.ownerId);
		if (membership?.role !== 'student' || !membership.student)
			return peer.send({ type: 'error', message: 'not a student of a class' });
		const ownerId = peer.viewer.ownerId;
		const watching = this.#watchers.get(ownerId);
		if (watching?.classId === membership.room.id) watching.peers.add(peer);
		else this.#watchers.set(ownerId, { classId: membership.room.id, peers: new Set([peer]) });
		void this.studentView(membership.student).then((view) =>
			peer.send({ type: 'class-exercises', ...view })
		);
	}

	/** Its socket closed. */
	gone(peer: ClassPeer): void {
		const watching = this.#watchers.get(peer.viewer.ownerId);
		watching?.peers.delete(peer);
		if (watching?.peers.size === 0) this.#watchers.delete(peer.viewer.ownerId);
	}

	/** Items of these owners were made or changed: the students among them are due. */
	workChanged(owners: readonly string[]): void {
		for (const ownerId of owners) {
			const student = this.deps.store.students.get(ownerId);
			if (!student || !this.deps.store.classes.get(student.classId)?.handouts.length) continue;
			this.#standing(student).stale = true;
			this.#schedule(ownerId);
		}
	}

	/** Something was deleted, its owners no longer known: every known standing is redone. */
	workRemoved(): void {
		for (const [ownerId, standing] of this.#standings) {
			standing.stale = true;
			this.#schedule(ownerId);
		}
	}

	/** The class ended: its students' pages are told (ClassLive tells followers and consoles). */
	classEnded(classId: string): void {
		for (const [ownerId, watching] of this.#watchers) {
			if (watching.classId !== classId) continue;
			for (const peer of watching.peers) peer.send({ type: 'class-ended' });
			this.#watchers.delete(ownerId);
		}
		for (const ownerId of [...this.#standings.keys()])
			if (!this.deps.store.students.has(ownerId)) this.#forget(ownerId);
	}

	close(): void {
		this.#closed = true;
		for (const ownerId of [...this.#standings.keys()]) this.#forget(ownerId);
	}

	#standing(student: Student): Standing {
		let standing = this.#standings.get(student.ownerId);
		if (!standing) {
			const room = this.deps.store.classes.get(student.classId);
			standing = {
				progress: (room?.handouts ?? []).map((h) =>
					progressBeforeWork(h, student.passes[h.exercise] ?? null)
				),
				stale: true,
				timer: null,
				running: null,
				evaluatedAt: -Infinity
			};
			this.#standings.set(student.ownerId, standing);
		}
		return standing;
	}

	#forget(ownerId: string): void {
		const standing = this.#standings.get(ownerId);
		if (standing?.timer) clearTimeout(standing.timer);
		this.#standings.delete(ownerId);
	}

	/** Evaluates now if not done in the last interval, else then. */
	#schedule(ownerId: string): void {
		const standing = this.#standings.get(ownerId);
		if (!standing || standing.timer || this.#closed) return;
		const since = this.deps.clock.now() - standing.evaluatedAt;
		const timer = setTimeout(
			() => {
				standing.timer = null;
				void this.#evaluate(ownerId);
			},
			Math.max(0, EXERCISE_EVALUATE_INTERVAL_MS - since)
		);
		timer.unref();
		standing.timer = timer;
	}

	/** One evaluation at a time per student; a change during it makes another after it. */
	async #evaluate(ownerId: string): Promise<ExerciseProgress[]> {
		const standing = this.#standings.get(ownerId);
		if (!standing) return [];
		if (standing.running) {
			await standing.running;
			return standing.stale ? this.#evaluate(ownerId) : standing.progress;
		}
		standing.stale = false;
		standing.evaluatedAt = this.deps.clock.now();
		standing.running = this.#progressOf(ownerId);
		try {
			const progress = await standing.running;
			if (this.#standings.get(ownerId) !== standing) return progress;
			const changed = JSON.stringify(progress) !== JSON.stringify(standing.progress);
			standing.progress = progress;
			if (changed) this.#progressChanged(ownerId);
			return progress;
		} finally {
			standing.running = null;
		}
	}

	/** Works the student's checklists out over their work since each handout. */
	async #progressOf(ownerId: string): Promise<ExerciseProgress[]> {
		const { store, clock } = this.deps;
		const student = store.students.get(ownerId);
		const room = student && store.classes.get(student.classId);
		if (!student || !room?.handouts.length) return [];
		const work = await this.#workSince(student, student.joinedAt);
		const now = clock.now();
		let passed = false;
		const progress = room.handouts.map((handout) => {
			const since = Math.max(student.joinedAt, handout.handedOutAt);
			const result = progressOn(
				handout,
				{
					sessions: work.sessions.filter((s) => s.summary.startedAt >= since),
					messages: work.messages.filter((m) => m.receivedAt >= since)
				},
				student.passes[handout.exercise] ?? null,
				now
			);
			if (result.passedAt !== null && !(handout.exercise in student.passes)) {
				student.passes = { ...student.passes, [handout.exercise]: result.passedAt };
				passed = true;
			}
			return result;
		});
		if (passed && store.students.get(ownerId) === student) store.saveStudent(student);
		return progress;
	}

	/**
	 * What the student did since `since`: the sessions they opened in their browser or logged in
	 * to (not those that only mailed them, nor the queue's hops of their mail), and the messages
	 * sent in those sessions with the reports about them. A session's owners also include its
	 * recipients' (server/store/labStore.ts), so owning one is not enough.
	 */
	async #workSince(student: Student, since: number): Promise<ExerciseWork> {
		const { store } = this.deps;
		const room = store.classes.get(student.classId);
		const logins = new Set(
			[room && studentAddress(student.nickname, room.code), store.owners.get(student.ownerId)?.name]
				.filter((login): login is string => Boolean(login))
				.map((login) => login.toLowerCase())
		);
		const didIt = (stored: StoredSession) =>
			stored.owners.includes(student.ownerId) &&
			((stored.summary.origin === 'browser' && stored.owners[0] === student.ownerId) ||
				logins.has(stored.summary.authUser?.toLowerCase() ?? ''));
		const sessions: ExerciseWork['sessions'] = [];
		for (const stored of store.sessions.values())
			if (stored.summary.startedAt >= since && didIt(stored))
				sessions.push(this.#sessionOf(stored));
		const sentByThem = (m: StoredMessage, depth = 0): boolean => {
			const session = m.summary.sessionId ? store.sessions.get(m.summary.sessionId) : undefined;
			if (session) return didIt(session);
			const original = m.summary.reportsOn ? store.messages.get(m.summary.reportsOn) : undefined;
			return depth < 2 && original !== undefined && sentByThem(original, depth + 1);
		};
		const stored = [...store.messages.values()].filter(
			(m) => m.summary.receivedAt >= since && m.owners.includes(student.ownerId) && sentByThem(m)
		);
		const messages = await Promise.all(
			stored.map(async (m): Promise<ExerciseMessage> => {
				const view = await this.deps.messageView(m);
				return {
					...m.summary,
					headers: view.headers,
					parts: view.parts,
					raw: m.raw.toString('latin1')
				};
			})
		);
		return { sessions, messages };
	}

	#sessionOf(stored: StoredSession): ExerciseSession {
		if (stored.summary.endedAt === null) return { summary: stored.summary, events: stored.events };
		let session = this.#endedSessions.get(stored);
		if (!session || session.events.length !== stored.eventCount) {
			session = { summary: stored.summary, events: stored.events };
			this.#endedSessions.set(stored, session);
		}
		return session;
	}

	#progressChanged(ownerId: string): void {
		const student = this.deps.store.students.get(ownerId);
		if (!student) return;
		this.deps.rosterChanged(student.classId);
		const room = this.deps.store.classes.get(student.classId);
		const standing = this.#standings.get(ownerId);
		if (room && standing)
			this.#toWatchers(student, { handouts: room.handouts, progress: standing.progress });
	}

	/** Handouts changed: every student's checklist is redone and their pages told. */
	#handoutsChanged(room: ClassRoom): void {
		for (const student of this.deps.store.studentsOf(room.id)) {
			this.#forget(student.ownerId);
			const standing = this.#standing(student);
			// Told at once (the new list, checks open), then again once evaluated.
			this.#toWatchers(student, { handouts: room.handouts, progress: standing.progress });
			this.#schedule(student.ownerId);
		}
		this.deps.rosterChanged(room.id);
	}

	#toWatchers(student: Student, view: StudentExercises): void {
		for (const peer of this.#watchers.get(student.ownerId)?.peers ?? [])
			peer.send({ type: 'class-exercises', ...view });
	}
}
