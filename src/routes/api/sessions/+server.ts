import { json } from '@sveltejs/kit';
import { answer, lab } from '$lib/server/labAccess';

export const GET = () => answer(() => json({ sessions: lab().store.listSessions() }));

export const DELETE = () =>
	answer(() => {
		lab().store.clearSessions();
		return json({ ok: true });
	});
