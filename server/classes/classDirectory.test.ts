/**
 * ClassDirectory over a real (memory-only) store and owner directory: codes, nicknames, the
 * limits at their edges, rejoin, release, and which class an address or login belongs to.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, readConfig } from '../config';
import { OwnerDirectory } from '../owners/ownerDirectory';
import type { Viewer } from '../owners/visibility';
import { LabStore } from '../store/labStore';
import { ClassDirectory, type ClassLimits } from './classDirectory';
import { ClassError } from './classRoom';

/** Written out here, not imported: the alphabet of src/lib/classes.ts, as the design lists it. */
const ALPHABET = /^[ACDEFGHJKMNPQRTUVWXY34679]{6}$/;

function directory(limits: Partial<ClassLimits> = {}) {
	const store = new LabStore(DEFAULTS);
	const owners = new OwnerDirectory(store, randomBytes(32), 'operator-token-for-tests');
	let now = Date.UTC(2026, 0, 5, 9);
	const clock = { now: () => now, after: () => () => undefined };
	const classes = new ClassDirectory(store, owners, clock, { ...DEFAULTS, ...limits });
	const visitor = (): Viewer => ({ ownerId: owners.signer.issueOwner().id, operator: false });
	return { store, owners, classes, visitor, later: (ms: number) => (now += ms) };
}

function refusal(body: () => unknown): { status: number; message: string } {
	try {
		body();
	} catch (error) {
		if (error instanceof ClassError) return { status: error.status, message: error.message };
		throw error;
	}
	throw new Error('no ClassError');
}

describe('join codes', () => {
	it('are six characters of the alphabet, different for every class', () => {
		const { classes, visitor } = directory({ maxClassesPerOwner: 1 });
		const codes = new Set<string>();
		for (let i = 0; i < 300; i++) {
			const { code } = classes.create(visitor(), `Class ${i}`);
			expect(code).toMatch(ALPHABET);
			codes.add(code);
		}
		expect(codes.size).toBe(300);
	});

	it('are found as typed: lower case, spaces, dashes; an unknown one is a 404', () => {
		const { classes, visitor } = directory();
		const room = classes.create(visitor(), 'Mail');
		const typed = `${room.code.slice(0, 3).toLowerCase()}-${room.code.slice(3)} `;
		expect(classes.byCode(typed)).toBe(room);
		expect(refusal(() => classes.byCode('QQQQQQ')).status).toBe(404);
		expect(refusal(() => classes.byCode('0O1IL5')).message).toMatch(/letters and digits/);
	});
});

describe('nicknames', () => {
	it('take up to 64 octets (a local part, RFC 5321 §4.5.3.1.1) and not 65', () => {
		const { classes, visitor } = directory();
		const { code } = classes.create(visitor(), 'Mail');
		expect(classes.join(visitor(), code, 'a'.repeat(64)).nickname).toHaveLength(64);
		const long = refusal(() => classes.join(visitor(), code, 'b'.repeat(65)));
		expect(long.status).toBe(400);
		expect(long.message).toMatch(/64/);
		expect(refusal(() => classes.join(visitor(), code, 'two..dots')).status).toBe(400);
		expect(refusal(() => classes.join(visitor(), code, '')).status).toBe(400);
	});

	it('are unique in a class whatever their case, and free in another class', () => {
		const { classes, visitor } = directory();
		const first = classes.create(visitor(), 'First');
		const second = classes.create(visitor(), 'Second');
		classes.join(visitor(), first.code, 'Ana');
		const taken = refusal(() => classes.join(visitor(), first.code, 'aNA'));
		expect(taken.status).toBe(409);
		expect(taken.message).toMatch(/taken/);
		expect(classes.join(visitor(), second.code, 'ana').classId).toBe(second.id);
	});
});

describe('limits', () => {
	it('CLASS_MAX_STUDENTS students join, the next gets 403 naming the setting', () => {
		const { classes, visitor } = directory({ classMaxStudents: 3 });
		const { code } = classes.create(visitor(), 'Small');
		for (const nickname of ['a', 'b', 'c']) classes.join(visitor(), code, nickname);
		const full = refusal(() => classes.join(visitor(), code, 'd'));
		expect(full.status).toBe(403);
		expect(full.message).toMatch(/CLASS_MAX_STUDENTS/);
	});

	it('a released nickname frees its place', () => {
		const { classes, visitor } = directory({ classMaxStudents: 1 });
		const room = classes.create(visitor(), 'Small');
		classes.join(visitor(), room.code, 'a');
		classes.release(room, 'A');
		expect(classes.join(visitor(), room.code, 'a').nickname).toBe('a');
	});

	it('MAX_CLASSES_PER_OWNER classes for one teacher, the next gets 429; ending one makes room', () => {
		const { classes, visitor } = directory({ maxClassesPerOwner: 2 });
		const teacher = visitor();
		const first = classes.create(teacher, 'One');
		classes.create(teacher, 'Two');
		const more = refusal(() => classes.create(teacher, 'Three'));
		expect(more.status).toBe(429);
		expect(more.message).toMatch(/MAX_CLASSES_PER_OWNER/);
		classes.end(first.id);
		expect(classes.create(teacher, 'Three').name).toBe('Three');
	});
});

describe('membership', () => {
	it('one class at a time: a student joining a second class gets 409 naming the first', () => {
		const { classes, visitor } = directory();
		const ana = visitor();
		const first = classes.create(visitor(), 'First class');
		const second = classes.create(visitor(), 'Second class');
		classes.join(ana, first.code, 'ana');
		const again = refusal(() => classes.join(ana, second.code, 'ana'));
		expect(again.status).toBe(409);
		expect(again.message).toContain('First class');
		expect(classes.membership(ana.ownerId)).toMatchObject({ role: 'student', room: first });
	});

	it('rejoin: the right code (any case) gives the student; a wrong one or an unknown nickname 403', () => {
		const { classes, visitor } = directory();
		const { code } = classes.create(visitor(), 'Mail');
		const student = classes.join(visitor(), code, 'Ana');
		expect(student.rejoinCode).toMatch(ALPHABET);
		expect(classes.rejoin(code, 'ana', student.rejoinCode.toLowerCase())).toBe(student);
		const wrongCode = student.rejoinCode === 'AAAAAA' ? 'CCCCCC' : 'AAAAAA';
		expect(refusal(() => classes.rejoin(code, 'ana', wrongCode)).status).toBe(403);
		expect(refusal(() => classes.rejoin(code, 'bob', student.rejoinCode)).status).toBe(403);
	});

	it('release: the nickname is free, its owner a former student of the class, no longer a member', () => {
		const { classes, store, visitor } = directory();
		const room = classes.create(visitor(), 'Mail');
		const ana = visitor();
		classes.join(ana, room.code, 'ana');
		classes.release(room, 'ana');
		expect(classes.membership(ana.ownerId)).toBeNull();
		expect(store.formerStudentOf(ana.ownerId)?.id).toBe(room.id);
		expect(refusal(() => classes.release(room, 'ana')).status).toBe(404);
	});

	it('a student’s address and login name the student, in any case; a wrong password none', () => {
		const { classes, store, visitor } = directory();
		const { code } = classes.create(visitor(), 'Mail');
		const student = classes.join(visitor(), code, 'Ana');
		const address = `ANA@${code}.Class.Test`;
		expect(classes.studentOfAddress(address)).toBe(student);
		expect(classes.studentOfAddress(`bob@${code}.class.test`)).toBeUndefined();
		const password = store.owners.get(student.ownerId)!.password;
		expect(classes.studentOfLogin(address, password)).toBe(student);
		expect(classes.studentOfLogin(address, `${password}x`)).toBeUndefined();
	});

	it('a class ends by itself CLASS_RETENTION_DAYS after it began, not a millisecond before', () => {
		const { classes, store, visitor, later } = directory({ classRetentionDays: 2 });
		const room = classes.create(visitor(), 'Mail');
		later(2 * 86_400_000 - 1);
		classes.endExpired();
		expect(store.classes.has(room.id)).toBe(true);
		later(1);
		classes.endExpired();
		expect(store.classes.has(room.id)).toBe(false);
		expect(refusal(() => classes.byCode(room.code)).status).toBe(410);
	});
});

describe('settings', () => {
	it('reads the four class limits; CLASS_RETENTION_DAYS is at least 1', () => {
		expect(
			readConfig({
				CLASS_RETENTION_DAYS: '1',
				CLASS_MAX_STUDENTS: '30',
				CLASS_REJOIN_FAILURES_PER_MINUTE: '0',
				MAX_CLASSES_PER_OWNER: '3'
			})
		).toMatchObject({
			classRetentionDays: 1,
			classMaxStudents: 30,
			classRejoinFailuresPerMinute: 0,
			maxClassesPerOwner: 3
		});
		expect(() => readConfig({ CLASS_RETENTION_DAYS: '0' })).toThrow(
			'CLASS_RETENTION_DAYS must be at least 1, got 0'
		);
	});
});
