/**
 * Issue 21: two instances of the lab on one PostgreSQL (a private cluster, tests/postgresCluster.ts),
 * every listener on a port of its own. What one records, the other holds and tells its watchers;
 * a journey is sent by one instance only, shown live by both; an instance that stops without a
 * word (SIGKILL of its process) has its open session ended and its queued journey delivered, once,
 * by the survivor, and a page resuming its session there is told why it cannot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { PEER_STOPPED_END_REASON } from '../../server/store/labStore';
import { usePostgresDatabase } from '../postgresCluster';
import { ManualClock, until } from './harness';
import { message, ready, startQuickLab, transaction } from './smtpSession';
import { startWebServer } from './webServer';
import { BridgeClient, isType } from './wsClient';

const database = usePostgresDatabase();
const labs: Lab[] = [];
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
	for (const cleanup of cleanups.splice(0)) await cleanup();
	for (const lab of labs.splice(0)) await lab.close();
});

/** An instance on this test's database; its queue runs a simulated day per real minute. */
async function instance(): Promise<Lab> {
	const lab = await startQuickLab({
		databaseUrl: database.url,
		queueTimeScale: 1440,
		pgPollMs: 50,
		pgPeerCheckMs: 100
	});
	labs.push(lab);
	return lab;
}

/** The copies of a journey's message delivered at the far end (not the submitted one). */
function deliveredCopies(lab: Lab, journeyId: string): string[] {
	return [...lab.store.messages.values()]
		.filter(
			(m) =>
				m.summary.journeyId === journeyId && m.summary.id !== journeyId && m.summary.kind === 'mail'
		)
		.map((m) => m.summary.id);
}

/** As a watcher receives it (JSON leaves out undefined fields). */
const asSent = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('two instances on one database', () => {
	it('a message sent to A’s mx listener is on B, with its session, annotated as on A', async () => {
		const a = await instance();
		const b = await instance();
		const told: string[] = [];
		b.store.on('message', (summary) => told.push(summary.id));
		const { c, id: sessionId } = await ready(a, 'mx');
		const sent = await transaction(c, 'alice@example.com', ['bob@example.com'], message('across'));
		await c.command('QUIT');
		const messageId = sent.messageId!;
		await until(() => b.store.sessions.get(sessionId)?.summary.endedAt != null);
		await until(() => b.store.messages.has(messageId));
		expect(told).toContain(messageId);
		const onA = a.store.messages.get(messageId)!;
		const onB = b.store.messages.get(messageId)!;
		expect(onB.raw.equals(onA.raw)).toBe(true);
		expect(asSent(onB.summary)).toEqual(asSent(onA.summary));
		const sessionA = a.store.sessions.get(sessionId)!;
		const sessionB = b.store.sessions.get(sessionId)!;
		expect(asSent(sessionB.summary)).toEqual(asSent(sessionA.summary));
		expect(sessionB.summary.messageIds).toEqual([messageId]);
		expect(asSent(sessionB.events)).toEqual(asSent(sessionA.events));
		expect(sessionB.wireTap).toBe('elsewhere');
	}, 60_000);

	it('a session typed on A is watched live on B, each line as A’s page shows it', async () => {
		const a = await instance();
		const b = await instance();
		const [webA, webB] = await Promise.all([startWebServer(a), startWebServer(b)]);
		cleanups.push(
			() => webA.close(),
			() => webB.close()
		);
		const typist = await BridgeClient.connect(webA.wsUrl);
		typist.send({ type: 'open', listener: 'mx' });
		const { session } = await typist.next(isType('opened'));
		await typist.reply(session.id, /^220 /);
		await until(() => b.store.sessions.has(session.id));
		const watcher = await BridgeClient.connect(webB.wsUrl);
		watcher.send({ type: 'watch', sessionId: session.id, since: 0 });
		await watcher.reply(session.id, /^220 /);
		typist.send({
			type: 'input',
			data: 'EHLO b.example\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\n'
		});
		const onA = await typist.reply(session.id, /^250 2\.1\.5/);
		const onB = await watcher.reply(session.id, /^250 2\.1\.5/);
		expect(onB.event).toEqual(onA.event);
		// A watcher arriving later on B replays the session from B's memory, by seq.
		const late = await BridgeClient.connect(webB.wsUrl);
		late.send({ type: 'watch', sessionId: session.id, since: 2 });
		const replayed = await late.reply(session.id, /^250 2\.1\.5/);
		expect(replayed.event).toEqual(onA.event);
		expect(late.received.some((m) => m.type === 'event' && m.event.seq <= 2)).toBe(false);
		for (const page of [typist, watcher, late]) page.close();
	}, 60_000);

	it('a journey queued on A is shown live on B and delivered once, by A', async () => {
		const a = await instance();
		const b = await instance();
		const shownOnB: string[] = [];
		b.queue.on('journey', (journey) => shownOnB.push(`${journey.id} ${journey.legs[0]?.state}`));
		const { c } = await ready(a, 'submission');
		const sent = await transaction(c, 'alice@example.com', ['carol@north.test'], message('once'));
		await c.command('QUIT');
		const id = sent.messageId!;
		await until(() => b.queue.journey(id)?.legs[0]?.state === 'delivered');
		expect(shownOnB).toContain(`${id} delivered`);
		await until(() => deliveredCopies(b, id).length > 0);
		expect(deliveredCopies(a, id)).toHaveLength(1);
		expect(deliveredCopies(b, id)).toEqual(deliveredCopies(a, id));
		// B showed it and never scheduled it.
		expect(b.queue.length).toBe(0);
		expect(b.queue.journey(id)!.legs[0].attempts).toHaveLength(1);
	}, 60_000);

	it('a journey A sends whose message B deleted goes on on A, as on one instance', async () => {
		const a = await instance();
		const b = await instance();
		const { c } = await ready(a, 'submission');
		const sent = await transaction(c, 'alice@example.com', ['ivy@down.test'], message('gone'));
		await c.command('QUIT');
		const id = sent.messageId!;
		// down.test never answers: A retries, and B shows it waiting.
		await until(() => b.queue.journey(id)?.legs[0]?.attempts.length === 1);
		expect(a.queue.length).toBe(1);
		// Retention on B deletes the submitted message: A, which sends the journey, hears of it and
		// keeps trying what it still has to deliver, as one instance does; B leaves the record alone.
		b.store.expire([], [id]);
		await until(() => !a.store.messages.has(id));
		await until(() => (b.queue.journey(id)?.legs[0]?.attempts.length ?? 0) >= 2);
		expect(a.queue.length).toBe(1);
		expect(a.store.queue.has(id)).toBe(true);
		expect(b.store.queue.has(id)).toBe(true);
	}, 60_000);

	it('B, started a simulated day after A, reads the same queue clock as A', async () => {
		const clock = new ManualClock();
		const a = await startQuickLab({ databaseUrl: database.url, queueTimeScale: 1440 }, { clock });
		labs.push(a);
		clock.advance(60_000);
		const b = await startQuickLab({ databaseUrl: database.url, queueTimeScale: 1440 }, { clock });
		labs.push(b);
		// A real minute is a simulated day: a journey's times must mean the same on both pages.
		expect(a.queueClock.now() - clock.now()).toBe(1439 * 60_000);
		expect(b.queueClock.now()).toBe(a.queueClock.now());
	});

	it('when A’s process dies, B ends its open session and delivers its queued journey once', async () => {
		const child: ChildProcess = spawn(
			process.execPath,
			['--import', 'tsx', 'tests/integration/replicaChild.ts'],
			{ env: { ...process.env, DATABASE_URL: database.url }, stdio: ['ignore', 'pipe', 'inherit'] }
		);
		const exited = new Promise((resolve) => child.once('exit', resolve));
		cleanups.push(async () => {
			child.kill('SIGKILL');
			await exited;
		});
		const printed = await new Promise<string>((resolve, reject) => {
			let out = '';
			child.stdout!.on('data', (chunk) => {
				out += chunk;
				if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
			});
			child.once('exit', (code) => reject(new Error(`instance A exited with code ${code}`)));
		});
		const { sessionId, resumeToken, journeyId } = JSON.parse(printed) as {
			sessionId: string;
			resumeToken: string;
			journeyId: string;
		};

		const b = await instance();
		const web = await startWebServer(b);
		cleanups.push(() => web.close());
		// While A runs: its session is open, its journey shown here and not sent from here.
		expect(b.store.sessions.get(sessionId)!.summary.endedAt).toBeNull();
		expect(b.queue.journey(journeyId)!.legs[0].state).toBe('queued');
		expect(b.queue.length).toBe(0);
		const early = await BridgeClient.connect(web.wsUrl);
		early.send({ type: 'resume', sessionId, resumeToken });
		expect((await early.next(isType('error'))).message).toMatch(
			/^cannot resume here: the session runs on another instance of the lab/
		);
		early.close();

		child.kill('SIGKILL');
		await exited;
		await until(() => b.store.sessions.get(sessionId)!.summary.endedAt !== null);
		const ended = b.store.sessions.get(sessionId)!;
		expect(ended.summary.endReason).toBe(PEER_STOPPED_END_REASON);
		expect(ended.events.at(-1)).toMatchObject({
			dir: 'system',
			text: `Session closed: ${PEER_STOPPED_END_REASON}.`
		});
		const late = await BridgeClient.connect(web.wsUrl);
		late.send({ type: 'resume', sessionId, resumeToken });
		expect((await late.next(isType('error'))).message).toBe(
			`cannot resume: the live session ended (${PEER_STOPPED_END_REASON}); its transcript remains at /sessions/${sessionId}`
		);
		late.close();

		// greylist.test defers B's first try too (its host is B's): the retry delivers.
		await until(() => b.queue.journey(journeyId)?.legs[0].state === 'delivered', 30_000);
		const outcomes = b.queue.journey(journeyId)!.legs[0].attempts.map((a) => a.outcome);
		expect(outcomes[0]).toBe('deferred');
		expect(outcomes.filter((o) => o === 'delivered')).toHaveLength(1);
		expect(deliveredCopies(b, journeyId)).toHaveLength(1);
		expect(b.queue.length).toBe(0);
	}, 90_000);
});
