/**
 * Classes as the rest of the lab meets them (issue 15): made by a teacher, joined by students
 * with the code and a nickname, rejoined from another browser with a rejoin code, ended by the
 * teacher or after CLASS_RETENTION_DAYS. The owner cookie is who you are: the teacher is the
 * owner who made the class, a student the owner who joined; the teacher link and a rejoin hand
 * that owner's cookie to another browser (the routes set it).
 */
import { randomBytes, randomInt } from 'node:crypto';
import {
	CLASS_DOMAIN_SUFFIX,
	CLASS_NAME_MAX_CHARACTERS,
	CLASS_WIDE_LOCAL_PART,
	isJoinCode,
	JOIN_CODE_ALPHABET,
	JOIN_CODE_LENGTH,
	nicknameKey,
	nicknameProblem,
	normaliseJoinCode,
	studentAddress
} from '../../src/lib/classes';
import type { Clock } from '../clock';
import type { LabConfig } from '../config';
import { sameText } from '../owners/ownerCookie';
import type { OwnerDirectory } from '../owners/ownerDirectory';
import type { Viewer } from '../owners/visibility';
import { domainOf, localPartOf } from '../sandbox/policy';
import type { LabStore, StoredSession } from '../store/labStore';
import { ClassError, type ClassRoom, type Student } from './classRoom';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Control characters have no place in a name shown on a projector. */
const CONTROL = /\p{Cc}/u;
/** How many ended classes' codes are remembered to answer 410 rather than 404. */
const ENDED_CODES_KEPT = 10_000;

export type ClassLimits = Pick<
	LabConfig,
	'classRetentionDays' | 'classMaxStudents' | 'maxClassesPerOwner'
>;

export interface Membership {
	room: ClassRoom;
	role: 'teacher' | 'student';
	student?: Student;
}

/** What ending a class deleted: the items no owner was left holding. */
export interface EndedClass {
	deletedSessions: number;
	deletedMessages: number;
}

export class ClassDirectory {
	/**
	 * Codes of classes that ended, with their name: a late student gets "this class has ended"
	 * rather than "no such code". In memory only: after a restart such a code is simply unknown.
	 */
	readonly #ended = new Map<string, string>();

	constructor(
		readonly store: LabStore,
		readonly owners: OwnerDirectory,
		readonly clock: Clock,
		readonly limits: ClassLimits
	) {}

	/** A new class taught by the viewer. */
	create(viewer: Viewer, typedName: string): ClassRoom {
		const name = typedName.trim();
		if (!name) throw new ClassError(400, 'Give the class a name: it is shown on the join page.');
		if ([...name].length > CLASS_NAME_MAX_CHARACTERS)
			throw new ClassError(400, `A class name is at most ${CLASS_NAME_MAX_CHARACTERS} characters.`);
		if (CONTROL.test(name))
			throw new ClassError(400, 'A class name cannot contain control characters.');
		const student = this.store.students.get(viewer.ownerId);
		if (student)
			throw new ClassError(
				409,
				`You are a student of ${this.#named(student.classId)}: teach from another browser (or a private window).`
			);
		const max = this.limits.maxClassesPerOwner;
		if (this.store.classesTaughtBy(viewer.ownerId).length >= max)
			throw new ClassError(
				429,
				`you already teach ${max} classes (MAX_CLASSES_PER_OWNER): end one first`
			);
		const createdAt = this.clock.now();
		const room: ClassRoom = {
			id: randomBytes(16).toString('base64url'),
			code: this.#newCode(),
			name,
			teacherOwnerId: viewer.ownerId,
			teacherKey: randomBytes(16).toString('base64url'),
			createdAt,
			endsAt: createdAt + this.limits.classRetentionDays * DAY_MS,
			spotlight: null,
			formerStudents: [],
			handouts: []
		};
		// The teacher's record (personal login) exists from now: the class's mail names it.
		this.owners.owner(viewer.ownerId);
		this.store.saveClass(room);
		return room;
	}

	/** The live class with this code as typed (`k7m 2qp` too), or a 404 or 410 ClassError. */
	byCode(typed: string): ClassRoom {
		const code = normaliseJoinCode(typed);
		const room = this.store.classByCode(code);
		if (room) return room;
		const ended = this.#ended.get(code);
		if (ended !== undefined)
			throw new ClassError(410, `The class ${ended} (${code}) has ended: its data is deleted.`);
		if (!isJoinCode(code))
			throw new ClassError(
				404,
				`A join code is ${JOIN_CODE_LENGTH} letters and digits, as shown on the projector.`
			);
		throw new ClassError(404, `No class has the code ${code}: check it on the projector.`);
	}

	/** The viewer joins as `nickname`: they become that student (their owner is). */
	join(viewer: Viewer, code: string, nickname: string): Student {
		const room = this.byCode(code);
		const problem = nicknameProblem(nickname);
		if (problem) throw new ClassError(400, problem);
		const membership = this.membership(viewer.ownerId);
		if (membership?.role === 'student')
			throw new ClassError(
				409,
				membership.room === room
					? `You already joined ${quoted(room)} as ${membership.student!.nickname}.`
					: `You are already a student of ${quoted(membership.room)}: one class at a time (join from another browser, or have its teacher release your nickname).`
			);
		if (membership?.role === 'teacher' && this.isTeacher(viewer.ownerId, room))
			throw new ClassError(
				409,
				`You teach ${quoted(room)}: join as a student from another browser (or a private window).`
			);
		if (this.store.studentsOf(room.id).length >= this.limits.classMaxStudents)
			throw new ClassError(
				403,
				`${quoted(room)} is full: ${this.limits.classMaxStudents} students (CLASS_MAX_STUDENTS)`
			);
		if (this.store.studentByNickname(room.id, nickname))
			throw new ClassError(
				409,
				`The nickname ${nickname} is taken in this class (nicknames ignore case): choose another, or rejoin with your rejoin code if it is yours.`
			);
		// The student's submission password is their owner's personal one.
		this.owners.owner(viewer.ownerId);
		const student: Student = {
			classId: room.id,
			ownerId: viewer.ownerId,
			nickname,
			rejoinCode: randomCode(),
			joinedAt: this.clock.now(),
			passes: {}
		};
		this.store.saveStudent(student);
		return student;
	}

	/**
	 * The student with this nickname, when the rejoin code is theirs: the caller hands their
	 * owner cookie to the browser asking. A wrong code and an unknown nickname get the same 403.
	 */
	rejoin(code: string, nickname: string, rejoinCode: string): Student {
		const room = this.byCode(code);
		const student = this.store.studentByNickname(room.id, nickname);
		const typed = normaliseJoinCode(rejoinCode);
		if (!student || !sameText(typed, student.rejoinCode))
			throw new ClassError(
				403,
				'That nickname and rejoin code do not match in this class: check both (the rejoin code was shown when you joined), or ask your teacher to release the nickname.'
			);
		return student;
	}

	/** The teacher releases a nickname: free again; what its student made stays the class's. */
	release(room: ClassRoom, nickname: string): void {
		const student = this.store.studentByNickname(room.id, nickname);
		if (!student) throw new ClassError(404, `No student of this class is called ${nickname}.`);
		this.store.deleteStudent(student);
		if (!room.formerStudents.includes(student.ownerId))
			this.store.saveClass({ ...room, formerStudents: [...room.formerStudents, student.ownerId] });
	}

	/**
	 * Ends the class: every member lets go of the class's items (those no owner is left holding
	 * go; a live one when it ends), then the student records and the class go. The teacher's
	 * items from before the class began are not the class's.
	 */
	end(classId: string): EndedClass {
		const room = this.store.classes.get(classId);
		if (!room) return { deletedSessions: 0, deletedMessages: 0 };
		const members = [
			...this.store.studentsOf(classId).map((s) => s.ownerId),
			...room.formerStudents,
			room.teacherOwnerId
		];
		const ofClass = (owners: readonly string[], madeAt: number) =>
			this.store.classesOfItem(owners, madeAt).includes(room);
		const sessions = [...this.store.sessions.values()].filter((s) =>
			ofClass(s.owners, s.summary.startedAt)
		);
		const messages = [...this.store.messages.values()].filter((m) =>
			ofClass(m.owners, m.summary.receivedAt)
		);
		for (const message of messages)
			for (const ownerId of members) this.store.releaseMessage(message.summary.id, ownerId);
		for (const session of sessions) {
			for (const ownerId of members) this.store.releaseSession(session.summary.id, ownerId);
			// A session still open (a student typing as the class ends) goes when it closes.
			this.store.deleteWhenEnded(session.summary.id);
		}
		this.store.deleteClass(classId);
		this.#remember(room);
		const gone = (s: StoredSession) => !this.store.sessions.has(s.summary.id) || !s.owners.length;
		return {
			deletedSessions: sessions.filter(gone).length,
			deletedMessages: messages.filter((m) => !this.store.messages.has(m.summary.id)).length
		};
	}

	/** Ends every class whose time is up (the retention sweep calls it). */
	endExpired(): void {
		const now = this.clock.now();
		for (const room of [...this.store.classes.values()]) if (room.endsAt <= now) this.end(room.id);
	}

	/** The owner's class: the one they are a student of, else the newest they teach. */
	membership(ownerId: string): Membership | null {
		const student = this.store.students.get(ownerId);
		const room = student && this.store.classes.get(student.classId);
		if (student && room) return { room, role: 'student', student };
		const taught = this.store.classesTaughtBy(ownerId);
		return taught.length ? { room: taught[taught.length - 1], role: 'teacher' } : null;
	}

	isTeacher(ownerId: string, room: ClassRoom): boolean {
		return room.teacherOwnerId === ownerId;
	}

	/** The student whose address this is (`ana@k7m4qp.class.test`, any case), if any. */
	studentOfAddress(address: string): Student | undefined {
		const domain = domainOf(address).replace(/\.$/, '');
		if (!domain.endsWith(CLASS_DOMAIN_SUFFIX)) return undefined;
		const room = this.store.classByCode(domain.slice(0, -CLASS_DOMAIN_SUFFIX.length).toUpperCase());
		return room && this.store.studentByNickname(room.id, localPartOf(address));
	}

	/** The live class whose class-wide address this is (`class@k7m4qp.class.test`, any case). */
	classOfClassWideAddress(address: string): ClassRoom | undefined {
		return nicknameKey(localPartOf(address)) === CLASS_WIDE_LOCAL_PART
			? this.classOfDomain(domainOf(address))
			: undefined;
	}

	/**
	 * The owners whose mailbox an address is: a student's own, or for the class-wide address every
	 * current student of the class (each gets the teacher's mail as theirs).
	 */
	mailboxOwnersOf(address: string): string[] {
		const room = this.classOfClassWideAddress(address);
		if (room) return this.store.studentsOf(room.id).map((student) => student.ownerId);
		const student = this.studentOfAddress(address);
		return student ? [student.ownerId] : [];
	}

	/** The live class of a class domain (`k7m4qp.class.test`), or undefined. */
	classOfDomain(domain: string): ClassRoom | undefined {
		const d = domain.toLowerCase().replace(/\.$/, '');
		return d.endsWith(CLASS_DOMAIN_SUFFIX)
			? this.store.classByCode(d.slice(0, -CLASS_DOMAIN_SUFFIX.length).toUpperCase())
			: undefined;
	}

	/** The student these submission credentials belong to: their address and personal password. */
	studentOfLogin(user: string, password: string): Student | undefined {
		const student = this.studentOfAddress(user);
		const owner = student && this.store.owners.get(student.ownerId);
		return owner && sameText(owner.password, password) ? student : undefined;
	}

	/** The student's address and submission user name. */
	addressOf(student: Student): string {
		const room = this.store.classes.get(student.classId)!;
		return studentAddress(student.nickname, room.code);
	}

	#named(classId: string): string {
		const room = this.store.classes.get(classId);
		return room ? quoted(room) : 'a class';
	}

	#newCode(): string {
		for (;;) {
			const code = randomCode();
			if (!this.store.classByCode(code) && !this.#ended.has(code)) return code;
		}
	}

	#remember(room: ClassRoom): void {
		if (this.#ended.size >= ENDED_CODES_KEPT)
			this.#ended.delete(this.#ended.keys().next().value as string);
		this.#ended.set(room.code, quoted(room));
	}
}

/** JOIN_CODE_LENGTH characters of JOIN_CODE_ALPHABET, each drawn uniformly (node:crypto). */
export function randomCode(): string {
	let code = '';
	for (let i = 0; i < JOIN_CODE_LENGTH; i++)
		code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
	return code;
}

function quoted(room: ClassRoom): string {
	return `“${room.name}”`;
}
