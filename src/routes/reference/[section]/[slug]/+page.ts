import { error } from '@sveltejs/kit';
import { findReferenceEntry, referencePaths } from '$lib/smtp';
import type { EntryGenerator, PageLoad } from './$types';

// Every entry is built at build time; 'auto' keeps the route on the server too, so that a valid
// enhanced code missing from the registry (5.1.99) still gets its class-and-subject page.
export const prerender = 'auto';

export const entries: EntryGenerator = () => referencePaths();

export const load: PageLoad = ({ params }) => {
	const entry = findReferenceEntry(params.section, params.slug.toLowerCase());
	if (!entry) error(404, `No reference entry ${params.section}/${params.slug}`);
	return { entry };
};
