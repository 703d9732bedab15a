import { runningLabApi } from '$lib/server/labAccess';
import type { PageServerLoad } from './$types';

/**
 * The visitor's personal sandbox (their submission login and mail domain, server/owners/), made
 * on their first visit here. The password is for this browser only: the page (and its
 * __data.json) must never be kept by a shared cache and handed to someone else.
 */
export const load: PageServerLoad = ({ locals, setHeaders }) => {
	setHeaders({ 'cache-control': 'private, no-store' });
	const api = runningLabApi();
	if (!api || !locals.viewer) return { personal: null, visibility: null };
	return { personal: api.personalSandbox(locals.viewer), visibility: api.settings.visibility };
};
