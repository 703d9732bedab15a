import { loadViewerStanding } from '$lib/operator';
import type { PageLoad } from './$types';

/**
 * Whether the sessions listed here survive a restart (the server's DATA_DIR), for the page's
 * note, and whether the visitor is the operator (who clears every ended session, not just theirs).
 */
export const load: PageLoad = async ({ fetch }) => {
	const [health, standing] = await Promise.all([fetch('/api/health'), loadViewerStanding(fetch)]);
	const { durable } = health.ok
		? ((await health.json()) as { durable: boolean })
		: { durable: false };
	return { durable, standing };
};
