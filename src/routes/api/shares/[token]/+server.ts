import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { answer, ApiError, labApi } from '$lib/server/labAccess';
import { SHARE_TOKEN } from '$lib/shareLinks';

/** Revokes a share link: whoever opened it loses access. Its owner's, or any for the operator. */
export const DELETE: RequestHandler = ({ params, locals }) =>
	answer(() => {
		if (!SHARE_TOKEN.test(params.token)) throw new ApiError(400, 'malformed share token');
		if (!labApi().revokeShare(locals.viewer, params.token))
			throw new ApiError(404, 'no such share link');
		return json({ ok: true });
	});
