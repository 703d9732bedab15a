import { describe, expect, test } from 'vitest';
import { sampleTranscripts } from '../../routes/annotate/samples';
import { Pop3Annotator, type Pop3AnnotateInput } from './annotate';
import { pop3CapabilityTable } from './capabilities';
import { pop3CommandTable } from './commands';
import { pop3ResponseCodeTable } from './responseCodes';
import { findPop3ReferenceEntry, pop3ReferenceEntries } from './referenceIndex';
import { pop3TranscriptEvents } from './transcriptImport';

/** The page behind a ref ("pop3/commands/retr" → /reference/pop3/commands/retr), if any. */
function page(ref: string) {
	const m = /^pop3\/([a-z]+)\/([a-z0-9-]+)$/.exec(ref);
	return m ? findPop3ReferenceEntry(m[1], m[2]) : undefined;
}

const C = (text: string): Pop3AnnotateInput => ({ dir: 'client', text });
const S = (text: string): Pop3AnnotateInput => ({ dir: 'server', text });
const SYS = (kind: Pop3AnnotateInput['kind']): Pop3AnnotateInput => ({
	dir: 'system',
	text: '',
	kind
});

// A session through every state, with every command, capability and response code of the tables,
// a SASL exchange, a message and the mistakes the annotator knows.
const SESSION: Pop3AnnotateInput[] = [
	SYS('connect'),
	S('+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>'),
	C('CAPA'),
	S('+OK'),
	...pop3CapabilityTable.map((r) => S(r.tag)),
	S('X-VENDOR'),
	S('.'),
	C('STLS'),
	S('+OK Begin TLS negotiation'),
	SYS('starttls'),
	SYS('tls'),
	...pop3ResponseCodeTable.flatMap((r) => [C('USER alice'), S(`-ERR [${r.code}] no`)]),
	C('USER alice'),
	S('-ERR [NEW-CODE] no'),
	C('XYZZY'),
	S('-ERR unknown'),
	C('APOP alice c4c9334bac560ecc979e58001b3e22fb'),
	S('-ERR not offered'),
	C('AUTH PLAIN'),
	S('+ '),
	C('*'),
	S('-ERR cancelled'),
	C('AUTH PLAIN'),
	S('+ '),
	C('AGFsaWNlAHNlY3JldA=='),
	S('+OK logged in'),
	SYS('auth'),
	...pop3CommandTable
		.filter((r) => r.states.includes('pop3-transaction') && r.verb !== 'QUIT' && r.verb !== 'CAPA')
		.flatMap((r) => [C(`${r.verb} 1${r.verb === 'TOP' ? ' 0' : ''}`), S('-ERR no such message')]),
	C('RETR 1'),
	S('+OK 20 octets'),
	{ dir: 'server', text: 'Subject: x\r\n\r\n..dot\r\n', isData: true },
	S('.'),
	C('LIST'),
	S('+OK'),
	S('1 20'),
	S('.'),
	S('unexpected'),
	SYS('note'),
	SYS('truncated'),
	SYS('timeout'),
	SYS('disconnect')
];

describe('every ref the annotator emits has a reference page', () => {
	test('over a session that uses every table row', () => {
		const annotator = new Pop3Annotator();
		const refs = new Set(SESSION.map((l) => annotator.annotate(l).ref).filter(Boolean) as string[]);
		const missing = [...refs].filter((r) => !page(r));
		expect(missing).toEqual([]);
		// The session did reach every kind of page.
		const kinds = new Set([...refs].map((r) => r.split('/')[1]));
		expect([...kinds].sort()).toEqual(['capabilities', 'codes', 'commands', 'events', 'responses']);
	});

	test.each(sampleTranscripts.filter((s) => s.protocol === 'pop3').map((s) => [s.label, s.text]))(
		'over the /annotate sample “%s”',
		(_, text) => {
			const refs = [...pop3TranscriptEvents(text)].map((e) => e.annotation.ref).filter(Boolean);
			expect(refs.length).toBeGreaterThan(10);
			expect(refs.filter((r) => !page(r!))).toEqual([]);
		}
	);
});

describe('the POP3 reference', () => {
	const entries = pop3ReferenceEntries();

	test('one entry per row: 15 commands, 7 responses, 6 codes, 11 capabilities, 5 states, 8 events', () => {
		const count = (kind: string) => entries.filter((e) => e.kind === kind).length;
		expect(
			['commands', 'responses', 'codes', 'capabilities', 'states', 'events'].map(count)
		).toEqual([15, 7, 6, 11, 5, 8]);
	});

	test('refs are unique and each is its page’s path', () => {
		expect(new Set(entries.map((e) => e.ref)).size).toBe(entries.length);
		for (const e of entries) {
			expect(e.ref).toBe(`pop3/${e.kind}/${e.slug}`);
			expect(findPop3ReferenceEntry(e.kind, e.slug)).toBe(e);
		}
	});

	test.each([
		// [a page, what it must say]
		['pop3/commands/retr', 'Multi-line', 'yes: +OK, lines, then "."'],
		[
			'pop3/commands/list',
			'Multi-line',
			'without an argument (a listing); with a message number, one line'
		],
		['pop3/commands/apop', 'Here', 'does not offer APOP'],
		['pop3/codes/sys-temp', 'On the wire', '-ERR [SYS/TEMP] text'],
		['pop3/capabilities/sasl', 'Arguments', 'the SASL mechanisms supported']
	])('%s says %s', (ref, label, value) => {
		const fact = page(ref)!.facts.find((f) => f.label === label)!;
		expect(fact.value).toContain(value);
	});

	test('every link on every page leads to a page', () => {
		const links = entries.flatMap((e) => [
			...e.facts.filter((f) => f.ref).map((f) => f.ref!),
			...e.related.flatMap((g) => g.links.filter((l) => l.ref).map((l) => l.ref!))
		]);
		expect(links.length).toBeGreaterThan(20);
		expect(links.filter((r) => !page(r))).toEqual([]);
	});
});
