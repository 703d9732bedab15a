import { loadViewerStanding } from '$lib/operator';
import type { PageLoad } from './$types';

/** Signed in or not; the operator also gets the lab's counts. */
export const load: PageLoad = async ({ fetch }) => ({ standing: await loadViewerStanding(fetch) });
