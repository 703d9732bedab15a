/**
 * POST and GET `/api/sessions/:id/share` and `/api/messages/:id/share` (issue 13): the owner of a
 * session or message makes a read-only link to it, and lists the links they made. Anything that is
 * not the viewer's own answers 404, as if it did not exist.
 */
import { json, type RequestHandler } from '@sveltejs/kit';
import type { ShareKind } from '$lib/shareLinks';
import { answer, ApiError, checkId, labApi } from './labAccess';

export function shareRoutes(kind: ShareKind): {
	GET: RequestHandler<{ id: string }>;
	POST: RequestHandler<{ id: string }>;
} {
	const notYours = () => new ApiError(404, `no such ${kind}`);
	return {
		GET: ({ params, locals }) =>
			answer(() => {
				const shares = labApi().sharesOf(locals.viewer, kind, checkId(params.id, kind));
				if (!shares) throw notYours();
				return json({ shares });
			}),
		POST: ({ params, locals }) =>
			answer(() => {
				const api = labApi();
				const result = api.share(locals.viewer, kind, checkId(params.id, kind));
				if ('link' in result) return json(result.link, { status: 201 });
				if (result.refused === 'not yours') throw notYours();
				throw new ApiError(
					429,
					`you already hold ${api.settings.maxSharesPerOwner} share links (MAX_SHARES_PER_OWNER): revoke one first`
				);
			})
	};
}
