import { describe, expect, test } from 'vitest';
import { sampleTranscripts } from '../../routes/annotate/samples';
import { referenceProtocol } from '../referenceProtocols';
import { ImapAnnotator, type ImapAnnotateInput } from './annotate';
import { imapCapabilityTable } from './capabilities';
import { imapCommandTable } from './commands';
import { imapFetchItemTable, imapFlagTable } from './fetchItems';
import { findImapReferenceEntry, imapReferenceEntries } from './referenceIndex';
import { imapResponseCodeTable } from './responseCodes';
import { imapTranscriptEvents } from './transcriptImport';
import { imapDataTable } from './untaggedData';

/** The page behind a ref ("imap/commands/fetch" → /reference/imap/commands/fetch), if any. */
function page(ref: string) {
	const m = /^imap\/([a-z0-9]+)\/([a-z0-9-]+)$/.exec(ref);
	return m ? referenceProtocol('imap')?.find(m[1], m[2]) : undefined;
}

const C = (text: string): ImapAnnotateInput => ({ dir: 'client', text });
const S = (text: string): ImapAnnotateInput => ({ dir: 'server', text });
const SYS = (kind: ImapAnnotateInput['kind']): ImapAnnotateInput => ({
	dir: 'system',
	text: '',
	kind
});

// A session through every state, with every command, response code, untagged response, capability
// and FETCH item of the tables, literals both ways, an AUTHENTICATE exchange, IDLE and mistakes.
const SESSION: ImapAnnotateInput[] = [
	SYS('connect'),
	S('* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready'),
	C('a1 CAPABILITY'),
	S(`* CAPABILITY ${imapCapabilityTable.map((r) => r.name).join(' ')} X-VENDOR`),
	S('a1 OK'),
	C('a2 STARTTLS'),
	S('a2 OK go'),
	SYS('starttls'),
	SYS('tls'),
	C('a3 AUTHENTICATE PLAIN'),
	S('+ '),
	C('*'),
	S('a3 BAD cancelled'),
	C('a4 LOGIN alice {6}'),
	S('+ Ready'),
	C('secret'),
	S('a4 OK'),
	SYS('auth'),
	C('a5 ENABLE UTF8=ACCEPT'),
	S('* ENABLED'),
	S('a5 OK'),
	...imapResponseCodeTable.map((r) =>
		S(
			`* OK [${r.code}${/number/.test(r.arguments) ? ' 5' : r.code === 'PERMANENTFLAGS' ? ' (\\Seen)' : ''}] x`
		)
	),
	S('* OK [NEWCODE] x'),
	S('* NO warning'),
	S('* BAD garbled'),
	C('a6 LIST "" *'),
	S('* LIST (\\HasNoChildren) "/" INBOX'),
	S('a6 OK'),
	C('a7 LSUB "" *'),
	S('* LSUB () "/" Sent'),
	S('a7 OK'),
	C('a8 STATUS INBOX (MESSAGES UNSEEN)'),
	S('* STATUS INBOX (MESSAGES 2 UNSEEN 1)'),
	S('a8 OK'),
	C('a9 APPEND Sent {12}'),
	S('+ Ready'),
	C('Subject: x'),
	C(''),
	S('a9 OK'),
	...imapCommandTable
		.filter(
			(r) => r.states.includes('imap-authenticated') && r.name !== 'IDLE' && r.name !== 'ENABLE'
		)
		.map((r) => C(`b${r.slug} ${r.name}`)),
	C('c1 SELECT INBOX'),
	S(`* FLAGS (${imapFlagTable.map((r) => r.flag).join(' ')})`),
	S('* 2 EXISTS'),
	S('* 1 RECENT'),
	S('c1 OK [READ-WRITE]'),
	C(
		`c2 FETCH 1:* (${imapFetchItemTable
			.filter((r) => !['ALL', 'FAST', 'FULL'].includes(r.key))
			.map((r) => r.item.replace('<section>', '').replace('<<partial>>', '<0.10>'))
			.join(' ')})`
	),
	S('* 1 FETCH (FLAGS (\\Seen) UID 4 RFC822.SIZE 12 BODY[] {12}'),
	{ dir: 'server', isData: true, text: 'Subject: x\r\n' },
	S(')'),
	S('c2 OK'),
	C('c3 SEARCH UNSEEN'),
	S('* SEARCH 1'),
	S('c3 OK'),
	C('c4 IDLE'),
	S('+ idling'),
	S('* 3 EXISTS'),
	S('* 2 EXPUNGE'),
	C('DONE'),
	S('c4 OK'),
	...imapCommandTable
		.filter((r) => r.states.includes('imap-selected'))
		.map((r) => C(`d${r.slug} ${r.name}`)),
	C('e1 XYZZY'),
	S('e1 BAD'),
	S('nonsense'),
	S('+ unexpected'),
	C('e2 LOGOUT'),
	S('* BYE'),
	S('e2 OK'),
	SYS('note'),
	SYS('truncated'),
	SYS('timeout'),
	SYS('disconnect')
];

describe('every ref the annotator emits has a reference page', () => {
	test('over a session that uses every table row', () => {
		const annotator = new ImapAnnotator();
		const refs = new Set(SESSION.map((l) => annotator.annotate(l).ref).filter(Boolean) as string[]);
		expect([...refs].filter((r) => !page(r))).toEqual([]);
		// The session did reach every kind of page the annotator links.
		const kinds = new Set([...refs].map((r) => r.split('/')[1]));
		expect([...kinds].sort()).toEqual(['codes', 'commands', 'data', 'events', 'responses']);
		for (const row of [...imapCommandTable, ...imapResponseCodeTable, ...imapDataTable])
			expect(
				refs.has(row.ref) || row.ref === 'imap/codes/alert' || row.key === 'UID' ? true : row.ref
			).toBe(true);
	});

	test.each(sampleTranscripts.filter((s) => s.protocol === 'imap').map((s) => [s.label, s.text]))(
		'over the /annotate sample “%s”',
		(_, text) => {
			const refs = [...imapTranscriptEvents(text)].map((e) => e.annotation.ref).filter(Boolean);
			expect(refs.length).toBeGreaterThan(20);
			expect(refs.filter((r) => !page(r!))).toEqual([]);
		}
	);
});

describe('the IMAP reference', () => {
	const entries = imapReferenceEntries();

	test('one entry per row: 28 commands, 9 responses, 11 codes, 11 data, 15 FETCH items, 6 flags, 7 capabilities, 6 states, 8 events, 12 rev2 rows', () => {
		const count = (kind: string) => entries.filter((e) => e.kind === kind).length;
		expect(
			[
				'commands',
				'responses',
				'codes',
				'data',
				'fetch',
				'flags',
				'capabilities',
				'states',
				'events',
				'rev2'
			].map(count)
		).toEqual([28, 9, 11, 11, 15, 6, 7, 6, 8, 12]);
	});

	test('refs are unique and each is its page’s path', () => {
		expect(new Set(entries.map((e) => e.ref)).size).toBe(entries.length);
		for (const e of entries) {
			expect(e.ref).toBe(`imap/${e.kind}/${e.slug}`);
			expect(findImapReferenceEntry(e.kind, e.slug)).toBe(e);
			expect(page(e.ref)).toBe(e);
		}
	});

	test.each([
		// [a page, a fact's label, what it must say]
		['imap/commands/fetch', 'Valid in', 'Selected'],
		['imap/commands/login', 'Syntax', 'tag LOGIN userid password'],
		['imap/commands/select', 'Untagged response', 'EXISTS'],
		['imap/codes/trycreate', 'The client should', 'CREATE the mailbox'],
		['imap/fetch/body-peek-section', 'Sets \\Seen', 'no'],
		['imap/fetch/body-section', 'Sets \\Seen', 'yes'],
		['imap/fetch/body', 'Sets \\Seen', 'no'],
		['imap/rev2/lsub', 'RFC 9051 Appendix E', 'item 19'],
		['imap/rev2/logindisabled', 'RFC 9051 Appendix E', 'not a change']
	])('%s says %s: %s', (ref, label, value) => {
		const facts = page(ref)!
			.facts.filter((f) => f.label === label)
			.map((f) => f.value);
		expect(facts.join(' | ')).toContain(value);
	});

	test('every link on every page leads to a page', () => {
		const links = entries.flatMap((e) => [
			...e.facts.filter((f) => f.ref).map((f) => f.ref!),
			...e.related.flatMap((g) => g.links.filter((l) => l.ref).map((l) => l.ref!))
		]);
		expect(links.length).toBeGreaterThan(100);
		expect(links.filter((r) => !page(r))).toEqual([]);
	});
});
