/**
 * Classes and their students as both engines' tables hold them (sqlite/migrations.ts,
 * postgres/pgSchema.ts): their lists as JSON text, a student also by its nickname's key.
 */
import { nicknameKey } from '../../src/lib/classes';
import type { ClassRoom, Student } from '../classes/classRoom';

/** A classes row, its columns named as the fields they fill. */
export type ClassRow = Omit<ClassRoom, 'formerStudents' | 'handouts'> & {
	formerStudents: string;
	handouts: string;
};

/** A students row, its columns named as the fields they fill. */
export type StudentRow = Omit<Student, 'passes'> & { passes: string };

/**
 * A class's values in the order both engines' INSERTs name the columns: id, code, name,
 * teacher_owner_id, teacher_key, created_at, ends_at, spotlight, former_students, handouts.
 */
export function classValues(c: ClassRoom): unknown[] {
	return [
		c.id,
		c.code,
		c.name,
		c.teacherOwnerId,
		c.teacherKey,
		c.createdAt,
		c.endsAt,
		c.spotlight,
		JSON.stringify(c.formerStudents),
		JSON.stringify(c.handouts)
	];
}

/**
 * A student's values in the order both engines' INSERTs name the columns: class_id,
 * nickname_key, owner_id, nickname, rejoin_code, joined_at, passes.
 */
export function studentValues(s: Student): unknown[] {
	return [
		s.classId,
		nicknameKey(s.nickname),
		s.ownerId,
		s.nickname,
		s.rejoinCode,
		s.joinedAt,
		JSON.stringify(s.passes)
	];
}

export function classFromRow(row: ClassRow): ClassRoom {
	return {
		...row,
		formerStudents: JSON.parse(row.formerStudents),
		handouts: JSON.parse(row.handouts)
	};
}

export function studentFromRow(row: StudentRow): Student {
	return { ...row, passes: JSON.parse(row.passes) };
}
