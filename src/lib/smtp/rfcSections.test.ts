import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { RfcRef } from '../messages';
import { EXAMPLES } from '../examples/catalogue';
import { deliveryStatusFieldTable } from './tables/deliveryStatusFields';
import { extensionTable } from './tables/extensions';
import { onwardStepTable, recipientOutcomesByName } from './tables/onwardDelivery';
import { referenceEntries } from './reference/referenceIndex';
import { replyContextTable } from './tables/replyContexts';

/*
 * Every section number the code cites is checked against the RFC texts kept beside the repository
 * (../shared/data/rfc; CI has shared/ at the same place). Existence cannot tell a wrong section
 * from a right one, so the corrections of issue 10 §6 are also pinned by hand below.
 */

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const RFC_DIR = join(ROOT, '..', 'shared', 'data', 'rfc');
const SOURCE_DIRS = ['src/lib', 'src/routes', 'server'];

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const path = join(dir, e.name);
		if (e.isDirectory()) return sourceFiles(path);
		return /\.(ts|svelte|js)$/.test(e.name) && !/\.(test|spec)\.ts$/.test(e.name) ? [path] : [];
	});
}

interface Citation extends RfcRef {
	where: string;
}

const SECTION = String.raw`(?:[A-Z](?:\.\d+)*|\d+(?:\.\d+)*)\b`;
const CALL = /\b(?:ref|rfc)\((\d{3,4})(?:,\s*'([^']*)')?\)/g;
const OBJECT = /\{\s*rfc:\s*(\d{3,4}),\s*section:\s*'([^']*)'\s*\}/g;
// "RFC 5321 §3.6.2, §7.9", "RFC 3463 §2 and §3.8", "RFC 5321 section 4.5.5": every section
// after the number belongs to it.
const MARK = String.raw`(?:§\s?|[Ss]ections?\s+)`;
const TEXT = new RegExp(
	String.raw`RFC\s?(\d{3,4})((?:(?:\s*,\s*|\s+and\s+|\s+or\s+|\s*/\s*|\s+)${MARK}${SECTION})+)`,
	'g'
);
const TEXT_SECTION = new RegExp(String.raw`${MARK}(${SECTION})`, 'g');
// Links in comments: rfc-editor.org/rfc/rfc5321#section-4.1.1.2, #appendix-D.1.
const LINK = /rfc(\d{3,4})#(?:section|appendix)-([\dA-Z](?:\.?\d+)*)/g;

/** The citations on one line of source: ref()/rfc() calls, { rfc, section } rows, text, links. */
function citationsInLine(line: string): RfcRef[] {
	const out: RfcRef[] = [];
	for (const m of line.matchAll(CALL)) out.push({ rfc: +m[1], section: m[2] ?? '' });
	for (const m of line.matchAll(OBJECT)) out.push({ rfc: +m[1], section: m[2] });
	for (const m of line.matchAll(LINK)) out.push({ rfc: +m[1], section: m[2] });
	for (const m of line.matchAll(TEXT))
		for (const s of m[2].matchAll(TEXT_SECTION)) out.push({ rfc: +m[1], section: s[1] });
	return out;
}

function citationsInSource(): Citation[] {
	const out: Citation[] = [];
	for (const dir of SOURCE_DIRS)
		for (const file of sourceFiles(join(ROOT, dir)))
			readFileSync(file, 'utf8')
				.split('\n')
				.forEach((line, i) => {
					const where = `${relative(ROOT, file)}:${i + 1}`;
					for (const c of citationsInLine(line)) out.push({ ...c, where });
				});
	return out;
}

/** Citations built at run time (sections passed as variables, `3.${n}`), from the tables themselves. */
function citationsInTables(): Citation[] {
	const rows: { rfc: RfcRef[]; where: string }[] = [
		...referenceEntries().map((e) => ({ rfc: e.rfc, where: `reference ${e.ref}` })),
		...deliveryStatusFieldTable.map((r) => ({ rfc: r.rfc, where: `DSN field ${r.name}` })),
		...EXAMPLES.flatMap((x) => [
			{ rfc: x.rfc, where: `example ${x.slug}` },
			...x.steps.map((s) => ({ rfc: s.rfc, where: `example ${x.slug} step ${s.id}` }))
		])
	];
	return rows.flatMap((r) => r.rfc.map((c) => ({ ...c, where: r.where })));
}

/** Section number → heading title, from the section headings of an RFC's plain text. */
function sectionHeadings(text: string): Map<string, string> {
	const headings = new Map<string, string>();
	for (const line of text.split(/\r?\n/)) {
		// Headings start in column 0 ("4.5.3.1.7.  Message Content", "Appendix C.  Source Routes");
		// body text, the table of contents and page headers do not match.
		const m = /^(?:Appendix\s+)?([A-Z]|\d+)((?:\.\d+)*)\.?\s+(\S.*)$/.exec(line);
		if (m && !line.startsWith('RFC ')) {
			const id = m[1] + m[2];
			if (!headings.has(id)) headings.set(id, m[3].trim());
		}
	}
	return headings;
}

const rfcTextPresent = existsSync(RFC_DIR);
if (!rfcTextPresent)
	console.warn(
		`rfcSections.test.ts: ${RFC_DIR} is absent, so no section is checked against RFC text.`
	);

const headingsByRfc = new Map<number, Map<string, string>>(
	rfcTextPresent
		? readdirSync(RFC_DIR)
				.filter((f) => /^rfc\d+\.txt$/.test(f))
				.map((f) => [
					Number(f.slice(3, -4)),
					sectionHeadings(readFileSync(join(RFC_DIR, f), 'utf8'))
				])
		: []
);

function heading(rfc: number, section: string): string | undefined {
	return headingsByRfc.get(rfc)?.get(section);
}

const label = (c: RfcRef) => `RFC ${c.rfc} §${c.section}`;
const inSource = citationsInSource();
const all = [...inSource, ...citationsInTables()];

describe('citations', () => {
	test.each([
		// [a line of source, the citations read from it]
		["rfc: [ref(5321, '4.1.1.3'), ref(3464, '')]", '5321 4.1.1.3, 3464 '],
		["rfc: [rfc(1870, '6.1'), rfc(3463, '3.4')],", '1870 6.1, 3463 3.4'],
		["rfc: [{ rfc: 3463, section: '3.2' }]", '3463 3.2'],
		["'… only its own domains (RFC 5321 §3.6.2, §7.9).'", '5321 3.6.2, 5321 7.9'],
		['/** RFC 3463 §2 and RFC 2034 §4 grammar */', '3463 2, 2034 4'],
		['It was refused (see RFC 5321 section 4.5.5).', '5321 4.5.5'],
		['* @see https://www.rfc-editor.org/rfc/rfc5321#appendix-D.1', '5321 D.1'],
		['* @see https://www.rfc-editor.org/rfc/rfc4954#section-4.', '4954 4'],
		['RFC 5321 section about relays, RFC 6409', '']
	])('reads %s', (line, expected) => {
		const got = citationsInLine(line).map((c) => `${c.rfc} ${c.section}`);
		expect(got.join(', ')).toBe(expected);
	});

	test('the scan finds the citations the code is made of', () => {
		expect(inSource.length).toBeGreaterThan(500);
		const labels = new Set(inSource.map(label));
		// One of each form: a ref() call, an example's rfc(), a { rfc, section } row, teaching text.
		for (const l of ['RFC 5321 §4.1.1.3', 'RFC 5322 §3.6.3', 'RFC 3463 §3.2', 'RFC 2920 §3.1'])
			expect(labels).toContain(l);
	});

	test('RFC 1869 (obsolete: its SMTP extension mechanism is part of RFC 5321) is never cited', () => {
		const obsolete = all.filter((c) => c.rfc === 1869).map((c) => c.where);
		for (const dir of SOURCE_DIRS)
			for (const file of sourceFiles(join(ROOT, dir)))
				if (/RFC\s?1869\b/.test(readFileSync(file, 'utf8'))) obsolete.push(relative(ROOT, file));
		expect(obsolete).toEqual([]);
	});

	describe.skipIf(!rfcTextPresent)(
		`every cited section exists in the RFC text (${RFC_DIR})`,
		() => {
			test('the RFC texts were read', () => {
				expect(heading(5321, '4.1.1.3')).toBe('RECIPIENT (RCPT)');
				expect(heading(5321, 'F.1')).toBe('TURN');
				expect(heading(1870, '6.3')).toBe('Messages larger than the declared size.');
			});
			for (const [rfc] of headingsByRfc)
				test(`RFC ${rfc}`, () => {
					const missing = all
						.filter((c) => c.rfc === rfc && c.section && !heading(rfc, c.section))
						.map((c) => `${label(c)} at ${c.where}`);
					expect([...new Set(missing)]).toEqual([]);
				});
		}
	);
});

/** The corrections of issue 10 §6; where the issue and the RFC text disagreed, the RFC won. */
describe('corrected citations', () => {
	const example = (slug: string) => EXAMPLES.find((x) => x.slug === slug)!;
	const step = (slug: string, id: string) => example(slug).steps.find((s) => s.id === id)!;
	const labels = (refs: readonly RfcRef[]) => refs.map(label);

	test.each([
		// [where, its citations, cited (with the heading the RFC gives it), not cited]
		[
			// The client declared no SIZE: RFC 1870 §4 says it learns of the limit only after sending
			// it all. §6.3 (the suggestion) is about a message larger than its declared size.
			'too-large: the oversized message after DATA',
			() => step('too-large', 'message').rfc,
			[
				['RFC 1870 §4', 'The Message Size Declaration service extension'],
				['RFC 5321 §4.5.3.1.7', 'Message Content'],
				['RFC 5321 §4.5.3.1.9', 'Treatment When Limits Exceeded']
			],
			['RFC 5321 §4.5.3.1.10', 'RFC 1870 §6.3']
		],
		[
			'too-large: MAIL FROM … SIZE= refused at once',
			() => step('too-large', 'mail-size').rfc,
			[['RFC 1870 §6.1', 'Server action on receipt of the extended MAIL command']],
			['RFC 5321 §4.5.3.1.10']
		],
		[
			'open-relay: the example',
			() => example('open-relay').rfc,
			[
				['RFC 5321 §3.6.2', 'Mail eXchange Records and Relaying'],
				['RFC 5321 §7.9', 'Scope of Operation of SMTP Servers']
			],
			['RFC 5321 §7.1']
		],
		[
			'submission: the message, which a real provider delivers to the MX',
			() => step('submission', 'message').rfc,
			[
				['RFC 6409 §2.1', 'Definitions of Terms Used in This Memo'],
				['RFC 5321 §5.1', 'Locating the Target Host']
			],
			['RFC 6409 §8']
		],
		[
			'submission: RCPT TO an outside domain, relayed for an authenticated user',
			() => step('submission', 'rcpt-outside').rfc,
			[
				['RFC 6409 §4.3', 'Require Authentication'],
				['RFC 5321 §3.6.3', 'Message Submission Servers as Relays']
			],
			['RFC 5321 §3.6.2']
		],
		[
			'reply context 550 5.7.1 after RCPT: relaying denied',
			() =>
				replyContextTable.find(
					(r) => r.code === 550 && r.enhanced === '5.7.1' && r.after?.includes('RCPT')
				)!.rfc,
			[
				['RFC 5321 §3.6.2', 'Mail eXchange Records and Relaying'],
				['RFC 5321 §7.9', 'Scope of Operation of SMTP Servers']
			],
			['RFC 5321 §3.6.1']
		],
		[
			// The sandbox greylists a (client, sender, recipient) tuple at RCPT; §2.1 is greylisting
			// of the TCP connection by the client's address alone.
			'greylisting: RCPT TO greylisted, then accepted',
			() => [...step('greylisting', 'rcpt-first').rfc, ...step('greylisting', 'rcpt-retry').rfc],
			[['RFC 6647 §2.4', 'SMTP RCPT Greylisting']],
			['RFC 6647 §2.1']
		],
		[
			'recipient outcome "outbox": would be relayed to the MX',
			() => recipientOutcomesByName.get('outbox')!.rfc,
			[
				['RFC 6409 §2.1', 'Definitions of Terms Used in This Memo'],
				['RFC 5321 §5.1', 'Locating the Target Host']
			],
			['RFC 6409 §1']
		],
		[
			// 556 and 5.1.10 are in §4.1; §3 only defines the record.
			'onward delivery: null MX',
			() => onwardStepTable.find((s) => s.id === 'null-mx')!.rfc,
			[
				['RFC 7505 §3', 'MX Resource Records Specifying Null MX'],
				['RFC 7505 §4.1', 'SMTP Server Benefits']
			],
			[]
		],
		[
			'EHLO keyword SIZE',
			() => extensionTable.find((x) => x.keyword === 'SIZE')!.rfc,
			[
				['RFC 1870 §3', 'Framework for the Size Declaration Extension'],
				['RFC 1870 §6', 'The extended MAIL command']
			],
			['RFC 1870 §4']
		]
	] as [string, () => RfcRef[], [string, string][], string[]][])(
		'%s',
		(_where, refs, cited, notCited) => {
			const got = labels(refs());
			for (const [l] of cited) expect(got).toContain(l);
			for (const l of notCited) expect(got).not.toContain(l);
			// The heading the row's meaning rests on, read from the RFC text where it is here.
			for (const [l, title] of cited) {
				const [, rfc, section] = /^RFC (\d+) §(.+)$/.exec(l)!;
				if (headingsByRfc.has(+rfc)) expect(heading(+rfc, section), l).toBe(title);
			}
		}
	);

	test('the teaching text says the same as the citations', () => {
		expect(example('open-relay').takeaway).toContain('RFC 5321 §3.6.2, §7.9');
		expect(step('too-large', 'mail-size').narration).toContain('RFC 1870 §6.1');
		expect(step('too-large', 'ehlo').narration).toContain('RFC 1870 §3');
	});
});
