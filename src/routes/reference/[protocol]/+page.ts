import { error } from '@sveltejs/kit';
import { referenceProtocol, referenceProtocolTable } from '$lib/referenceProtocols';
import type { EntryGenerator, PageLoad } from './$types';

// Generated from the protocol's tables: the same page for everyone, built once.
export const prerender = true;

export const entries: EntryGenerator = () =>
	referenceProtocolTable.map((row) => ({ protocol: row.protocol }));

export const load: PageLoad = ({ params }) => {
	const reference = referenceProtocol(params.protocol);
	if (!reference) error(404, `No reference for ${params.protocol}`);
	return { protocol: reference.protocol };
};
