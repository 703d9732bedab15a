import { error } from '@sveltejs/kit';
import type { MessageSummary } from '$lib/messages';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => {
	const response = await fetch('/api/messages');
	if (!response.ok) error(response.status, 'Could not load the messages.');
	return (await response.json()) as { messages: MessageSummary[] };
};
