/**
 * The store on PostgreSQL, against a private cluster (tests/postgresCluster.ts) with a fresh
 * database per test: the store suite every engine passes, then what several instances sharing
 * one database need: following each other's batches in commit order, catching up after a
 * dropped connection, taking over a killed instance, the bus, and one clear line when the
 * database cannot be reached.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import v8 from 'node:v8';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { storedMessage } from '../../../tests/storedItems';
import { usePostgresDatabase } from '../../../tests/postgresCluster';
import { LabStore } from '../labStore';
import { StorageError, storeBatch, type StoppedPeer, type StoreBatch } from '../persistence';
import type { QueueRecord } from '../../queue/queueRecord';
import { event, LIMITS, session, STARTED_AT, storeSuite } from '../storeSuite';
import { BUS_MAX_BYTES, instanceKey, PgPersistence, type PgSettings } from './pgPersistence';
import { startFromSource } from '../../../tests/sourceServer';

const database = usePostgresDatabase();
const opened: PgPersistence[] = [];

afterEach(async () => {
	for (const persistence of opened.splice(0)) await persistence.close();
});

/** A PgPersistence on this test's database, closed after the test. */
async function instance(settings: Partial<PgSettings> = {}): Promise<PgPersistence> {
	const persistence = await PgPersistence.open({
		databaseUrl: database.url,
		poolSize: 4,
		pollMs: 1000,
		peerCheckMs: 1000,
		changeLogSeconds: 600,
		...settings
	});
	opened.push(persistence);
	return persistence;
}

/** A batch that adds one (ended) session, known by its id. */
function sessionBatch(id: string): StoreBatch {
	return storeBatch({ sessions: [session(id)] });
}

/** Collects what `follow` applies; `until(n)` resolves once n batches came. */
function follower() {
	const applied: StoreBatch[] = [];
	let waiting: { count: number; resolve: () => void } | null = null;
	return {
		applied,
		apply(received: StoreBatch) {
			applied.push(received);
			if (waiting && applied.length >= waiting.count) waiting.resolve();
		},
		until(count: number): Promise<void> {
			if (applied.length >= count) return Promise.resolve();
			return new Promise((resolve) => (waiting = { count, resolve }));
		},
		sessionIds: () => applied.flatMap((b) => b.sessions.map((s) => s.id))
	};
}

describe('PostgreSQL persistence', () => {
	storeSuite({ open: () => PgPersistence.open(settingsFor(database.url)) });
});

function settingsFor(url: string): PgSettings {
	return { databaseUrl: url, poolSize: 2, pollMs: 1000, peerCheckMs: 1000, changeLogSeconds: 600 };
}

describe('PostgreSQL: instances follow each other', () => {
	it("applies another instance's batches in the order written, not its own", async () => {
		const a = await instance();
		const b = await instance();
		await b.load();
		const seen = follower();
		b.follow((received) => seen.apply(received));
		for (const id of ['a1', 'a2', 'a3']) await a.write(sessionBatch(id));
		await b.write(sessionBatch('b1'));
		await a.write(sessionBatch('a4'));
		await seen.until(4);
		expect(seen.sessionIds()).toEqual(['a1', 'a2', 'a3', 'a4']);
		// Buffers come back as Buffers (v8.serialize), not as JSON.
		await a.write(
			storeBatch({
				newMessages: [storedMessage('m1', { raw: Buffer.from([0, 0xff, 0x0d]) })]
			})
		);
		await seen.until(5);
		expect(Buffer.isBuffer(seen.applied[4].newMessages[0].raw)).toBe(true);
		expect(seen.applied[4].newMessages[0].raw).toEqual(Buffer.from([0, 0xff, 0x0d]));
	});

	it('starts exactly where load ended: what was loaded is not applied again', async () => {
		const a = await instance();
		await a.write(sessionBatch('before'));
		const b = await instance();
		const state = await b.load();
		expect(state.sessions.map((s) => s.summary.id)).toEqual(['before']);
		const seen = follower();
		b.follow((received) => seen.apply(received));
		await a.write(sessionBatch('after'));
		await seen.until(1);
		expect(seen.sessionIds()).toEqual(['after']);
	});

	it('a follower far behind reads the whole log, page by page, in order', async () => {
		const a = await instance();
		// No polling within the test: only following's own first read can bring everything.
		const b = await instance({ pollMs: 600_000 });
		await b.load();
		const ids = Array.from({ length: 450 }, (_, i) => `behind-${i}`);
		for (const id of ids) await a.write(sessionBatch(id));
		const seen = follower();
		b.follow((received) => seen.apply(received));
		await seen.until(ids.length);
		expect(seen.sessionIds()).toEqual(ids);
	});

	it('a batch written while the listening connection is down is applied once it is back', async () => {
		const a = await instance();
		const b = await instance({ pollMs: 200 });
		await b.load();
		const seen = follower();
		b.follow((received) => seen.apply(received));
		await a.write(sessionBatch('first'));
		await seen.until(1);
		// B's LISTEN connection is the one holding its instance lock.
		const killed = await database.sql<{ killed: boolean }>(
			`SELECT pg_terminate_backend(pid) AS killed FROM pg_locks
			 WHERE locktype = 'advisory' AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
			[instanceKey(b.instanceId).toString()]
		);
		expect(killed).toEqual([{ killed: true }]);
		await a.write(sessionBatch('while-down'));
		await a.write(sessionBatch('also-while-down'));
		await seen.until(3);
		expect(seen.sessionIds()).toEqual(['first', 'while-down', 'also-while-down']);
	});
});

describe('PostgreSQL: who wrote a session or a journey first', () => {
	it("keeps the first writer's instance when another instance writes the same row again", async () => {
		const a = await instance();
		const b = await instance();
		const journey = { journey: { id: 'j1' } } as QueueRecord;
		await a.write(storeBatch({ sessions: [session('s1', null)], queue: [journey] }));
		// B ends the session and saves the journey again (as a takeover's end, a replica's save).
		await b.write(storeBatch({ sessions: [session('s1', STARTED_AT + 5000)], queue: [journey] }));
		expect(await database.sql('SELECT instance, ended_at FROM sessions')).toEqual([
			{ instance: a.instanceId, ended_at: String(STARTED_AT + 5000) }
		]);
		expect(await database.sql('SELECT instance FROM queue')).toEqual([{ instance: a.instanceId }]);
	});
});

describe('PostgreSQL: change ids commit in id order', () => {
	it('a follower applies every batch of four concurrent writers, in the log order, none skipped', async () => {
		const writers = await Promise.all([1, 2, 3, 4].map(() => instance({ poolSize: 2 })));
		const reader = await instance({ pollMs: 50 });
		await reader.load();
		const seen = follower();
		reader.follow((received) => seen.apply(received));
		const perWriter = 25;
		await Promise.all(
			writers.map(async (writer, w) => {
				for (let i = 0; i < perWriter; i++) await writer.write(sessionBatch(`w${w}-${i}`));
			})
		);
		await seen.until(writers.length * perWriter);
		const logged = await database.sql<{ batch: Buffer }>(
			'SELECT batch FROM store_changes ORDER BY id'
		);
		const inLogOrder = logged.map((row) => v8.deserialize(row.batch).sessions[0].id);
		expect(seen.sessionIds()).toEqual(inLogOrder);
		// Each writer's own batches in the order it wrote them.
		for (let w = 0; w < writers.length; w++)
			expect(seen.sessionIds().filter((id) => id.startsWith(`w${w}-`))).toEqual(
				Array.from({ length: perWriter }, (_, i) => `w${w}-${i}`)
			);
	});
});

/** Starts pgPeerChild.ts on this test's database; resolves with its instance id once written. */
function startChild(): Promise<{ instanceId: string; kill: () => Promise<void> }> {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', path.join(import.meta.dirname, 'pgPeerChild.ts')],
		{
			env: { ...process.env, DATABASE_URL: database.url },
			stdio: ['ignore', 'pipe', 'inherit']
		}
	);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	return new Promise((resolve, reject) => {
		let out = '';
		child.stdout.on('data', (chunk: Buffer) => {
			out += chunk;
			if (!out.endsWith('\n')) return;
			resolve({
				instanceId: out.trim(),
				kill: async () => {
					child.kill('SIGKILL');
					await exited;
				}
			});
		});
		child.once('exit', (code) => reject(new Error(`the child instance exited (${code})`)));
	});
}

describe('PostgreSQL: a stopped instance is taken over by one survivor', () => {
	it('a killed instance is reported once, with its open sessions and journeys, now the winner’s', async () => {
		const reports: { by: string; peer: StoppedPeer }[] = [];
		let reported = () => {};
		const firstReport = new Promise<void>((resolve) => (reported = resolve));
		const survivors = [await instance({ peerCheckMs: 100 }), await instance({ peerCheckMs: 100 })];
		const child = await startChild();
		for (const survivor of survivors)
			survivor.watchPeers((peer) => {
				reports.push({ by: survivor.instanceId, peer });
				reported();
			});
		// Alive, it is nobody's to take over.
		expect(
			await database.sql('SELECT id FROM instances WHERE id = $1', [child.instanceId])
		).toHaveLength(1);
		await child.kill();
		await firstReport;
		// Several more checks by both: a second report would come within them.
		await new Promise((resolve) => setTimeout(resolve, 1000));
		// Both still run: a survivor closed first would be taken over by the other, rightly.
		expect(reports.map((r) => r.peer)).toEqual([
			{ instanceId: child.instanceId, openSessions: ['child-open'], queue: ['child-journey'] }
		]);
		const winner = reports[0].by;
		expect(await database.sql('SELECT instance FROM queue')).toEqual([{ instance: winner }]);
		expect(await database.sql('SELECT id, instance FROM sessions ORDER BY id')).toEqual([
			{ id: 'child-ended', instance: child.instanceId },
			{ id: 'child-open', instance: winner }
		]);
		expect(
			await database.sql('SELECT id FROM instances WHERE id = $1', [child.instanceId])
		).toEqual([]);
	}, 30_000);

	it("a killed instance's last batches are applied before it is reported stopped", async () => {
		const survivor = await instance({ peerCheckMs: 100, pollMs: 600_000 });
		await survivor.load();
		const order: string[] = [];
		let reported = () => {};
		const report = new Promise<void>((resolve) => (reported = resolve));
		survivor.watchPeers((peer) => {
			order.push(`stopped ${peer.openSessions.join()}`);
			reported();
		});
		const child = await startChild();
		// The log is locked away from the survivor's reads until the takeover is over.
		const blocker = new pg.Client({ connectionString: database.url });
		await blocker.connect();
		await blocker.query('BEGIN');
		await blocker.query('LOCK TABLE store_changes IN ACCESS EXCLUSIVE MODE');
		survivor.follow((received) =>
			order.push(`applied ${received.sessions.map((s) => s.id).join()}`)
		);
		try {
			await child.kill();
			while (
				(await database.sql('SELECT id FROM instances WHERE id = $1', [child.instanceId])).length >
				0
			)
				await new Promise((resolve) => setTimeout(resolve, 50));
			// Taken over, but the log is not read yet: not reported yet.
			expect(order).toEqual([]);
		} finally {
			await blocker.query('COMMIT');
			await blocker.end();
		}
		await report;
		expect(order).toEqual(['applied child-open,child-ended', 'stopped child-open']);
	}, 30_000);

	it('rows of an earlier run that no instance row names are reported once, as instance null', async () => {
		const earlier = await instance();
		await earlier.write(
			storeBatch({
				sessions: [session('left-open', null)],
				queue: [{ journey: { id: 'left-journey' } } as QueueRecord]
			})
		);
		await earlier.close();
		// As after a crash of the whole deployment and a cleanup of the instances.
		await database.sql('DELETE FROM instances');
		const next = await instance({ peerCheckMs: 100 });
		const reports: StoppedPeer[] = [];
		let reported = () => {};
		const firstReport = new Promise<void>((resolve) => (reported = resolve));
		next.watchPeers((peer) => {
			reports.push(peer);
			reported();
		});
		await firstReport;
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(reports).toEqual([
			{ instanceId: null, openSessions: ['left-open'], queue: ['left-journey'] }
		]);
		expect(await database.sql('SELECT instance FROM queue')).toEqual([
			{ instance: next.instanceId }
		]);
	});
});

describe('PostgreSQL: one queue clock for the instances that run together', () => {
	it('the first sets its origin, one started while it runs takes it, one started alone sets anew', async () => {
		const first = await instance();
		expect(await first.queueClockOrigin({ start: 1000, base: 5000 })).toEqual({
			start: 1000,
			base: 5000
		});
		const second = await instance();
		expect(await second.queueClockOrigin({ start: 2000, base: 9000 })).toEqual({
			start: 1000,
			base: 5000
		});
		await first.close();
		await second.close();
		// Nobody runs: the next start's own origin (where its saved journeys left time) is the one.
		const later = await instance();
		expect(await later.queueClockOrigin({ start: 3000, base: 7000 })).toEqual({
			start: 3000,
			base: 7000
		});
		expect(await database.sql('SELECT started_at, base FROM queue_clock')).toEqual([
			{ started_at: '3000', base: '7000' }
		]);
	});
});

describe('PostgreSQL: the bus between instances', () => {
	it('a message reaches the other instances with its sender, not the sender itself', async () => {
		const a = await instance();
		const b = await instance();
		const toA: [unknown, string][] = [];
		const toB: [unknown, string][] = [];
		let bGot = () => {};
		let aGot = () => {};
		const bReceived = new Promise<void>((resolve) => (bGot = resolve));
		const aReceived = new Promise<void>((resolve) => (aGot = resolve));
		a.subscribe((message, from) => {
			toA.push([message, from]);
			aGot();
		});
		b.subscribe((message, from) => {
			toB.push([message, from]);
			bGot();
		});
		a.publish({ kind: 'presence', owners: ['o1'] });
		await bReceived;
		// A's own message came back on its listening connection before B's: it was left out.
		b.publish({ kind: 'presence', owners: ['o2'] });
		await aReceived;
		expect(toB).toEqual([[{ kind: 'presence', owners: ['o1'] }, a.instanceId]]);
		expect(toA).toEqual([[{ kind: 'presence', owners: ['o2'] }, b.instanceId]]);
	});

	it(`a message of ${BUS_MAX_BYTES} bytes (with its sender) goes; one byte more is refused`, async () => {
		const a = await instance();
		const b = await instance();
		const received: unknown[] = [];
		let got = () => {};
		const arrived = new Promise<void>((resolve) => (got = resolve));
		b.subscribe((message) => {
			received.push(message);
			got();
		});
		const overhead = JSON.stringify({ from: a.instanceId, message: { text: '' } }).length;
		const atLimit = { text: 'x'.repeat(7900 - overhead) };
		expect(() => a.publish({ text: 'x'.repeat(7901 - overhead) })).toThrow(
			`a message between instances is at most 7900 bytes of JSON; this one is 7901`
		);
		a.publish(atLimit);
		await arrived;
		expect(received).toEqual([atLimit]);
	});
});

describe('PostgreSQL: failures', () => {
	it('an unreachable server or a bad database stops startup with one line, the password masked', async () => {
		const attempts: [string, RegExp][] = [
			[
				'postgres://lab:hunter22@/smtplab?host=/nonexistent-socket-dir&port=5499',
				/^cannot connect to DATABASE_URL postgres:\/\/lab:\*\*\*@\/smtplab\?host=\/nonexistent-socket-dir&port=5499: connect ENOENT \/nonexistent-socket-dir\/\.s\.PGSQL\.5499$/
			],
			[
				'postgresql://lab:hunter22@127.0.0.1:1/smtplab',
				/^cannot connect to DATABASE_URL postgresql:\/\/lab:\*\*\*@127\.0\.0\.1:1\/smtplab: connect ECONNREFUSED 127\.0\.0\.1:1$/
			],
			[
				database.cluster.url('no_such_database').replace('@', ':hunter22@'),
				/^cannot connect to DATABASE_URL postgres:\/\/\w+:\*\*\*@\/no_such_database\?.*: database "no_such_database" does not exist$/
			]
		];
		for (const [url, line] of attempts) {
			const failure = await PgPersistence.open(settingsFor(url)).catch((error: Error) => error);
			expect(failure).toBeInstanceOf(StorageError);
			expect((failure as Error).message).toMatch(line);
			expect((failure as Error).message).not.toContain('hunter22');
		}
	});

	it('the server started with an unreachable DATABASE_URL exits with that one line', async () => {
		const { code, stderr } = await startFromSource({
			DATABASE_URL: 'postgres://lab:hunter22@/smtplab?host=/nonexistent-socket-dir&port=5499'
		});
		expect(code).toBe(1);
		expect(stderr.trim().split('\n')).toEqual([
			'SMTP Lab: cannot connect to DATABASE_URL postgres://lab:***@/smtplab?host=/nonexistent-socket-dir&port=5499: connect ENOENT /nonexistent-socket-dir/.s.PGSQL.5499'
		]);
	}, 30_000);

	it('a write PostgreSQL refuses is rolled back whole, kept by the store and written again', async () => {
		const errors: unknown[] = [];
		const logged = console.error;
		console.error = (...args: unknown[]) => errors.push(args.join(' '));
		try {
			const store = await LabStore.open(LIMITS, await instance());
			store.addSession(session('s1'));
			await store.flush();
			// Another connection takes the events' table away: the next batch fails at its events.
			await database.sql('ALTER TABLE event_chunks RENAME TO elsewhere');
			store.appendEvent('s1', event('EHLO first'));
			store.addSession(session('s2'));
			await store.flush();
			expect(errors).toEqual([
				'SMTP Lab: writing to the database failed (relation "event_chunks" does not exist); sessions and messages stay in memory and are written when it works again.'
			]);
			// Nothing of that batch was written: not s2, not its change.
			expect(await database.sql('SELECT id FROM sessions ORDER BY id')).toEqual([{ id: 's1' }]);
			expect(await database.sql('SELECT count(*)::int AS n FROM store_changes')).toEqual([
				{ n: 1 }
			]);
			await database.sql('ALTER TABLE elsewhere RENAME TO event_chunks');
			store.appendEvent('s1', event('NOOP second'));
			await store.close();
			const again = await LabStore.open(LIMITS, await instance());
			expect(again.sessions.get('s1')!.events.map((e) => e.text)).toEqual([
				'EHLO first',
				'NOOP second'
			]);
			expect([...again.sessions.keys()]).toEqual(['s1', 's2']);
		} finally {
			console.error = logged;
		}
	});

	it('changes older than PG_CHANGE_LOG_SECONDS are pruned; an instance started later loads the tables', async () => {
		const a = await instance({ changeLogSeconds: 10 });
		await a.write(sessionBatch('old'));
		await a.write(sessionBatch('recent'));
		await database.sql(
			"UPDATE store_changes SET written_at = now() - interval '11 seconds' WHERE id = (SELECT min(id) FROM store_changes)"
		);
		const later = await instance({ changeLogSeconds: 10 });
		expect(await database.sql('SELECT count(*)::int AS n FROM store_changes')).toEqual([{ n: 1 }]);
		const state = await later.load();
		expect(state.sessions.map((s) => s.summary.id)).toEqual(['old', 'recent']);
	});
});
