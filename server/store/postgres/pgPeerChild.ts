/**
 * An instance for pgPersistence.test.ts to kill: opens a PgPersistence on DATABASE_URL, writes an
 * open session, an ended one and a queued journey, prints its instance id, then waits to be
 * killed (SIGKILL: no close, as a crash).
 */
import { sessionSummary } from '../../../tests/storedItems';
import type { QueueRecord } from '../../queue/queueRecord';
import { storeBatch } from '../persistence';
import { PgPersistence } from './pgPersistence';

const persistence = await PgPersistence.open({
	databaseUrl: process.env.DATABASE_URL!,
	poolSize: 1,
	pollMs: 1000,
	peerCheckMs: 1000,
	changeLogSeconds: 600
});
await persistence.load();
const batch = storeBatch({
	sessions: [sessionSummary('child-open', { endedAt: null }), sessionSummary('child-ended')],
	// Only its id matters to the store's tables; the journey page never sees it.
	queue: [{ journey: { id: 'child-journey' } } as QueueRecord]
});
await persistence.write(batch);
process.stdout.write(`${persistence.instanceId}\n`);
setInterval(() => {}, 60_000);
