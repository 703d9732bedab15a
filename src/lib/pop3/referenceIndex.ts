import {
	eventEntries,
	stateEntries,
	type ProtocolReferenceEntry,
	type ReferenceFact,
	type ReferenceKindRow,
	type ReferenceLink
} from '../protocolReference';
import { ref } from '../smtp/rfc';
import { pop3CapabilityTable } from './capabilities';
import { pop3CommandTable, pop3CommandsByVerb, type Pop3CommandRow } from './commands';
import { pop3EventTable } from './events';
import type { Pop3ReferenceKind } from './reference';
import { pop3ResponseCodeTable } from './responseCodes';
import { pop3ResponseTable } from './responses';
import { pop3StateTable, pop3StatesById, pop3TransitionTable } from './stateMachine';

/*
 * The POP3 reference pages' data (/reference/pop3/<kind>/<slug>): one entry per table row, built
 * from the tables the annotator reads, so a page and an annotation never disagree. An entry's
 * `ref` is its Annotation.ref and the path after /reference/.
 */

export type Pop3ReferenceEntry = ProtocolReferenceEntry<Pop3ReferenceKind>;
export type Pop3ReferenceLink = ReferenceLink;

export const pop3ReferenceKindTable: readonly ReferenceKindRow<Pop3ReferenceKind>[] = [
	{
		id: 'commands',
		title: 'Commands',
		summary: 'What a POP3 client sends, the states each is valid in, and what the server answers.',
		rfc: [ref(1939, '9')]
	},
	{
		id: 'responses',
		title: 'Responses',
		summary:
			'+OK and -ERR, the greeting, multi-line responses with their byte-stuffing and ".", and the "+ " of an AUTH exchange.',
		rfc: [ref(1939, '3')]
	},
	{
		id: 'codes',
		title: 'Response codes',
		summary: 'The bracketed code after +OK or -ERR that tells a client why: [IN-USE], [AUTH] …',
		rfc: [ref(2449, '8')]
	},
	{
		id: 'capabilities',
		title: 'CAPA capabilities',
		summary: 'What a server lists in answer to CAPA, and what a client does with each.',
		rfc: [ref(2449, '6')]
	},
	{
		id: 'states',
		title: 'Session states',
		summary: 'AUTHORIZATION, TRANSACTION, UPDATE: where a session is and what may come next.',
		rfc: [ref(1939, '3')]
	},
	{
		id: 'events',
		title: 'Session events',
		summary: 'What the lab notes beside a POP3 session’s lines: connection, TLS, close.',
		rfc: [ref(1939, '3')]
	}
];

const stateLabel = (id: string) => pop3StatesById.get(id)?.label ?? id;

function commandLinks(verbs: readonly string[]): Pop3ReferenceLink[] {
	return verbs.map((v) => {
		const row = pop3CommandsByVerb.get(v);
		return row ? { ref: row.ref, label: v } : { label: v };
	});
}

function commandEntry(row: Pop3CommandRow): Pop3ReferenceEntry {
	const facts: ReferenceFact[] = [
		{ label: 'Syntax', value: row.syntax, code: true },
		...row.states.map((s) => ({
			label: 'Valid in',
			value: stateLabel(s),
			ref: pop3StatesById.get(s)!.ref
		})),
		{
			label: 'Multi-line',
			value:
				row.multiLine === 'always'
					? 'yes: +OK, lines, then "."'
					: row.multiLine === 'without-argument'
						? 'without an argument (a listing); with a message number, one line'
						: 'no: one line'
		},
		{ label: 'Answer', value: row.answer },
		{ label: '+OK means', value: row.okMeans },
		{ label: '-ERR means', value: row.errMeans }
	];
	if (row.notOffered) facts.push({ label: 'Here', value: row.notOffered });
	const capability = pop3CapabilityTable.filter(
		(c) =>
			c.tag === row.verb ||
			(row.verb === 'AUTH' && c.tag === 'SASL') ||
			(row.verb === 'PASS' && c.tag === 'USER')
	);
	return {
		kind: 'commands',
		slug: row.slug,
		ref: row.ref,
		key: row.key,
		label: row.verb,
		group: row.states.map(stateLabel).join(' and '),
		title: row.title,
		summary: row.summary,
		detail: row.detail,
		rfc: row.rfc,
		facts,
		related: [
			{
				heading: 'Announced by',
				links: capability.map((c) => ({ ref: c.ref, label: c.tag, note: c.summary }))
			}
		].filter((g) => g.links.length)
	};
}

function index() {
	const list: Pop3ReferenceEntry[] = [
		...pop3CommandTable.map(commandEntry),
		...pop3ResponseTable.map((r): Pop3ReferenceEntry => ({
			kind: 'responses',
			slug: r.slug,
			ref: r.ref,
			key: r.key,
			label: r.wire.split(' ')[0] || r.key,
			group:
				r.key === 'ok' || r.key === 'err' || r.key === 'not-a-response'
					? 'Status indicators'
					: r.key === 'continuation'
						? 'AUTH exchange'
						: r.key === 'greeting'
							? 'Greeting'
							: 'Multi-line responses',
			title: r.title,
			summary: r.summary,
			detail: r.detail,
			rfc: r.rfc,
			facts: r.wire ? [{ label: 'On the wire', value: r.wire, code: true }] : [],
			related: []
		})),
		...pop3ResponseCodeTable.map((r): Pop3ReferenceEntry => ({
			kind: 'codes',
			slug: r.slug,
			ref: r.ref,
			key: r.key,
			label: r.code,
			group: r.rfc[0].rfc === 2449 ? 'RFC 2449' : 'RFC 3206',
			title: r.title,
			summary: r.summary,
			detail: r.detail,
			rfc: r.rfc,
			facts: [
				{ label: 'On the wire', value: `-ERR [${r.code}] text`, code: true },
				{ label: 'The client should', value: r.clientAction }
			],
			related: [
				{
					heading: 'Announced by',
					links: [{ ref: 'pop3/capabilities/resp-codes', label: 'RESP-CODES' }]
				}
			]
		})),
		...pop3CapabilityTable.map((r): Pop3ReferenceEntry => ({
			kind: 'capabilities',
			slug: r.slug,
			ref: r.ref,
			key: r.key,
			label: r.tag,
			group: r.rfc[0].rfc === 2449 ? 'RFC 2449' : `RFC ${r.rfc[0].rfc}`,
			title: r.title,
			summary: r.summary,
			detail: r.detail,
			rfc: r.rfc,
			facts: [
				{ label: 'Arguments', value: r.arguments },
				{ label: 'A client', value: r.clientUse }
			],
			related: [
				{
					heading: 'Commands',
					links: commandLinks(
						r.tag === 'SASL'
							? ['AUTH']
							: r.tag === 'USER'
								? ['USER', 'PASS']
								: pop3CommandsByVerb.has(r.tag)
									? [r.tag]
									: []
					)
				}
			].filter((g) => g.links.length)
		})),
		...stateEntries(pop3StateTable, pop3TransitionTable, commandLinks),
		...eventEntries(pop3EventTable)
	];
	return { list, byRef: new Map(list.map((e) => [e.ref, e])) };
}

let built: ReturnType<typeof index> | undefined;

/** Every POP3 reference entry, in table order. */
export function pop3ReferenceEntries(): readonly Pop3ReferenceEntry[] {
	return (built ??= index()).list;
}

/** The entry behind `/reference/pop3/<kind>/<slug>`, or undefined (a 404). */
export function findPop3ReferenceEntry(kind: string, slug: string): Pop3ReferenceEntry | undefined {
	return (built ??= index()).byRef.get(`pop3/${kind}/${slug}`);
}
