import type { SessionEvent } from './messages';

const MARKERS = { client: 'C:', server: 'S:', system: '*' } as const;

/**
 * A session as plain text, one line per event with a direction marker: `C:` client, `S:` server,
 * `*` system. Message content (one event) becomes one `C:` line per line of the message.
 * The same format is served at /api/sessions/:id/transcript.txt and exported by the lab.
 */
export function transcriptText(events: SessionEvent[]): string {
	const lines: string[] = [];
	for (const event of events) {
		const marker = MARKERS[event.dir];
		for (const line of event.text.split('\n')) lines.push(`${marker} ${line}`);
	}
	return lines.join('\n') + (lines.length ? '\n' : '');
}
