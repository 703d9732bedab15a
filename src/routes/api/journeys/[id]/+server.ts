import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { ApiError, answer, checkId, labApi } from '$lib/server/labAccess';

/**
 * A submitted message's journey through the outgoing queue, with the queue's clock (simulated
 * now, real now, scale). Visible exactly when the message is; otherwise 404, as if it did not exist.
 */
export const GET: RequestHandler = ({ params, locals }) =>
	answer(() => {
		const found = labApi().journeys.journey(locals.viewer, checkId(params.id, 'message'));
		if ('missing' in found) throw new ApiError(404, found.missing);
		return json(found);
	});
