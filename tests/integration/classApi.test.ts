/**
 * Issue 15, the class API: every route under /api/classes called in-process (as SvelteKit calls
 * it, with the viewer the hooks found) against a real lab: answers, refusals with their status
 * and `{ error }`, the owner cookie a teacher link and a rejoin hand over, and the limits at their
 * edges (CLASS_MAX_STUDENTS, MAX_CLASSES_PER_OWNER, CLASS_REJOIN_FAILURES_PER_MINUTE).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { Viewer } from '../../server/owners/visibility';
import { OWNER_COOKIE } from '../../src/lib/server/cookieNames';
import { POST as createClass } from '../../src/routes/api/classes/+server';
import { GET as mine } from '../../src/routes/api/classes/mine/+server';
import { DELETE as endClass, GET as invitation } from '../../src/routes/api/classes/[code]/+server';
import { GET as classConsole } from '../../src/routes/api/classes/[code]/console/+server';
import { POST as rejoin } from '../../src/routes/api/classes/[code]/rejoin/+server';
import { POST as join } from '../../src/routes/api/classes/[code]/students/+server';
import { DELETE as release } from '../../src/routes/api/classes/[code]/students/[nickname]/+server';
import { POST as teacherLink } from '../../src/routes/api/classes/[code]/teacher/+server';
import { classRoute } from './classRoutes';
import { TEST_OPERATOR } from './routeCall';
import { startQuickLab } from './smtpSession';

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

async function start(overrides: Parameters<typeof startQuickLab>[0] = {}): Promise<Lab> {
	lab = await startQuickLab(overrides);
	return lab;
}

function visitor(lab: Lab): Viewer {
	return { ownerId: lab.owners.signer.issueOwner().id, operator: false };
}

async function newClass(lab: Lab, teacher: Viewer, name = 'SMTP, lesson 1') {
	const created = await classRoute(createClass, { viewer: teacher, body: { name } });
	expect(created.status).toBe(201);
	return created.json as { code: string; teacherPath: string; id: string };
}

const joinAs = (viewer: Viewer, code: string, nickname: string) =>
	classRoute(join, { viewer, params: { code }, body: { nickname } });

describe('making a class and joining it', () => {
	it('answers the teacher a console with a code from the alphabet, and anyone the invitation', async () => {
		const lab = await start();
		const teacher = visitor(lab);
		const created = await classRoute(createClass, {
			viewer: teacher,
			body: { name: '  Mail 101  ' }
		});
		expect(created.status).toBe(201);
		const code = created.json.code as string;
		expect(code).toMatch(/^[ACDEFGHJKMNPQRTUVWXY34679]{6}$/);
		expect(created.json).toMatchObject({
			name: 'Mail 101',
			students: 0,
			maxStudents: 200,
			joinPath: `/join?code=${code}`,
			roster: [],
			spotlight: null
		});
		expect(created.json.teacherPath).toMatch(
			new RegExp(`^/class/${code}/teach#key=[A-Za-z0-9_-]{22}$`)
		);
		const stranger = visitor(lab);
		// Typed as a person would: lower case, with a space.
		const typed = `${code.slice(0, 3).toLowerCase()} ${code.slice(3)}`;
		const seen = await classRoute(invitation, { viewer: stranger, params: { code: typed } });
		expect(seen.status).toBe(200);
		expect(seen.json).toEqual({
			code,
			name: 'Mail 101',
			endsAt: created.json.endsAt,
			students: 0,
			maxStudents: 200
		});
		expect(created.json.endsAt).toBe((created.json.createdAt as number) + 14 * 86_400_000);
	});

	it('refuses a class without a name, a body that is not JSON, and says why', async () => {
		const lab = await start();
		const teacher = visitor(lab);
		const blank = await classRoute(createClass, { viewer: teacher, body: { name: '   ' } });
		expect(blank.status).toBe(400);
		expect(blank.json.error).toMatch(/name/);
		const garbage = await classRoute(createClass, { viewer: teacher, body: 'name=x' });
		expect(garbage.status).toBe(400);
		expect(garbage.json.error).toMatch(/JSON/);
		const long = await classRoute(createClass, { viewer: teacher, body: { name: 'x'.repeat(81) } });
		expect(long.status).toBe(400);
	});

	it('answers 404 for an unknown code and 410 once the class has ended', async () => {
		const lab = await start();
		const teacher = visitor(lab);
		const unknown = await classRoute(invitation, {
			viewer: teacher,
			params: { code: 'AAAAAA' }
		});
		expect(unknown.status).toBe(404);
		expect(unknown.json.error).toMatch(/AAAAAA/);
		const { code } = await newClass(lab, teacher);
		expect((await classRoute(endClass, { viewer: teacher, params: { code } })).status).toBe(200);
		const ended = await classRoute(invitation, { viewer: teacher, params: { code } });
		expect(ended.status).toBe(410);
		expect(ended.json.error).toMatch(/ended/);
		expect((await joinAs(visitor(lab), code, 'ana')).status).toBe(410);
	});

	it('gives a student their card; a nickname is taken whatever its case; one class at a time', async () => {
		const lab = await start();
		const teacher = visitor(lab);
		const { code } = await newClass(lab, teacher);
		const ana = visitor(lab);
		const joined = await joinAs(ana, code, 'Ana.Lopez');
		expect(joined.status).toBe(201);
		const owner = lab.store.owners.get(ana.ownerId)!;
		expect(joined.json).toEqual({
			code,
			className: 'SMTP, lesson 1',
			nickname: 'Ana.Lopez',
			address: `ana.lopez@${code.toLowerCase()}.class.test`,
			password: owner.password,
			rejoinCode: expect.stringMatching(/^[ACDEFGHJKMNPQRTUVWXY34679]{6}$/)
		});
		const taken = await joinAs(visitor(lab), code, 'ANA.LOPEZ');
		expect(taken.status).toBe(409);
		expect(taken.json.error).toMatch(/taken/);
		const again = await joinAs(ana, code, 'other');
		expect(again.status).toBe(409);
		const other = await newClass(lab, visitor(lab), 'Another class');
		const second = await joinAs(ana, other.code, 'ana');
		expect(second.status).toBe(409);
		expect(second.json.error).toContain('SMTP, lesson 1');
		expect((await joinAs(teacher, code, 'teacher')).status).toBe(409);
		const bad = await joinAs(visitor(lab), code, 'two words');
		expect(bad.status).toBe(400);
		expect(bad.json.error).toMatch(/RFC 5321 §4\.1\.2/);
		const mineNow = await classRoute(mine, { viewer: ana });
		expect(mineNow.json).toEqual({ student: joined.json, teaching: [] });
		const teaching = await classRoute(mine, { viewer: teacher });
		expect(teaching.json).toMatchObject({ student: null, teaching: [{ code, students: 1 }] });
	});

	it('takes CLASS_MAX_STUDENTS students and refuses the next with 403 naming the limit', async () => {
		const lab = await start({ classMaxStudents: 2 });
		const { code } = await newClass(lab, visitor(lab));
		expect((await joinAs(visitor(lab), code, 'one')).status).toBe(201);
		expect((await joinAs(visitor(lab), code, 'two')).status).toBe(201);
		const full = await joinAs(visitor(lab), code, 'three');
		expect(full.status).toBe(403);
		expect(full.json.error).toMatch(/CLASS_MAX_STUDENTS/);
	});

	it('lets one owner teach MAX_CLASSES_PER_OWNER classes and refuses one more with 429', async () => {
		const lab = await start({ maxClassesPerOwner: 2 });
		const teacher = visitor(lab);
		await newClass(lab, teacher, 'A');
		await newClass(lab, teacher, 'B');
		const third = await classRoute(createClass, { viewer: teacher, body: { name: 'C' } });
		expect(third.status).toBe(429);
		expect(third.json.error).toMatch(/MAX_CLASSES_PER_OWNER/);
		expect((await newClass(lab, visitor(lab), 'D')).code).toBeTruthy();
	});
});

describe('the teacher', () => {
	it('is whoever holds the teacher link: the key sets the teacher’s owner cookie', async () => {
		const lab = await start();
		const teacher = visitor(lab);
		const { code, teacherPath } = await newClass(lab, teacher);
		const key = teacherPath.split('#key=')[1];
		const laptop = visitor(lab);
		const wrong = await classRoute(teacherLink, {
			viewer: laptop,
			params: { code },
			body: { key: key.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }
		});
		expect(wrong.status).toBe(403);
		expect(wrong.cookies.size).toBe(0);
		const right = await classRoute(teacherLink, {
			viewer: laptop,
			params: { code },
			body: { key }
		});
		expect(right.status).toBe(200);
		expect(right.json).toMatchObject({ code, teacherPath });
		expect(lab.owners.signer.readOwner(right.cookies.get(OWNER_COOKIE))).toBe(teacher.ownerId);
	});

	it('sees the console and releases a nickname; a student and a stranger may not', async () => {
		const lab = await start();
		const teacher = visitor(lab);
		const { code } = await newClass(lab, teacher);
		const ana = visitor(lab);
		await joinAs(ana, code, 'ana');
		const console = await classRoute(classConsole, { viewer: teacher, params: { code } });
		expect(console.status).toBe(200);
		expect(console.json.roster).toEqual([
			{
				nickname: 'ana',
				address: `ana@${code.toLowerCase()}.class.test`,
				joinedAt: expect.any(Number),
				connected: false,
				session: null,
				replies4xx: 0,
				replies5xx: 0,
				example: null,
				exercises: []
			}
		]);
		for (const viewer of [ana, visitor(lab)]) {
			expect((await classRoute(classConsole, { viewer, params: { code } })).status).toBe(403);
			const refused = await classRoute(release, { viewer, params: { code, nickname: 'ana' } });
			expect(refused.status).toBe(403);
			expect((await classRoute(endClass, { viewer, params: { code } })).status).toBe(403);
		}
		expect(
			(await classRoute(classConsole, { viewer: TEST_OPERATOR, params: { code } })).status
		).toBe(200);
		const released = await classRoute(release, {
			viewer: teacher,
			params: { code, nickname: 'ANA' }
		});
		expect(released.status).toBe(200);
		expect((await classRoute(mine, { viewer: ana })).json.student).toBeNull();
		expect((await joinAs(visitor(lab), code, 'Ana')).status).toBe(201);
		const unknown = await classRoute(release, {
			viewer: teacher,
			params: { code, nickname: 'nobody' }
		});
		expect(unknown.status).toBe(404);
	});
});

describe('rejoining', () => {
	it('hands the student’s owner cookie to the browser with the right rejoin code', async () => {
		const lab = await start();
		const { code } = await newClass(lab, visitor(lab));
		const ana = visitor(lab);
		const card = (await joinAs(ana, code, 'ana')).json;
		const fresh = visitor(lab);
		const back = await classRoute(rejoin, {
			viewer: fresh,
			params: { code },
			body: { nickname: 'Ana', rejoinCode: (card.rejoinCode as string).toLowerCase() }
		});
		expect(back.status).toBe(200);
		expect(back.json).toEqual(card);
		expect(lab.owners.signer.readOwner(back.cookies.get(OWNER_COOKIE))).toBe(ana.ownerId);
		const wrong = await classRoute(rejoin, {
			viewer: fresh,
			params: { code },
			body: { nickname: 'ana', rejoinCode: 'AAAAAA' }
		});
		expect(wrong.status).toBe(403);
		expect(wrong.cookies.size).toBe(0);
	});

	it('answers 429 with Retry-After past CLASS_REJOIN_FAILURES_PER_MINUTE wrong codes from one address', async () => {
		const lab = await start({ classRejoinFailuresPerMinute: 3 });
		const { code } = await newClass(lab, visitor(lab));
		const card = (await joinAs(visitor(lab), code, 'ana')).json;
		const attempt = (rejoinCode: string, address = '198.51.100.7') =>
			classRoute(rejoin, {
				viewer: visitor(lab),
				params: { code },
				body: { nickname: 'ana', rejoinCode },
				address
			});
		for (let i = 0; i < 3; i++) expect((await attempt('AAAAAA')).status).toBe(403);
		const limited = await attempt(card.rejoinCode as string);
		expect(limited.status).toBe(429);
		expect(limited.json.error).toMatch(/CLASS_REJOIN_FAILURES_PER_MINUTE/);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(limited.cookies.size).toBe(0);
		// Another address is not held up.
		expect((await attempt(card.rejoinCode as string, '198.51.100.8')).status).toBe(200);
	});
});
