import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import type { MessageDetail, SessionEvent } from '$lib/messages';
import { answer, labApi } from '$lib/server/labAccess';
import { storedMessage } from '$lib/server/storedMessage';

function traceFields(trace: string) {
	return trace
		.replace(/\r\n[ \t]/g, ' ')
		.split('\r\n')
		.filter(Boolean)
		.map((line) => {
			const colon = line.indexOf(':');
			return { name: line.slice(0, colon), value: line.slice(colon + 1).trim() };
		});
}

/**
 * The seq of the DATA command that carried a message in its session's transcript (the content
 * event's seq if the command is not found), so a message can open its session at that line.
 */
function dataSeq(events: readonly SessionEvent[], messageId: string): number | null {
	const at = events.findIndex((e) => e.messageId === messageId);
	if (at < 0) return null;
	for (let i = at - 1; i >= 0; i--) {
		const e = events[i];
		if (e.dir === 'client' && /^DATA\s*$/i.test(e.text)) return e.seq;
		if (e.messageId) break;
	}
	return events[at].seq;
}

export const GET: RequestHandler = ({ params, locals }) =>
	answer(async () => {
		const stored = storedMessage(locals.viewer, params.id);
		const view = await labApi().messageView(stored);
		const message: MessageDetail = {
			...stored.summary,
			headers: view.headers,
			parts: view.parts,
			parsed: view.parsed,
			parseNote: view.parseNote,
			traceFields: traceFields(stored.trace)
		};
		// The session may be gone (deleted, cleared) or not the viewer's to open (a shared message).
		const { sessionId } = stored.summary;
		const session = sessionId === null ? undefined : labApi().session(locals.viewer, sessionId);
		return json({
			message,
			dataSeq: session ? dataSeq(session.events, stored.summary.id) : null,
			sessionVisible: session !== undefined,
			...labApi().standing(locals.viewer, 'message', stored.summary.id)
		});
	});
