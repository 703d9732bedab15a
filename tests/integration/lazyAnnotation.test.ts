/**
 * The recorder annotates a line when someone first reads it (SessionRecorder's #unread): the
 * annotator reads every line before it first, in order, once. Over real sessions (pipelining, a
 * cut DATA event, STARTTLS, cancelled, refused and accepted AUTH, so lines waiting for their
 * annotation before masked ones), a session read from its last line back reads exactly as the
 * same session read from its first line on.
 */
import { afterEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { realisticSessions } from './realisticSessions';
import { startQuickLab } from './smtpSession';

let lab: Lab | null = null;
afterEach(async () => {
	await lab?.close();
	lab = null;
});

/** Each event's annotation as JSON, the lab's ids (which differ between the runs) left out. */
function annotations(lab: Lab, sessionId: string, readBackwards: boolean): string[] {
	const events = lab.store.sessions.get(sessionId)!.events;
	const read = readBackwards ? [...events].reverse() : events;
	const texts = new Map(read.map((event) => [event, JSON.stringify(event.annotation)]));
	const ids = [...lab.store.sessions.keys(), ...lab.store.messages.keys()];
	return events.map((event) =>
		ids.reduce((text, id) => text.split(id).join('ID'), texts.get(event)!)
	);
}

it('a session read from its last line back is annotated as one read from its first line', async () => {
	// A small DATA event, so that the message's content is cut (its annotation gets a note).
	lab = await startQuickLab({ maxDataEventBytes: 1024, dataDir: null });
	const forwards = await realisticSessions(lab);
	const backwards = await realisticSessions(lab);
	for (const [i, id] of forwards.entries()) {
		const expected = annotations(lab, id, false);
		expect(expected.length).toBeGreaterThan(20);
		expect(annotations(lab, backwards[i], true)).toEqual(expected);
	}
});
