import { runningLabApi } from '$lib/server/labAccess';
import type { PageServerLoad } from './$types';

/**
 * The visitor's personal sandbox (their submission login and mail domain, server/owners/), made
 * on their first visit here. The password is for this browser only: the page (and its
 * __data.json) must never be kept by a shared cache and handed to someone else.
 *
 * Only for a browser that came back with its owner cookie: a first request's owner is a cookie
 * so far, and the page asks again once it has it (`needsCookie`). A script that never keeps
 * cookies gets no login, and the database no owner per request.
 */
export const load: PageServerLoad = ({ locals, setHeaders }) => {
	setHeaders({ 'cache-control': 'private, no-store' });
	const api = runningLabApi();
	if (!api || !locals.viewer) return { personal: null, visibility: null, needsCookie: false };
	return {
		personal: locals.knownOwner ? api.personalSandbox(locals.viewer) : null,
		visibility: api.settings.visibility,
		needsCookie: !locals.knownOwner
	};
};
