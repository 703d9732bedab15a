/**
 * Issue 16, exercises in a class over real WebSockets and real SMTP sessions: the teacher hands
 * one out through the API, a student's checklist turns green on their page and in the teacher's
 * roster as they work, a pass stays, work from before the handout does not count, and the CSV
 * export says what the roster says. Refusals answer with their status and `{ error }`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { ServerMessage } from '../../src/lib/messages';
import {
	GET as studentExercises,
	POST as handOut
} from '../../src/routes/api/classes/[code]/exercises/+server';
import { DELETE as withdraw } from '../../src/routes/api/classes/[code]/exercises/[exercise]/+server';
import { GET as progressCsv } from '../../src/routes/api/classes/[code]/progress.csv/+server';
import { DELETE as deleteOwnSessions } from '../../src/routes/api/sessions/+server';
import { classRoute } from './classRoutes';
import { ManualClock } from './harness';
import { callRoute } from './routeCall';
import { startQuickLab } from './smtpSession';
import { startWebServer } from './webServer';
import { ClassBrowsers, command, openSession, type Person } from './classBrowsers';
import { BridgeClient, isType } from './wsClient';

let lab: Lab;
let web: Awaited<ReturnType<typeof startWebServer>>;
let clock: ManualClock;
let browsers: ClassBrowsers;

beforeEach(async () => {
	clock = new ManualClock();
	lab = await startQuickLab({ visibility: 'private' }, { clock });
	web = await startWebServer(lab);
	browsers = new ClassBrowsers(lab, web.wsUrl);
});
afterEach(async () => {
	browsers.close();
	await lab.close();
	await web.close();
});

const person = () => browsers.person();
const classOfTwo = () => browsers.classOfTwo('SMTP, lesson 3', ['Ana', '-ben']);
const page = (who: Person) => browsers.page(who);

/** Begins a transaction, abandons it with RSET and begins another: the RSET exercise. */
async function rsetTransaction(client: BridgeClient): Promise<string> {
	const id = await openSession(client);
	await command(client, id, 'EHLO ana.example', /^250 /);
	await command(client, id, 'MAIL FROM:<ana@example.com>', /^250 /);
	await command(client, id, 'RCPT TO:<bob@example.com>', /^250 /);
	await command(client, id, 'RSET', /^250 /);
	await command(client, id, 'MAIL FROM:<ana@example.com>', /^250 /);
	const from = client.received.length;
	await command(client, id, 'QUIT', /^221 /);
	await client.next(isType('closed'), 5000, from);
	return id;
}

type Exercises = Extract<ServerMessage, { type: 'class-exercises' }>;
type Roster = Extract<ServerMessage, { type: 'class-roster' }>;

const checksOf = (message: Exercises) =>
	message.progress.map((p) => [p.exercise, p.checks.filter((c) => c.passed).map((c) => c.id)]);

describe('handing out an exercise', () => {
	it("turns a student's checklist green on their page and in the teacher's roster, live", async () => {
		const { teacher, room, ana } = classOfTwo();
		const desk = await page(teacher);
		desk.send({ type: 'watch-class' });
		await desk.next(isType('class-roster'));
		const anaPage = await page(ana);
		anaPage.send({ type: 'watch-exercises' });
		expect(await anaPage.next(isType('class-exercises'))).toEqual({
			type: 'class-exercises',
			handouts: [],
			progress: []
		});

		const handedOutAt = clock.now();
		const out = await classRoute(handOut, {
			viewer: teacher.viewer,
			params: { code: room.code },
			body: { exercise: 'rset-transaction' }
		});
		expect(out.status).toBe(201);
		expect(out.json).toEqual({ handouts: [{ exercise: 'rset-transaction', handedOutAt }] });
		const told = await anaPage.next(
			(m): m is Exercises => m.type === 'class-exercises' && m.handouts.length === 1
		);
		expect(told.progress).toEqual([
			{
				exercise: 'rset-transaction',
				checks: [
					{ id: 'transaction-open', passed: false },
					{ id: 'rset', passed: false },
					{ id: 'new-transaction', passed: false }
				],
				passedAt: null
			}
		]);
		await desk.next((m): m is Roster => m.type === 'class-roster' && m.handouts.length === 1);

		clock.advance(60_000);
		await rsetTransaction(anaPage);
		const passed = await anaPage.next(
			(m): m is Exercises =>
				m.type === 'class-exercises' && typeof m.progress[0]?.passedAt === 'number'
		);
		expect(checksOf(passed)).toEqual([
			['rset-transaction', ['transaction-open', 'rset', 'new-transaction']]
		]);
		expect(passed.progress[0].passedAt).toBe(handedOutAt + 60_000);
		const roster = await desk.next(
			(m): m is Roster =>
				m.type === 'class-roster' &&
				m.roster.some((r) => r.nickname === 'Ana' && typeof r.exercises[0]?.passedAt === 'number')
		);
		const byNickname = new Map(roster.roster.map((r) => [r.nickname, r.exercises]));
		expect(byNickname.get('Ana')?.[0].passedAt).toBe(handedOutAt + 60_000);
		expect(byNickname.get('-ben')?.[0]).toMatchObject({ passedAt: null });
		expect(byNickname.get('-ben')?.[0].checks.every((c) => !c.passed)).toBe(true);
		expect(lab.store.students.get(ana.viewer.ownerId)?.passes).toEqual({
			'rset-transaction': handedOutAt + 60_000
		});
	});

	it('counts only work done since the handout, and keeps a pass when the work is deleted', async () => {
		const { room, ana } = classOfTwo();
		const anaPage = await page(ana);
		await rsetTransaction(anaPage);
		// Sessions are stamped by the system clock: the handout comes after this one's lines.
		clock.advance(Date.now() + 1000 - clock.now());
		lab.bridge.classExercises.handOut(lab.store.classes.get(room.id)!, 'rset-transaction');
		const student = lab.store.students.get(ana.viewer.ownerId)!;
		let progress = await lab.bridge.classExercises.progress(student);
		expect(progress[0].checks.map((c) => c.passed)).toEqual([false, false, false]);

		await new Promise((resolve) => setTimeout(resolve, 1100));
		const after = await rsetTransaction(anaPage);
		anaPage.send({ type: 'watch-exercises' });
		const passed = await anaPage.next(
			(m): m is Exercises =>
				m.type === 'class-exercises' && typeof m.progress[0]?.passedAt === 'number'
		);
		const passedAt = passed.progress[0].passedAt;
		expect(passedAt).toBe(clock.now());

		// The student deletes their (ended) sessions.
		expect((await callRoute(deleteOwnSessions, {}, ana.viewer)).status).toBe(200);
		expect(lab.store.sessions.has(after)).toBe(false);
		clock.advance(1000);
		progress = await lab.bridge.classExercises.progress(student);
		expect(progress[0]).toMatchObject({ passedAt });
		expect(progress[0].checks.map((c) => c.passed)).toEqual([false, false, false]);
	});

	it('counts a session for the student who did it, not for the classmate it mailed', async () => {
		const { room, ana, ben } = classOfTwo();
		lab.bridge.classExercises.handOut(lab.store.classes.get(room.id)!, 'rset-transaction');
		const anaPage = await page(ana);
		const id = await openSession(anaPage);
		await command(anaPage, id, 'EHLO ana.example', /^250 /);
		await command(anaPage, id, 'MAIL FROM:<ana@example.com>', /^250 /);
		// Ben's class address: the session becomes Ben's to see too (his mailbox is in it).
		await command(anaPage, id, `RCPT TO:<-ben@${room.code.toLowerCase()}.class.test>`, /^250 /);
		await command(anaPage, id, 'RSET', /^250 /);
		await command(anaPage, id, 'MAIL FROM:<ana@example.com>', /^250 /);
		expect(lab.store.sessions.get(id)!.owners).toContain(ben.viewer.ownerId);
		const [anaProgress] = await lab.bridge.classExercises.progress(
			lab.store.students.get(ana.viewer.ownerId)!
		);
		const [benProgress] = await lab.bridge.classExercises.progress(
			lab.store.students.get(ben.viewer.ownerId)!
		);
		expect(anaProgress.checks.every((c) => c.passed)).toBe(true);
		expect(benProgress.checks.map((c) => c.passed)).toEqual([false, false, false]);
	});

	it('refuses what only a teacher may do, an unknown exercise and a malformed body', async () => {
		const { teacher, room, ana } = classOfTwo();
		const params = { code: room.code };
		const asAna = await classRoute(handOut, {
			viewer: ana.viewer,
			params,
			body: { exercise: 'rset-transaction' }
		});
		expect(asAna.status).toBe(403);
		expect(asAna.json.error).toMatch(/Only the teacher/);
		const unknown = await classRoute(handOut, {
			viewer: teacher.viewer,
			params,
			body: { exercise: 'no-such-thing' }
		});
		expect(unknown.status).toBe(404);
		expect(unknown.json.error).toMatch(/no exercise "no-such-thing".*rset-transaction/);
		const malformed = await classRoute(handOut, { viewer: teacher.viewer, params, body: '{' });
		expect(malformed.status).toBe(400);
		expect(malformed.json.error).toMatch(/"exercise"/);

		const body = { exercise: 'blind-copy' };
		expect((await classRoute(handOut, { viewer: teacher.viewer, params, body })).status).toBe(201);
		const again = await classRoute(handOut, { viewer: teacher.viewer, params, body });
		expect(again.status).toBe(200);
		expect((again.json.handouts as unknown[]).length).toBe(1);

		const notOut = await classRoute(withdraw, {
			viewer: teacher.viewer,
			params: { ...params, exercise: 'bounce-dsn' }
		});
		expect(notOut.status).toBe(404);
		const byAna = await classRoute(withdraw, {
			viewer: ana.viewer,
			params: { ...params, exercise: 'blind-copy' }
		});
		expect(byAna.status).toBe(403);
		const back = await classRoute(withdraw, {
			viewer: teacher.viewer,
			params: { ...params, exercise: 'blind-copy' }
		});
		expect(back.status).toBe(200);
		expect(back.json).toEqual({ handouts: [] });
	});

	it("shows a student their own checklist only; the teacher's page may not watch one", async () => {
		const { teacher, room, ana } = classOfTwo();
		lab.bridge.classExercises.handOut(lab.store.classes.get(room.id)!, 'angle-brackets');
		const own = await classRoute(studentExercises, {
			viewer: ana.viewer,
			params: { code: room.code }
		});
		expect(own.status).toBe(200);
		expect((own.json.handouts as { exercise: string }[]).map((h) => h.exercise)).toEqual([
			'angle-brackets'
		]);
		expect((own.json.progress as { passedAt: unknown }[])[0].passedAt).toBeNull();
		for (const viewer of [teacher.viewer, person().viewer]) {
			const refused = await classRoute(studentExercises, { viewer, params: { code: room.code } });
			expect(refused.status).toBe(403);
		}
		const elsewhere = lab.classes.create(person().viewer, 'Another class');
		const stranger = await classRoute(studentExercises, {
			viewer: ana.viewer,
			params: { code: elsewhere.code }
		});
		expect(stranger.status).toBe(403);

		const desk = await page(teacher);
		desk.send({ type: 'watch-exercises' });
		expect(await desk.next(isType('error'))).toEqual({
			type: 'error',
			message: 'not a student of a class'
		});
	});

	it('withdrawing takes the exercise off the student page and forgets its passes', async () => {
		const { teacher, room, ana } = classOfTwo();
		lab.bridge.classExercises.handOut(lab.store.classes.get(room.id)!, 'rset-transaction');
		const anaPage = await page(ana);
		await rsetTransaction(anaPage);
		anaPage.send({ type: 'watch-exercises' });
		await anaPage.next(
			(m): m is Exercises =>
				m.type === 'class-exercises' && typeof m.progress[0]?.passedAt === 'number'
		);
		const from = anaPage.received.length;
		await classRoute(withdraw, {
			viewer: teacher.viewer,
			params: { code: room.code, exercise: 'rset-transaction' }
		});
		expect(await anaPage.next(isType('class-exercises'), 5000, from)).toEqual({
			type: 'class-exercises',
			handouts: [],
			progress: []
		});
		expect(lab.store.students.get(ana.viewer.ownerId)?.passes).toEqual({});
	});
});

describe('the CSV export', () => {
	it('says, row by row, what the roster says; only for the teacher', async () => {
		const { teacher, room, ana } = classOfTwo();
		const joinedAt = clock.now();
		lab.bridge.classExercises.handOut(lab.store.classes.get(room.id)!, 'rset-transaction');
		lab.bridge.classExercises.handOut(lab.store.classes.get(room.id)!, 'angle-brackets');
		clock.advance(90_000);
		const anaPage = await page(ana);
		await rsetTransaction(anaPage);

		const response = await progressCsv({
			params: { code: room.code },
			locals: { viewer: teacher.viewer }
		} as Parameters<typeof progressCsv>[0]);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
		expect(response.headers.get('content-disposition')).toBe(
			`attachment; filename="class-${room.code}-progress.csv"`
		);
		const code = room.code.toLowerCase();
		const joined = new Date(joinedAt).toISOString();
		const passedAt = new Date(joinedAt + 90_000).toISOString();
		expect(await response.text()).toBe(
			'nickname,address,joined_at,rset-transaction,rset-transaction passed_at,angle-brackets,angle-brackets passed_at,exercises_passed\r\n' +
				`Ana,ana@${code}.class.test,${joined},passed,${passedAt},0/2,,1\r\n` +
				// A nickname may begin with "-": a spreadsheet would run it as a formula.
				`'-ben,'-ben@${code}.class.test,${joined},0/3,,0/2,,0\r\n`
		);

		const refused = await progressCsv({
			params: { code: room.code },
			locals: { viewer: ana.viewer }
		} as Parameters<typeof progressCsv>[0]);
		expect(refused.status).toBe(403);
		expect(await refused.json()).toEqual({
			error: 'Only the teacher of this class may do that.'
		});
	});
});
