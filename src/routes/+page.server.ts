import { runningLabApi } from '$lib/server/labAccess';
import type { PageServerLoad } from './$types';

/**
 * The newest journey this visitor may see, for the overview's outgoing-server stage: the newest
 * submitted message that went through the queue (its id is its journey's) and whose journey the
 * queue holds (a database from before journeys were stored, migration 8, has messages without).
 * Only the id travels, never the list; it is this visitor's, so no shared cache keeps the page.
 */
export const load: PageServerLoad = ({ locals, setHeaders }) => {
	setHeaders({ 'cache-control': 'private, no-cache' });
	const api = runningLabApi();
	if (!api || !locals.viewer) return { newestJourneyId: null };
	const submitted = api
		.messages(locals.viewer)
		.find((m) => m.journeyId === m.id && 'journey' in api.journeys.journey(locals.viewer, m.id));
	return { newestJourneyId: submitted?.id ?? null };
};
