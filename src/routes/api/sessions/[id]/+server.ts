import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { answer, ApiError, checkId, labApi } from '$lib/server/labAccess';

export const GET: RequestHandler = ({ params, locals }) =>
	answer(() => {
		const stored = labApi().session(locals.viewer, checkId(params.id, 'session'));
		if (!stored) throw new ApiError(404, 'no such session');
		return json({ session: stored.summary, events: stored.events });
	});
