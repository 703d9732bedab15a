/**
 * The durable store against a real SQLite file in a temporary directory: what goes in comes back
 * after the database is closed and opened again, byte for byte.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessageSummary, SessionEvent, SessionSummary } from '../../../src/lib/messages';
import { clientEvent, sessionSummary, storedMessage } from '../../../tests/storedItems';
import {
	FLUSH_DELAY_MS,
	LabStore,
	RESTART_END_REASON,
	type StoredMessage,
	type StoreLimits
} from '../labStore';
import { StorageError, type StoreBatch } from '../persistence';
import {
	CHECKPOINT_WHEN_QUIET_MS,
	DATABASE_FILE,
	SqlitePersistence,
	openSqlitePersistence
} from './sqlitePersistence';

const LIMITS: StoreLimits = { maxEventsPerSession: 100 };

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

/** Fixed times, so that an item made twice is equal. */
const STARTED_AT = 1_764_000_000_000;

function session(id: string, endedAt?: number | null): SessionSummary {
	return sessionSummary(id, { startedAt: STARTED_AT, endedAt });
}

function event(text: string): SessionEvent {
	return clientEvent(text, STARTED_AT + 100);
}

/**
 * A message whose summary holds every kind of field: parameters, each outcome, DSN fields and
 * an 8-bit subject. `summary` sets any other field.
 */
function fullMessage(
	id: string,
	raw: Buffer,
	summary: Partial<MessageSummary> = {}
): StoredMessage {
	return storedMessage(
		id,
		{ raw },
		{
			receivedAt: STARTED_AT + 1000,
			subject: 'café',
			envelope: {
				mailFrom: { address: 'alice@example.com', params: { BODY: '8BITMIME' } },
				rcptTo: [
					{ address: 'bob@example.com', params: { NOTIFY: 'SUCCESS,FAILURE' } },
					{ address: 'bounce@example.com', params: {} }
				]
			},
			recipients: [
				{
					address: 'bob@example.com',
					outcome: 'delivered',
					reply: '250 2.1.5 Accepted',
					notify: ['SUCCESS', 'FAILURE'],
					orcpt: 'rfc822;bob@example.com'
				},
				{ address: 'bounce@example.com', outcome: 'bounced', reply: '250 2.1.5 Accepted' },
				{ address: 'later@example.com', outcome: 'deferred', reply: '451 4.7.1 Greylisted' },
				{ address: 'nobody@example.com', outcome: 'refused', reply: '550 5.1.1 No such user' }
			],
			...summary
		}
	);
}

// CRLF, 8-bit bytes (UTF-8 and not), a NUL byte, a lone CR and a final byte without newline.
const RAW = Buffer.from([
	...Buffer.from('Subject: caf\u00e9\r\n\r\n'),
	0x00,
	0xff,
	0xfe,
	0x80,
	0x0d,
	0x41,
	0x0d,
	0x0a,
	0x7f
]);

describe('SQLite persistence: a store opened again has everything it had', () => {
	it('keeps sessions, events, messages (exact bytes), outcomes and reports, not the secrets', async () => {
		const first = await storeOn();
		first.addSession(session('s1', null));
		first.appendEvent('s1', event('EHLO client.example.test'));
		first.appendEvent('s1', event('AUTH PLAIN ******'), {
			text: 'AUTH PLAIN AGFsaWNlAHNlY3JldA==',
			annotation: { title: 'AUTH', summary: 'unmasked' }
		});
		first.updateSession('s1', {
			tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
			authUser: 'alice'
		});
		first.addMessage({ ...fullMessage('m1', RAW, { sessionId: 's1' }), trace: 'T\r\n' });
		const bounce = fullMessage('m2', Buffer.from('DSN'), { kind: 'bounce', reportsOn: 'm1' });
		first.addMessage(bounce);
		first.updateSession('s1', { endedAt: 1_764_000_009_000, endReason: 'Client said QUIT (221)' });
		// A summary changed after it was stored (as a later report would).
		first.messages.get('m2')!.summary.subject = 'Undelivered Mail Returned to Sender';
		first.touchMessage('m2');

		const second = await reopen(first);
		expect([...second.sessions.keys()]).toEqual(['s1']);
		const s1 = second.sessions.get('s1')!;
		expect(s1.summary).toEqual({
			...session('s1'),
			endedAt: 1_764_000_009_000,
			tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
			authUser: 'alice',
			messageIds: ['m1'],
			eventCount: 2
		});
		expect(s1.events).toEqual([
			{ ...event('EHLO client.example.test'), seq: 1 },
			{ ...event('AUTH PLAIN ******'), seq: 2 }
		]);
		expect(s1.secrets.size).toBe(0);
		expect([...second.messages.keys()]).toEqual(['m1', 'm2']);
		const m1 = second.messages.get('m1')!;
		expect(m1.raw.equals(RAW)).toBe(true);
		expect(m1.trace).toBe('T\r\n');
		expect(m1.summary).toEqual(fullMessage('m1', RAW, { sessionId: 's1' }).summary);
		expect(second.messages.get('m2')!.summary).toEqual({
			...bounce.summary,
			subject: 'Undelivered Mail Returned to Sender'
		});
		expect(second.storedBytes).toBe(RAW.length + 3 + 3);
	});

	it('keeps owners, share links and who opened them, every field', async () => {
		const first = await storeOn();
		const owner = { id: 'o1', name: 'quiet-otter-42', password: 'pw', createdAt: STARTED_AT };
		const share = {
			token: 't1',
			kind: 'session' as const,
			itemId: 's1',
			ownerId: 'o1',
			createdAt: STARTED_AT + 1
		};
		first.addOwner(owner);
		first.addSession(session('s1'), ['o1']);
		first.addShare(share);
		first.addGrant('o2', 't1');

		const second = await reopen(first);
		expect([...second.owners.values()]).toEqual([owner]);
		expect([...second.shares.values()]).toEqual([share]);
		expect([...second.grants]).toEqual([['o2', new Set(['t1'])]]);
	});

	it('writes the changes of many turns in one batch, from a timer, never during a turn', async () => {
		const persistence = new SqlitePersistence(file);
		const batches: StoreBatch[] = [];
		let written = () => {};
		const firstWrite = new Promise<void>((resolve) => (written = resolve));
		const counting = await LabStore.open(LIMITS, {
			load: () => persistence.load(),
			write: async (batch) => {
				batches.push(structuredClone(batch));
				await persistence.write(batch);
				written();
			},
			close: () => persistence.close()
		});
		open.push(counting);
		counting.addSession(session('s1'));
		for (let i = 0; i < 25; i++) counting.appendEvent('s1', event(`NOOP ${i}`));
		expect(batches).toHaveLength(0);
		// The next turn of the event loop: still nothing written (the timer has not fired).
		await new Promise((resolve) => setImmediate(resolve));
		for (let i = 25; i < 50; i++) counting.appendEvent('s1', event(`NOOP ${i}`));
		expect(batches).toHaveLength(0);
		await firstWrite;
		expect(batches).toHaveLength(1);
		expect(batches[0].events).toHaveLength(50);
		expect(batches[0].sessions.map((s) => s.eventCount)).toEqual([50]);
	});

	it('expiring (retention) and clearing delete from the database too', async () => {
		const first = await storeOn();
		for (const id of ['s1', 's2', 's3']) first.addSession(session(id));
		first.addSession(session('live', null));
		for (const id of ['m1', 'm2', 'm3']) first.addMessage(storedMessage(id, { raw: 'x' }));
		// A live session is never expired.
		first.expire(['s1', 's2', 'live'], ['m1']);
		const second = await reopen(first);
		expect([...second.sessions.keys()]).toEqual(['s3', 'live']);
		expect([...second.messages.keys()]).toEqual(['m2', 'm3']);
		// 'live' was closed by this start (see below); a session open now survives the clearing.
		second.addSession(session('open', null));
		second.clearMessages();
		second.clearSessions();
		const third = await reopen(second);
		expect(third.messages.size).toBe(0);
		expect([...third.sessions.keys()]).toEqual(['open']);
	});

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

describe('a failed write', () => {
	it('keeps the lab running, says so once, and writes the batch again with the next change', async () => {
		const persistence = new SqlitePersistence(file);
		let failures = 1;
		const errors: unknown[] = [];
		const logged = console.error;
		console.error = (...args: unknown[]) => errors.push(args.join(' '));
		try {
			const store = await LabStore.open(LIMITS, {
				load: () => persistence.load(),
				write: async (batch) => {
					// As a full disk would: SQLite rolls the transaction back, nothing is written.
					if (failures-- > 0) throw new Error('database or disk is full');
					await persistence.write(batch);
				},
				close: () => persistence.close()
			});
			open.push(store);
			store.addSession(session('s1'));
			store.appendEvent('s1', event('EHLO first'));
			await store.flush();
			expect(errors).toEqual([
				'SMTP Lab: writing to the database failed (database or disk is full); sessions and messages stay in memory and are written when it works again.'
			]);
			expect(store.sessions.get('s1')!.events).toHaveLength(1);
			store.appendEvent('s1', event('NOOP second'));
			const again = await reopen(store);
			expect(again.sessions.get('s1')!.events.map((e) => e.text)).toEqual([
				'EHLO first',
				'NOOP second'
			]);
		} finally {
			console.error = logged;
		}
	});

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
