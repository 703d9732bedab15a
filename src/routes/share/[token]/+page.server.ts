import { error, redirect } from '@sveltejs/kit';
import { runningLabApi } from '$lib/server/labAccess';
import { SHARE_TOKEN, sharedItemPath } from '$lib/shareLinks';
import type { PageServerLoad } from './$types';

/** Marks the second request of a first visit (see below). */
const COOKIE_CHECK = 'cookie-check';

/**
 * Opening a share link: the visitor may read what it shares from now on, and is sent there. A
 * first request's owner is only a cookie so far: it comes back once with the cookie before the
 * link is redeemed for it, so that a script that never keeps cookies does not leave an owner and
 * a grant in the database per request.
 */
export const load: PageServerLoad = ({ params, locals, url }) => {
	const api = runningLabApi();
	if (!api) error(503, 'The sandbox is not running.');
	if (!locals.knownOwner) {
		if (url.searchParams.has(COOKIE_CHECK))
			error(
				400,
				'A share link needs this site’s cookie: allow cookies for it and open the link again.'
			);
		redirect(303, `${url.pathname}?${COOKIE_CHECK}`);
	}
	// A malformed token is just another link that never existed.
	const target = SHARE_TOKEN.test(params.token)
		? api.redeemShare(locals.viewer, params.token)
		: undefined;
	if (!target) error(404, 'This share link was revoked or never existed.');
	redirect(303, sharedItemPath(target.kind, target.itemId));
};
