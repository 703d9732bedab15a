import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { RfcRef } from '../messages';
import { imapCapabilityTable } from './capabilities';
import { imapCommandTable, imapCommandsByName } from './commands';
import { imapEventTable } from './events';
import { imapFetchItemTable, imapFlagTable } from './fetchItems';
import { imapNoteTable } from './lineNotes';
import { imapReferenceKindTable } from './referenceIndex';
import { imapResponseCodeTable } from './responseCodes';
import { imapResponseTable } from './responses';
import { imapRev2Table } from './rev2';
import { imapStateTable, imapTransitionTable } from './stateMachine';
import { imapDataTable } from './untaggedData';

/*
 * The IMAP tables against the RFC texts kept beside the repository (../shared/data/rfc): every
 * section a row cites exists, and where a row's subject has a section of its own, the row cites
 * that one first. RFC 3691, 5161 and 9051 are not kept there; the sections cited were read
 * elsewhere and are pinned below by hand.
 */

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const RFC_DIR = join(ROOT, '..', 'shared', 'data', 'rfc');
const present = existsSync(join(RFC_DIR, 'rfc3501.txt'));
const text = (rfc: number) => readFileSync(join(RFC_DIR, `rfc${rfc}.txt`), 'utf8');

function headings(rfc: number): Map<string, string> {
	const out = new Map<string, string>();
	const path = join(RFC_DIR, `rfc${rfc}.txt`);
	if (!existsSync(path)) return out;
	for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
		// RFC 3501 writes "7.2.4   STATUS Response" without the final period.
		const m = /^(\d+)((?:\.\d+)*)\.?\s+(\S.*)$/.exec(line);
		if (m && !out.has(m[1] + m[2])) out.set(m[1] + m[2], m[3].trim());
	}
	return out;
}

const LOCAL = [3501, 2177, 2595, 4616];
const byRfc = new Map(LOCAL.map((n) => [n, headings(n)]));
const heading = (r: RfcRef) => byRfc.get(r.rfc)?.get(r.section);

// Read in the RFCs' own texts: RFC 3691 §2 "UNSELECT command" (its table of contents); RFC 5161
// §3.1 "The ENABLE Command" ("only valid in the authenticated state") and §3.2 "The ENABLED
// Response"; RFC 9051 Appendix E "Changes from RFC 3501 / IMAP4rev1" (items 2–4, 10–12, 16–19, 22),
// §6.2.3 "LOGIN Command" (LOGINDISABLED kept) and §6.3 (the authenticated state's commands: no LSUB).
const ELSEWHERE = new Set(['3691 2', '5161 3.1', '5161 3.2', '9051 E', '9051 6.2.3', '9051 6.3']);

const rows: { where: string; rfc: RfcRef[] }[] = [
	...imapCommandTable.map((r) => ({ where: `command ${r.name}`, rfc: r.rfc })),
	...imapResponseTable.map((r) => ({ where: `response ${r.key}`, rfc: r.rfc })),
	...imapResponseCodeTable.map((r) => ({ where: `code ${r.code}`, rfc: r.rfc })),
	...imapDataTable.map((r) => ({ where: `data ${r.name}`, rfc: r.rfc })),
	...imapFetchItemTable.map((r) => ({ where: `fetch ${r.item}`, rfc: r.rfc })),
	...imapFlagTable.map((r) => ({ where: `flag ${r.flag}`, rfc: r.rfc })),
	...imapCapabilityTable.map((r) => ({ where: `capability ${r.name}`, rfc: r.rfc })),
	...imapStateTable.map((r) => ({ where: `state ${r.id}`, rfc: r.rfc })),
	...imapTransitionTable.map((r) => ({ where: `transition ${r.from} ${r.on}`, rfc: r.rfc })),
	...imapEventTable.map((r) => ({ where: `event ${r.kind}`, rfc: r.rfc })),
	...imapRev2Table.map((r) => ({ where: `rev2 ${r.key}`, rfc: r.rfc })),
	...imapNoteTable.map((r) => ({ where: `note ${r.id}`, rfc: r.rfc })),
	...imapReferenceKindTable.map((r) => ({ where: `kind ${r.id}`, rfc: r.rfc }))
];

/** RFC 3501 §6's subsections, read from the text: command name → the state its section is under. */
function commandSections(): Map<string, string> {
	const states: Record<string, string> = {
		'6.1': 'any',
		'6.2': 'imap-not-authenticated',
		'6.3': 'imap-authenticated',
		'6.4': 'imap-selected'
	};
	const out = new Map<string, string>();
	for (const [section, title] of byRfc.get(3501)!) {
		const m = /^(6\.[1-4])\.\d+$/.exec(section);
		const name = /^(\S+) Command$/.exec(title)?.[1];
		if (m && name) out.set(name, states[m[1]]);
	}
	return out;
}

describe.skipIf(!present)(`IMAP tables against the RFC texts in ${RFC_DIR}`, () => {
	test('the texts were read', () => {
		expect(heading({ rfc: 3501, section: '6.4.5' })).toBe('FETCH Command');
		expect(heading({ rfc: 3501, section: '7.2.4' })).toBe('STATUS Response');
		expect(heading({ rfc: 2177, section: '3' })).toBe('Specification');
	});

	test('every cited section exists', () => {
		const missing = rows.flatMap(({ where, rfc }) =>
			rfc
				.filter((r) =>
					LOCAL.includes(r.rfc) ? !heading(r) : !ELSEWHERE.has(`${r.rfc} ${r.section}`)
				)
				.map((r) => `RFC ${r.rfc} §${r.section} at ${where}`)
		);
		expect(missing).toEqual([]);
	});

	test('every row cites something, except the recorder’s own notes', () => {
		expect(rows.filter((r) => !r.rfc.length).map((r) => r.where)).toEqual([
			'event truncated',
			'event note'
		]);
	});

	test('RFC 3501 §6: every command of RFC 3501 has a row citing its own section, valid in the state it is listed under', () => {
		const sections = commandSections();
		expect([...sections.keys()].sort()).toEqual(
			imapCommandTable
				.filter((r) => r.rfc[0].rfc === 3501)
				.map((r) => r.name)
				.sort()
		);
		for (const [name, state] of sections) {
			const row = imapCommandsByName.get(name)!;
			expect(heading(row.rfc[0]), name).toBe(`${name} Command`);
			// §6.3: authenticated-state commands stay valid in the selected state (§6.4's preamble).
			const expected =
				state === 'any'
					? ['imap-not-authenticated', 'imap-authenticated', 'imap-selected']
					: state === 'imap-authenticated'
						? ['imap-authenticated', 'imap-selected']
						: [state];
			expect(row.states, name).toEqual(expected);
		}
	});

	test.each([
		// [command, its state(s), why]
		['IDLE', ['imap-authenticated', 'imap-selected'], 'RFC 2177 §4: command_auth'],
		['UNSELECT', ['imap-selected'], 'RFC 3691 §2'],
		['ENABLE', ['imap-authenticated'], 'RFC 5161 §3.1: only before any mailbox is selected']
	])('extension command %s is valid in %j (%s)', (name, states) => {
		expect(imapCommandsByName.get(name)!.states).toEqual(states);
	});

	test('RFC 2177 §4: IDLE is a command_auth, "Valid only in Authenticated or Selected state"', () => {
		expect(text(2177)).toMatch(
			/command_auth\s*::=[^;]*\/ idle\s*;; Valid only in Authenticated or Selected state/
		);
	});

	test('RFC 3501 §7.1: the response codes, as listed there', () => {
		const t = text(3501);
		const list = t.slice(
			t.indexOf('The currently defined response codes are:'),
			t.indexOf('Additional response codes defined')
		);
		const codes = [...list.matchAll(/^ {6}([A-Z-]+)\s*$/gm)].map((m) => m[1]);
		expect(codes.length).toBe(11);
		expect(imapResponseCodeTable.map((r) => r.code)).toEqual(codes);
	});

	test('RFC 3501 §7.2–§7.4: each untagged data row cites its own “<name> Response” section', () => {
		for (const row of imapDataTable.filter((r) => r.rfc[0].rfc === 3501))
			expect(heading(row.rfc[0]), row.name).toBe(`${row.name} Response`);
	});

	test('RFC 3501 §7.1.1–§7.1.5: each status response cites its own section', () => {
		for (const key of ['OK', 'NO', 'BAD', 'PREAUTH', 'BYE']) {
			const row = imapResponseTable.find((r) => r.key === key)!;
			expect(heading(row.rfc[0]), key).toBe(`${key} Response`);
		}
	});

	test('RFC 3501 §6.4.5: the FETCH items and macros, as listed there', () => {
		const t = text(3501);
		const fetch = t.slice(
			t.indexOf('6.4.5.  FETCH Command', 10000),
			t.indexOf('6.4.6.  STORE Command', 10000)
		);
		const items = [...fetch.matchAll(/^ {6}([A-Z0-9.]+(?:\[<section>\]<<partial>>)?)\s*$/gm)].map(
			(m) => m[1]
		);
		expect(imapFetchItemTable.map((r) => r.item).sort()).toEqual([...new Set(items)].sort());
	});

	test('RFC 3501 §2.3.2: the system flags, as listed there', () => {
		const t = text(3501);
		const flags = t.slice(
			t.indexOf('The currently-defined system flags are:'),
			t.indexOf('A keyword is defined by the server')
		);
		const names = [...flags.matchAll(/^ {8}(\\\w+)\s*$/gm)].map((m) => m[1]);
		expect(imapFlagTable.map((r) => r.flag)).toEqual(names);
	});

	test.each([
		['imap-not-authenticated', 'Not Authenticated State'],
		['imap-authenticated', 'Authenticated State'],
		['imap-selected', 'Selected State'],
		['imap-logout', 'Logout State']
	])('state %s cites §3’s “%s”', (id, title) => {
		expect(heading(imapStateTable.find((s) => s.id === id)!.rfc[0])).toBe(title);
	});

	test('RFC 3501 §6.3.1: a failed SELECT leaves the authenticated state', () => {
		expect(text(3501)).toContain('NO - select failure, now in authenticated state');
		expect(
			imapTransitionTable.find((t) => t.from === 'imap-selected' && t.on === 'SELECT-FAILED')?.to
		).toBe('imap-authenticated');
	});

	test('RFC 2595 §3.2 and RFC 3501 §6.2.3: LOGINDISABLED', () => {
		expect(heading({ rfc: 2595, section: '3.2' })).toBe('IMAP LOGINDISABLED capability');
		const row = imapCapabilityTable.find((r) => r.name === 'LOGINDISABLED')!;
		expect(row.rfc.map((r) => `${r.rfc} ${r.section}`)).toEqual(['3501 6.2.3', '2595 3.2']);
	});

	test('where IMAP4rev2 differs: each row names its own Appendix E item', () => {
		// RFC 9051 Appendix E, items as numbered there (read in the RFC's text).
		const items: Record<string, number> = {
			'extensions-built-in': 2,
			'status-size': 3,
			esearch: 4,
			'select-list-closed': 10,
			'unseen-code': 11,
			'no-recent': 12,
			utf8: 16,
			'no-check': 17,
			'rfc822-items': 18,
			lsub: 19,
			'unknown-codes': 22
		};
		const changes = imapRev2Table.filter((r) => r.item !== undefined);
		expect(Object.fromEntries(changes.map((r) => [r.key, r.item]))).toEqual(items);
		for (const r of changes) expect(r.rfc[0]).toEqual({ rfc: 9051, section: 'E' });
		// What stays the same cites RFC 9051's own section: LOGINDISABLED, §6.2.3.
		expect(imapRev2Table.filter((r) => r.item === undefined).map((r) => [r.key, r.rfc[0]])).toEqual(
			[['logindisabled', { rfc: 9051, section: '6.2.3' }]]
		);
	});
});
