/**
 * Issue 21: a journey's fast-forward asked on an instance that only shows the journey (the
 * learner's page is on B, the mail client's connection went to A, which sends it). Two labs on one
 * PostgreSQL (a private cluster, tests/postgresCluster.ts); POST /api/journeys/<id>/fast-forward
 * called in-process as SvelteKit calls it, on B (the lab started last is the one routes reach).
 * A's clock is a manual one: its queue's time stands still, so only the fast-forward makes the
 * greylisted leg's next try due.
 */
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Lab, LabOptions } from '../../server/lab';
import type { LabConfig } from '../../server/config';
import type { Journey } from '../../src/lib/delivery/journey';
import { runningLabApi } from '../../src/lib/server/labAccess';
import { POST as fastForward } from '../../src/routes/api/journeys/[id]/fast-forward/+server';
import { usePostgresDatabase } from '../postgresCluster';
import { ManualClock, ports, until } from './harness';
import { callRoute, TEST_OPERATOR } from './routeCall';
import { message, ready, startQuickLab, transaction } from './smtpSession';

const SCALE = 1440;

const database = usePostgresDatabase();
const labs: Lab[] = [];

afterEach(async () => {
	for (const lab of labs.splice(0)) await lab.close();
});

async function instance(overrides: Partial<LabConfig> = {}, options: LabOptions = {}) {
	const lab = await startQuickLab(
		{
			databaseUrl: database.url,
			queueTimeScale: SCALE,
			pgPollMs: 50,
			pgPeerCheckMs: 100,
			...overrides
		},
		options
	);
	labs.push(lab);
	return lab;
}

/** A, whose queue sends what is submitted to it, and B, where the route is asked. */
async function twoInstances(b: Partial<LabConfig> = {}) {
	const clockA = new ManualClock();
	const a = await instance({}, { clock: clockA });
	const bLab = await instance(b);
	// The routes reach the lab started last: B.
	expect(
		runningLabApi()!
			.health()
			.listeners.map((l) => l.port)
	).toEqual(Object.values(ports(bLab)));
	return { a, b: bLab, clockA };
}

const legOf = (journey: Journey | undefined, domain: string) =>
	journey?.legs.find((l) => l.domain === domain);
const outcomes = (lab: Lab, id: string) =>
	legOf(lab.queue.journey(id), 'greylist.test')?.attempts.map((a) => a.outcome);

/** Submitted on A: north.test delivers, greylist.test defers the first try; B shows it waiting. */
async function waitingOnA(a: Lab, b: Lab): Promise<string> {
	const { c } = await ready(a, 'submission');
	const sent = await transaction(
		c,
		'alice@example.com',
		['carol@north.test', 'dan@greylist.test'],
		message('forwarded')
	);
	expect(sent.end).toMatch(/^250 /);
	await c.command('QUIT');
	c.close();
	const id = sent.messageId!;
	for (const lab of [a, b]) {
		await until(() => legOf(lab.queue.journey(id), 'north.test')?.state === 'delivered');
		await until(() => outcomes(lab, id)?.length === 1);
		expect(outcomes(lab, id)).toEqual(['deferred']);
		expect(legOf(lab.queue.journey(id), 'greylist.test')!.state).toBe('queued');
	}
	// A sends it, B only shows it.
	expect(a.queue.sends(id)).toBe(true);
	expect(b.queue.sends(id)).toBe(false);
	return id;
}

async function answer(response: Response | Promise<Response>) {
	const r = await response;
	return { status: r.status, body: await r.json() };
}

describe('a fast-forward asked on the instance that only shows the journey', () => {
	it('goes to A, which tries at once; B answers the skip; once delivered, 409 at once', async () => {
		const { a, b, clockA } = await twoInstances();
		const id = await waitingOnA(a, b);
		const due = legOf(a.queue.journey(id), 'greylist.test')!.nextAttemptAt!;
		const before = a.queueClock.now();
		expect(due - before).toBeGreaterThanOrEqual(30 * 60_000);

		const skipped = await answer(callRoute(fastForward, { id }, TEST_OPERATOR));
		expect(skipped).toEqual({
			status: 200,
			// The journey's clock where it is sent: A's, now at the retry.
			body: { clock: { now: due, realNow: clockA.now(), scale: SCALE }, skippedMs: due - before }
		});
		// A tried at once (its own clock never moved); B shows the try.
		await until(() => outcomes(b, id)?.length === 2);
		expect(outcomes(a, id)).toEqual(['deferred', 'delivered']);
		expect(outcomes(b, id)).toEqual(['deferred', 'delivered']);
		expect(clockA.now()).toBe(skipped.body.clock.realNow);

		// Nothing waits any more: said at once, nobody asked (no instance sends it now).
		const nothing = await answer(callRoute(fastForward, { id }, TEST_OPERATOR));
		expect(nothing.status).toBe(409);
		expect(nothing.body.error).toMatch(/^nothing of this journey waits/);
	}, 60_000);

	it('503 with the reason when its sender stopped and nobody took it over yet', async () => {
		// B checks for stopped instances once at its start, then not again during this test.
		const { a, b } = await twoInstances({ pgPeerCheckMs: 3_600_000 });
		const id = await waitingOnA(a, b);
		labs.splice(labs.indexOf(a), 1);
		await a.close();

		const unanswered = await answer(callRoute(fastForward, { id }, TEST_OPERATOR));
		expect(unanswered.status).toBe(503);
		expect(unanswered.body).toEqual({
			error:
				'the instance sending this journey did not answer: it may have stopped, and another takes its journeys over within seconds; try again shortly'
		});
		expect(b.queue.sends(id)).toBe(false);
		expect(outcomes(b, id)).toEqual(['deferred']);
	}, 60_000);

	it('drops a malformed message with one log line per instance, and answers the next ask', async () => {
		const { a, b } = await twoInstances();
		const id = await waitingOnA(a, b);
		const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
		try {
			const client = new pg.Client({ connectionString: database.url });
			await client.connect();
			const bad = { topic: 'journey-fast-forward', kind: 'ask', requestId: 'a b', journeyId: id };
			await client.query('SELECT pg_notify($1, $2)', [
				'smtp_lab_bus',
				JSON.stringify({ from: 'a-broken-instance', message: bad })
			]);
			await client.end();
			const lines = () =>
				logged.mock.calls.filter((call) => String(call[0]).includes('fast-forward message'));
			// One line from each instance (both run in this process); A did not skip.
			await until(() => lines().length === 2);
			const line =
				'SMTP Lab: dropped a fast-forward message from instance a-broken-instance: "requestId" must be 1 to 64 letters, digits, _ or -';
			expect(lines()).toEqual([[line], [line]]);
			expect(a.queue.journey(id)!.skippedMs).toBe(0);
		} finally {
			logged.mockRestore();
		}
		expect((await answer(callRoute(fastForward, { id }, TEST_OPERATOR))).status).toBe(200);
	}, 60_000);
});
