import type { RequestHandler } from './$types';
import { answer, ApiError, checkId, labApi } from '$lib/server/labAccess';
import { transcriptText } from '$lib/transcriptText';

export const GET: RequestHandler = ({ params }) =>
	answer(() => {
		const stored = labApi().session(checkId(params.id, 'session'));
		if (!stored) throw new ApiError(404, 'no such session');
		return new Response(transcriptText(stored.events), {
			headers: { 'content-type': 'text/plain; charset=utf-8' }
		});
	});
