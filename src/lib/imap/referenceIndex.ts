import {
	eventEntries,
	stateEntries,
	type ProtocolReferenceEntry,
	type ReferenceFact,
	type ReferenceKindRow,
	type ReferenceLink
} from '../protocolReference';
import { ref } from '../smtp/rfc';
import { imapCapabilityTable } from './capabilities';
import { imapCommandTable, imapCommandsByName, type ImapCommandRow } from './commands';
import { imapEventTable } from './events';
import { imapFetchItemTable, imapFlagTable } from './fetchItems';
import type { ImapReferenceKind } from './reference';
import { imapResponseCodeTable } from './responseCodes';
import { imapResponseTable } from './responses';
import { imapRev2Table } from './rev2';
import { imapStateTable, imapStatesById, imapTransitionTable } from './stateMachine';
import { imapDataByName, imapDataTable } from './untaggedData';

/*
 * The IMAP reference pages' data (/reference/imap/<kind>/<slug>): one entry per table row, built
 * from the tables the annotator reads, so a page and an annotation never disagree. The entry
 * shape is POP3's (src/lib/pop3/referenceIndex.ts), which ReferenceArticle draws.
 */

export type ImapReferenceEntry = ProtocolReferenceEntry<ImapReferenceKind>;
export type ImapReferenceLink = ReferenceLink;

export const imapReferenceKindTable: readonly ReferenceKindRow<ImapReferenceKind>[] = [
	{
		id: 'commands',
		title: 'Commands',
		summary:
			'What an IMAP client sends, each line starting with its own tag: the states each is valid in, and what the server answers.',
		rfc: [ref(3501, '6')]
	},
	{
		id: 'responses',
		title: 'Status responses',
		summary:
			'OK, NO, BAD (tagged: a command’s completion; untagged: information), PREAUTH and BYE, the greeting, the "+" continuation and literals.',
		rfc: [ref(3501, '7.1')]
	},
	{
		id: 'codes',
		title: 'Response codes',
		summary: 'The bracketed code in a status response: [UIDVALIDITY …], [TRYCREATE], [ALERT] …',
		rfc: [ref(3501, '7.1')]
	},
	{
		id: 'data',
		title: 'Untagged data',
		summary: 'The "* …" lines that carry data: EXISTS, FETCH, LIST, SEARCH …',
		rfc: [ref(3501, '7.2')]
	},
	{
		id: 'fetch',
		title: 'FETCH items',
		summary: 'What a FETCH can ask for about a message, and what comes back.',
		rfc: [ref(3501, '6.4.5')]
	},
	{
		id: 'flags',
		title: 'System flags',
		summary:
			'The flags every IMAP server knows: \\Seen, \\Answered, \\Flagged, \\Deleted, \\Draft, \\Recent.',
		rfc: [ref(3501, '2.3.2')]
	},
	{
		id: 'capabilities',
		title: 'Capabilities',
		summary: 'What this server lists in answer to CAPABILITY, before and after TLS.',
		rfc: [ref(3501, '7.2.1')]
	},
	{
		id: 'states',
		title: 'Session states',
		summary:
			'Not authenticated, authenticated, selected, logout: where a session is and what may come next.',
		rfc: [ref(3501, '3')]
	},
	{
		id: 'events',
		title: 'Session events',
		summary: 'What the lab notes beside an IMAP session’s lines: connection, TLS, close.',
		rfc: [ref(3501, '3')]
	},
	{
		id: 'rev2',
		title: 'Where IMAP4rev2 differs',
		summary:
			'This server speaks IMAP4rev1 (RFC 3501), as the mail programs it is tested with do. RFC 9051 (IMAP4rev2) changes these things.',
		rfc: [ref(9051, 'E')]
	}
];

const stateLabel = (id: string) => imapStatesById.get(id)?.label ?? id;

function commandLinks(names: readonly string[]): ImapReferenceLink[] {
	return names.map((n) => {
		const row = imapCommandsByName.get(n);
		return row ? { ref: row.ref, label: n } : { label: n };
	});
}

function commandEntry(row: ImapCommandRow): ImapReferenceEntry {
	const facts: ReferenceFact[] = [
		{ label: 'Syntax', value: row.syntax, code: true },
		...row.states.map((s) => ({
			label: 'Valid in',
			value: stateLabel(s),
			ref: imapStatesById.get(s)!.ref
		})),
		...row.untagged.map((u) => {
			const data = imapDataByName.get(u);
			return data
				? { label: 'Untagged response', value: u, ref: data.ref }
				: { label: 'Untagged response', value: u, ref: `imap/responses/${u.toLowerCase()}` };
		}),
		{ label: 'OK means', value: row.okMeans },
		{ label: 'NO means', value: row.noMeans },
		{ label: 'BAD means', value: 'Unknown command, bad arguments, or not valid in this state.' }
	];
	const capability = imapCapabilityTable.filter((c) => c.commands.includes(row.name));
	return {
		kind: 'commands',
		slug: row.slug,
		ref: row.ref,
		key: row.key,
		label: row.name,
		group: row.states.length === 3 ? 'Any state' : row.states.map(stateLabel).join(' and '),
		title: row.title,
		summary: row.summary,
		detail: row.detail,
		rfc: row.rfc,
		facts,
		related: [
			{
				heading: 'Announced by',
				links: capability.map((c) => ({ ref: c.ref, label: c.name, note: c.summary }))
			}
		].filter((g) => g.links.length)
	};
}

function index() {
	const list: ImapReferenceEntry[] = [
		...imapCommandTable.map(commandEntry),
		...imapResponseTable.map((r): ImapReferenceEntry => ({
			kind: 'responses',
			slug: r.slug,
			ref: r.ref,
			key: r.key,
			label: ['OK', 'NO', 'BAD', 'PREAUTH', 'BYE'].includes(r.key)
				? r.key
				: r.wire.split(' ')[0] || r.key,
			group: ['OK', 'NO', 'BAD', 'PREAUTH', 'BYE'].includes(r.key)
				? 'Status responses'
				: 'Other server lines',
			title: r.title,
			summary: r.summary,
			detail: r.detail,
			rfc: r.rfc,
			facts: [
				...(r.wire ? [{ label: 'On the wire', value: r.wire, code: true }] : []),
				...(r.tagged ? [{ label: 'Tagged', value: r.tagged }] : []),
				...(r.untagged ? [{ label: 'Untagged', value: r.untagged }] : [])
			],
			related: []
		})),
		...imapResponseCodeTable.map((r): ImapReferenceEntry => ({
			kind: 'codes',
			slug: r.slug,
			ref: r.ref,
			key: r.key,
			label: r.code,
			group: 'RFC 3501',
			title: r.title,
			summary: r.summary,
			detail: r.detail,
			rfc: r.rfc,
			facts: [
				{ label: 'Arguments', value: r.arguments },
				{ label: 'The client should', value: r.clientAction }
			],
			related: []
		})),
		...imapDataTable.map((r): ImapReferenceEntry => ({
			kind: 'data',
			slug: r.slug,
			ref: r.ref,
			key: r.key,
			label: r.name,
			group: 'Untagged data',
			title: r.title,
			summary: r.summary,
			detail: r.detail,
			rfc: r.rfc,
			facts: [{ label: 'On the wire', value: r.wire, code: true }],
			related: [
				{
					heading: r.answers.length ? 'Answers' : 'Sent with any command, and during IDLE',
					links: commandLinks(r.answers.length ? r.answers : ['NOOP', 'IDLE'])
				}
			]
		})),
		...imapFetchItemTable.map((r): ImapReferenceEntry => ({
			kind: 'fetch',
			slug: r.slug,
			ref: r.ref,
			key: r.key,
			label: r.item,
			group: ['ALL', 'FAST', 'FULL'].includes(r.key) ? 'Shorthands' : 'Items',
			title: r.title,
			summary: r.summary,
			rfc: r.rfc,
			facts: [
				{ label: 'In a FETCH', value: r.item, code: true },
				{ label: 'Sets \\Seen', value: r.setsSeen ? 'yes' : 'no', ref: 'imap/flags/seen' }
			],
			related: [{ heading: 'Asked with', links: commandLinks(['FETCH', 'UID']) }]
		})),
		...imapFlagTable.map((r): ImapReferenceEntry => ({
			kind: 'flags',
			slug: r.slug,
			ref: r.ref,
			key: r.key,
			label: r.flag,
			group: 'System flags',
			title: r.title,
			summary: r.summary,
			rfc: r.rfc,
			facts: [],
			related: [{ heading: 'Changed with', links: commandLinks(['STORE', 'EXPUNGE']) }]
		})),
		...imapCapabilityTable.map((r): ImapReferenceEntry => ({
			kind: 'capabilities',
			slug: r.slug,
			ref: r.ref,
			key: r.key,
			label: r.name,
			group: 'Capabilities',
			title: r.title,
			summary: r.summary,
			rfc: r.rfc,
			facts: [{ label: 'A client', value: r.clientUse }],
			related: [{ heading: 'Commands', links: commandLinks(r.commands) }].filter(
				(g) => g.links.length
			)
		})),
		...stateEntries(imapStateTable, imapTransitionTable, commandLinks),
		...eventEntries(imapEventTable),
		...imapRev2Table.map((r): ImapReferenceEntry => ({
			kind: 'rev2',
			slug: r.slug,
			ref: r.ref,
			key: r.key,
			label: r.item ? `E.${r.item}` : 'same',
			group: 'RFC 9051 Appendix E',
			title: r.title,
			summary: r.summary,
			detail: r.detail,
			rfc: r.rfc,
			facts: [
				{ label: 'IMAP4rev1 (this server)', value: r.rev1 },
				{
					label: 'RFC 9051 Appendix E',
					value: r.item ? `item ${r.item}` : 'not a change: the same in both'
				}
			],
			related: []
		}))
	];
	return { list, byRef: new Map(list.map((e) => [e.ref, e])) };
}

let built: ReturnType<typeof index> | undefined;

/** Every IMAP reference entry, in table order. */
export function imapReferenceEntries(): readonly ImapReferenceEntry[] {
	return (built ??= index()).list;
}

/** The entry behind `/reference/imap/<kind>/<slug>`, or undefined (a 404). */
export function findImapReferenceEntry(kind: string, slug: string): ImapReferenceEntry | undefined {
	return (built ??= index()).byRef.get(`imap/${kind}/${slug}`);
}
