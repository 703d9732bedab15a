/**
 * VISIBILITY over real parts (issue 13 "Who owns what"): browsers are owners named by their
 * cookie, sent with the WebSocket upgrade as a browser would; mail arrives over real SMTP sockets
 * (browser sessions through the bridge, outside programs on the listeners); what each viewer
 * gets is read where a browser reads it: the watch-all stream, `watch`, and the API routes.
 *
 * In private mode a session is its owners' (the browser that opened it, a personal AUTH login,
 * the owners of its recipients' personal domains), a message its sender's and its recipients'
 * owners'; the unclaimed is the operator's alone. In open mode everyone sees everything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { Viewer } from '../../server/owners/visibility';
import type { ServerMessage } from '../../src/lib/messages';
import { OPERATOR_COOKIE, OWNER_COOKIE } from '../../src/lib/server/cookieNames';
import { GET as messageList } from '../../src/routes/api/messages/+server';
import { GET as messageDetail } from '../../src/routes/api/messages/[id]/+server';
import { GET as messageEml } from '../../src/routes/api/messages/[id]/eml/+server';
import { GET as messagePart } from '../../src/routes/api/messages/[id]/parts/[part]/+server';
import { GET as messageRaw } from '../../src/routes/api/messages/[id]/raw/+server';
import {
	DELETE as deleteSessions,
	GET as sessionList
} from '../../src/routes/api/sessions/+server';
import { GET as sessionDetail } from '../../src/routes/api/sessions/[id]/+server';
import { GET as sessionTranscript } from '../../src/routes/api/sessions/[id]/transcript.txt/+server';
import { callRoute } from './routeCall';
import {
	ehlo,
	ended,
	lines,
	message,
	open,
	plain,
	queuedId,
	ready,
	startQuickLab,
	startTls,
	transaction
} from './smtpSession';
import { startWebServer } from './webServer';
import { BridgeClient, isType } from './wsClient';

let lab: Lab | undefined;
let web: Awaited<ReturnType<typeof startWebServer>> | undefined;
const clients: BridgeClient[] = [];

afterEach(async () => {
	for (const client of clients.splice(0)) client.close();
	await lab?.close();
	await web?.close();
	lab = web = undefined;
});

async function startLab(visibility: 'open' | 'private'): Promise<{ lab: Lab; wsUrl: string }> {
	lab = await startQuickLab({ visibility, wsMessagesPerSecond: 10_000 });
	web = await startWebServer(lab);
	return { lab, wsUrl: web.wsUrl };
}

/** A visitor: an owner cookie issued by the lab, as the site's hooks would set it. */
interface Visitor {
	viewer: Viewer;
	/** The Cookie header a browser would send. */
	cookie: string;
}

function visitor(lab: Lab): Visitor {
	const { id, cookie } = lab.owners.signer.issueOwner();
	return { viewer: { ownerId: id, operator: false }, cookie: `${OWNER_COOKIE}=${cookie}` };
}

/** The operator: an owner of their own, signed in with the operator cookie. */
function operator(lab: Lab): Visitor {
	const owner = visitor(lab);
	const signedIn = lab.owners.signer.operatorCookie(lab.owners.operatorToken);
	return {
		viewer: { ...owner.viewer, operator: true },
		cookie: `${owner.cookie}; ${OPERATOR_COOKIE}=${signedIn}`
	};
}

async function browser(wsUrl: string, who?: Visitor): Promise<BridgeClient> {
	const client = await BridgeClient.connect(wsUrl, who ? { headers: { cookie: who.cookie } } : {});
	clients.push(client);
	return client;
}

/** A page following the lists (/live, /mailbox): watch-all, after its snapshot. */
async function listWatcher(wsUrl: string, who?: Visitor): Promise<BridgeClient> {
	const client = await browser(wsUrl, who);
	client.send({ type: 'watch-all' });
	await client.next(isType('snapshot'));
	return client;
}

/**
 * Everything the bridge gathered for `client` before now has arrived: the reply to a `watch` of
 * a session that does not exist comes after the lines gathered before it. Returns that error.
 */
async function settled(client: BridgeClient): Promise<string> {
	const from = client.received.length;
	client.send({ type: 'watch', sessionId: 'no-such-session', since: 0 });
	const error = await client.next(isType('error'), 5000, from);
	return error.message;
}

/** A session opened in the lab page (the bridge) that sends one message to `to`, then quits. */
async function mailFromBrowser(
	client: BridgeClient,
	to: string[],
	subject: string
): Promise<{ sessionId: string; messageId: string }> {
	const from = client.received.length;
	client.send({ type: 'open', listener: 'mx' });
	const { session } = await client.next(isType('opened'), 5000, from);
	await client.reply(session.id, /^220 /, 5000, from);
	const messageId = await transactionInBrowser(client, session.id, to, subject);
	client.send({ type: 'input', data: 'QUIT\r\n' });
	await client.next(
		(m): m is Extract<ServerMessage, { type: 'closed' }> =>
			m.type === 'closed' && m.sessionId === session.id,
		5000,
		from
	);
	return { sessionId: session.id, messageId };
}

async function transactionInBrowser(
	client: BridgeClient,
	sessionId: string,
	to: string[],
	subject: string
): Promise<string> {
	const from = client.received.length;
	const commands = ['EHLO learner.test', 'MAIL FROM:<alice@example.com>'];
	client.send({
		type: 'input',
		data: [...commands, ...to.map((a) => `RCPT TO:<${a}>`), 'DATA'].join('\r\n') + '\r\n'
	});
	await client.reply(sessionId, /^354 /, 5000, from);
	client.send({ type: 'input', data: `${message(subject)}.\r\n` });
	const queued = await client.reply(sessionId, /^250 .*Queued as/, 5000, from);
	return queuedId(queued.event.text)!;
}

/** A mail program outside the browser: one message to `to` on mx, then QUIT. */
async function mailFromOutside(
	lab: Lab,
	to: string[],
	subject: string
): Promise<{ sessionId: string; messageId: string }> {
	const { c, id } = await open(lab, 'mx');
	await ehlo(c);
	const t = await transaction(c, 'someone@example.net', to, message(subject));
	expect(t.end).toMatch(/^250 /);
	await c.command('QUIT');
	c.close();
	await ended(lab, id);
	return { sessionId: id, messageId: t.messageId! };
}

async function json(response: Response | Promise<Response>) {
	return (await response).json();
}

/** What the API lists for a viewer: session and message ids. */
async function listed(viewer: Viewer): Promise<{ sessions: string[]; messages: string[] }> {
	const sessions = (await json(callRoute(sessionList, {}, viewer))).sessions as { id: string }[];
	const messages = (await json(callRoute(messageList, {}, viewer))).messages as { id: string }[];
	return { sessions: sessions.map((s) => s.id), messages: messages.map((m) => m.id) };
}

/** The status of every route that shows the session or the message, for a viewer. */
async function statuses(viewer: Viewer, sessionId: string, messageId: string) {
	const status = async (response: Response | Promise<Response>) => (await response).status;
	const id = messageId;
	return {
		session: await status(callRoute(sessionDetail, { id: sessionId }, viewer)),
		transcript: await status(callRoute(sessionTranscript, { id: sessionId }, viewer)),
		message: await status(callRoute(messageDetail, { id }, viewer)),
		raw: await status(callRoute(messageRaw, { id }, viewer)),
		eml: await status(callRoute(messageEml, { id }, viewer)),
		part: await status(callRoute(messagePart, { id, part: '1' }, viewer))
	};
}

const ALL_OK = { session: 200, transcript: 200, message: 200, raw: 200, eml: 200, part: 200 };
const ALL_HIDDEN = { session: 404, transcript: 404, message: 404, raw: 404, eml: 404, part: 404 };

/** Session and message ids the list watcher got as updates (not counting the snapshot). */
function updates(client: BridgeClient): { sessions: Set<string>; messages: Set<string> } {
	const sessions = new Set<string>();
	const messages = new Set<string>();
	for (const m of client.received) {
		if (m.type === 'session') sessions.add(m.session.id);
		if (m.type === 'message') messages.add(m.message.id);
		if (m.type === 'event') sessions.add(m.sessionId);
	}
	return { sessions, messages };
}

/** What a page opened now gets in its watch-all snapshot. */
async function snapshot(wsUrl: string, who?: Visitor) {
	const client = await browser(wsUrl, who);
	client.send({ type: 'watch-all' });
	const { sessions, messages } = await client.next(isType('snapshot'));
	return { sessions: sessions.map((s) => s.id), messages: messages.map((m) => m.id) };
}

describe('VISIBILITY=private', () => {
	it("two browsers each see only their own sessions and mail, in the lists' snapshot and updates", async () => {
		const { lab, wsUrl } = await startLab('private');
		const [a, b] = [visitor(lab), visitor(lab)];
		const chief = operator(lab);
		const watchers = {
			a: await listWatcher(wsUrl, a),
			b: await listWatcher(wsUrl, b),
			stranger: await listWatcher(wsUrl),
			operator: await listWatcher(wsUrl, chief)
		};
		const fromA = await mailFromBrowser(await browser(wsUrl, a), ['bob@example.com'], 'from A');
		const fromB = await mailFromBrowser(await browser(wsUrl, b), ['bob@example.com'], 'from B');
		for (const watcher of Object.values(watchers)) await settled(watcher);

		expect(updates(watchers.a)).toEqual({
			sessions: new Set([fromA.sessionId]),
			messages: new Set([fromA.messageId])
		});
		expect(updates(watchers.b)).toEqual({
			sessions: new Set([fromB.sessionId]),
			messages: new Set([fromB.messageId])
		});
		expect(updates(watchers.stranger)).toEqual({ sessions: new Set(), messages: new Set() });
		expect(updates(watchers.operator)).toEqual({
			sessions: new Set([fromA.sessionId, fromB.sessionId]),
			messages: new Set([fromA.messageId, fromB.messageId])
		});

		expect(await snapshot(wsUrl, a)).toEqual({
			sessions: [fromA.sessionId],
			messages: [fromA.messageId]
		});
		expect(await snapshot(wsUrl, b)).toEqual({
			sessions: [fromB.sessionId],
			messages: [fromB.messageId]
		});
		expect(await snapshot(wsUrl)).toEqual({ sessions: [], messages: [] });
		expect(await snapshot(wsUrl, chief)).toEqual({
			sessions: [fromB.sessionId, fromA.sessionId],
			messages: [fromB.messageId, fromA.messageId]
		});
	});

	it("watching another's session is answered as a session that does not exist", async () => {
		const { lab, wsUrl } = await startLab('private');
		const [a, b] = [visitor(lab), visitor(lab)];
		const fromB = await mailFromBrowser(await browser(wsUrl, b), ['bob@example.com'], 'from B');
		const page = await browser(wsUrl, a);
		const answers: string[] = [];
		for (const sessionId of [fromB.sessionId, 'no-such-session']) {
			const from = page.received.length;
			page.send({ type: 'watch', sessionId, since: 0 });
			answers.push((await page.next(isType('error'), 5000, from)).message.replace(sessionId, '…'));
		}
		expect(answers[0]).toBe(answers[1]);
		expect(answers[0]).toBe('unknown session …');
		await settled(page);
		expect(page.received.filter((m) => m.type !== 'error')).toEqual([]);
		// B's own other page may watch it.
		const own = await browser(wsUrl, b);
		own.send({ type: 'watch', sessionId: fromB.sessionId, since: 0 });
		await own.next(isType('closed'));
	});

	it("the API answers 404 for another's session and message, as for one that does not exist", async () => {
		const { lab, wsUrl } = await startLab('private');
		const [a, b] = [visitor(lab), visitor(lab)];
		const fromA = await mailFromBrowser(await browser(wsUrl, a), ['bob@example.com'], 'from A');
		expect(await statuses(a.viewer, fromA.sessionId, fromA.messageId)).toEqual(ALL_OK);
		expect(await statuses(b.viewer, fromA.sessionId, fromA.messageId)).toEqual(ALL_HIDDEN);
		expect(await statuses(operator(lab).viewer, fromA.sessionId, fromA.messageId)).toEqual(ALL_OK);
		expect(await listed(b.viewer)).toEqual({ sessions: [], messages: [] });
		expect(await listed(a.viewer)).toEqual({
			sessions: [fromA.sessionId],
			messages: [fromA.messageId]
		});
		// The same answer as for ids that were never used.
		const hidden = await json(callRoute(messageDetail, { id: fromA.messageId }, b.viewer));
		const missing = await json(callRoute(messageDetail, { id: 'never-used' }, b.viewer));
		expect(hidden).toEqual(missing);
		const hiddenSession = await json(callRoute(sessionDetail, { id: fromA.sessionId }, b.viewer));
		const missingSession = await json(callRoute(sessionDetail, { id: 'never-used' }, b.viewer));
		expect(hiddenSession).toEqual(missingSession);
	});

	it("mail from A to B's personal domain is both A's and B's, and so is the session that sent it", async () => {
		const { lab, wsUrl } = await startLab('private');
		const [a, b, c] = [visitor(lab), visitor(lab), visitor(lab)];
		const domainB = `${lab.owners.owner(b.viewer.ownerId).name}.test`;
		const watcherB = await listWatcher(wsUrl, b);
		const sent = await mailFromBrowser(await browser(wsUrl, a), [`friend@${domainB}`], 'to B');
		await settled(watcherB);
		expect(updates(watcherB)).toEqual({
			sessions: new Set([sent.sessionId]),
			messages: new Set([sent.messageId])
		});
		for (const who of [a, b]) {
			expect(await statuses(who.viewer, sent.sessionId, sent.messageId)).toEqual(ALL_OK);
			expect(await listed(who.viewer)).toEqual({
				sessions: [sent.sessionId],
				messages: [sent.messageId]
			});
		}
		expect(await statuses(c.viewer, sent.sessionId, sent.messageId)).toEqual(ALL_HIDDEN);
	});

	it("a page watching a session it shares gets none of the session's mail that is not its own", async () => {
		const { lab, wsUrl } = await startLab('private');
		const [a, b] = [visitor(lab), visitor(lab)];
		const domainB = `${lab.owners.owner(b.viewer.ownerId).name}.test`;
		const pageA = await browser(wsUrl, a);
		pageA.send({ type: 'open', listener: 'mx' });
		const { session } = await pageA.next(isType('opened'));
		await pageA.reply(session.id, /^220 /);
		const toB = await transactionInBrowser(pageA, session.id, [`friend@${domainB}`], 'to B');
		// B opens the session (now B's too) in its own page: `watch`, not the lists.
		const pageB = await browser(wsUrl, b);
		pageB.send({ type: 'watch', sessionId: session.id, since: 0 });
		await pageB.next(isType('session'));
		const toBob = await transactionInBrowser(pageA, session.id, ['bob@example.com'], 'A only');
		await settled(pageB);
		const messagesB = pageB.received.flatMap((m) => (m.type === 'message' ? [m.message.id] : []));
		expect(messagesB).not.toContain(toBob);
		expect((await callRoute(messageDetail, { id: toBob }, b.viewer)).status).toBe(404);
		expect((await callRoute(messageDetail, { id: toB }, b.viewer)).status).toBe(200);
	});

	it('a session shared with a recipient links them only to the mail they may open', async () => {
		const { lab, wsUrl } = await startLab('private');
		const [a, b] = [visitor(lab), visitor(lab)];
		const domainB = `${lab.owners.owner(b.viewer.ownerId).name}.test`;
		const listB = await listWatcher(wsUrl, b);
		const pageA = await browser(wsUrl, a);
		pageA.send({ type: 'open', listener: 'mx' });
		const { session } = await pageA.next(isType('opened'));
		await pageA.reply(session.id, /^220 /);
		const toB = await transactionInBrowser(pageA, session.id, [`friend@${domainB}`], 'to B');
		const toBob = await transactionInBrowser(pageA, session.id, ['bob@example.com'], 'A only');
		pageA.send({ type: 'input', data: 'QUIT\r\n' });
		await pageA.next(isType('closed'));
		await settled(listB);

		const linksOf = async (viewer: Viewer) => ({
			detail: (await json(callRoute(sessionDetail, { id: session.id }, viewer))).session.messageIds,
			list: (
				(await json(callRoute(sessionList, {}, viewer))).sessions as {
					id: string;
					messageIds: string[];
				}[]
			).find((s) => s.id === session.id)?.messageIds
		});
		expect(await linksOf(a.viewer)).toEqual({ detail: [toB, toBob], list: [toB, toBob] });
		expect(await linksOf(operator(lab).viewer)).toEqual({
			detail: [toB, toBob],
			list: [toB, toBob]
		});
		expect(await linksOf(b.viewer)).toEqual({ detail: [toB], list: [toB] });
		// The lists' updates (the session's end names its messages), the snapshot, and `watch`.
		const updatesB = listB.received.flatMap((m) =>
			m.type === 'session' && m.session.id === session.id ? [m.session.messageIds] : []
		);
		expect(updatesB.at(-1)).toEqual([toB]);
		expect(updatesB.flat()).not.toContain(toBob);
		const snapshotB = await browser(wsUrl, b);
		snapshotB.send({ type: 'watch-all' });
		expect((await snapshotB.next(isType('snapshot'))).sessions[0].messageIds).toEqual([toB]);
		const pageB = await browser(wsUrl, b);
		pageB.send({ type: 'watch', sessionId: session.id, since: 0 });
		expect((await pageB.next(isType('session'))).session.messageIds).toEqual([toB]);
	});

	it('a message whose session the viewer can no longer open says so instead of linking to it', async () => {
		const { lab, wsUrl } = await startLab('private');
		const a = visitor(lab);
		const sent = await mailFromBrowser(await browser(wsUrl, a), ['bob@example.com'], 'kept');
		const detail = async () => json(callRoute(messageDetail, { id: sent.messageId }, a.viewer));
		expect(await detail()).toMatchObject({ sessionVisible: true, dataSeq: expect.any(Number) });
		// A deletes their ended sessions and keeps their mail.
		expect(await json(callRoute(deleteSessions, {}, a.viewer))).toEqual({ ok: true, removed: 1 });
		expect(await detail()).toMatchObject({
			message: { sessionId: sent.sessionId },
			sessionVisible: false,
			dataSeq: null
		});
	});

	it("an outside program's mx session that delivers to B's personal domain is B's (in any case), not A's", async () => {
		const { lab, wsUrl } = await startLab('private');
		const [a, b] = [visitor(lab), visitor(lab)];
		const domainB = `${lab.owners.owner(b.viewer.ownerId).name}.test`;
		const watchers = { a: await listWatcher(wsUrl, a), b: await listWatcher(wsUrl, b) };
		const sent = await mailFromOutside(lab, [`Friend@${domainB.toUpperCase()}`], 'to B');
		for (const watcher of Object.values(watchers)) await settled(watcher);
		expect(updates(watchers.b)).toEqual({
			sessions: new Set([sent.sessionId]),
			messages: new Set([sent.messageId])
		});
		expect(updates(watchers.a)).toEqual({ sessions: new Set(), messages: new Set() });
		expect(await statuses(b.viewer, sent.sessionId, sent.messageId)).toEqual(ALL_OK);
		expect(await statuses(a.viewer, sent.sessionId, sent.messageId)).toEqual(ALL_HIDDEN);
		expect(await snapshot(wsUrl, b)).toEqual({
			sessions: [sent.sessionId],
			messages: [sent.messageId]
		});
	});

	it('mail from an outside program to bob@example.com is unclaimed: the operator sees it, nobody else', async () => {
		const { lab, wsUrl } = await startLab('private');
		const [a, b] = [visitor(lab), visitor(lab)];
		lab.owners.owner(b.viewer.ownerId);
		const chief = operator(lab);
		const watchers = {
			a: await listWatcher(wsUrl, a),
			stranger: await listWatcher(wsUrl),
			operator: await listWatcher(wsUrl, chief)
		};
		const sent = await mailFromOutside(lab, ['bob@example.com'], 'unclaimed');
		for (const watcher of Object.values(watchers)) await settled(watcher);
		for (const who of [a, b]) {
			expect(await statuses(who.viewer, sent.sessionId, sent.messageId)).toEqual(ALL_HIDDEN);
			expect(await listed(who.viewer)).toEqual({ sessions: [], messages: [] });
		}
		expect(updates(watchers.a)).toEqual({ sessions: new Set(), messages: new Set() });
		expect(updates(watchers.stranger)).toEqual({ sessions: new Set(), messages: new Set() });
		expect(await snapshot(wsUrl)).toEqual({ sessions: [], messages: [] });
		expect(await statuses(chief.viewer, sent.sessionId, sent.messageId)).toEqual(ALL_OK);
		expect(updates(watchers.operator)).toEqual({
			sessions: new Set([sent.sessionId]),
			messages: new Set([sent.messageId])
		});
		expect(await snapshot(wsUrl, chief)).toEqual({
			sessions: [sent.sessionId],
			messages: [sent.messageId]
		});
	});

	it('a personal AUTH login (user in any case) makes the session and its mail its owner’s', async () => {
		const { lab } = await startLab('private');
		const [a, b] = [visitor(lab), visitor(lab)];
		const owner = lab.owners.owner(a.viewer.ownerId);
		const { c, id } = await ready(lab, 'submission', [owner.name.toUpperCase(), owner.password]);
		const t = await transaction(c, 'me@example.org', ['bob@example.com'], message('personal'));
		expect(t.end).toMatch(/^250 /);
		await c.command('QUIT');
		c.close();
		await ended(lab, id);
		expect(await statuses(a.viewer, id, t.messageId!)).toEqual(ALL_OK);
		expect(await statuses(b.viewer, id, t.messageId!)).toEqual(ALL_HIDDEN);
	});

	it('outside the browser the shared accounts are refused with 535 5.7.8 (RFC 4954 §6); a wrong personal password is 535 5.7.8 too and claims nothing', async () => {
		const { lab } = await startLab('private');
		const a = visitor(lab);
		const owner = lab.owners.owner(a.viewer.ownerId);
		const { c, id } = await open(lab, 'submission');
		await ehlo(c);
		await startTls(c);
		await ehlo(c);
		expect(await c.command(`AUTH PLAIN ${plain('alice', 'wonderland')}`)).toMatch(/^535 5\.7\.8 /);
		expect(await c.command(`AUTH PLAIN ${plain(owner.name, `${owner.password}x`)}`)).toMatch(
			/^535 5\.7\.8 /
		);
		c.close();
		await ended(lab, id);
		expect((await listed(a.viewer)).sessions).toEqual([]);
	});
});

describe('credentials stay masked for everyone but the page that typed them', () => {
	it("the operator's watch, API and transcript show a browser session's AUTH masked; its own page saw it", async () => {
		const { lab, wsUrl } = await startLab('private');
		const a = visitor(lab);
		const chief = operator(lab);
		const page = await browser(wsUrl, a);
		page.send({ type: 'open', listener: 'submissions' });
		const { session } = await page.next(isType('opened'));
		await page.reply(session.id, /^220 /);
		const blob = plain('alice', 'wonderland');
		page.send({ type: 'input', data: `EHLO learner.test\r\nAUTH PLAIN ${blob}\r\n` });
		await page.reply(session.id, /^235 /);
		page.send({ type: 'input', data: 'QUIT\r\n' });
		await page.next(isType('closed'));
		const ownView = JSON.stringify(page.received);
		expect(ownView).toContain(blob);

		const operatorPage = await browser(wsUrl, chief);
		operatorPage.send({ type: 'watch', sessionId: session.id, since: 0 });
		await operatorPage.next(isType('closed'));
		const views = {
			watch: JSON.stringify(operatorPage.received),
			api: await (await callRoute(sessionDetail, { id: session.id }, chief.viewer)).text(),
			transcript: await (
				await callRoute(sessionTranscript, { id: session.id }, chief.viewer)
			).text(),
			ownerApi: await (await callRoute(sessionDetail, { id: session.id }, a.viewer)).text()
		};
		expect(views.watch).toContain('AUTH PLAIN');
		for (const [where, shown] of Object.entries(views)) {
			expect(shown, where).not.toContain(blob);
			expect(shown, where).not.toContain('wonderland');
		}
	});

	it('a personal login from a mail program is masked for the operator and its owner alike', async () => {
		const { lab } = await startLab('private');
		const a = visitor(lab);
		const owner = lab.owners.owner(a.viewer.ownerId);
		const { c, id } = await open(lab, 'submissions');
		await lines(c, 'EHLO client.test');
		const blob = plain(owner.name, owner.password);
		expect(await c.command(`AUTH PLAIN ${blob}`)).toMatch(/^235 /);
		await c.command('QUIT');
		c.close();
		await ended(lab, id);
		for (const viewer of [operator(lab).viewer, a.viewer]) {
			const shown = [
				await (await callRoute(sessionDetail, { id }, viewer)).text(),
				await (await callRoute(sessionTranscript, { id }, viewer)).text()
			].join('\n');
			expect(shown).toContain('AUTH PLAIN');
			expect(shown).not.toContain(blob);
			expect(shown).not.toContain(owner.password);
		}
	});
});

describe('VISIBILITY=open', () => {
	it('everyone sees everything: browsers without a cookie, other owners, in lists, watch and API', async () => {
		const { lab, wsUrl } = await startLab('open');
		const [a, b] = [visitor(lab), visitor(lab)];
		const watcher = await listWatcher(wsUrl);
		const fromA = await mailFromBrowser(await browser(wsUrl, a), ['bob@example.com'], 'from A');
		const outside = await mailFromOutside(lab, ['bob@example.com'], 'unclaimed');
		await settled(watcher);
		const everything = {
			sessions: new Set([fromA.sessionId, outside.sessionId]),
			messages: new Set([fromA.messageId, outside.messageId])
		};
		expect(updates(watcher)).toEqual(everything);
		for (const who of [undefined, b]) {
			const seen = await snapshot(wsUrl, who);
			expect(new Set(seen.sessions)).toEqual(everything.sessions);
			expect(new Set(seen.messages)).toEqual(everything.messages);
		}
		for (const sent of [fromA, outside])
			expect(await statuses(b.viewer, sent.sessionId, sent.messageId)).toEqual(ALL_OK);
		const page = await browser(wsUrl);
		page.send({ type: 'watch', sessionId: fromA.sessionId, since: 0 });
		await page.next(isType('closed'));
	});

	it('outside the browser the shared accounts still log in', async () => {
		const { lab } = await startLab('open');
		const { c } = await ready(lab, 'submission', ['alice', 'wonderland']);
		c.close();
	});
});
