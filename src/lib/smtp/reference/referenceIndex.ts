import type { RfcRef } from '../../messages';
import { authMechanismTable } from '../tables/authMechanisms';
import { commandTable, commandsByVerb, parameterTable } from '../tables/commands';
import {
	describeEnhanced,
	enhancedClassTable,
	enhancedCodeTable,
	enhancedSubjectTable,
	type EnhancedCodeRow
} from '../tables/enhancedCodes';
import { extensionTable } from '../tables/extensions';
import { glossaryTable } from './glossary';
import { headerFieldTable } from '../tables/headerFields';
import type { ReferenceSection } from './reference';
import {
	replyCategoryTable,
	replyClassTable,
	replyCodeTable,
	replyCodesByCode
} from '../tables/replyCodes';
import { replyContextTable, type ReplyContextRow } from '../tables/replyContexts';
import { ref } from '../rfc';
import { stateTable, statesById, transitionTable } from '../protocol/stateMachine';
import { systemEventTable } from '../tables/systemEvents';
import { transferEncodingTable } from '../message/encodings';

/*
 * The reference pages' data: one entry per table row, each with a stable `ref`
 * (`${section}/${slug}`, the value of `Annotation.ref`), short facts and links to related
 * entries. Built from the same tables the annotator reads, so a page and an annotation never
 * disagree. Concrete enhanced codes (5.1.1) are built on demand from the registry's X.1.1 row.
 */

export interface ReferenceLink {
	/** Absent: plain text, no page of its own. */
	ref?: string;
	label: string;
	note?: string;
}

export interface ReferenceFact {
	label: string;
	value: string;
	/** Shown in a monospace font: wire syntax, codes. */
	code?: boolean;
	/** Shown as a link to another entry. */
	ref?: string;
	/** Said after the value, outside the link. */
	note?: string;
}

export interface ReferenceEntry {
	section: ReferenceSection;
	slug: string;
	ref: string;
	key: string;
	/** Short label in lists: "550", "RCPT", "5.1.1", "List-Unsubscribe". */
	label: string;
	/** Sub-heading within the section on the index page. */
	group: string;
	title: string;
	summary: string;
	detail?: string;
	rfc: RfcRef[];
	facts: ReferenceFact[];
	related: { heading: string; links: ReferenceLink[] }[];
	/** Other spellings a search should find it by (4.1.1 and 5.1.1 for X.1.1). */
	aliases: string[];
}

export interface ReferenceSectionRow {
	id: ReferenceSection;
	title: string;
	summary: string;
}

export const referenceSectionTable: readonly ReferenceSectionRow[] = [
	{
		id: 'glossary',
		title: 'Glossary',
		summary:
			'The words around SMTP in plain language: ports (25, 587, 465, 2525), IMAP and POP3, MX, DNS, spam, bounces, TLS.'
	},
	{
		id: 'commands',
		title: 'Commands',
		summary: 'What the client sends: verbs, their syntax, and the parameters of MAIL and RCPT.'
	},
	{
		id: 'replies',
		title: 'Reply codes',
		summary: 'The three digits every server line begins with: what they mean and what comes next.'
	},
	{
		id: 'enhanced',
		title: 'Enhanced status codes',
		summary:
			'class.subject.detail after the reply code (RFC 3463), from the IANA registry: a precise reason.'
	},
	{
		id: 'extensions',
		title: 'EHLO keywords',
		summary: 'The service extensions a server lists after EHLO, and what a client does with each.'
	},
	{
		id: 'headers',
		title: 'Header fields',
		summary: 'The fields at the top of the message itself (RFC 5322 and friends).'
	},
	{
		id: 'auth',
		title: 'AUTH mechanisms',
		summary: 'How a client proves who it is (SASL, RFC 4954), and what each mechanism sends.'
	},
	{
		id: 'states',
		title: 'Session states',
		summary: 'Where a session is, and which commands may come next.'
	},
	{
		id: 'events',
		title: 'Session events',
		summary: 'What the lab notes beside the wire: connections, TLS, timeouts, notes.'
	}
];

const CLASS_DIGITS = [2, 4, 5] as const;

/** Codes the reply table knows link to their page; others (453 in the registry) are text. */
function codeLinks(codes: readonly number[]): ReferenceLink[] {
	return codes.map((c) => {
		const row = replyCodesByCode.get(String(c));
		return row ? { ref: row.ref, label: String(c) } : { label: `${c} (no entry here)` };
	});
}

/** "451, 550" → [451, 550]; "Any", "Not given" → []. */
function basicCodes(row: EnhancedCodeRow): number[] {
	return (row.basicCodes.match(/\b[2-5]\d\d\b/g) ?? []).map(Number);
}

function contextLabel(row: ReplyContextRow): string {
	const after = row.after?.length ? `after ${row.after.join(' / ')}` : 'any time';
	return `${row.code}${row.enhanced ? ' ' + row.enhanced : ''} ${after}`;
}

/** Rows of the reply-context table, as text: they explain the reply page they are shown on. */
function contextLinks(rows: readonly ReplyContextRow[]): ReferenceLink[] {
	return rows.map((r) => ({ label: `${contextLabel(r)}: ${r.title}`, note: r.summary }));
}

function growth(factor: number): string {
	return factor === 1
		? 'No growth: the content is sent as it is.'
		: `Up to ${Number(factor.toFixed(2))}× the original size, before line breaks.`;
}

function verbLinks(names: readonly string[]): ReferenceLink[] {
	return names.map((n) => ({ ref: commandsByVerb.get(n)?.ref, label: n }));
}

function commands(): ReferenceEntry[] {
	const out: ReferenceEntry[] = commandTable.map((c) => {
		const params = parameterTable.filter((p) => p.verb === c.verb);
		const validIn = stateTable.filter((s) => s.validNext.includes(c.verb));
		const related: ReferenceEntry['related'] = [
			{ heading: 'Success replies', links: codeLinks(c.replies.success) },
			{ heading: 'Intermediate replies', links: codeLinks(c.replies.intermediate ?? []) },
			{ heading: 'Error replies', links: codeLinks(c.replies.error) },
			{ heading: 'Parameters', links: params.map((p) => ({ ref: p.ref, label: p.title })) },
			{
				heading: 'Valid in these states',
				links: validIn.map((s) => ({ ref: s.ref, label: s.label }))
			}
		];
		if (c.verb === 'AUTH')
			related.push({
				heading: 'Mechanisms',
				links: authMechanismTable.map((m) => ({ ref: m.ref, label: m.mechanism }))
			});
		const facts: ReferenceFact[] = [
			{ label: 'Syntax', value: c.syntax, code: true },
			{ label: 'The server answers', value: c.answer },
			{ label: 'Then', value: c.stateChange }
		];
		if (c.extension)
			facts.push({
				label: 'Needs the EHLO keyword',
				value: c.extension,
				ref: `extensions/${c.extension.toLowerCase()}`
			});
		if (c.endsPipelineGroup)
			facts.push({
				label: 'Pipelining',
				value: 'Must end a pipelined group: the client waits for its reply (RFC 2920 §3.1).'
			});
		if (c.obsolete) facts.push({ label: 'Status', value: 'Obsolete: kept for reference.' });
		return {
			section: 'commands',
			slug: c.slug,
			ref: c.ref,
			key: c.key,
			label: c.verb,
			group: 'Commands',
			title: c.title,
			summary: c.summary,
			detail: c.detail,
			rfc: c.rfc,
			facts,
			related,
			aliases: []
		};
	});
	for (const p of parameterTable)
		out.push({
			section: 'commands',
			slug: p.slug,
			ref: p.ref,
			key: p.key,
			label: `${p.verb} ${p.keyword}=`,
			group: 'Parameters of MAIL FROM and RCPT TO',
			title: p.title,
			summary: p.summary,
			rfc: p.rfc,
			facts: [
				{ label: 'Value', value: p.value, code: true },
				{ label: 'Command', value: p.verb, ref: `commands/${p.verb.toLowerCase()}` },
				{
					label: 'Needs the EHLO keyword',
					value: p.extension,
					ref: `extensions/${p.extension.toLowerCase()}`
				},
				{
					label: 'If not advertised',
					value: 'The server answers 555 (RFC 5321 §4.1.1.11).',
					ref: 'replies/555'
				}
			],
			related: [],
			aliases: [p.keyword]
		});
	return out;
}

function replies(): ReferenceEntry[] {
	const out: ReferenceEntry[] = replyClassTable.map((c) => ({
		section: 'replies',
		slug: c.slug,
		ref: c.ref,
		key: c.key,
		label: c.key,
		group: 'Reply classes (the first digit)',
		title: `${c.digit}yz — ${c.title}`,
		summary: c.summary,
		rfc: c.rfc,
		facts: [{ label: 'What the client does next', value: c.next }],
		related: [
			{
				heading: `Reply codes beginning with ${c.digit}`,
				links: replyCodeTable
					.filter((r) => Math.floor(r.code / 100) === c.digit)
					.map((r) => ({ ref: r.ref, label: r.title }))
			}
		],
		aliases: []
	}));
	for (const r of replyCodeTable) {
		const digit = Math.floor(r.code / 100);
		const second = Math.floor(r.code / 10) % 10;
		const cls = replyClassTable.find((c) => c.digit === digit);
		const category = replyCategoryTable.find((c) => c.digit === second);
		const facts: ReferenceFact[] = [
			{ label: 'Reply text in the RFC', value: `${r.code} ${r.text}`, code: true }
		];
		if (cls)
			facts.push({ label: `First digit ${digit}`, value: cls.title, ref: cls.ref, note: cls.next });
		if (category)
			facts.push({
				label: `Second digit ${second}`,
				value: `${category.title}: ${category.summary}`
			});
		if (r.historic)
			facts.push({ label: 'Status', value: 'Historic: kept for reference, not used today.' });
		const enhanced = enhancedCodeTable.filter((e) => basicCodes(e).includes(r.code));
		const answers = commandTable.filter((c) =>
			[...c.replies.success, ...(c.replies.intermediate ?? []), ...c.replies.error].includes(r.code)
		);
		out.push({
			section: 'replies',
			slug: r.slug,
			ref: r.ref,
			key: r.key,
			label: String(r.code),
			group: 'Reply codes',
			title: r.title,
			summary: r.summary,
			rfc: r.rfc,
			facts,
			related: [
				{
					heading: 'Meaning in context',
					links: contextLinks(replyContextTable.filter((c) => c.code === r.code))
				},
				{
					heading: 'Commands that may get this reply',
					links: answers.map((c) => ({ ref: c.ref, label: c.verb }))
				},
				{
					heading: 'Enhanced status codes registered with it',
					links: enhanced.map((e) => {
						const code = `${digit}${e.key.slice(1)}`;
						return { ref: `enhanced/${code}`, label: `${code} ${e.title}` };
					})
				}
			],
			aliases: []
		});
	}
	return out;
}

function enhancedCode(row: EnhancedCodeRow): ReferenceEntry {
	return {
		section: 'enhanced',
		slug: row.slug,
		ref: row.ref,
		key: row.key,
		label: row.key,
		group: 'Registered codes (X = 2, 4 or 5)',
		title: `${row.key} ${row.title}`,
		summary: row.summary,
		rfc: row.rfc,
		facts: [
			{ label: 'Sample text', value: row.sampleText || '(none given)' },
			{ label: 'Usual basic reply codes', value: row.basicCodes },
			{ label: 'Registered by', value: row.reference }
		],
		related: [
			{
				heading: 'With each class',
				links: CLASS_DIGITS.map((d) => ({
					ref: `enhanced/${d}${row.key.slice(1)}`,
					label: `${d}${row.key.slice(1)}`
				}))
			},
			{ heading: 'Reply codes', links: codeLinks(basicCodes(row)) },
			{
				heading: 'Subject',
				links: [{ ref: `enhanced/x.${row.subject}.x`, label: `X.${row.subject}.X` }]
			}
		],
		// 4.1.1 and 5.1.1 find X.1.1; so does 550, the reply it goes with.
		aliases: [...CLASS_DIGITS.map((d) => `${d}${row.key.slice(1)}`), ...basicCodes(row).map(String)]
	};
}

function enhanced(): ReferenceEntry[] {
	const out: ReferenceEntry[] = enhancedClassTable.map((c) => ({
		section: 'enhanced',
		slug: c.slug,
		ref: c.ref,
		key: c.key,
		label: c.key,
		group: 'Classes (the first number)',
		title: `${c.key} — ${c.title}`,
		summary: c.summary,
		rfc: c.rfc,
		facts: [
			{
				label: 'Matches',
				value: `Reply codes beginning with ${c.class}`,
				ref: `replies/${c.class}yz`
			}
		],
		related: [
			{
				heading: 'Subjects',
				links: enhancedSubjectTable.map((s) => ({ ref: s.ref, label: `${s.key} ${s.title}` }))
			}
		],
		aliases: []
	}));
	for (const s of enhancedSubjectTable)
		out.push({
			section: 'enhanced',
			slug: s.slug,
			ref: s.ref,
			key: s.key,
			label: s.key,
			group: 'Subjects (the second number)',
			title: `${s.key} — ${s.title}`,
			summary: s.summary,
			rfc: s.rfc,
			facts: [],
			related: [
				{
					heading: 'Registered codes with this subject',
					links: enhancedCodeTable
						.filter((e) => e.subject === s.subject)
						.map((e) => ({ ref: e.ref, label: `${e.key} ${e.title}` }))
				}
			],
			aliases: []
		});
	for (const e of enhancedCodeTable) out.push(enhancedCode(e));
	return out;
}

/** A concrete code such as 5.1.1, registered or not (unknown details fall back). */
function concreteEnhanced(code: string): ReferenceEntry | undefined {
	const info = describeEnhanced(code);
	if (!info) return undefined;
	const digit = Number(code[0]);
	const entry = info.entry;
	const facts: ReferenceFact[] = [
		{ label: `Class ${digit}`, value: info.class.title, ref: info.class.ref }
	];
	if (info.subject)
		facts.push({
			label: `Subject ${info.subject.subject}`,
			value: info.subject.title,
			ref: info.subject.ref
		});
	if (entry) {
		facts.push({ label: 'Registry entry', value: `${entry.key} ${entry.title}`, ref: entry.ref });
		facts.push({ label: 'Usual basic reply codes', value: entry.basicCodes });
	} else
		facts.push({
			label: 'Registry',
			value: 'Not in the IANA registry: read it by its class and subject.'
		});
	const codes = entry ? basicCodes(entry).filter((c) => Math.floor(c / 100) === digit) : [];
	return {
		section: 'enhanced',
		slug: code,
		ref: `enhanced/${code}`,
		key: code,
		label: code,
		group: 'Codes',
		title: `${code} ${info.title}`,
		summary: info.summary,
		rfc: info.rfc,
		facts,
		related: [
			{ heading: 'Reply codes it goes with', links: codeLinks(codes) },
			{
				heading: 'Seen in context',
				links: contextLinks(replyContextTable.filter((c) => c.enhanced === code))
			}
		],
		aliases: []
	};
}

function extensions(): ReferenceEntry[] {
	return extensionTable.map((x) => ({
		section: 'extensions',
		slug: x.slug,
		ref: x.ref,
		key: x.key,
		label: x.keyword,
		group: 'EHLO keywords',
		title: x.title,
		summary: x.summary,
		detail: x.detail,
		rfc: x.rfc,
		facts: [{ label: 'What a client does with it', value: x.clientUse }],
		related: [
			{
				heading: 'Commands',
				links: commandTable
					.filter((c) => c.extension === x.keyword || c.verb === x.keyword)
					.map((c) => ({ ref: c.ref, label: c.verb }))
			},
			{
				heading: 'Parameters',
				links: parameterTable
					.filter((p) => p.extension === x.keyword)
					.map((p) => ({ ref: p.ref, label: p.title }))
			},
			{
				heading: 'Mechanisms',
				links:
					x.keyword === 'AUTH'
						? authMechanismTable.map((m) => ({ ref: m.ref, label: m.mechanism }))
						: []
			}
		],
		aliases: []
	}));
}

function headers(): ReferenceEntry[] {
	const out: ReferenceEntry[] = headerFieldTable.map((h) => {
		const facts: ReferenceFact[] = [
			{
				label: 'How often',
				value:
					h.max === undefined
						? h.min
							? `At least ${h.min}`
							: 'Any number of times'
						: h.min
							? `Exactly ${h.max === 1 ? 'once' : h.max} (required)`
							: `At most ${h.max === 1 ? 'once' : h.max}`
			}
		];
		if (h.trace)
			facts.push({
				label: 'Added by',
				value: 'Servers on the way (a trace field), not the author’s program.'
			});
		return {
			section: 'headers',
			slug: h.slug,
			ref: h.ref,
			key: h.key,
			label: h.name,
			group: 'Header fields',
			title: h.name,
			summary: h.summary,
			detail: h.detail,
			rfc: h.rfc,
			facts,
			related: [
				{
					heading: 'Transfer encodings',
					links:
						h.name === 'Content-Transfer-Encoding'
							? transferEncodingTable.map((t) => ({ ref: t.ref, label: t.name }))
							: []
				}
			],
			aliases: []
		};
	});
	for (const t of transferEncodingTable)
		out.push({
			section: 'headers',
			slug: t.slug,
			ref: t.ref,
			key: t.key,
			label: `CTE: ${t.name}`,
			group: 'Content-Transfer-Encoding values',
			title: `Content-Transfer-Encoding: ${t.name}`,
			summary: t.summary,
			rfc: t.rfc,
			facts: [{ label: 'Size', value: growth(t.maxGrowth) }],
			related: [
				{
					heading: 'Header field',
					links: [{ ref: 'headers/content-transfer-encoding', label: 'Content-Transfer-Encoding' }]
				}
			],
			aliases: [t.name]
		});
	return out;
}

function auth(): ReferenceEntry[] {
	return authMechanismTable.map((m) => ({
		section: 'auth',
		slug: m.slug,
		ref: m.ref,
		key: m.key,
		label: m.mechanism,
		group: 'SASL mechanisms',
		title: m.title,
		summary: m.summary,
		rfc: m.rfc,
		facts: [
			{ label: 'Standardised', value: m.standardised ? 'Yes' : 'No' },
			{
				label: 'Sends the password',
				value: m.sendsPassword
					? 'Yes, only base64-encoded: use it over TLS only.'
					: 'No: it sends a proof or a token instead.'
			}
		],
		related: [
			{
				heading: 'See also',
				links: [
					{ ref: 'commands/auth', label: 'AUTH command' },
					{ ref: 'extensions/auth', label: 'AUTH EHLO keyword' }
				]
			},
			{ heading: 'Replies', links: codeLinks([334, 235, 535, 534, 454]) }
		],
		aliases: []
	}));
}

function states(): ReferenceEntry[] {
	return stateTable.map((s) => ({
		section: 'states',
		slug: s.slug,
		ref: s.ref,
		key: s.key,
		label: s.id,
		group: 'States, in the order a session meets them',
		title: s.label,
		summary: s.summary,
		rfc: s.rfc,
		facts: [
			{
				label: 'Valid next',
				value: s.validNext.length ? s.validNext.join(', ') : 'Nothing from the client.'
			}
		],
		related: [
			{
				heading: 'Commands valid next',
				links: verbLinks(s.validNext).filter((l) => l.ref)
			},
			{
				heading: 'Reached by',
				links: transitionTable.filter((t) => t.to === s.id).map((t) => ({ label: t.label }))
			}
		],
		aliases: []
	}));
}

const NOTE_SUMMARY =
	'A remark beside the wire: from the lab, or from the transcript importer about a line it could not place. Not something either side sent.';

function events(): ReferenceEntry[] {
	return systemEventTable.map((e) => ({
		section: 'events',
		slug: e.kind,
		ref: `events/${e.kind}`,
		key: e.kind,
		label: e.kind,
		group: 'Events',
		title: e.title,
		summary: e.summary || NOTE_SUMMARY,
		rfc: e.rfc,
		facts: [],
		related: [
			{
				heading: 'States',
				links:
					e.kind === 'connect'
						? [{ ref: 'states/connected', label: statesById.get('connected')!.label }]
						: e.kind === 'disconnect'
							? [{ ref: 'states/closed', label: statesById.get('closed')!.label }]
							: e.kind === 'tls'
								? [{ ref: 'states/tls', label: statesById.get('tls')!.label }]
								: []
			}
		],
		aliases: []
	}));
}

function glossary(): ReferenceEntry[] {
	return glossaryTable.map((g) => ({
		section: 'glossary',
		slug: g.slug,
		ref: g.ref,
		key: g.key,
		label: g.term,
		group: g.group,
		title: g.title,
		summary: g.summary,
		detail: g.detail,
		rfc: g.rfc,
		facts: g.facts,
		related: [{ heading: 'See also', links: g.seeAlso }],
		aliases: g.aliases
	}));
}

let built: { list: ReferenceEntry[]; byRef: Map<string, ReferenceEntry> } | undefined;

function index() {
	if (!built) {
		const list = [
			...glossary(),
			...commands(),
			...replies(),
			...enhanced(),
			...extensions(),
			...headers(),
			...auth(),
			...states(),
			...events()
		];
		for (const e of list) e.related = e.related.filter((r) => r.links.length);
		built = { list, byRef: new Map(list.map((e) => [e.ref, e])) };
	}
	return built;
}

/** Every entry listed on the index page (concrete enhanced codes are reached from X.s.d). */
export function referenceEntries(): readonly ReferenceEntry[] {
	return index().list;
}

const CONCRETE_ENHANCED = /^[245]\.\d{1,3}\.\d{1,3}$/;

/** The entry behind `/reference/<section>/<slug>`, or undefined (a 404). */
export function findReferenceEntry(section: string, slug: string): ReferenceEntry | undefined {
	const hit = index().byRef.get(`${section}/${slug}`);
	if (hit) return hit;
	if (section === 'enhanced' && CONCRETE_ENHANCED.test(slug)) {
		const e = concreteEnhanced(slug);
		if (e) e.related = e.related.filter((r) => r.links.length);
		return e;
	}
	return undefined;
}

/** Every `{ section, slug }` to prerender: all entries plus each registered code in each class. */
export function referencePaths(): { section: string; slug: string }[] {
	const paths = index().list.map((e) => ({ section: e.section, slug: e.slug }));
	for (const e of enhancedCodeTable)
		for (const d of CLASS_DIGITS)
			paths.push({ section: 'enhanced', slug: `${d}${e.key.slice(1)}` });
	return paths;
}

/**
 * Entries matching every word of the query (case-insensitive) in their label, key, title,
 * summary or aliases. An empty query matches everything.
 */
export function searchReference(
	entries: readonly ReferenceEntry[],
	query: string
): ReferenceEntry[] {
	const words = query.toLowerCase().split(/\s+/).filter(Boolean);
	if (!words.length) return entries.slice();
	return entries.filter((e) => {
		const text =
			`${e.label} ${e.key} ${e.title} ${e.summary} ${e.aliases.join(' ')} ${e.section}`.toLowerCase();
		return words.every((w) => text.includes(w));
	});
}

/** Citations of a whole section, for its heading. */
export const referenceSectionRfc: Readonly<Record<ReferenceSection, RfcRef[]>> = {
	glossary: [ref(5321, '2.3')],
	commands: [ref(5321, '4.1')],
	replies: [ref(5321, '4.2')],
	enhanced: [ref(3463, ''), ref(2034, '')],
	extensions: [ref(5321, '2.2.1'), ref(5321, '4.1.1.1')],
	headers: [ref(5322, '3.6')],
	auth: [ref(4954, '4')],
	states: [ref(5321, '4.1.4')],
	events: [ref(5321, '3.1')]
};
