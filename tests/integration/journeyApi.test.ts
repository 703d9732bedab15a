/**
 * Issue 17, the journey as the site serves it: GET /api/journeys/<id> and POST …/fast-forward
 * called in-process (as SvelteKit calls them, with the viewer the hooks found), and watch-journey
 * over a real WebSocket, against a real lab whose queue hands a real message to the sandbox's
 * mail hosts. A journey is visible exactly when its submitted message is (VISIBILITY=private
 * here: the submitter's, not a stranger's). The lab's clock is a manual one: nothing waits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { Viewer } from '../../server/owners/visibility';
import type { Journey } from '../../src/lib/delivery/journey';
import type { QueueClockReading, ServerMessage } from '../../src/lib/messages';
import { OWNER_COOKIE } from '../../src/lib/server/cookieNames';
import { GET as journeyRoute } from '../../src/routes/api/journeys/[id]/+server';
import { POST as fastForward } from '../../src/routes/api/journeys/[id]/fast-forward/+server';
import { ManualClock, until } from './harness';
import { callRoute, TEST_OPERATOR } from './routeCall';
import { message, ready, startQuickLab, transaction } from './smtpSession';
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

const SCALE = 1440;

async function start() {
	const clock = new ManualClock();
	lab = await startQuickLab(
		{ visibility: 'private', queueTimeScale: SCALE, mailHostsPort: 0, dnsPort: 0 },
		{ clock }
	);
	web = await startWebServer(lab);
	return { lab, clock, wsUrl: web.wsUrl };
}

interface Visitor {
	viewer: Viewer;
	cookie: string;
}

function visitor(lab: Lab): Visitor {
	const { id, cookie } = lab.owners.signer.issueOwner();
	return { viewer: { ownerId: id, operator: false }, cookie: `${OWNER_COOKIE}=${cookie}` };
}

/** Submits with the visitor's personal login (a mail program): the message is theirs. */
async function submit(lab: Lab, who: Visitor, to: string[]): Promise<string> {
	const owner = lab.owners.owner(who.viewer.ownerId);
	const { c } = await ready(lab, 'submission', [owner.name, owner.password]);
	const t = await transaction(c, `me@${owner.name}.test`, to, message('journey'));
	expect(t.end).toMatch(/^250 /);
	await c.command('QUIT');
	c.close();
	return t.messageId!;
}

async function answer(response: Response | Promise<Response>) {
	const r = await response;
	return { status: r.status, body: await r.json() };
}

const journeyOf = (lab: Lab, id: string): Journey => lab.queue.journey(id)!;
const legOf = (journey: Journey, domain: string) => journey.legs.find((l) => l.domain === domain)!;

/** The greylisted leg has had its first try and waits for the next. */
async function deferred(lab: Lab, id: string) {
	await until(() => legOf(journeyOf(lab, id), 'greylist.test')?.state === 'queued');
	await until(() => legOf(journeyOf(lab, id), 'north.test')?.state === 'delivered');
	expect(legOf(journeyOf(lab, id), 'greylist.test').attempts.map((a) => a.outcome)).toEqual([
		'deferred'
	]);
}

describe('GET /api/journeys/<id>', () => {
	it('answers the submitter the journey and the queue clock; a stranger 404 as for a missing message', async () => {
		const { lab, clock } = await start();
		const [alice, stranger] = [visitor(lab), visitor(lab)];
		const id = await submit(lab, alice, ['carol@north.test', 'dan@greylist.test']);
		await deferred(lab, id);

		const seen = await answer(callRoute(journeyRoute, { id }, alice.viewer));
		expect(seen.status).toBe(200);
		expect(seen.body.journey.id).toBe(id);
		expect(
			(seen.body.journey as Journey).legs.map((l) => [l.domain, l.recipients, l.state])
		).toEqual([
			['north.test', ['carol@north.test'], 'delivered'],
			['greylist.test', ['dan@greylist.test'], 'queued']
		]);
		expect(seen.body.clock).toEqual({
			now: lab.queueClock.now(),
			realNow: clock.now(),
			scale: SCALE
		} satisfies QueueClockReading);

		const hidden = await answer(callRoute(journeyRoute, { id }, stranger.viewer));
		const missing = await answer(callRoute(journeyRoute, { id: 'no-such-id' }, stranger.viewer));
		expect(hidden).toEqual({ status: 404, body: { error: 'no such message' } });
		expect(missing).toEqual(hidden);
		expect((await answer(callRoute(journeyRoute, { id }, TEST_OPERATOR))).status).toBe(200);
	});

	it('404 with the reason for a message that never went through the queue; 400 for a malformed id', async () => {
		const { lab } = await start();
		const alice = visitor(lab);
		const id = await submit(lab, alice, ['bob@example.com']);
		const local = await answer(callRoute(journeyRoute, { id }, alice.viewer));
		expect(local.status).toBe(404);
		expect(local.body.error).toMatch(/never went through the outgoing queue/);
		expect(await answer(callRoute(journeyRoute, { id: '../x' }, alice.viewer))).toEqual({
			status: 400,
			body: { error: 'malformed message id' }
		});
	});
});

describe('POST /api/journeys/<id>/fast-forward', () => {
	it('skips the queue clock to the next try, which then delivers; then 409, nothing waits', async () => {
		const { lab, clock } = await start();
		const [alice, stranger] = [visitor(lab), visitor(lab)];
		const id = await submit(lab, alice, ['carol@north.test', 'dan@greylist.test']);
		await deferred(lab, id);
		const due = legOf(journeyOf(lab, id), 'greylist.test').nextAttemptAt!;
		const before = lab.queueClock.now();
		expect(due - before).toBeGreaterThanOrEqual(30 * 60_000);

		expect(await answer(callRoute(fastForward, { id }, stranger.viewer))).toEqual({
			status: 404,
			body: { error: 'no such message' }
		});
		expect(lab.queueClock.now()).toBe(before);

		const skipped = await answer(callRoute(fastForward, { id }, alice.viewer));
		expect(skipped.status).toBe(200);
		expect(skipped.body).toEqual({
			clock: { now: due, realNow: clock.now(), scale: SCALE },
			skippedMs: due - before
		});
		// The retry falls due at once: the lab's clock has not moved, the queue's has.
		clock.advance(0);
		await until(() => legOf(journeyOf(lab, id), 'greylist.test').state === 'delivered');
		expect(legOf(journeyOf(lab, id), 'greylist.test').attempts.map((a) => a.outcome)).toEqual([
			'deferred',
			'delivered'
		]);

		const nothing = await answer(callRoute(fastForward, { id }, alice.viewer));
		expect(nothing.status).toBe(409);
		expect(nothing.body.error).toMatch(/^nothing of this journey waits/);
	});
});

describe('watch-journey', () => {
	const isJourney = (m: ServerMessage): m is Extract<ServerMessage, { type: 'journey' }> =>
		m.type === 'journey';

	it('sends the journey at once and again as the retry delivers it; a stranger is told it is unknown', async () => {
		const { lab, clock, wsUrl } = await start();
		const [alice, stranger] = [visitor(lab), visitor(lab)];
		const id = await submit(lab, alice, ['carol@north.test', 'dan@greylist.test']);
		await deferred(lab, id);

		const page = await BridgeClient.connect(wsUrl, { headers: { cookie: alice.cookie } });
		const other = await BridgeClient.connect(wsUrl, { headers: { cookie: stranger.cookie } });
		clients.push(page, other);
		page.send({ type: 'watch-journey', id });
		const first = await page.next(isJourney);
		expect(legOf(first.journey, 'greylist.test').state).toBe('queued');
		expect(first.clock).toMatchObject({ scale: SCALE, realNow: clock.now() });

		other.send({ type: 'watch-journey', id });
		expect((await other.next(isType('error'))).message).toBe(`unknown journey ${id}`);

		expect((await answer(callRoute(fastForward, { id }, alice.viewer))).status).toBe(200);
		clock.advance(0);
		const delivered = await page.next(
			(m): m is Extract<ServerMessage, { type: 'journey' }> =>
				isJourney(m) && legOf(m.journey, 'greylist.test').state === 'delivered'
		);
		const leg = legOf(delivered.journey, 'greylist.test');
		expect(leg.attempts.map((a) => a.outcome)).toEqual(['deferred', 'delivered']);
		expect(leg.deliveredMessageId).not.toBeNull();
		// The stranger was never sent any of it.
		expect(other.received.filter(isJourney)).toEqual([]);
	});

	it('refuses a malformed id with the reason', async () => {
		const { wsUrl } = await start();
		const page = await BridgeClient.connect(wsUrl);
		clients.push(page);
		page.send({ type: 'watch-journey', id: 'a b' } as never);
		expect((await page.next(isType('error'))).message).toBe('"id" must be a message id');
	});
});
