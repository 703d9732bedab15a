/**
 * The class API's side of server/labApi.ts (issue 15): one method per route under
 * /api/classes, each taking the viewer, answering the shapes of src/lib/classes.ts or a refusal
 * with its HTTP status. The routes import no server code, so a ClassError comes to them as data.
 */
import {
	studentAddress,
	type ClassConsole,
	type ClassInvitation,
	type StudentCard
} from '../../src/lib/classes';
import { progressCsv } from '../../src/lib/exercises/progressCsv';
import type { Handout, StudentExercises } from '../../src/lib/exercises/progress';
import { FailureGate } from '../../src/lib/server/operatorGate';
import type { Bridge } from '../bridge/bridge';
import type { LabConfig } from '../config';
import { sameText } from '../owners/ownerCookie';
import type { OwnerDirectory } from '../owners/ownerDirectory';
import type { Viewer } from '../owners/visibility';
import type { LabStore } from '../store/labStore';
import type { ClassDirectory, EndedClass } from './classDirectory';
import { ClassError, type ClassRoom, type Student } from './classRoom';

/** What a class route gets: the answer, or the status and error it answers with. */
export type ClassResult<T> =
	{ ok: true; value: T } | { ok: false; status: number; error: string; retryAfterSeconds?: number };

/** An answer that makes the asking browser another owner: the owner cookie to set. */
export interface AsOwner<T> {
	answer: T;
	ownerCookie: string;
}

export interface ClassApi {
	/** POST /api/classes: the viewer becomes the new class's teacher. */
	create(viewer: Viewer, name: string): ClassResult<ClassConsole>;
	/** GET /api/classes/[code]: what the join page shows. */
	invitation(code: string): ClassResult<ClassInvitation>;
	/** POST /api/classes/[code]/students: the viewer joins. */
	join(viewer: Viewer, code: string, nickname: string): ClassResult<StudentCard>;
	/** POST /api/classes/[code]/rejoin: failures limited per client address. */
	rejoin(
		clientAddress: string,
		code: string,
		nickname: string,
		rejoinCode: string
	): ClassResult<AsOwner<StudentCard>>;
	/** POST /api/classes/[code]/teacher: the teacher link's key makes this browser the teacher. */
	teacher(code: string, key: string): ClassResult<AsOwner<ClassConsole>>;
	/** GET /api/classes/[code]/console: the teacher's (and the operator's) view. */
	console(viewer: Viewer, code: string): ClassResult<ClassConsole>;
	/** DELETE /api/classes/[code]/students/[nickname] */
	release(viewer: Viewer, code: string, nickname: string): ClassResult<{ ok: true }>;
	/** DELETE /api/classes/[code]: ends the class, deleting its data. */
	end(viewer: Viewer, code: string): ClassResult<EndedClass>;
	/** GET /api/classes/mine */
	mine(viewer: Viewer): { student: StudentCard | null; teaching: ClassInvitation[] };
	/** GET /api/classes/[code]/exercises: a student's handouts and their own checklists. */
	studentExercises(viewer: Viewer, code: string): Promise<ClassResult<StudentExercises>>;
	/** POST /api/classes/[code]/exercises: the teacher hands an exercise out. */
	handOut(
		viewer: Viewer,
		code: string,
		exercise: string
	): ClassResult<{ handouts: Handout[]; created: boolean }>;
	/** DELETE /api/classes/[code]/exercises/[exercise] */
	withdraw(viewer: Viewer, code: string, exercise: string): ClassResult<{ handouts: Handout[] }>;
	/** GET /api/classes/[code]/progress.csv: who passed what, checklists worked out now. */
	progressCsv(
		viewer: Viewer,
		code: string
	): Promise<ClassResult<{ filename: string; csv: string }>>;
}

export function createClassApi(
	classes: ClassDirectory,
	store: LabStore,
	owners: OwnerDirectory,
	bridge: Bridge,
	config: Pick<LabConfig, 'classMaxStudents' | 'classRejoinFailuresPerMinute'>
): ClassApi {
	const rejoinGate = new FailureGate(config.classRejoinFailuresPerMinute);
	const invitation = (room: ClassRoom): ClassInvitation => ({
		code: room.code,
		name: room.name,
		endsAt: room.endsAt,
		students: store.studentsOf(room.id).length,
		maxStudents: config.classMaxStudents
	});
	const card = (student: Student): StudentCard => {
		const room = store.classes.get(student.classId)!;
		return {
			code: room.code,
			className: room.name,
			nickname: student.nickname,
			address: studentAddress(student.nickname, room.code),
			password: owners.owner(student.ownerId).password,
			rejoinCode: student.rejoinCode
		};
	};
	const classConsole = (room: ClassRoom): ClassConsole => {
		return {
			...invitation(room),
			id: room.id,
			createdAt: room.createdAt,
			joinPath: `/join?code=${room.code}`,
			teacherPath: `/class/${room.code}/teach#key=${room.teacherKey}`,
			roster: bridge.classLive.roster(room),
			spotlight: room.spotlight,
			handouts: room.handouts
		};
	};
	/** The class, when the viewer teaches it (or is the operator). */
	const taught = (viewer: Viewer, code: string): ClassRoom => {
		const room = classes.byCode(code);
		if (!viewer.operator && !classes.isTeacher(viewer.ownerId, room))
			throw new ClassError(403, 'Only the teacher of this class may do that.');
		return room;
	};
	return {
		create: (viewer, name) => attempt(() => classConsole(classes.create(viewer, name))),
		invitation: (code) => attempt(() => invitation(classes.byCode(code))),
		join: (viewer, code, nickname) =>
			attempt(() => {
				const student = classes.join(viewer, code, nickname);
				bridge.classLive.studentsChanged(student.classId);
				return card(student);
			}),
		rejoin: (clientAddress, code, nickname, rejoinCode) =>
			attempt(() => {
				const wait = rejoinGate.retryAfterSeconds(clientAddress);
				if (wait > 0)
					throw new ClassError(
						429,
						`more than ${config.classRejoinFailuresPerMinute} wrong rejoin codes a minute from one address (CLASS_REJOIN_FAILURES_PER_MINUTE): try again in ${wait} s`,
						wait
					);
				try {
					const student = classes.rejoin(code, nickname, rejoinCode);
					return { answer: card(student), ownerCookie: owners.signer.ownerCookie(student.ownerId) };
				} catch (error) {
					if (error instanceof ClassError && error.status === 403) rejoinGate.failed(clientAddress);
					throw error;
				}
			}),
		teacher: (code, key) =>
			attempt(() => {
				const room = classes.byCode(code);
				if (!sameText(key, room.teacherKey))
					throw new ClassError(403, 'That is not this class’s teacher link.');
				return {
					answer: classConsole(room),
					ownerCookie: owners.signer.ownerCookie(room.teacherOwnerId)
				};
			}),
		console: (viewer, code) => attempt(() => classConsole(taught(viewer, code))),
		release: (viewer, code, nickname) =>
			attempt(() => {
				const room = taught(viewer, code);
				classes.release(room, nickname);
				bridge.classLive.studentsChanged(room.id);
				return { ok: true as const };
			}),
		end: (viewer, code) => attempt(() => classes.end(taught(viewer, code).id)),
		studentExercises: (viewer, code) =>
			attemptAsync(async () => {
				const room = classes.byCode(code);
				const student = store.students.get(viewer.ownerId);
				if (student?.classId !== room.id)
					throw new ClassError(403, 'Only a student of this class has exercises to see here.');
				return bridge.classExercises.studentView(student);
			}),
		handOut: (viewer, code, exercise) =>
			attempt(() => bridge.classExercises.handOut(taught(viewer, code), exercise)),
		withdraw: (viewer, code, exercise) =>
			attempt(() => ({ handouts: bridge.classExercises.withdraw(taught(viewer, code), exercise) })),
		progressCsv: (viewer, code) =>
			attemptAsync(async () => {
				const room = taught(viewer, code);
				// Every checklist worked out now, so the file says what the roster says.
				await Promise.all(
					store.studentsOf(room.id).map((student) => bridge.classExercises.progress(student))
				);
				return {
					filename: `class-${room.code}-progress.csv`,
					csv: progressCsv(room.handouts, bridge.classLive.roster(room))
				};
			}),
		mine: (viewer) => {
			const student = store.students.get(viewer.ownerId);
			return {
				student: student ? card(student) : null,
				teaching: store.classesTaughtBy(viewer.ownerId).map(invitation)
			};
		}
	};
}

async function attemptAsync<T>(body: () => Promise<T>): Promise<ClassResult<T>> {
	try {
		return { ok: true, value: await body() };
	} catch (error) {
		return refusal(error);
	}
}

function attempt<T>(body: () => T): ClassResult<T> {
	try {
		return { ok: true, value: body() };
	} catch (error) {
		return refusal(error);
	}
}

/** A ClassError as the route answers it; anything else is a bug, thrown on. */
function refusal(error: unknown): Extract<ClassResult<never>, { ok: false }> {
	if (!(error instanceof ClassError)) throw error;
	return {
		ok: false,
		status: error.status,
		error: error.message,
		...(error.retryAfterSeconds ? { retryAfterSeconds: error.retryAfterSeconds } : {})
	};
}
