/**
 * An ended session keeps its events as the database keeps them, without the annotations the
 * session annotator gives back, and annotates them again when read (server/store/labStore.ts,
 * StoredSession). Over real sessions (pipelining, a cut DATA event, STARTTLS, cancelled, refused
 * and accepted AUTH), what is read after the end is byte for byte what watchers got live.
 */
import { afterEach, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/lib/messages';
import type { Lab } from '../../server/lab';
import { realisticSessions } from './realisticSessions';
import { startQuickLab } from './smtpSession';

let lab: Lab | null = null;
afterEach(async () => {
	await lab?.close();
	lab = null;
});

it("an ended session's events are annotated again when read, as watchers got them live", async () => {
	// A small DATA event, so that the message's content is cut (its annotation gets a note).
	lab = await startQuickLab({ maxDataEventBytes: 1024, dataDir: null });
	const live = new Map<string, { event: SessionEvent; json: string }[]>();
	// Serialised as it is recorded, as the fan-out does for a watcher.
	lab.store.on('event', (sessionId, event) => {
		if (!live.has(sessionId)) live.set(sessionId, []);
		live.get(sessionId)!.push({ event, json: JSON.stringify(event) });
	});
	const ids = await realisticSessions(lab);
	for (const id of ids) {
		const stored = lab.store.sessions.get(id)!;
		expect(stored.summary.endedAt).not.toBeNull();
		const recorded = live.get(id)!;
		const read = stored.events;
		expect(read.length).toBeGreaterThan(20);
		expect(read.map((event) => JSON.stringify(event))).toEqual(recorded.map((r) => r.json));
		// Made again, not kept: only masked lines (whose annotation the annotator cannot give back
		// without the credential) and the store's own events keep the recorded annotation.
		const kept = read.filter((event, i) => event.annotation === recorded[i].event.annotation);
		expect(kept.length).toBeLessThan(read.length / 2);
	}
});
