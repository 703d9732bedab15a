/**
 * The shape of a reference entry of the protocols other than SMTP (/reference/<protocol>/…), and
 * the entries every protocol's tables make alike: its states and the recorder's events. Each
 * protocol's index (src/lib/pop3/referenceIndex.ts, src/lib/imap/referenceIndex.ts) builds the
 * rest from its own tables; ReferenceArticle draws them all.
 */
import type { RfcRef } from './messages';

export interface ReferenceFact {
	label: string;
	value: string;
	code?: boolean;
	/** A link to another entry (its ref). */
	ref?: string;
}

export interface ReferenceLink {
	ref?: string;
	label: string;
	note?: string;
}

export interface ProtocolReferenceEntry<Kind extends string = string> {
	kind: Kind;
	slug: string;
	/** `${protocol}/${kind}/${slug}`: its Annotation.ref and the path after /reference/. */
	ref: string;
	key: string;
	/** Short label in lists: "RETR", "+OK", "IN-USE". */
	label: string;
	group: string;
	title: string;
	summary: string;
	detail?: string;
	rfc: RfcRef[];
	facts: ReferenceFact[];
	related: { heading: string; links: ReferenceLink[] }[];
}

export interface ReferenceKindRow<Kind extends string = string> {
	id: Kind;
	title: string;
	summary: string;
	rfc: RfcRef[];
}

/** What a protocol's table rows have in common (their reference.ts's row type). */
interface TableRow {
	key: string;
	slug: string;
	ref: string;
	title: string;
	summary: string;
	detail?: string;
	rfc: RfcRef[];
}

/**
 * One entry per state: what the client may send there (links to its commands) and the states it
 * leads to, with what moves it.
 */
export function stateEntries<Id extends string>(
	states: readonly (TableRow & { id: Id; label: string; validNext: readonly string[] })[],
	transitions: readonly { from: Id; to: Id; label: string }[],
	commandLinks: (names: readonly string[]) => ReferenceLink[]
): ProtocolReferenceEntry<'states'>[] {
	const byId = new Map(states.map((s) => [s.id, s]));
	return states.map((r) => ({
		kind: 'states',
		slug: r.slug,
		ref: r.ref,
		key: r.key,
		label: r.label,
		group: 'States',
		title: r.title,
		summary: r.summary,
		detail: r.detail,
		rfc: r.rfc,
		facts: [],
		related: [
			{ heading: 'The client may send', links: commandLinks(r.validNext) },
			{
				heading: 'Leads to',
				links: transitions
					.filter((t) => t.from === r.id)
					.map((t) => ({ ref: byId.get(t.to)!.ref, label: byId.get(t.to)!.label, note: t.label }))
			}
		].filter((g) => g.links.length)
	}));
}

/** One entry per note the recorder adds beside a session's lines (connect, TLS, disconnect …). */
export function eventEntries(events: readonly TableRow[]): ProtocolReferenceEntry<'events'>[] {
	return events.map((r) => ({
		kind: 'events',
		slug: r.slug,
		ref: r.ref,
		key: r.key,
		label: r.title,
		group: 'Events',
		title: r.title,
		summary: r.summary || 'A note the lab adds beside the session’s lines.',
		rfc: r.rfc,
		facts: [],
		related: []
	}));
}
