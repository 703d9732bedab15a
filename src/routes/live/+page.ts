import { loadViewerStanding } from '$lib/operator';
import { loadRetention } from '$lib/retention';
import type { PageLoad } from './$types';

/**
 * Whether the sessions listed here survive a restart (the server's DATA_DIR), for the page's
 * note, and whether the visitor is the operator (who clears every ended session, not just theirs).
 */
export const load: PageLoad = async ({ fetch }) => {
	const [retention, standing] = await Promise.all([
		loadRetention(fetch),
		loadViewerStanding(fetch)
	]);
	return { retention, standing };
};
