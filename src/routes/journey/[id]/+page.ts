import { error } from '@sveltejs/kit';
import type { Journey } from '$lib/delivery/journey';
import type { QueueClockReading } from '$lib/messages';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, params }) => {
	const response = await fetch(`/api/journeys/${encodeURIComponent(params.id)}`);
	if (response.status === 404) {
		const body = (await response.json().catch(() => ({}))) as { error?: string };
		error(404, `No journey here: ${body.error ?? 'no such message'}.`);
	}
	if (!response.ok) error(response.status, 'Could not load the journey.');
	return (await response.json()) as { journey: Journey; clock: QueueClockReading };
};
