import type { PageLoad } from './$types';

/** Whether the sessions listed here survive a restart (the server's DATA_DIR), for the page's note. */
export const load: PageLoad = async ({ fetch }) => {
	const health = await fetch('/api/health');
	const { durable } = health.ok
		? ((await health.json()) as { durable: boolean })
		: { durable: false };
	return { durable };
};
