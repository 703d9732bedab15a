/**
 * The bytes the store counts (what MAX_DB_BYTES and MAX_STORED_BYTES_PER_OWNER bound), kept up
 * to date as mail is added, released, cleared and expired, and the same after a restart. The
 * expected figures are counted here by hand.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clientEvent, sessionSummary, storedMessage } from '../../tests/storedItems';
import { LabStore, RESTART_END_REASON } from './labStore';
import { UNCLAIMED } from './storageUsage';
import { openSqlitePersistence } from './sqlite/sqlitePersistence';

const LIMITS = { maxEventsPerSession: 100 };
const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the store's storage usage", () => {
	it('a message counts in full for each of its owners; mail of nobody counts for the unclaimed pool', () => {
		const store = new LabStore(LIMITS);
		store.addMessage(
			storedMessage('m1', { raw: 'x'.repeat(100), trace: 'T\r\n', owners: ['a', 'b'] })
		);
		store.addMessage(storedMessage('m2', { raw: 'y'.repeat(50), trace: 'T\r\n' }));
		expect(store.usage.ofOwner('a')).toBe(103);
		expect(store.usage.ofOwner('b')).toBe(103);
		expect(store.usage.ofOwner(UNCLAIMED)).toBe(53);
		expect(store.usage.ofOwner('c')).toBe(0);
		// Each message once in the total.
		expect(store.usage.total).toBe(156);
		expect(store.storedBytes).toBe(156);
	});

	it('trace fields count in UTF-8 bytes', () => {
		const store = new LabStore(LIMITS);
		store.addMessage(storedMessage('m1', { raw: 'abc', trace: 'Received: from café\r\n' }));
		expect(store.usage.total).toBe(3 + 22);
	});

	it('follows releases: the owner who lets go stops paying, the last one deletes it', () => {
		const store = new LabStore(LIMITS);
		store.addMessage(storedMessage('m1', { raw: 'x'.repeat(100), owners: ['a', 'b'] }));
		store.releaseMessage('m1', 'a');
		expect(store.usage.ofOwner('a')).toBe(0);
		expect(store.usage.ofOwner('b')).toBe(100);
		expect(store.usage.total).toBe(100);
		store.releaseMessage('m1', 'b');
		expect(store.messages.size).toBe(0);
		expect(store.usage.ofOwner('b')).toBe(0);
		expect(store.usage.ofOwner(UNCLAIMED)).toBe(0);
		expect(store.usage.total).toBe(0);
	});

	it('counts transcript text (UTF-8) in the total, and forgets it with the session', () => {
		const store = new LabStore(LIMITS);
		store.addSession(sessionSummary('s1'));
		store.appendEvent('s1', clientEvent('EHLO café')); // 10 bytes: é is two
		store.appendEvent('s1', clientEvent('QUIT'));
		store.addMessage(storedMessage('m1', { raw: 'x'.repeat(20) }, { sessionId: 's1' }));
		expect(store.usage.total).toBe(10 + 4 + 20);
		expect(store.usage.ofOwner(UNCLAIMED)).toBe(20);
		store.expire(['s1'], []);
		expect(store.usage.total).toBe(20);
		store.clearMessages();
		expect(store.usage.total).toBe(0);
		expect(store.usage.ofOwner(UNCLAIMED)).toBe(0);
	});

	it('is the same after a restart, loaded from the database', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-usage-'));
		dirs.push(dir);
		const first = await LabStore.open(LIMITS, await openSqlitePersistence(dir));
		first.addSession(sessionSummary('ended'));
		first.appendEvent('ended', clientEvent('EHLO café'));
		first.addSession(sessionSummary('open', { endedAt: null }));
		first.appendEvent('open', clientEvent('NOOP'));
		first.addMessage(storedMessage('m1', { raw: 'x'.repeat(100), trace: 'T\r\n', owners: ['a'] }));
		first.addMessage(storedMessage('m2', { raw: 'y'.repeat(7) }));
		await first.close();
		const second = await LabStore.open(LIMITS, await openSqlitePersistence(dir));
		// The session left open is closed by this start, with one line saying so.
		const restartNote = Buffer.byteLength(`Session closed: ${RESTART_END_REASON}.`);
		expect(second.usage.total).toBe(10 + 4 + restartNote + 103 + 7);
		expect(second.usage.ofOwner('a')).toBe(103);
		expect(second.usage.ofOwner(UNCLAIMED)).toBe(7);
		await second.close();
	});
});
