import { json } from '@sveltejs/kit';
import { answer, lab } from '$lib/server/labAccess';

export const GET = () => answer(() => json({ messages: lab().store.listMessages() }));

export const DELETE = () =>
	answer(() => {
		lab().store.clearMessages();
		return json({ ok: true });
	});
