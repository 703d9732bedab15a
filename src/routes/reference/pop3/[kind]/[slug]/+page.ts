import { error } from '@sveltejs/kit';
import { findPop3ReferenceEntry, pop3ReferenceEntries } from '$lib/pop3/referenceIndex';
import type { EntryGenerator, PageLoad } from './$types';

// One page per row of the POP3 tables, built at build time like SMTP's.
export const prerender = true;

export const entries: EntryGenerator = () =>
	pop3ReferenceEntries().map((e) => ({ kind: e.kind, slug: e.slug }));

export const load: PageLoad = ({ params }) => {
	const entry = findPop3ReferenceEntry(params.kind, params.slug.toLowerCase());
	if (!entry) error(404, `No POP3 reference entry ${params.kind}/${params.slug}`);
	return { entry };
};
