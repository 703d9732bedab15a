import { error } from '@sveltejs/kit';
import type { SessionEvent, SessionSummary } from '$lib/messages';
import type { Standing } from '$lib/shareLinks';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, params }) => {
	const response = await fetch(`/api/sessions/${encodeURIComponent(params.id)}`);
	if (response.status === 404) error(404, 'No such session: it may have been cleared.');
	if (!response.ok) error(response.status, 'Could not load the session.');
	return (await response.json()) as {
		session: SessionSummary;
		events: SessionEvent[];
	} & Standing;
};
