/**
 * The store on PostgreSQL, against a private cluster (tests/postgresCluster.ts) with a fresh
 * database per test: the store suite every engine passes, then what several instances sharing
 * one database need: following each other's batches in commit order, catching up after a
 * dropped connection, taking over a killed instance, the bus, and one clear line when the
 * database cannot be reached.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storedMessage } from '../../../tests/storedItems';
import { startPostgresCluster, type PostgresCluster } from '../../../tests/postgresCluster';
import type { StoreBatch } from '../persistence';
import { session, storeSuite } from '../storeSuite';
import { instanceKey, PgPersistence, type PgSettings } from './pgPersistence';

let cluster: PostgresCluster;
let databaseUrl: string;
const opened: PgPersistence[] = [];

beforeAll(() => {
	cluster = startPostgresCluster();
});
afterAll(() => cluster?.stop());
beforeEach(async () => {
	databaseUrl = await cluster.createDatabase();
});
afterEach(async () => {
	for (const persistence of opened.splice(0)) await persistence.close();
});

/** A PgPersistence on this test's database, closed after the test. */
async function instance(settings: Partial<PgSettings> = {}): Promise<PgPersistence> {
	const persistence = await PgPersistence.open({
		databaseUrl,
		poolSize: 4,
		pollMs: 1000,
		peerCheckMs: 1000,
		changeLogSeconds: 600,
		...settings
	});
	opened.push(persistence);
	return persistence;
}

/** A query on this test's database, from outside any instance. */
async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []) {
	const client = new pg.Client({ connectionString: databaseUrl });
	await client.connect();
	try {
		return (await client.query<T>(text, params)).rows;
	} finally {
		await client.end();
	}
}

function batch(parts: Partial<StoreBatch>): StoreBatch {
	return {
		sessions: [],
		messageLinks: [],
		events: [],
		newMessages: [],
		changedMessages: [],
		deletedSessions: [],
		deletedMessages: [],
		newOwners: [],
		sessionOwners: [],
		messageOwners: [],
		newShares: [],
		deletedShares: [],
		newGrants: [],
		classes: [],
		deletedClasses: [],
		students: [],
		deletedStudents: [],
		queue: [],
		deletedQueue: [],
		readerActs: [],
		imapFolders: [],
		deletedImapFolders: [],
		imapSubscriptions: [],
		zoneTxt: [],
		...parts
	};
}

/** A batch that adds one (ended) session, known by its id. */
function sessionBatch(id: string): StoreBatch {
	return batch({ sessions: [session(id)] });
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
	storeSuite({ open: () => PgPersistence.open(settingsFor(databaseUrl)) });
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
			batch({
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

	it('a batch written while the listening connection is down is applied once it is back', async () => {
		const a = await instance();
		const b = await instance({ pollMs: 200 });
		await b.load();
		const seen = follower();
		b.follow((received) => seen.apply(received));
		await a.write(sessionBatch('first'));
		await seen.until(1);
		// B's LISTEN connection is the one holding its instance lock.
		const killed = await sql<{ killed: boolean }>(
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
