import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { answer, ApiError, checkId, labApi } from '$lib/server/labAccess';

export const GET: RequestHandler = ({ params, locals }) =>
	answer(() => {
		const api = labApi();
		const id = checkId(params.id, 'session');
		const stored = api.session(locals.viewer, id);
		if (!stored) throw new ApiError(404, 'no such session');
		return json({
			session: stored.summary,
			events: stored.events,
			...api.standing(locals.viewer, 'session', id)
		});
	});
