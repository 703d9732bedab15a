import { error } from '@sveltejs/kit';
import type { MessageSummary } from '$lib/messages';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => {
	const [response, health] = await Promise.all([fetch('/api/messages'), fetch('/api/health')]);
	if (!response.ok) error(response.status, 'Could not load the messages.');
	const { durable } = health.ok
		? ((await health.json()) as { durable: boolean })
		: { durable: false };
	return { ...((await response.json()) as { messages: MessageSummary[] }), durable };
};
