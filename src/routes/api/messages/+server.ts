import { json } from '@sveltejs/kit';
import { answer, labApi } from '$lib/server/labAccess';

export const GET = () => answer(() => json({ messages: labApi().messages() }));

export const DELETE = () =>
	answer(() => {
		labApi().clearMessages();
		return json({ ok: true });
	});
