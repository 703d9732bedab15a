/**
 * Issue 13: retention replaces eviction. Ended sessions and messages older than RETENTION_HOURS
 * are deleted, at startup and every SWEEP_INTERVAL_MS on the lab's clock (a ManualClock here:
 * no waiting), with their share links and in the database too; nothing younger, never a live
 * session nor a message of one. Old items are seeded into a real SQLite DATA_DIR through the
 * store itself, since the lab stamps what it records with the time it happens.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { LabStore } from '../../server/store/labStore';
import { SWEEP_INTERVAL_MS } from '../../server/store/retention';
import { openSqlitePersistence } from '../../server/store/sqlite/sqlitePersistence';
import { clientEvent, sessionSummary, storedMessage } from '../storedItems';
import { ManualClock, startTestLab, until } from './harness';
import { ended, message, ready, transaction } from './smtpSession';

const run = promisify(execFile);
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

let dataDir: string;
const labs: Lab[] = [];
beforeEach(() => {
	dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-retention-'));
});
afterEach(async () => {
	for (const lab of labs.splice(0)) await lab.close();
	rmSync(dataDir, { recursive: true, force: true });
});

async function start(...args: Parameters<typeof startTestLab>): Promise<Lab> {
	const lab = await startTestLab(...args);
	labs.push(lab);
	return lab;
}

/** Opens the database in DATA_DIR as a store (the lab must be closed). */
async function database(): Promise<LabStore> {
	return LabStore.open({ maxEventsPerSession: 100 }, await openSqlitePersistence(dataDir));
}

/**
 * Writes an ended session `old-session` with a message `old-message` (and a share link to it,
 * `old-share`) into DATA_DIR, ended and received `age` ago.
 */
async function seedOld(age: number): Promise<void> {
	const store = await database();
	const at = Date.now() - age;
	store.addSession(sessionSummary('old-session', { startedAt: at - 1000, endedAt: at }));
	store.appendEvent('old-session', clientEvent('EHLO old.example', at - 1000));
	store.addMessage(
		storedMessage(
			'old-message',
			{ raw: 'Subject: old\r\n\r\nold\r\n' },
			{
				sessionId: 'old-session',
				receivedAt: at
			}
		)
	);
	store.addShare({
		token: 'old-share',
		kind: 'message',
		itemId: 'old-message',
		ownerId: 'someone',
		createdAt: at
	});
	await store.close();
}

describe('the sweeper, every SWEEP_INTERVAL_MS on the lab clock', () => {
	it('deletes what retention expired, with its share links and in the database, and nothing younger', async () => {
		await seedOld(HOUR + MINUTE); // retention 2 h: expires 59 minutes from now
		const clock = new ManualClock();
		const lab = await start({ dataDir, retentionHours: 2 }, { clock });
		const removed: string[] = [];
		lab.store.on('removed', (what, id, deleted) => removed.push(`${what} ${id} ${deleted}`));
		expect(lab.store.sessions.has('old-session')).toBe(true);
		const { c, id: freshSession } = await ready(lab, 'mx');
		const fresh = await transaction(c, 'a@example.com', ['b@example.com'], message('fresh'));
		await c.command('QUIT');
		await ended(lab, freshSession);

		clock.advance(56 * MINUTE);
		expect(lab.store.messages.has('old-message')).toBe(true);
		expect(lab.store.shares.has('old-share')).toBe(true);

		// The sweep at 60 minutes: the old items are now 2 h 01 min old.
		clock.advance(5 * MINUTE);
		expect(lab.store.sessions.has('old-session')).toBe(false);
		expect(lab.store.messages.has('old-message')).toBe(false);
		expect(lab.store.shares.has('old-share')).toBe(false);
		expect(removed.sort()).toEqual(['message old-message true', 'session old-session true']);
		expect(lab.store.sessions.has(freshSession)).toBe(true);
		expect(lab.store.messages.has(fresh.messageId!)).toBe(true);

		await lab.close();
		labs.splice(0);
		const stored = await database();
		expect(stored.sessions.has('old-session')).toBe(false);
		expect(stored.messages.has('old-message')).toBe(false);
		expect(stored.shares.has('old-share')).toBe(false);
		expect(stored.messages.has(fresh.messageId!)).toBe(true);
		await stored.close();
	});

	it('never deletes a live session nor its mail, however old; once it has ended, it goes', async () => {
		const clock = new ManualClock();
		// A session's lifetime runs on the same clock: long enough here to outlive the test.
		const lab = await start({ retentionHours: 1, maxSessionSeconds: 30 * 24 * 3600 }, { clock });
		const live = await ready(lab, 'mx');
		const liveMail = await transaction(live.c, 'a@example.com', ['b@example.com'], message('live'));
		const other = await ready(lab, 'mx');
		const otherMail = await transaction(other.c, 'a@example.com', ['b@example.com'], message('x'));
		await other.c.command('QUIT');
		await ended(lab, other.id);

		clock.advance(2 * HOUR);
		expect(lab.store.sessions.has(other.id)).toBe(false);
		expect(lab.store.messages.has(otherMail.messageId!)).toBe(false);
		expect(lab.store.sessions.has(live.id)).toBe(true);
		expect(lab.store.messages.has(liveMail.messageId!)).toBe(true);
		expect(await live.c.command('NOOP')).toMatch(/^250 /);

		await live.c.command('QUIT');
		await ended(lab, live.id);
		clock.advance(SWEEP_INTERVAL_MS);
		expect(lab.store.sessions.has(live.id)).toBe(false);
		expect(lab.store.messages.has(liveMail.messageId!)).toBe(false);
	});
});

it('a restart with a lowered RETENTION_HOURS deletes at startup what is now too old, and only that', async () => {
	await seedOld(3 * HOUR);
	const first = await start({ dataDir });
	// Kept by the default retention (168 hours).
	expect(first.store.messages.has('old-message')).toBe(true);
	const script = `
import smtplib, sys
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as mx:
    mx.sendmail('alice@example.com', ['bob@example.com'], b'Subject: kept\\r\\n\\r\\nnew mail\\r\\n')
`;
	await run('/usr/bin/python3', ['-c', script, String(first.sandbox.port('mx'))]);
	await until(
		() => first.store.messages.size === 2 && first.store.listSessions().every((s) => s.endedAt)
	);
	const kept = first.store.listMessages().find((m) => m.id !== 'old-message')!;
	await first.close();
	labs.splice(0);

	const second = await start({ dataDir, retentionHours: 2 });
	expect(second.store.sessions.has('old-session')).toBe(false);
	expect(second.store.messages.has('old-message')).toBe(false);
	expect(second.store.shares.has('old-share')).toBe(false);
	expect(second.store.messages.has(kept.id)).toBe(true);
	expect(second.store.sessions.has(kept.sessionId!)).toBe(true);
});
