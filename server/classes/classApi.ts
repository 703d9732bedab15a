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
			spotlight: room.spotlight
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
		mine: (viewer) => {
			const student = store.students.get(viewer.ownerId);
			return {
				student: student ? card(student) : null,
				teaching: store.classesTaughtBy(viewer.ownerId).map(invitation)
			};
		}
	};
}

function attempt<T>(body: () => T): ClassResult<T> {
	try {
		return { ok: true, value: body() };
	} catch (error) {
		if (!(error instanceof ClassError)) throw error;
		return {
			ok: false,
			status: error.status,
			error: error.message,
			...(error.retryAfterSeconds ? { retryAfterSeconds: error.retryAfterSeconds } : {})
		};
	}
}
