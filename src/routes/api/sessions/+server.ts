import { json } from '@sveltejs/kit';
import { answer, labApi } from '$lib/server/labAccess';

export const GET = () => answer(() => json({ sessions: labApi().sessions() }));

export const DELETE = () =>
	answer(() => {
		labApi().clearSessions();
		return json({ ok: true });
	});
