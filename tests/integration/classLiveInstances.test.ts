/**
 * A class live across two instances (issue 21): two labs in this process on one PostgreSQL (a
 * private cluster) and one DATA_DIR, each with its own web server; the teacher's pages on
 * instance A, the students' on instance B, as sticky routing would send them. Real WebSockets,
 * real SMTP sessions, the real bus (NOTIFY): the teacher's roster shows the students connected on
 * B and what their pages show; a student following sees the teacher's page change on A; the
 * spotlight reaches B; a student leaving, or B stopping, shows them gone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Lab } from '../../server/lab';
import type { RosterRow } from '../../src/lib/classes';
import type { ServerMessage } from '../../src/lib/messages';
import { usePostgresDatabase } from '../postgresCluster';
import { ClassBrowsers, openSession, type Person } from './classBrowsers';
import { until } from './harness';
import { startQuickLab } from './smtpSession';
import { startWebServer } from './webServer';
import { BridgeClient, isType } from './wsClient';

type Instance = {
	lab: Lab;
	web: Awaited<ReturnType<typeof startWebServer>>;
	browsers: ClassBrowsers;
	closed: boolean;
};

const database = usePostgresDatabase();
let dataDir: string;
let a: Instance;
let b: Instance;

async function startInstance(): Promise<Instance> {
	const lab = await startQuickLab({ visibility: 'private', dataDir, databaseUrl: database.url });
	const web = await startWebServer(lab);
	return { lab, web, browsers: new ClassBrowsers(lab, web.wsUrl), closed: false };
}

async function stopInstance(instance: Instance): Promise<void> {
	if (instance.closed) return;
	instance.closed = true;
	// The lab first, as a stopping server does: it says 1001 to the pages still open.
	await instance.lab.close();
	instance.browsers.close();
	await instance.web.close();
}

beforeEach(async () => {
	dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-class-instances-'));
	// One after the other: the first makes the shared cookie secret the second reads.
	a = await startInstance();
	b = await startInstance();
});
afterEach(async () => {
	for (const instance of [a, b]) if (instance) await stopInstance(instance);
	rmSync(dataDir, { recursive: true, force: true });
});

/**
 * A teacher whose class was made on A, with `nicknames` joined on B (their browsers' instance),
 * once both instances' stores hold the class and its students.
 */
async function classAcross(nicknames: string[]) {
	const teacher = a.browsers.person();
	const room = a.lab.classes.create(teacher.viewer, 'SMTP across instances');
	await until(() => b.lab.store.classes.has(room.id));
	const students: Person[] = [];
	for (const nickname of nicknames) {
		const student = b.browsers.person();
		b.lab.classes.join(student.viewer, room.code, nickname);
		students.push(student);
	}
	await until(() => students.every((s) => a.lab.store.students.has(s.viewer.ownerId)));
	return { teacher, room, students };
}

/**
 * The next roster, after what the client has received so far, whose row for `nickname`
 * satisfies `test`.
 */
function rosterWhere(client: BridgeClient, nickname: string, test: (row: RosterRow) => boolean) {
	return client.next(
		(m): m is Extract<ServerMessage, { type: 'class-roster' }> =>
			m.type === 'class-roster' && m.roster.some((row) => row.nickname === nickname && test(row)),
		10_000,
		client.received.length
	);
}

/** The next class-follow after what the client has received so far that satisfies `test`. */
function followWhere(
	client: BridgeClient,
	test: (m: Extract<ServerMessage, { type: 'class-follow' }>) => boolean
) {
	return client.next(
		(m): m is Extract<ServerMessage, { type: 'class-follow' }> =>
			m.type === 'class-follow' && test(m),
		10_000,
		client.received.length
	);
}

describe('a class whose teacher is on one instance and students on another', () => {
	it("shows the teacher's roster the students connected on the other instance, and what their pages show", async () => {
		const {
			teacher,
			students: [ana]
		} = await classAcross(['Ana']);
		const desk = await a.browsers.page(teacher);
		desk.send({ type: 'watch-class' });
		const first = await desk.next(isType('class-roster'));
		expect(first.roster.map((r) => [r.nickname, r.connected])).toEqual([['Ana', false]]);

		const connected = rosterWhere(desk, 'Ana', (row) => row.connected);
		const anaPage = await b.browsers.page(ana);
		await connected;
		anaPage.send({ type: 'class-presence', sessionId: null, example: { slug: 'bounce', step: 2 } });
		await rosterWhere(desk, 'Ana', (row) => row.example?.id === 'bounce' && row.example.step === 2);

		anaPage.close();
		await rosterWhere(desk, 'Ana', (row) => !row.connected && row.example === null);
	});

	it("moves a follower on the other instance with the teacher's session and example step", async () => {
		const {
			teacher,
			students: [ana]
		} = await classAcross(['Ana']);
		const desk = await a.browsers.page(teacher);
		const anaView = await b.browsers.page(ana);
		anaView.send({ type: 'follow-class' });
		expect((await anaView.next(isType('class-follow'))).teacher).toEqual({
			sessionId: null,
			example: null
		});

		const sessionId = await openSession(desk);
		let seen = followWhere(anaView, (m) => m.teacher.sessionId === sessionId);
		desk.send({ type: 'class-presence', sessionId, example: null });
		await seen;
		seen = followWhere(anaView, (m) => m.teacher.example?.step === 3);
		desk.send({ type: 'class-presence', sessionId, example: { slug: 'first-message', step: 3 } });
		expect((await seen).teacher).toEqual({
			sessionId,
			example: { slug: 'first-message', step: 3 }
		});
		// What the follower is shown on B, a newcomer on B is shown too (B merged A's state).
		expect(b.lab.bridge.classLive.presenceOf(teacher.viewer.ownerId)).toEqual({
			sessionId,
			example: { slug: 'first-message', step: 3 }
		});
	});

	it("shows a follower on the other instance the session the teacher's page named before the class began", async () => {
		const teacher = a.browsers.person();
		const desk = await a.browsers.page(teacher);
		const sessionId = await openSession(desk);
		desk.send({ type: 'class-presence', sessionId, example: null });
		// The presence is in once the bridge answers a later message on the same socket.
		desk.send({ type: 'watch', sessionId: 'not-a-session' });
		await desk.next(isType('error'));
		const room = a.lab.classes.create(teacher.viewer, 'Started late');
		await until(() => b.lab.store.classes.has(room.id));
		const ana = b.browsers.person();
		b.lab.classes.join(ana.viewer, room.code, 'Ana');
		const anaView = await b.browsers.page(ana);
		anaView.send({ type: 'follow-class' });
		await anaView.next(
			(m): m is Extract<ServerMessage, { type: 'class-follow' }> =>
				m.type === 'class-follow' && m.teacher.sessionId === sessionId,
			10_000
		);
	});

	it("shows a follower on the other instance the teacher's spotlight, and lets them watch it", async () => {
		const {
			teacher,
			students: [ana, ben]
		} = await classAcross(['Ana', 'ben']);
		const desk = await a.browsers.page(teacher);
		const benSession = await openSession(await b.browsers.page(ben));
		await until(() => a.lab.store.sessions.has(benSession));
		const anaView = await b.browsers.page(ana);
		anaView.send({ type: 'follow-class' });
		await anaView.next(isType('class-follow'));

		const seen = followWhere(anaView, (m) => m.spotlight === benSession);
		desk.send({ type: 'spotlight', sessionId: benSession });
		expect((await seen).spotlightNickname).toBe('ben');
		const from = anaView.received.length;
		anaView.send({ type: 'watch', sessionId: benSession });
		await anaView.reply(benSession, /^220 /, 5000, from);
	});

	it("drops the pages of an instance that stops from the other's roster", async () => {
		const {
			teacher,
			students: [ana]
		} = await classAcross(['Ana']);
		const desk = await a.browsers.page(teacher);
		desk.send({ type: 'watch-class' });
		await desk.next(isType('class-roster'));
		const connected = rosterWhere(desk, 'Ana', (row) => row.connected);
		await b.browsers.page(ana);
		await connected;
		const gone = rosterWhere(desk, 'Ana', (row) => !row.connected);
		await stopInstance(b);
		await gone;
	});

	it('re-sends its pages to an instance that starts later', async () => {
		const {
			teacher,
			room,
			students: [ana]
		} = await classAcross(['Ana']);
		await b.browsers.page(ana);
		// B has published Ana's page: A has it.
		await until(() => a.lab.bridge.classLive.roster(room)[0].connected);
		const c = await startInstance();
		try {
			await until(() => c.lab.store.students.has(ana.viewer.ownerId));
			const desk = await c.browsers.page(teacher);
			desk.send({ type: 'watch-class' });
			await rosterWhere(desk, 'Ana', (row) => row.connected);
		} finally {
			await stopInstance(c);
		}
	});

	it('tells the other instances nothing of the pages of owners in no class', async () => {
		const listener = new pg.Client({ connectionString: database.url });
		await listener.connect();
		try {
			const published: { ownerId: string }[][] = [];
			listener.on('notification', ({ payload }) => {
				const { message } = JSON.parse(payload ?? 'null');
				if (message?.topic === 'class' && message.kind === 'owners') published.push(message.owners);
			});
			await listener.query('LISTEN smtp_lab_bus');
			const outsider = await a.browsers.page(a.browsers.person());
			outsider.send({ type: 'class-presence', sessionId: null, example: null });
			await openSession(outsider);
			// Then a class member's page on the same instance: the bus keeps one instance's order.
			const { teacher } = await classAcross([]);
			await a.browsers.page(teacher);
			await until(() => published.length > 0);
			expect(published[0].map((owner) => owner.ownerId)).toEqual([teacher.viewer.ownerId]);
		} finally {
			await listener.end();
		}
	});

	it('drops a malformed bus message with one log line and goes on', async () => {
		const {
			teacher,
			students: [ana]
		} = await classAcross(['Ana']);
		const desk = await a.browsers.page(teacher);
		desk.send({ type: 'watch-class' });
		await desk.next(isType('class-roster'));
		const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
		try {
			const client = new pg.Client({ connectionString: database.url });
			await client.connect();
			const bad = { topic: 'class', kind: 'owners', owners: [{ ownerId: 'x y', pages: 1 }] };
			await client.query('SELECT pg_notify($1, $2)', [
				'smtp_lab_bus',
				JSON.stringify({ from: 'a-broken-instance', message: bad })
			]);
			await client.end();
			const connected = rosterWhere(desk, 'Ana', (row) => row.connected);
			await b.browsers.page(ana);
			await connected;
			const lines = () => logged.mock.calls.filter((call) => String(call[0]).includes('class bus'));
			// One line from each instance (both run in this process).
			await until(() => lines().length === 2);
			const line =
				'class bus: dropped a message from instance a-broken-instance: "owners[0].ownerId" must be an owner id';
			expect(lines()).toEqual([[line], [line]]);
		} finally {
			logged.mockRestore();
		}
	});
});
