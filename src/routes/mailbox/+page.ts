import { error } from '@sveltejs/kit';
import type { MessageSummary } from '$lib/messages';
import { loadViewerStanding } from '$lib/operator';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => {
	const [response, health, standing] = await Promise.all([
		fetch('/api/messages'),
		fetch('/api/health'),
		loadViewerStanding(fetch)
	]);
	if (!response.ok) error(response.status, 'Could not load the messages.');
	const { durable } = health.ok
		? ((await health.json()) as { durable: boolean })
		: { durable: false };
	return { ...((await response.json()) as { messages: MessageSummary[] }), durable, standing };
};
