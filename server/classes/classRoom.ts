/**
 * A class (issue 15): a teacher, the students who joined with its code, and the data they make,
 * which is private to the class (server/owners/visibility.ts) and deleted when the class ends.
 */
import type { Handout } from '../../src/lib/exercises/progress';

export interface ClassRoom {
	/** Random 128 bits: the database's key, never shown. */
	id: string;
	/** The join code on the projector (src/lib/classes.ts JOIN_CODE_ALPHABET), upper case. */
	code: string;
	name: string;
	/** The owner who created it: the teacher. */
	teacherOwnerId: string;
	/** Random 128 bits, base64url: the teacher link's secret, which makes a device the teacher. */
	teacherKey: string;
	createdAt: number;
	/** CLASS_RETENTION_DAYS after createdAt: then the retention sweep ends it. */
	endsAt: number;
	/** The session the teacher shows every student, or null. */
	spotlight: string | null;
	/**
	 * Owners whose nickname the teacher released: what they made is still the class's (the
	 * teacher sees it, ending deletes it), but they are no longer members.
	 */
	formerStudents: string[];
	/** The exercises handed out (issue 16), oldest first. */
	handouts: Handout[];
}

export interface Student {
	classId: string;
	/** The owner who joined (their cookie); rejoining sets this owner's cookie on a new browser. */
	ownerId: string;
	/** As typed (its case kept for display); compared by nicknameKey. */
	nickname: string;
	/** JOIN_CODE_LENGTH characters of JOIN_CODE_ALPHABET: with the code and nickname, rejoins. */
	rejoinCode: string;
	joinedAt: number;
	/** When they first passed each handed-out exercise, by exercise id (src/lib/exercises/progress.ts). */
	passes: Record<string, number>;
}

/** A refusal the API answers with its status and `{ error }` (and Retry-After, for a 429). */
export class ClassError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly retryAfterSeconds?: number
	) {
		super(message);
	}
}
