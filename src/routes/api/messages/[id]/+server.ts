import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import type { MessageDetail } from '$lib/messages';
import { answer } from '$lib/server/labAccess';
import { messageView, storedMessage } from '$lib/server/storedMessage';

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

export const GET: RequestHandler = ({ params }) =>
	answer(async () => {
		const stored = storedMessage(params.id);
		const view = await messageView(stored);
		const message: MessageDetail = {
			...stored.summary,
			headers: view.headers,
			parts: view.parts,
			parsed: view.parsed,
			parseNote: view.parseNote,
			traceFields: traceFields(stored.trace)
		};
		return json({ message });
	});
