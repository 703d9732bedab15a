import type { RfcRef } from '../../messages';

/** The reference sections a row can live in; `${section}/${slug}` is its deep link. */
export type ReferenceSection =
	| 'glossary'
	| 'commands'
	| 'replies'
	| 'enhanced'
	| 'extensions'
	| 'headers'
	| 'states'
	| 'auth'
	| 'events';

/** What every teaching-text row has: a stable key, a URL slug, and its citations. */
export interface ReferenceRow {
	/** Stable key: the verb, the code, the keyword, the header name. */
	key: string;
	/** Lower-case URL segment. */
	slug: string;
	/** `${section}/${slug}`, the value of `Annotation.ref`. */
	ref: string;
	title: string;
	summary: string;
	detail?: string;
	rfc: RfcRef[];
}

/** Builds the key, slug and ref of a row from its section and key. */
export function rowId(
	section: ReferenceSection,
	key: string
): Pick<ReferenceRow, 'key' | 'slug' | 'ref'> {
	const slug = key.toLowerCase().replace(/[^a-z0-9.]+/g, '-');
	return { key, slug, ref: `${section}/${slug}` };
}

/** Index rows by a key function; used once at module load, so lookups are Map hits. */
export function indexBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T> {
	const map = new Map<string, T>();
	for (const row of rows) map.set(keyOf(row), row);
	return map;
}
