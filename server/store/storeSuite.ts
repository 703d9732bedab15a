/**
 * The store's behaviour against a real database, the same for every engine (SQLite's file, a
 * PostgreSQL database): what goes in comes back after the database is closed and opened again,
 * byte for byte; changes are written in batches; a failed write is kept and written again.
 * Each engine's test file calls storeSuite with a way to open its database for the current test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageSummary, SessionEvent, SessionSummary } from '../../src/lib/messages';
import { clientEvent, sessionSummary, storedMessage } from '../../tests/storedItems';
import { LabStore, type StoredMessage, type StoreLimits } from './labStore';
import type { StoreBatch, StorePersistence } from './persistence';

export const LIMITS: StoreLimits = { maxEventsPerSession: 100 };

export interface StoreEngine {
	/** Opens the current test's database (the same one at every call within a test). */
	open(): Promise<StorePersistence>;
}

/** Fixed times, so that an item made twice is equal. */
export const STARTED_AT = 1_764_000_000_000;

export function session(id: string, endedAt?: number | null): SessionSummary {
	return sessionSummary(id, { startedAt: STARTED_AT, endedAt });
}

export function event(text: string): SessionEvent {
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

export function storeSuite(engine: StoreEngine): void {
	const open: LabStore[] = [];
	afterEach(async () => {
		for (const store of open.splice(0)) await store.close();
	});

	async function storeOn(): Promise<LabStore> {
		const store = await LabStore.open(LIMITS, await engine.open());
		open.push(store);
		return store;
	}

	/** Closes a store (its last write included) and opens the same database again. */
	async function reopen(store: LabStore): Promise<LabStore> {
		await store.close();
		open.splice(open.indexOf(store), 1);
		return storeOn();
	}

	describe('a store opened again has everything it had', () => {
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
			first.updateSession('s1', {
				endedAt: 1_764_000_009_000,
				endReason: 'Client said QUIT (221)'
			});
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
			const persistence = await engine.open();
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
			// Ended now (the closing at a restart is each mode's own: single instance or shared);
			// a session open now survives the clearing.
			second.updateSession('live', {
				endedAt: STARTED_AT + 5000,
				endReason: 'Client said QUIT (221)'
			});
			second.addSession(session('open', null));
			second.clearMessages();
			second.clearSessions();
			const third = await reopen(second);
			expect(third.messages.size).toBe(0);
			expect([...third.sessions.keys()]).toEqual(['open']);
		});
	});

	describe('a failed write', () => {
		it('keeps the lab running, says so once, and writes the batch again with the next change', async () => {
			const persistence = await engine.open();
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
	});
}
