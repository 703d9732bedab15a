import { error } from '@sveltejs/kit';
import { findReferenceEntry, referencePaths } from '$lib/smtp';
import type { EntryGenerator, PageLoad } from './$types';

// Built at build time, one page per slug of entries(). 'auto' keeps the route on the server
// too, so that a valid enhanced code missing from the registry (5.1.99) still gets its
// class-and-subject page. The prerender crawl follows every link on these pages, the site
// navigation included: a link to a route that does not exist fails the build.
export const prerender = 'auto';

export const entries: EntryGenerator = () => referencePaths();

export const load: PageLoad = ({ params }) => {
	const entry = findReferenceEntry(params.section, params.slug.toLowerCase());
	if (!entry) error(404, `No reference entry ${params.section}/${params.slug}`);
	return { entry };
};
