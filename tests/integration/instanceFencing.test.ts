/**
 * Issue 21: an instance cut off from the shared database. While it does not hold its lock (its
 * listening connection is down) a peer may take its place, so its queue tries nothing; back in
 * time, it carries on and asks the others to re-send what the bus carried meanwhile; back too late
 * (a peer took its journeys), the production server stops with one line, and the journey it had
 * queued is delivered once, by the peer. The cut is real: the instance's listening backend is
 * terminated with pg_terminate_backend in a private cluster (tests/postgresCluster.ts).
 */
import pg from 'pg';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { usePostgresDatabase } from '../postgresCluster';
import { startProductionServer, type ProductionServer } from '../productionServer';
import { until } from './harness';
import { message, ready, startQuickLab, transaction } from './smtpSession';

const database = usePostgresDatabase();
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Ends the instance's listening connection (the one holding its lock); true if there was one. */
async function cut(instanceId: string): Promise<boolean> {
	const rows = await database.sql<{ pid: number }>(
		`SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity WHERE application_name = $1`,
		[`smtp-lab ${instanceId}`]
	);
	return rows.length > 0;
}

async function listening(instanceId: string): Promise<boolean> {
	const rows = await database.sql(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1`, [
		`smtp-lab ${instanceId}`
	]);
	return rows.length > 0;
}

async function lab(overrides: Parameters<typeof startQuickLab>[0]): Promise<Lab> {
	const started = await startQuickLab({ databaseUrl: database.url, ...overrides });
	cleanups.push(() => started.close());
	return started;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The tries made so far of the journey's first leg, as the instance itself knows them. */
const tries = (lab: Lab, id: string) => lab.queue.journey(id)?.legs[0]?.attempts.length ?? 0;

describe('an instance cut off from the shared database', () => {
	it('tries no delivery while it does not hold its lock, and goes on once it does', async () => {
		// Alone, with down.test retried every few hundred ms (a simulated half hour at ×7200).
		const a = await lab({
			queueTimeScale: 7200,
			queueMaxAttempts: 1000,
			pgPollMs: 3000,
			pgPeerCheckMs: 100
		});
		const [{ id }] = await database.sql<{ id: string }>('SELECT id FROM instances');
		const { c } = await ready(a, 'submission');
		const sent = await transaction(c, 'alice@example.com', ['ivy@down.test'], message('held'));
		await c.command('QUIT');
		const journeyId = sent.messageId!;
		await until(() => tries(a, journeyId) >= 2);

		expect(await cut(id)).toBe(true);
		// The reconnect waits PG_POLL_MS (3 s): a try already under way may end, none starts.
		await sleep(300);
		const held = tries(a, journeyId);
		await sleep(2000);
		expect(await listening(id)).toBe(false);
		expect(tries(a, journeyId)).toBe(held);

		await until(() => tries(a, journeyId) > held, 10_000);
		expect(await listening(id)).toBe(true);
	}, 60_000);

	it('asks the others to re-send what the bus carried while it was away', async () => {
		const a = await lab({ pgPollMs: 200, pgPeerCheckMs: 60_000 });
		const [{ id }] = await database.sql<{ id: string }>('SELECT id FROM instances');
		const bus = new pg.Client({ connectionString: database.url });
		await bus.connect();
		cleanups.push(() => bus.end());
		const heard: { from: string; message: unknown }[] = [];
		bus.on('notification', (n) => heard.push(JSON.parse(n.payload!)));
		await bus.query('LISTEN smtp_lab_bus');

		expect(await cut(id)).toBe(true);
		await until(() => heard.some((h) => h.from === id), 10_000);
		expect(heard.find((h) => h.from === id)!.message).toEqual({ topic: 'class', kind: 'hello' });
		expect(a.queue.length).toBe(0);
	}, 30_000);

	it('back after a peer took its place, the server stops with one line; the peer delivers once', async () => {
		// A is the production server, its queue at real speed (greylist.test's retry is half an
		// hour away); it reconnects 4 s after the cut, B checks for stopped peers every 100 ms.
		const a: ProductionServer = await startProductionServer({
			DATABASE_URL: database.url,
			PG_POLL_MS: '4000',
			PG_PEER_CHECK_MS: '60000'
		});
		cleanups.push(() => a.stop());
		const submission = Number(/submission (\d+)/.exec(a.stdout())![1]);
		const mailer = nodemailer.createTransport({
			host: '127.0.0.1',
			port: submission,
			requireTLS: true,
			tls: { rejectUnauthorized: false },
			auth: { user: 'alice', pass: 'wonderland' }
		});
		const info = await mailer.sendMail({
			from: 'alice@example.com',
			to: 'hal@greylist.test',
			subject: 'taken over',
			text: 'Hello.'
		});
		const b = await lab({ queueTimeScale: 1440, pgPollMs: 50, pgPeerCheckMs: 100 });
		await until(() => b.store.queue.size === 1);
		const journeyId = [...b.store.queue.keys()][0];
		const [{ instance }] = await database.sql<{ instance: string }>('SELECT instance FROM queue');
		expect(info.response).toMatch(new RegExp(`^250 .*${journeyId}`));
		await until(() => b.queue.journey(journeyId)?.legs[0]?.attempts.length === 1, 10_000);
		expect(b.queue.length).toBe(0);

		expect(await cut(instance)).toBe(true);
		// B takes A's journey: its first try is greylisted by B's own host, the retry delivers.
		await until(() => b.queue.journey(journeyId)?.legs[0]?.state === 'delivered', 30_000);
		expect(await a.exited).toBe(1);
		expect(a.stderr()).toContain(
			'SMTP Lab: another instance took this one’s place while it was cut off from the database; stopping (start it again to rejoin).'
		);
		const outcomes = b.queue.journey(journeyId)!.legs[0].attempts.map((t) => t.outcome);
		expect(outcomes).toEqual(['deferred', 'deferred', 'delivered']);
		const [{ owner }] = await database.sql<{ owner: string }>(
			'SELECT instance AS owner FROM queue'
		);
		expect(owner).not.toBe(instance);
	}, 90_000);
});
