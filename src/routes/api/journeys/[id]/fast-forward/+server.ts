import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { ApiError, answer, checkId, labApi } from '$lib/server/labAccess';

/**
 * Skips the queue's clock to this journey's next try (the soonest of its queued legs) and answers
 * the new clock; 409 when nothing of it waits. The queue's clock is one for the whole server:
 * every queued message's next try comes nearer, not only this one's.
 */
export const POST: RequestHandler = ({ params, locals }) =>
	answer(() => {
		const done = labApi().journeys.fastForward(locals.viewer, checkId(params.id, 'message'));
		if ('missing' in done) throw new ApiError(404, done.missing);
		if ('conflict' in done) throw new ApiError(409, done.conflict);
		return json(done);
	});
