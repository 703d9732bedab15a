import { error } from '@sveltejs/kit';
import { referenceProtocol, referenceProtocolTable } from '$lib/referenceProtocols';
import type { EntryGenerator, PageLoad } from './$types';

// One page per row of each protocol's tables, built at build time like SMTP's.
export const prerender = true;

export const entries: EntryGenerator = () =>
	referenceProtocolTable.flatMap((row) =>
		row.entries().map((e) => ({ protocol: row.protocol, kind: e.kind, slug: e.slug }))
	);

export const load: PageLoad = ({ params }) => {
	const reference = referenceProtocol(params.protocol);
	const entry = reference?.find(params.kind, params.slug.toLowerCase());
	if (!reference || !entry)
		error(404, `No reference entry ${params.protocol}/${params.kind}/${params.slug}`);
	return { protocol: reference.protocol, entry };
};
