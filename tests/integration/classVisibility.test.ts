/**
 * Issue 15: a class's data is private to the class whatever VISIBILITY says. Browsers are owners
 * named by their cookie (sent with the WebSocket upgrade); sessions and mail are made through the
 * bridge as the lab page makes them; what each viewer gets is read where a browser reads it: the
 * API routes, the watch-all snapshot and its updates, and `watch`.
 *
 * A student sees their own and the teacher's (made since the class began), and the spotlight
 * session, not another student's; the teacher sees all of the class's; the operator everything;
 * an outsider nothing of the class (in open mode, everything else).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { Viewer } from '../../server/owners/visibility';
import { OPERATOR_COOKIE, OWNER_COOKIE } from '../../src/lib/server/cookieNames';
import { GET as messageList } from '../../src/routes/api/messages/+server';
import { GET as messageDetail } from '../../src/routes/api/messages/[id]/+server';
import { GET as sessionList } from '../../src/routes/api/sessions/+server';
import { GET as sessionDetail } from '../../src/routes/api/sessions/[id]/+server';
import { POST as createClass } from '../../src/routes/api/classes/+server';
import { POST as join } from '../../src/routes/api/classes/[code]/students/+server';
import { classRoute } from './classRoutes';
import { callRoute } from './routeCall';
import { startQuickLab } from './smtpSession';
import { startWebServer } from './webServer';
import { BridgeClient, isType, mailThroughLab } from './wsClient';

let lab: Lab | undefined;
let web: Awaited<ReturnType<typeof startWebServer>> | undefined;
const clients: BridgeClient[] = [];
afterEach(async () => {
	for (const client of clients.splice(0)) client.close();
	await lab?.close();
	await web?.close();
	lab = web = undefined;
});

interface Visitor {
	viewer: Viewer;
	cookie: string;
}

function visitor(lab: Lab): Visitor {
	const { id, cookie } = lab.owners.signer.issueOwner();
	return { viewer: { ownerId: id, operator: false }, cookie: `${OWNER_COOKIE}=${cookie}` };
}

function operator(lab: Lab): Visitor {
	const owner = visitor(lab);
	const signedIn = lab.owners.signer.operatorCookie(lab.owners.operatorToken);
	return {
		viewer: { ...owner.viewer, operator: true },
		cookie: `${owner.cookie}; ${OPERATOR_COOKIE}=${signedIn}`
	};
}

async function page(wsUrl: string, who: Visitor): Promise<BridgeClient> {
	const client = await BridgeClient.connect(wsUrl, { headers: { cookie: who.cookie } });
	clients.push(client);
	return client;
}

/** A session opened in the lab page of `who` that sends one message, then quits. */
async function mail(wsUrl: string, who: Visitor, subject: string) {
	return mailThroughLab(await page(wsUrl, who), subject);
}

type Made = { sessionId: string; messageId: string };
const ids = (...made: Made[]) => ({
	sessions: made.map((m) => m.sessionId).sort(),
	messages: made.map((m) => m.messageId).sort()
});

async function listed(viewer: Viewer) {
	const sessions = (await (await callRoute(sessionList, {}, viewer)).json()).sessions as {
		id: string;
	}[];
	const messages = (await (await callRoute(messageList, {}, viewer)).json()).messages as {
		id: string;
	}[];
	return {
		sessions: sessions.map((s) => s.id).sort(),
		messages: messages.map((m) => m.id).sort()
	};
}

async function snapshot(wsUrl: string, who: Visitor) {
	const client = await page(wsUrl, who);
	client.send({ type: 'watch-all' });
	const { sessions, messages } = await client.next(isType('snapshot'));
	return { sessions: sessions.map((s) => s.id).sort(), messages: messages.map((m) => m.id).sort() };
}

/** Every viewer's view, through the API and through a new page's snapshot: the same. */
async function seenBy(wsUrl: string, who: Visitor) {
	const api = await listed(who.viewer);
	expect(await snapshot(wsUrl, who)).toEqual(api);
	return api;
}

/** Whether `who`'s page may `watch` the session (an unknown session's error otherwise). */
async function mayWatch(wsUrl: string, who: Visitor, sessionId: string): Promise<boolean> {
	const client = await page(wsUrl, who);
	client.send({ type: 'watch', sessionId, since: 0 });
	const answer = await client.next(
		(m): m is Extract<typeof m, { type: 'session' | 'error' }> =>
			m.type === 'error' || m.type === 'session'
	);
	return answer.type === 'session';
}

/**
 * A teacher's session before the class, the class, two students, and a session each of the
 * teacher (in the class), Ana and Bob. Classes are made and joined through the API routes.
 */
async function classroom(visibility: 'open' | 'private') {
	lab = await startQuickLab({ visibility, wsMessagesPerSecond: 10_000 });
	web = await startWebServer(lab);
	const { wsUrl } = web;
	const teacher = visitor(lab);
	const [ana, bob, outsider] = [visitor(lab), visitor(lab), visitor(lab)];
	const beforeClass = await mail(wsUrl, teacher, 'before the class');
	const created = await classRoute(createClass, { viewer: teacher.viewer, body: { name: 'Mail' } });
	const code = created.json.code as string;
	for (const [who, nickname] of [
		[ana, 'ana'],
		[bob, 'bob']
	] as const)
		expect(
			(await classRoute(join, { viewer: who.viewer, params: { code }, body: { nickname } })).status
		).toBe(201);
	// A page of the outsider follows the lists from before the class's sessions.
	const outsiderLists = await page(wsUrl, outsider);
	outsiderLists.send({ type: 'watch-all' });
	await outsiderLists.next(isType('snapshot'));
	const teacherInClass = await mail(wsUrl, teacher, 'in the class');
	const fromAna = await mail(wsUrl, ana, 'from Ana');
	const fromBob = await mail(wsUrl, bob, 'from Bob');
	const fromOutsider = await mail(wsUrl, outsider, 'from outside');
	return {
		lab,
		wsUrl,
		code,
		who: { teacher, ana, bob, outsider, operator: operator(lab) },
		made: { beforeClass, teacherInClass, fromAna, fromBob, fromOutsider },
		outsiderLists
	};
}

describe.each(['open', 'private'] as const)('VISIBILITY=%s', (mode) => {
	it('a student sees their own and the teacher’s, not another student’s; the teacher all of the class', async () => {
		const { wsUrl, who, made } = await classroom(mode);
		const { beforeClass, teacherInClass, fromAna, fromBob, fromOutsider } = made;
		// Outside the class, the usual rule: everything in open mode, one's own in private.
		const elsewhere = mode === 'open' ? [beforeClass, fromOutsider] : [];
		expect(await seenBy(wsUrl, who.ana)).toEqual(ids(fromAna, teacherInClass, ...elsewhere));
		expect(await seenBy(wsUrl, who.bob)).toEqual(ids(fromBob, teacherInClass, ...elsewhere));
		expect(await seenBy(wsUrl, who.teacher)).toEqual(
			ids(beforeClass, teacherInClass, fromAna, fromBob, ...(mode === 'open' ? [fromOutsider] : []))
		);
		expect(await seenBy(wsUrl, who.outsider)).toEqual(
			ids(fromOutsider, ...(mode === 'open' ? [beforeClass] : []))
		);
		expect(await seenBy(wsUrl, who.operator)).toEqual(
			ids(beforeClass, teacherInClass, fromAna, fromBob, fromOutsider)
		);
		expect(await mayWatch(wsUrl, who.ana, fromBob.sessionId)).toBe(false);
		expect(await mayWatch(wsUrl, who.ana, teacherInClass.sessionId)).toBe(true);
		expect(await mayWatch(wsUrl, who.outsider, fromAna.sessionId)).toBe(false);
		expect(await mayWatch(wsUrl, who.teacher, fromBob.sessionId)).toBe(true);
		const detail = (viewer: Viewer, id: string) =>
			callRoute(messageDetail, { id }, viewer) as Promise<Response>;
		expect((await detail(who.bob.viewer, fromAna.messageId)).status).toBe(404);
		expect((await detail(who.teacher.viewer, fromAna.messageId)).status).toBe(200);
		const session = (viewer: Viewer, id: string) =>
			callRoute(sessionDetail, { id }, viewer) as Promise<Response>;
		expect((await session(who.outsider.viewer, teacherInClass.sessionId)).status).toBe(404);
	});

	it('the spotlight session, and its mail, is shown to every student of the class', async () => {
		const { lab, wsUrl, code, who, made } = await classroom(mode);
		const room = lab.store.classByCode(code)!;
		expect(await mayWatch(wsUrl, who.bob, made.fromAna.sessionId)).toBe(false);
		lab.store.saveClass({ ...room, spotlight: made.fromAna.sessionId });
		expect(await mayWatch(wsUrl, who.bob, made.fromAna.sessionId)).toBe(true);
		expect((await listed(who.bob.viewer)).messages).toContain(made.fromAna.messageId);
		expect(await mayWatch(wsUrl, who.outsider, made.fromAna.sessionId)).toBe(false);
	});
});

// In private mode an outsider's page never got another owner's updates (visibility.test.ts).
describe('VISIBILITY=open', () => {
	it('an outsider’s page following the lists gets no update of the class’s sessions and mail', async () => {
		const { made, outsiderLists } = await classroom('open');
		// The outsider's own session came last: everything before it has arrived.
		await outsiderLists.next(
			(m): m is Extract<typeof m, { type: 'message' }> =>
				m.type === 'message' && m.message.id === made.fromOutsider.messageId
		);
		const got = new Set<string>();
		for (const m of outsiderLists.received) {
			if (m.type === 'session') got.add(m.session.id);
			if (m.type === 'message') got.add(m.message.id);
			if (m.type === 'event') got.add(m.sessionId);
		}
		for (const item of [made.teacherInClass, made.fromAna, made.fromBob]) {
			expect(got.has(item.sessionId)).toBe(false);
			expect(got.has(item.messageId)).toBe(false);
		}
		expect(got.has(made.fromOutsider.sessionId)).toBe(true);
	});
});
