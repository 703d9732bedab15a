import { error } from '@sveltejs/kit';
import type { MessageSummary } from '$lib/messages';
import { loadViewerStanding } from '$lib/operator';
import { loadRetention } from '$lib/retention';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => {
	const [response, retention, standing] = await Promise.all([
		fetch('/api/messages'),
		loadRetention(fetch),
		loadViewerStanding(fetch)
	]);
	if (!response.ok) error(response.status, 'Could not load the messages.');
	return { ...((await response.json()) as { messages: MessageSummary[] }), retention, standing };
};
