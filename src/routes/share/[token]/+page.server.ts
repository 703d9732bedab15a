import { error, redirect } from '@sveltejs/kit';
import { runningLabApi } from '$lib/server/labAccess';
import { SHARE_TOKEN, sharedItemPath } from '$lib/shareLinks';
import type { PageServerLoad } from './$types';

/**
 * Opening a share link: the visitor (a new owner if this is their first request, whose cookie
 * comes with the redirect) may read what it shares from now on, and is sent there.
 */
export const load: PageServerLoad = ({ params, locals }) => {
	const api = runningLabApi();
	if (!api) error(503, 'The sandbox is not running.');
	// A malformed token is just another link that never existed.
	const target = SHARE_TOKEN.test(params.token)
		? api.redeemShare(locals.viewer, params.token)
		: undefined;
	if (!target) error(404, 'This share link was revoked or never existed.');
	redirect(303, sharedItemPath(target.kind, target.itemId));
};
