import type { PageLoad } from './$types';

/**
 * Where the sandbox DNS listens (GET /api/health's `dns`), so the page's dig commands are right
 * before the live feed connects; null when the server cannot say.
 */
export const load: PageLoad = async ({ fetch }) => {
	const health = await fetch('/api/health');
	if (!health.ok) return { dns: null };
	const { dns } = (await health.json()) as { dns?: { host: string; port: number } };
	return { dns: dns ?? null };
};
