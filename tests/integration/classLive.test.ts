/**
 * Issue 15 phase 2, the class channel over real WebSockets and real SMTP sessions: a teacher's
 * page says what it shows and every follower hears it; the spotlight; the teacher's live roster;
 * and what a follower may watch. Classes are made and joined through the lab's ClassDirectory.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { createLabApi } from '../../server/labApi';
import type { RosterRow } from '../../src/lib/classes';
import type { ServerMessage } from '../../src/lib/messages';
import { startQuickLab } from './smtpSession';
import { startWebServer } from './webServer';
import { ClassBrowsers, command, openSession, type Person } from './classBrowsers';
import { BridgeClient, isType } from './wsClient';

let lab: Lab;
let web: Awaited<ReturnType<typeof startWebServer>>;
let browsers: ClassBrowsers;

beforeEach(async () => {
	lab = await startQuickLab({ visibility: 'private' });
	web = await startWebServer(lab);
	browsers = new ClassBrowsers(lab, web.wsUrl);
});
afterEach(async () => {
	browsers.close();
	await lab.close();
	await web.close();
});

const person = () => browsers.person();
const classOfTwo = () => browsers.classOfTwo('SMTP, lesson 2', ['Ana', 'ben']);
const page = (who: Person) => browsers.page(who);

/** The next message of `type` after what the client has received so far. */
function nextOf<K extends ServerMessage['type']>(client: BridgeClient, type: K, from?: number) {
	return client.next(isType(type), 5000, from ?? client.received.length);
}

/** The next roster whose row for `nickname` satisfies `test`. */
function rosterWhere(client: BridgeClient, nickname: string, test: (row: RosterRow) => boolean) {
	return client.next(
		(m): m is Extract<ServerMessage, { type: 'class-roster' }> =>
			m.type === 'class-roster' && m.roster.some((row) => row.nickname === nickname && test(row))
	);
}

describe('following the teacher', () => {
	it("moves every follower with the teacher's session and example step", async () => {
		const { teacher, ana, ben } = classOfTwo();
		const desk = await page(teacher);
		const [anaView, benView] = [await page(ana), await page(ben)];
		anaView.send({ type: 'follow-class' });
		benView.send({ type: 'follow-class' });
		for (const view of [anaView, benView])
			expect(await view.next(isType('class-follow'))).toEqual({
				type: 'class-follow',
				teacher: { sessionId: null, example: null },
				spotlight: null,
				spotlightNickname: null
			});

		const sessionId = await openSession(desk);
		const [anaFrom, benFrom] = [anaView.received.length, benView.received.length];
		desk.send({ type: 'class-presence', sessionId, example: null });
		expect((await nextOf(anaView, 'class-follow', anaFrom)).teacher.sessionId).toBe(sessionId);
		expect((await nextOf(benView, 'class-follow', benFrom)).teacher.sessionId).toBe(sessionId);

		const from = anaView.received.length;
		desk.send({ type: 'class-presence', sessionId, example: { slug: 'first-message', step: 3 } });
		expect((await nextOf(anaView, 'class-follow', from)).teacher).toEqual({
			sessionId,
			example: { slug: 'first-message', step: 3 }
		});
	});

	it("shows the session the teacher's page named before the class began", async () => {
		const teacher = person();
		const desk = await page(teacher);
		const sessionId = await openSession(desk);
		desk.send({ type: 'class-presence', sessionId, example: null });
		// The presence is in once the bridge answers a later message on the same socket.
		desk.send({ type: 'watch', sessionId: 'not-a-session' });
		await desk.next(isType('error'));
		const room = lab.classes.create(teacher.viewer, 'Started late');
		const ana = person();
		lab.classes.join(ana.viewer, room.code, 'ana');
		const anaView = await page(ana);
		anaView.send({ type: 'follow-class' });
		expect((await anaView.next(isType('class-follow'))).teacher.sessionId).toBe(sessionId);
	});

	it('answers follow-class from someone who is not a student with an error', async () => {
		const { teacher } = classOfTwo();
		for (const who of [person(), teacher]) {
			const view = await page(who);
			view.send({ type: 'follow-class' });
			expect((await view.next(isType('error'))).message).toBe('not a student of a class');
		}
	});

	it("lets a follower watch the teacher's session, not another student's until it is spotlighted", async () => {
		const { teacher, ana, ben } = classOfTwo();
		const desk = await page(teacher);
		const teacherSession = await openSession(desk);
		const benPage = await page(ben);
		const benSession = await openSession(benPage);
		const anaView = await page(ana);
		anaView.send({ type: 'follow-class' });
		await anaView.next(isType('class-follow'));

		anaView.send({ type: 'watch', sessionId: teacherSession });
		await anaView.reply(teacherSession, /^220 /);
		let from = anaView.received.length;
		anaView.send({ type: 'watch', sessionId: benSession });
		expect((await nextOf(anaView, 'error', from)).message).toBe(`unknown session ${benSession}`);

		from = anaView.received.length;
		desk.send({ type: 'spotlight', sessionId: benSession });
		expect(await nextOf(anaView, 'class-follow', from)).toMatchObject({
			spotlight: benSession,
			spotlightNickname: 'ben'
		});
		anaView.send({ type: 'watch', sessionId: benSession });
		await anaView.reply(benSession, /^220 /, 5000, from);

		from = anaView.received.length;
		desk.send({ type: 'spotlight', sessionId: null });
		expect(await nextOf(anaView, 'class-follow', from)).toMatchObject({
			spotlight: null,
			spotlightNickname: null
		});
	});

	it("shows followers the teacher's AUTH line masked, never the teacher's credentials", async () => {
		const { teacher, ana } = classOfTwo();
		const desk = await page(teacher);
		const from = desk.received.length;
		desk.send({ type: 'open', listener: 'submissions' });
		const sessionId = (await desk.next(isType('opened'), 5000, from)).session.id;
		await desk.reply(sessionId, /^220 /, 5000, from);
		await command(desk, sessionId, 'EHLO teacher.example.test', /^250 /);
		const secret = Buffer.from('\0alice\0wonderland').toString('base64');
		await command(desk, sessionId, `AUTH PLAIN ${secret}`, /^235 /);

		const anaView = await page(ana);
		anaView.send({ type: 'watch', sessionId });
		await anaView.reply(sessionId, /^235 /);
		const auth = anaView.received.find(
			(m) => m.type === 'event' && m.event.dir === 'client' && /^AUTH /.test(m.event.text)
		);
		expect(auth).toMatchObject({ event: { anomalies: ['credentials-masked'] } });
		expect(JSON.stringify(anaView.received)).not.toContain(secret);
		expect(JSON.stringify(anaView.received)).not.toContain('wonderland');
	});

	it('keeps the spotlight in the class for a follower who comes later', async () => {
		const { teacher, ana, ben, room } = classOfTwo();
		const desk = await page(teacher);
		const benSession = await openSession(await page(ben));
		desk.send({ type: 'spotlight', sessionId: benSession });
		desk.send({ type: 'watch-class' });
		await desk.next(isType('class-roster'));
		expect(lab.store.classes.get(room.id)?.spotlight).toBe(benSession);
		const anaView = await page(ana);
		anaView.send({ type: 'follow-class' });
		expect(await anaView.next(isType('class-follow'))).toMatchObject({ spotlight: benSession });
	});

	it('refuses the spotlight to a student and to a session outside the class', async () => {
		const { teacher, ana } = classOfTwo();
		const anaPage = await page(ana);
		const anaSession = await openSession(anaPage);
		anaPage.send({ type: 'spotlight', sessionId: anaSession });
		expect((await anaPage.next(isType('error'))).message).toBe(
			'only the teacher of a class can spotlight'
		);

		const outsider = await openSession(await page(person()));
		const desk = await page(teacher);
		desk.send({ type: 'spotlight', sessionId: outsider });
		expect((await desk.next(isType('error'))).message).toBe(
			`unknown session ${outsider} in this class`
		);
	});
});

describe("the teacher's live roster", () => {
	it('refuses watch-class to a student', async () => {
		const { ana } = classOfTwo();
		const anaPage = await page(ana);
		anaPage.send({ type: 'watch-class' });
		expect((await anaPage.next(isType('error'))).message).toBe('not the teacher of a class');
	});

	it('flips connected when a page of the student opens and closes', async () => {
		const { teacher, ana } = classOfTwo();
		const desk = await page(teacher);
		desk.send({ type: 'watch-class' });
		const first = await desk.next(isType('class-roster'));
		expect(first.roster.map((r) => [r.nickname, r.connected])).toEqual([
			['Ana', false],
			['ben', false]
		]);
		const anaPage = await page(ana);
		await rosterWhere(desk, 'Ana', (row) => row.connected);
		anaPage.close();
		await rosterWhere(desk, 'Ana', (row) => !row.connected);
	});

	it('brings a student who joins through the API, and drops one the teacher releases', async () => {
		const { teacher, room } = classOfTwo();
		const api = createLabApi(lab).classes;
		const desk = await page(teacher);
		desk.send({ type: 'watch-class' });
		await desk.next(isType('class-roster'));
		expect(api.join(person().viewer, room.code, 'Chen').ok).toBe(true);
		await rosterWhere(desk, 'Chen', () => true);
		expect(api.release(teacher.viewer, room.code, 'Ana').ok).toBe(true);
		await desk.next(
			(m): m is Extract<ServerMessage, { type: 'class-roster' }> =>
				m.type === 'class-roster' && m.roster.map((r) => r.nickname).join() === 'ben,Chen'
		);
	});

	it("counts a refused RCPT as a 5xx and shows the student's state and example step", async () => {
		const { teacher, ben } = classOfTwo();
		const desk = await page(teacher);
		desk.send({ type: 'watch-class' });
		await desk.next(isType('class-roster'));
		const benPage = await page(ben);
		const sessionId = await openSession(benPage);
		await command(benPage, sessionId, 'EHLO ben.example.test', /^250 /);
		await command(benPage, sessionId, 'MAIL FROM:<ben@example.com>', /^250 /);
		const refusal = await command(benPage, sessionId, 'RCPT TO:<unknown@example.com>', /^550 /);
		const row = (await rosterWhere(desk, 'ben', (r) => r.replies5xx === 1)).roster.find(
			(r) => r.nickname === 'ben'
		);
		expect(row?.session).toMatchObject({ id: sessionId, live: true, lastReplyClass: 5 });
		expect(row?.replies4xx).toBe(0);
		// After MAIL the transaction waits for its recipients (src/lib/smtp state ids).
		expect(row?.session?.state).toBe('mail');
		// Nothing came after the refusal: the session idles since that line.
		expect(row?.session?.lastLineAt).toBe(refusal.event.at);

		benPage.send({ type: 'class-presence', sessionId: null, example: { slug: 'bounce', step: 2 } });
		await rosterWhere(desk, 'ben', (r) => r.example?.id === 'bounce' && r.example.step === 2);
	});

	it('ignores the presence of someone outside any class, without an error', async () => {
		const outsider = await page(person());
		outsider.send({ type: 'class-presence', sessionId: null, example: null });
		outsider.send({ type: 'watch', sessionId: 'nothing-here' });
		// The only answer is to the watch: the presence before it was dropped quietly.
		expect(await outsider.next(isType('error'))).toEqual({
			type: 'error',
			message: 'unknown session nothing-here'
		});
		expect(outsider.received).toHaveLength(1);
	});
});

describe('the end of a class', () => {
	it("tells the class's followers and its teacher's console, and no other class", async () => {
		const { teacher, room, ana, ben } = classOfTwo();
		const other = person();
		const otherRoom = lab.classes.create(other.viewer, 'Another lesson');
		const cy = person();
		lab.classes.join(cy.viewer, otherRoom.code, 'cy');
		const [desk, anaView, benView, cyView] = await Promise.all(
			[teacher, ana, ben, cy].map((who) => page(who))
		);
		desk.send({ type: 'watch-class' });
		await desk.next(isType('class-roster'));
		for (const view of [anaView, benView, cyView]) {
			view.send({ type: 'follow-class' });
			await view.next(isType('class-follow'));
		}
		const froms = [desk, anaView, benView].map((client) => client.received.length);
		const cyFrom = cyView.received.length;

		lab.classes.end(room.id);
		for (const [i, client] of [desk, anaView, benView].entries())
			expect(await nextOf(client, 'class-ended', froms[i])).toEqual({ type: 'class-ended' });
		// Cy's class goes on: a message sent after the end reaches Cy, with no class-ended before it.
		cyView.send({ type: 'watch', sessionId: 'not-a-session' });
		await cyView.next(isType('error'), 5000, cyFrom);
		expect(cyView.received.slice(cyFrom).map((m) => m.type)).not.toContain('class-ended');
	});
});

describe("the teacher's consoles on two devices", () => {
	it('both show the spotlight, whichever set it', async () => {
		const { teacher, ben } = classOfTwo();
		const benPage = await page(ben);
		const benSession = await openSession(benPage);
		const [desk, laptop] = [await page(teacher), await page(teacher)];
		for (const console of [desk, laptop]) {
			console.send({ type: 'watch-class' });
			expect((await console.next(isType('class-roster'))).spotlight).toBeNull();
		}
		const from = laptop.received.length;
		desk.send({ type: 'spotlight', sessionId: benSession });
		const seen = await laptop.next(
			(m): m is Extract<ServerMessage, { type: 'class-roster' }> =>
				m.type === 'class-roster' && m.spotlight === benSession,
			5000,
			from
		);
		expect(seen.spotlight).toBe(benSession);
	});
});
