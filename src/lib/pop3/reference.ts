import type { RfcRef } from '../messages';

/**
 * The kinds of POP3 reference page; `pop3/${kind}/${slug}` is a row's `Annotation.ref` and
 * `/reference/pop3/${kind}/${slug}` its page. IMAP (issue 19) adds its own prefix and kinds.
 */
export type Pop3ReferenceKind =
	'commands' | 'responses' | 'codes' | 'capabilities' | 'states' | 'events';

/** What every POP3 teaching row has: a stable key, a URL slug, its ref and its citations. */
export interface Pop3Row {
	/** The verb, the indicator, the response code, the capability tag, the state id. */
	key: string;
	slug: string;
	/** `pop3/${kind}/${slug}`. */
	ref: string;
	title: string;
	summary: string;
	detail?: string;
	rfc: RfcRef[];
}

/** Key, slug and ref of a row from its kind and key ("SYS/TEMP" → "sys-temp"). */
export function pop3RowId(
	kind: Pop3ReferenceKind,
	key: string
): Pick<Pop3Row, 'key' | 'slug' | 'ref'> {
	const slug = key
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
	return { key, slug, ref: `pop3/${kind}/${slug}` };
}
