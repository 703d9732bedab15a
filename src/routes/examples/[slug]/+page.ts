import { error } from '@sveltejs/kit';
import { findExample } from '$lib/examples/catalogue';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ params }) => {
	const example = findExample(params.slug);
	if (!example) error(404, `There is no example called “${params.slug}”.`);
	return { example };
};
