/**
 * The database keeps most events without their annotation and the session annotator gives it
 * back at the next start (server/store/persistedEvent.ts): over real sessions (syntax and
 * policy errors, pipelining, a cut DATA event, STARTTLS, cancelled, refused and accepted AUTH),
 * every event after a restart reads exactly as it was recorded, byte for byte as JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { DATABASE_FILE } from '../../server/store/sqlite/sqlitePersistence';
import { realisticSessions } from './realisticSessions';
import { startQuickLab } from './smtpSession';

let dataDir: string;
const labs: Lab[] = [];
beforeEach(() => {
	dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-annotations-'));
});
afterEach(async () => {
	for (const lab of labs.splice(0)) await lab.close();
	rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<Lab> {
	// A small DATA event, so that the message's content is cut (its annotation gets a note).
	const lab = await startQuickLab({ dataDir, maxDataEventBytes: 1024 });
	labs.push(lab);
	return lab;
}

it('events re-annotated after a restart are the ones recorded', async () => {
	const first = await start();
	const ids = await realisticSessions(first);
	const recorded = ids.map((id) => JSON.stringify(first.store.sessions.get(id)!.events));
	await first.close();
	labs.splice(0);

	// What the database holds: the annotation of most lines is left out.
	const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
	const stored = (
		db.prepare('SELECT events FROM event_chunks ORDER BY rowid').all() as { events: string }[]
	).flatMap(
		(row) => JSON.parse(row.events) as { text: string; annotation?: unknown; note?: string }[]
	);
	db.close();
	const withAnnotation = stored.filter((event) => event.annotation !== undefined);
	expect(stored.length).toBeGreaterThan(80);
	expect(withAnnotation.length).toBeLessThan(stored.length / 2);
	// Kept: the submission session from its first masked AUTH line on (the annotator read the
	// credentials, which are not stored). The cut DATA event keeps only the recorder's note.
	expect(withAnnotation[0].text).toMatch(/^•+ \(hidden/);
	const cut = stored.find((event) => event.text.startsWith('From: Alice'))!;
	expect(cut.annotation).toBeUndefined();
	expect(cut.note).toMatch(/^This transcript shows the first [\d,]+ of [\d,]+ bytes/);

	const second = await start();
	expect(ids.map((id) => JSON.stringify(second.store.sessions.get(id)!.events))).toEqual(recorded);
});
