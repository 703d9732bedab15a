/**
 * The recorder annotates a line when someone first reads it (SessionRecorder's #unread): the
 * annotator reads every line before it first, in order, once. Over realisticSessions.ts's two
 * sessions left open (pipelining, a cut DATA event, STARTTLS, cancelled, refused and accepted
 * AUTH, so lines waiting for their annotation before masked ones), a session read from its last
 * line back reads exactly as the same session read from its first line on; and an event object
 * read only after its session ended (the store then keeps the events as the database does) reads
 * as the store's own.
 */
import { afterEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { SessionEvent } from '../../src/lib/messages';
import { openRealisticSessions } from './realisticSessions';
import { startQuickLab } from './smtpSession';

let lab: Lab | null = null;
afterEach(async () => {
	await lab?.close();
	lab = null;
});

/** Annotations as JSON, the lab's ids (which differ between sessions) left out. */
function annotationTexts(lab: Lab, events: SessionEvent[], order: SessionEvent[]): string[] {
	const texts = new Map(order.map((event) => [event, JSON.stringify(event.annotation)]));
	const ids = [...lab.store.sessions.keys(), ...lab.store.messages.keys()];
	return events.map((event) =>
		ids.reduce((text, id) => text.split(id).join('ID'), texts.get(event)!)
	);
}

it('an open session read from its last line back is annotated as one read from its first line', async () => {
	// A small DATA event, so that the message's content is cut (its annotation gets a note).
	lab = await startQuickLab({ maxDataEventBytes: 1024, dataDir: null });
	const forwards = await openRealisticSessions(lab);
	const backwards = await openRealisticSessions(lab);
	for (const [i, id] of forwards.ids.entries()) {
		const read = lab.store.sessions.get(id)!.events;
		const expected = annotationTexts(lab, read, read);
		expect(expected.length).toBeGreaterThan(20);
		const other = lab.store.sessions.get(backwards.ids[i])!.events;
		expect(annotationTexts(lab, other, [...other].reverse())).toEqual(expected);
	}
});

it('an event first read after its session ended reads as the ended session does', async () => {
	lab = await startQuickLab({ maxDataEventBytes: 1024, dataDir: null });
	const recorded: SessionEvent[] = [];
	lab.store.on('event', (_id, event) => recorded.push(event));
	const { ids, clients } = await openRealisticSessions(lab);
	for (const c of clients) await c.command('QUIT');
	await new Promise((resolve) => setTimeout(resolve, 100));
	for (const id of ids) expect(lab.store.sessions.get(id)!.summary.endedAt).not.toBeNull();
	// The mx session's unknown command, as it was recorded and nobody read it.
	const unread = recorded.find((event) => event.text === 'FOO bar')!;
	const ended = lab.store.sessions.get(ids[0])!.events[unread.seq - 1];
	expect(ended.text).toBe('FOO bar');
	expect(JSON.stringify(unread.annotation)).toBe(JSON.stringify(ended.annotation));
});
