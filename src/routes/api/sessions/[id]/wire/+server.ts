import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { answer, ApiError, checkId, labApi } from '$lib/server/labAccess';

/** What a passive observer on the session's wire could count (server/sandbox/wireTap.ts). */
export const GET: RequestHandler = ({ params, locals }) =>
	answer(() => {
		const wire = labApi().wire(locals.viewer, checkId(params.id, 'session'));
		if (!wire) throw new ApiError(404, 'no such session');
		return json(wire);
	});
