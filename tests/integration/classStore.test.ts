/**
 * Issue 15: a class in the durable store. Sessions and mail are made over real SMTP sockets with
 * the teacher's personal login and the students' class logins; the lab keeps them in a real
 * SQLite DATA_DIR and is restarted on it. Ending a class deletes exactly its data (the teacher's
 * from before it began, an outsider's, and an outsider's copy of a student's mail survive);
 * retention keeps class data past RETENTION_HOURS and ends the class after CLASS_RETENTION_DAYS;
 * a class and its students survive a restart; a database at schema version 5 is upgraded.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lab, LabOptions } from '../../server/lab';
import type { LabConfig } from '../../server/config';
import type { Viewer } from '../../server/owners/visibility';
import { SWEEP_INTERVAL_MS } from '../../server/store/retention';
import { DATABASE_FILE } from '../../server/store/sqlite/sqlitePersistence';
import { studentAddress } from '../../src/lib/classes';
import { OWNER_COOKIE } from '../../src/lib/server/cookieNames';
import { DELETE as endClass, GET as invitation } from '../../src/routes/api/classes/[code]/+server';
import { GET as classConsole } from '../../src/routes/api/classes/[code]/console/+server';
import { POST as rejoin } from '../../src/routes/api/classes/[code]/rejoin/+server';
import { POST as teacherLink } from '../../src/routes/api/classes/[code]/teacher/+server';
import { GET as sessionDetail } from '../../src/routes/api/sessions/[id]/+server';
import { classRoute } from './classRoutes';
import { ManualClock, startTestLab, until } from './harness';
import { callRoute } from './routeCall';
import { ended, message, ready, transaction } from './smtpSession';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

let dataDir: string;
const labs: Lab[] = [];
beforeEach(() => {
	dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-classes-'));
});
afterEach(async () => {
	for (const lab of labs.splice(0)) await lab.close();
	rmSync(dataDir, { recursive: true, force: true });
});

async function start(overrides: Partial<LabConfig> = {}, options: LabOptions = {}): Promise<Lab> {
	const lab = await startTestLab({ dataDir, ...overrides }, options);
	labs.push(lab);
	return lab;
}

async function restart(lab: Lab, overrides: Partial<LabConfig> = {}): Promise<Lab> {
	labs.splice(labs.indexOf(lab), 1);
	await lab.close();
	return start(overrides);
}

const viewerOf = (ownerId: string): Viewer => ({ ownerId, operator: false });
const newViewer = (lab: Lab) => viewerOf(lab.owners.signer.issueOwner().id);

/** A session on submission logged in as `login`, sending one message to `to`; then QUIT. */
async function send(
	lab: Lab,
	login: [string, string],
	to: string,
	subject: string
): Promise<{ sessionId: string; messageId: string }> {
	const { c, id } = await ready(lab, 'submission', login);
	const t = await transaction(c, 'sender@example.com', [to], message(subject));
	await c.command('QUIT');
	c.close();
	await ended(lab, id);
	return { sessionId: id, messageId: t.messageId! };
}

/** Personal submission login of an owner. */
function personal(lab: Lab, viewer: Viewer): [string, string] {
	const owner = lab.owners.owner(viewer.ownerId);
	return [owner.name, owner.password];
}

/** A student's class login: their address and their owner's password. */
function classLogin(lab: Lab, ownerId: string, nickname: string, code: string): [string, string] {
	return [studentAddress(nickname, code), lab.owners.owner(ownerId).password];
}

const kept = (lab: Lab, made: { sessionId: string; messageId: string }) => ({
	session: lab.store.sessions.has(made.sessionId),
	message: lab.store.messages.has(made.messageId)
});
const BOTH = { session: true, message: true };
const NEITHER = { session: false, message: false };

describe('exercises across a restart', () => {
	it('keeps the handouts and the time each student first passed', async () => {
		let lab = await start({ visibility: 'private' });
		const teacher = newViewer(lab);
		const room = lab.classes.create(teacher, 'Mail');
		const ana = lab.classes.join(newViewer(lab), room.code, 'ana');
		lab.bridge.classExercises.handOut(room, 'rset-transaction');
		const handouts = structuredClone(lab.store.classes.get(room.id)!.handouts);
		const { c, id } = await ready(
			lab,
			'submission',
			classLogin(lab, ana.ownerId, 'ana', room.code)
		);
		for (const line of ['MAIL FROM:<ana@example.com>', 'RCPT TO:<bob@example.com>', 'RSET'])
			expect(await c.command(line)).toMatch(/^250 /);
		expect(await c.command('MAIL FROM:<ana@example.com>')).toMatch(/^250 /);
		await c.command('QUIT');
		await ended(lab, id);
		await until(() => 'rset-transaction' in lab.store.students.get(ana.ownerId)!.passes);
		const passedAt = lab.store.students.get(ana.ownerId)!.passes['rset-transaction'];

		lab = await restart(lab, { visibility: 'private' });
		expect(lab.store.classes.get(room.id)!.handouts).toEqual(handouts);
		const student = lab.store.students.get(ana.ownerId)!;
		expect(student.passes).toEqual({ 'rset-transaction': passedAt });
		const [progress] = await lab.bridge.classExercises.progress(student);
		expect(progress).toEqual({
			exercise: 'rset-transaction',
			checks: [
				{ id: 'transaction-open', passed: true },
				{ id: 'rset', passed: true },
				{ id: 'new-transaction', passed: true }
			],
			passedAt
		});
	});
});

describe('ending a class', () => {
	it('deletes exactly the class’s sessions and mail, in the database too', async () => {
		let lab = await start({ visibility: 'private' });
		const teacher = newViewer(lab);
		const outsider = newViewer(lab);
		const beforeClass = await send(lab, personal(lab, teacher), 'bob@example.com', 'before');
		const room = lab.classes.create(teacher, 'Mail');
		// Ana used the lab before she joined: that mail is hers, not the class's.
		const anaViewer = newViewer(lab);
		const anaBeforeJoining = await send(lab, personal(lab, anaViewer), 'bob@example.com', 'mine');
		const ana = lab.classes.join(anaViewer, room.code, 'ana');
		const bob = lab.classes.join(newViewer(lab), room.code, 'bob');
		const inClass = await send(lab, personal(lab, teacher), 'bob@example.com', 'in class');
		const fromAna = await send(
			lab,
			classLogin(lab, ana.ownerId, 'ana', room.code),
			'x@example.org',
			'ana'
		);
		const fromBob = await send(
			lab,
			classLogin(lab, bob.ownerId, 'bob', room.code),
			'x@example.org',
			'bob'
		);
		// Mail from Ana to the outsider's personal domain is the outsider's too.
		const outsiderDomain = `${lab.owners.owner(outsider.ownerId).name}.test`;
		const anaToOutsider = await send(
			lab,
			classLogin(lab, ana.ownerId, 'ana', room.code),
			`friend@${outsiderDomain}`,
			'to the outsider'
		);
		const fromOutsider = await send(lab, personal(lab, outsider), 'x@example.org', 'outsider');
		// A released student's data is still the class's.
		lab.classes.release(room, 'bob');
		// Ana is still typing in a session as the class ends.
		const open = await ready(lab, 'submission', classLogin(lab, ana.ownerId, 'ana', room.code));

		const answer = await classRoute(endClass, { viewer: teacher, params: { code: room.code } });
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ deletedSessions: 4, deletedMessages: 3 });
		// The open session is nobody's now, and goes when it closes.
		expect(lab.store.sessions.get(open.id)!.owners).toEqual([]);
		await open.c.command('QUIT');
		await open.c.closed;
		await until(() => !lab.store.sessions.has(open.id));
		const survivors = () => ({
			beforeClass: kept(lab, beforeClass),
			anaBeforeJoining: kept(lab, anaBeforeJoining),
			inClass: kept(lab, inClass),
			fromAna: kept(lab, fromAna),
			fromBob: kept(lab, fromBob),
			anaToOutsider: kept(lab, anaToOutsider),
			fromOutsider: kept(lab, fromOutsider)
		});
		const expected = {
			beforeClass: BOTH,
			anaBeforeJoining: BOTH,
			inClass: NEITHER,
			fromAna: NEITHER,
			fromBob: NEITHER,
			anaToOutsider: BOTH,
			fromOutsider: BOTH
		};
		expect(survivors()).toEqual(expected);
		expect(lab.store.sessions.get(anaToOutsider.sessionId)!.owners).toEqual([outsider.ownerId]);
		expect(lab.store.students.size).toBe(0);
		expect(
			(await classRoute(invitation, { viewer: teacher, params: { code: room.code } })).status
		).toBe(410);

		lab = await restart(lab, { visibility: 'private' });
		expect(survivors()).toEqual(expected);
		expect(lab.store.classes.size).toBe(0);
		expect(lab.store.students.size).toBe(0);
	});
});

describe('retention', () => {
	it('keeps class data past RETENTION_HOURS, and ends the class after CLASS_RETENTION_DAYS', async () => {
		const clock = new ManualClock();
		const lab = await start({ retentionHours: 1, classRetentionDays: 1 }, { clock });
		const room = lab.classes.create(newViewer(lab), 'Mail');
		const ana = lab.classes.join(newViewer(lab), room.code, 'ana');
		const fromAna = await send(
			lab,
			classLogin(lab, ana.ownerId, 'ana', room.code),
			'x@example.org',
			'ana'
		);
		const outside = await send(lab, personal(lab, newViewer(lab)), 'x@example.org', 'outside');
		clock.advance(HOUR + SWEEP_INTERVAL_MS);
		expect(kept(lab, outside)).toEqual(NEITHER);
		expect(kept(lab, fromAna)).toEqual(BOTH);
		// The last sweep before the class's end, then the first after it.
		clock.advance(room.endsAt - clock.now() - 1);
		expect(lab.store.classes.has(room.id)).toBe(true);
		expect(kept(lab, fromAna)).toEqual(BOTH);
		clock.advance(SWEEP_INTERVAL_MS);
		expect(lab.store.classes.has(room.id)).toBe(false);
		expect(kept(lab, fromAna)).toEqual(NEITHER);
		expect(room.endsAt - room.createdAt).toBe(DAY);
	});
});

describe('a restart', () => {
	it('keeps the class, its students, its former students and its privacy', async () => {
		let lab = await start({ visibility: 'open' });
		const teacher = newViewer(lab);
		const room = lab.classes.create(teacher, 'Mail');
		const ana = lab.classes.join(newViewer(lab), room.code, 'Ana');
		const bob = lab.classes.join(newViewer(lab), room.code, 'bob');
		lab.classes.release(room, 'bob');
		const fromAna = await send(
			lab,
			classLogin(lab, ana.ownerId, 'ana', room.code),
			'x@example.org',
			'ana'
		);

		lab = await restart(lab, { visibility: 'open' });
		const again = lab.store.classByCode(room.code)!;
		expect(again).toEqual({ ...room, formerStudents: [bob.ownerId] });
		expect(lab.store.studentsOf(room.id)).toEqual([ana]);
		// Class data stays the class's: an open-mode outsider does not see Ana's session.
		const status = async (viewer: Viewer) =>
			(await callRoute(sessionDetail, { id: fromAna.sessionId }, viewer)).status;
		expect(await status(newViewer(lab))).toBe(404);
		expect(await status(teacher)).toBe(200);
		// Rejoin and the teacher link work as before.
		const back = await classRoute(rejoin, {
			viewer: newViewer(lab),
			params: { code: room.code },
			body: { nickname: 'ana', rejoinCode: ana.rejoinCode }
		});
		expect(back.status).toBe(200);
		expect(lab.owners.signer.readOwner(back.cookies.get(OWNER_COOKIE))).toBe(ana.ownerId);
		const link = await classRoute(teacherLink, {
			viewer: newViewer(lab),
			params: { code: room.code },
			body: { key: room.teacherKey }
		});
		expect(lab.owners.signer.readOwner(link.cookies.get(OWNER_COOKIE))).toBe(teacher.ownerId);
		const console = await classRoute(classConsole, {
			viewer: teacher,
			params: { code: room.code }
		});
		expect((console.json.roster as { nickname: string }[]).map((r) => r.nickname)).toEqual(['Ana']);
		// The nickname released before the restart is free; a taken one still is, in any case.
		expect(lab.classes.join(newViewer(lab), room.code, 'bob').nickname).toBe('bob');
		expect(() => lab.classes.join(newViewer(lab), room.code, 'ANA')).toThrow(/taken/);
	});

	it('upgrades a database at schema version 5: its owner keeps their mail and can teach', async () => {
		const db = new Database(path.join(dataDir, DATABASE_FILE));
		db.exec(
			readFileSync(
				path.join(import.meta.dirname, '../../server/store/sqlite/fixtures/schema-v5.sql'),
				'utf8'
			)
		);
		db.close();
		let lab = await start();
		const [owner] = [...lab.store.owners.values()];
		expect(lab.store.sessions.size).toBe(1);
		const [stored] = [...lab.store.sessions.values()];
		expect(stored.owners).toEqual([owner.id]);
		const room = lab.classes.create(viewerOf(owner.id), 'After the upgrade');
		lab.classes.join(newViewer(lab), room.code, 'ana');
		lab = await restart(lab);
		expect(lab.store.classByCode(room.code)?.name).toBe('After the upgrade');
		expect(lab.store.studentsOf(room.id).map((s) => s.nickname)).toEqual(['ana']);
		// Made before the class began: not the class's, so not hidden from an open-mode visitor.
		expect((await callRoute(sessionDetail, { id: stored.summary.id }, newViewer(lab))).status).toBe(
			200
		);
		const check = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
		const versions = check.prepare('SELECT version FROM schema_migrations').all();
		check.close();
		expect(versions).toContainEqual({ version: 7 });
	});
});
