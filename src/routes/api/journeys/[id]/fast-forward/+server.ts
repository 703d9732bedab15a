import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { ApiError, answer, checkId, labApi } from '$lib/server/labAccess';

/**
 * Skips this journey's time to its next try (the soonest of its queued legs) and answers the
 * journey's clock and how far it skipped; 409 when nothing of it waits. Only this journey moves:
 * every other message keeps its schedule. With several instances, the one sending the journey
 * makes the skip; 503 when it does not answer (it stopped, and no other took it over yet).
 */
export const POST: RequestHandler = ({ params, locals }) =>
	answer(async () => {
		const done = await labApi().journeys.fastForward(locals.viewer, checkId(params.id, 'message'));
		if ('missing' in done) throw new ApiError(404, done.missing);
		if ('conflict' in done) throw new ApiError(409, done.conflict);
		if ('unavailable' in done) throw new ApiError(503, done.unavailable);
		return json(done);
	});
