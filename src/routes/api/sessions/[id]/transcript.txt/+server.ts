import type { RequestHandler } from './$types';
import { answer, ApiError, checkId, labApi } from '$lib/server/labAccess';
import { transcriptText } from '$lib/transcriptText';

export const GET: RequestHandler = ({ params, locals }) =>
	answer(() => {
		const stored = labApi().session(locals.viewer, checkId(params.id, 'session'));
		if (!stored) throw new ApiError(404, 'no such session');
		return new Response(transcriptText(stored.events), {
			headers: { 'content-type': 'text/plain; charset=utf-8' }
		});
	});
