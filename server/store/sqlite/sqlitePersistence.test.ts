/**
 * The durable store against a real SQLite file in a temporary directory: the store suite every
 * engine passes (storeSuite.ts), then what is SQLite's own: closing the last run's open sessions
 * at a restart (one instance), checkpoints, migrations from older files, its database thread.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionEvent } from '../../../src/lib/messages';
import { FLUSH_DELAY_MS, LabStore, RESTART_END_REASON } from '../labStore';
import { StorageError } from '../persistence';
import { event, LIMITS, session, storeSuite } from '../storeSuite';
import {
	CHECKPOINT_WHEN_QUIET_MS,
	DATABASE_FILE,
	SqlitePersistence,
	openSqlitePersistence
} from './sqlitePersistence';

let dir: string;
let file: string;
const open: LabStore[] = [];
beforeEach(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-store-'));
	file = path.join(dir, DATABASE_FILE);
});
afterEach(async () => {
	for (const store of open.splice(0)) await store.close();
	rmSync(dir, { recursive: true, force: true });
});

async function storeOn(): Promise<LabStore> {
	const store = await LabStore.open(LIMITS, new SqlitePersistence(file));
	open.push(store);
	return store;
}

/** Closes a store (its last write included) and opens the same file again. */
async function reopen(store: LabStore): Promise<LabStore> {
	await store.close();
	open.splice(open.indexOf(store), 1);
	return storeOn();
}

describe('SQLite persistence', () => {
	storeSuite({ open: async () => new SqlitePersistence(file) });
});

describe('SQLite persistence: one instance', () => {
	it('a session left open by a stopped server is closed at the next start, saying why', async () => {
		const crashed = await storeOn();
		crashed.addSession(session('open1', null));
		crashed.appendEvent('open1', event('EHLO client.example.test'));
		await crashed.flush();
		// No close(): the process died after that write. A new start opens the same file.
		const restarted = await storeOn();
		const stored = restarted.sessions.get('open1')!;
		expect(stored.summary.endReason).toBe('the server restarted while this session was open');
		expect(stored.summary.endedAt).toEqual(expect.any(Number));
		expect(stored.events.map((e) => [e.seq, e.dir, e.text])).toEqual([
			[1, 'client', 'EHLO client.example.test'],
			[2, 'system', 'Session closed: the server restarted while this session was open.']
		]);
		// …and that is written, too.
		const again = await reopen(restarted);
		expect(again.sessions.get('open1')!.summary.endReason).toBe(RESTART_END_REASON);
		expect(again.sessions.get('open1')!.events).toHaveLength(2);
	});
});

describe('checkpoints', () => {
	it('the log is copied into the database file once writes pause, not amid them', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		try {
			const store = await storeOn();
			const logBytes = () => statSync(`${file}-wal`).size;
			store.addSession(session('s1'));
			await vi.advanceTimersByTimeAsync(FLUSH_DELAY_MS);
			const written = logBytes();
			expect(written).toBeGreaterThan(0);
			store.appendEvent('s1', event('EHLO client.example.test'));
			await vi.advanceTimersByTimeAsync(FLUSH_DELAY_MS);
			expect(logBytes()).toBeGreaterThan(written);
			await vi.advanceTimersByTimeAsync(CHECKPOINT_WHEN_QUIET_MS - 1);
			expect(logBytes()).toBeGreaterThan(written);
			await vi.advanceTimersByTimeAsync(1);
			expect(logBytes()).toBe(0);
			const check = new Database(file, { readonly: true });
			expect(check.prepare('SELECT count(*) AS n FROM event_chunks').get()).toEqual({ n: 1 });
			check.close();
		} finally {
			vi.useRealTimers();
		}
	});
});

describe('SQLite schema migrations', () => {
	it('a database at schema version 1 (written by hand) opens upgraded, its data kept', async () => {
		const old = new Database(file);
		old.exec(readFileSync(path.join(import.meta.dirname, 'fixtures/schema-v1.sql'), 'utf8'));
		old.close();

		const store = await storeOn();
		const message = store.messages.get('oldmessage01')!;
		expect(message.raw).toEqual(
			Buffer.concat([
				Buffer.from('Subject: caf\u00e9\r\n\r\nbytes '),
				Buffer.from([0x00]),
				Buffer.from(' and '),
				Buffer.from([0xff, 0xfe, 0x0d, 0x0a])
			])
		);
		expect(message.trace).toBe('Return-Path: <alice@example.com>\r\n');
		expect(message.summary.subject).toBe('café');
		expect(store.sessions.get('oldsession01')!.summary.messageIds).toEqual(['oldmessage01']);
		expect(store.sessions.get('oldsession01')!.events[0].text).toBe(
			'220 sandbox.smtp-lab.test ESMTP'
		);
		await store.close();
		open.splice(0);

		const check = new Database(file, { readonly: true });
		expect(check.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([
			{ version: 1 },
			{ version: 2 },
			{ version: 3 },
			{ version: 4 },
			{ version: 5 },
			{ version: 6 },
			{ version: 7 },
			{ version: 8 },
			{ version: 9 },
			{ version: 10 },
			{ version: 11 }
		]);
		// Version 4: what was stored before owners existed belongs to no one (the operator's).
		expect(check.prepare('SELECT owners FROM sessions').get()).toEqual({ owners: '[]' });
		expect(check.prepare('SELECT owners FROM messages').get()).toEqual({ owners: '[]' });
		// Version 2's columns were filled from the rows version 1 left.
		expect(check.prepare('SELECT session_id, received_at FROM messages').get()).toEqual({
			session_id: 'oldsession01',
			received_at: 1764000000500
		});
		// Version 3 moved the session's message ids to their own table.
		expect(check.prepare('SELECT * FROM session_messages').all()).toEqual([
			{ session_id: 'oldsession01', position: 0, message_id: 'oldmessage01' }
		]);
		expect(
			check.prepare("SELECT json_type(summary, '$.messageIds') AS ids FROM sessions").get()
		).toEqual({ ids: null });
		// Version 5 made each event row a run of one, its annotation kept.
		expect(
			check
				.prepare(
					"SELECT session_id, first_seq, json_extract(events, '$[0].annotation.title') AS title FROM event_chunks"
				)
				.all()
		).toEqual([{ session_id: 'oldsession01', first_seq: 1, title: 'Greeting' }]);
		check.close();
	});

	it('a database at schema version 4 (recorded by that version) reads the same transcripts', async () => {
		const old = new Database(file);
		old.exec(readFileSync(path.join(import.meta.dirname, 'fixtures/schema-v4.sql'), 'utf8'));
		const recorded = new Map<string, SessionEvent[]>();
		for (const row of old
			.prepare('SELECT session_id, event FROM events ORDER BY session_id, seq')
			.all() as { session_id: string; event: string }[]) {
			const events = recorded.get(row.session_id) ?? [];
			events.push(JSON.parse(row.event));
			recorded.set(row.session_id, events);
		}
		old.close();
		// An mx session and a submission session (STARTTLS, three AUTH exchanges, a message).
		expect([...recorded.values()].map((events) => events.length)).toEqual([47, 45]);

		const first = await storeOn();
		for (const [id, events] of recorded) expect(first.sessions.get(id)!.events).toEqual(events);
		// After a write in the new form and a restart, they read the same again.
		first.addSession(session('after-upgrade'));
		const second = await reopen(first);
		for (const [id, events] of recorded) expect(second.sessions.get(id)!.events).toEqual(events);
	});

	it('a database from a newer version is refused with one clear line', async () => {
		await new SqlitePersistence(file).close();
		const db = new Database(file);
		db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)').run();
		db.close();
		await expect(openSqlitePersistence(dir)).rejects.toThrow(StorageError);
		await expect(openSqlitePersistence(dir)).rejects.toThrow(
			/schema version 99, newer than this code knows \(\d+\)/
		);
	});
});

describe('a failed write on SQLite', () => {
	it("on the database's own thread, comes back to the store as a rejected write", async () => {
		const errors: unknown[] = [];
		const logged = console.error;
		console.error = (...args: unknown[]) => errors.push(args.join(' '));
		try {
			const store = await LabStore.open(LIMITS, await openSqlitePersistence(dir));
			open.push(store);
			store.addSession(session('s1'));
			await store.flush();
			// Another connection takes the events' table away: SQLite refuses the next write.
			const other = new Database(file);
			other.exec('ALTER TABLE event_chunks RENAME TO elsewhere');
			store.appendEvent('s1', event('EHLO first'));
			await store.flush();
			expect(errors).toEqual([
				'SMTP Lab: writing to the database failed (no such table: event_chunks); sessions and messages stay in memory and are written when it works again.'
			]);
			other.exec('ALTER TABLE elsewhere RENAME TO event_chunks');
			other.close();
			store.appendEvent('s1', event('NOOP second'));
			await store.close();
			open.splice(0);
			const again = await storeOn();
			expect(again.sessions.get('s1')!.events.map((e) => e.text)).toEqual([
				'EHLO first',
				'NOOP second'
			]);
		} finally {
			console.error = logged;
		}
	});
});
