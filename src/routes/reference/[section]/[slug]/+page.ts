import { error } from '@sveltejs/kit';
import { findReferenceEntry, referencePaths } from '$lib/smtp';
import type { EntryGenerator, PageLoad } from './$types';

// Rendered on request from the pure tables (cheap, no lab needed). Ready to prerender: the
// crawler that follows every link of a prerendered page also follows the site navigation, and
// fails the build while a linked section (/examples) does not exist yet. Once it does, set
// prerender to 'auto' ('auto' keeps the server route for codes missing from the registry,
// such as 5.1.99); entries() already lists every slug.
export const prerender = false;

export const entries: EntryGenerator = () => referencePaths();

export const load: PageLoad = ({ params }) => {
	const entry = findReferenceEntry(params.section, params.slug.toLowerCase());
	if (!entry) error(404, `No reference entry ${params.section}/${params.slug}`);
	return { entry };
};
