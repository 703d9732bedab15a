import type { SessionEvent } from './messages';

const MARKERS = { client: 'C:', server: 'S:', system: '*' } as const;

/**
 * A session as plain text, one line per event with a direction marker: `C:` client, `S:` server,
 * `*` system; every line ends in a newline, and a session without events is empty. Message
 * content (one event) becomes one `C:` line per line of the message; the newline that ends its
 * last line is not one more line. The one format of /api/sessions/:id/transcript.txt and of the
 * lab's export.
 */
export function transcriptText(events: readonly SessionEvent[]): string {
	let text = '';
	for (const event of events) {
		const marker = MARKERS[event.dir];
		// Only message content holds newlines; other events are one line without its ending.
		for (const line of event.text.replace(/\n$/, '').split('\n')) text += `${marker} ${line}\n`;
	}
	return text;
}
