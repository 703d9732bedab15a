import type { RfcRef } from '../messages';

/**
 * The kinds of IMAP reference page; `imap/${kind}/${slug}` is a row's `Annotation.ref` and
 * `/reference/imap/${kind}/${slug}` its page (POP3's are src/lib/pop3/reference.ts's).
 */
export type ImapReferenceKind =
	| 'commands'
	| 'responses'
	| 'codes'
	| 'data'
	| 'fetch'
	| 'flags'
	| 'capabilities'
	| 'states'
	| 'events'
	| 'rev2';

/** What every IMAP teaching row has: a stable key, a URL slug, its ref and its citations. */
export interface ImapRow {
	/** The command, the status, the response code, the data name, the item, the state id. */
	key: string;
	slug: string;
	/** `imap/${kind}/${slug}`. */
	ref: string;
	title: string;
	summary: string;
	detail?: string;
	rfc: RfcRef[];
}

/** Key, slug and ref of a row from its kind and key ("RFC822.SIZE" → "rfc822-size", "\Seen" → "seen"). */
export function imapRowId(
	kind: ImapReferenceKind,
	key: string
): Pick<ImapRow, 'key' | 'slug' | 'ref'> {
	const slug = key
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
	return { key, slug, ref: `imap/${kind}/${slug}` };
}
