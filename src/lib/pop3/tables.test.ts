import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { RfcRef } from '../messages';
import { pop3CapabilityTable } from './capabilities';
import { pop3CommandTable, pop3CommandsByVerb } from './commands';
import { pop3EventTable } from './events';
import { pop3LineTable, pop3NoteTable } from './lineNotes';
import { pop3ReferenceKindTable } from './referenceIndex';
import { pop3ResponseCodeTable } from './responseCodes';
import { pop3ResponseTable } from './responses';
import { pop3StateTable, pop3TransitionTable } from './stateMachine';

/*
 * The POP3 tables against the RFC texts kept beside the repository (../shared/data/rfc): every
 * section a row cites exists, and where a row's subject has a section of its own, the row cites
 * that one. RFC 3206, 5034 and 8314 are not kept there; their sections were read elsewhere (the
 * RFC Editor’s copies) and are pinned below by hand.
 */

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const RFC_DIR = join(ROOT, '..', 'shared', 'data', 'rfc');
const present = existsSync(join(RFC_DIR, 'rfc1939.txt'));

function headings(rfc: number): Map<string, string> {
	const out = new Map<string, string>();
	const path = join(RFC_DIR, `rfc${rfc}.txt`);
	if (!existsSync(path)) return out;
	for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
		const m = /^(\d+)((?:\.\d+)*)\.?\s+(\S.*)$/.exec(line);
		if (m && !out.has(m[1] + m[2])) out.set(m[1] + m[2], m[3].trim());
	}
	return out;
}

const LOCAL = [1939, 2449, 2595, 4616, 5321, 5322];
const byRfc = new Map(LOCAL.map((n) => [n, headings(n)]));
const heading = (r: RfcRef) => byRfc.get(r.rfc)?.get(r.section);

// Read in the RFC Editor's texts: RFC 3206 §4 "The SYS Response Code", §5 "The AUTH Response
// Code", §6 "The AUTH-RESP-CODE Capability"; RFC 5034 §4 "The AUTH Command"; RFC 8314 §3.1
// "Implicit TLS for POP".
const ELSEWHERE = new Set(['3206 4', '3206 5', '3206 6', '5034 4', '8314 3.1']);

const rows: { where: string; rfc: RfcRef[] }[] = [
	...pop3CommandTable.map((r) => ({ where: `command ${r.verb}`, rfc: r.rfc })),
	...pop3ResponseTable.map((r) => ({ where: `response ${r.key}`, rfc: r.rfc })),
	...pop3ResponseCodeTable.map((r) => ({ where: `code ${r.code}`, rfc: r.rfc })),
	...pop3CapabilityTable.map((r) => ({ where: `capability ${r.tag}`, rfc: r.rfc })),
	...pop3StateTable.map((r) => ({ where: `state ${r.id}`, rfc: r.rfc })),
	...pop3TransitionTable.map((r) => ({ where: `transition ${r.from} ${r.on}`, rfc: r.rfc })),
	...pop3EventTable.map((r) => ({ where: `event ${r.kind}`, rfc: r.rfc })),
	...pop3NoteTable.map((r) => ({ where: `note ${r.id}`, rfc: r.rfc })),
	...pop3LineTable.map((r) => ({ where: `line ${r.id}`, rfc: r.rfc })),
	...pop3ReferenceKindTable.map((r) => ({ where: `kind ${r.id}`, rfc: r.rfc }))
];

describe.skipIf(!present)(`POP3 tables against the RFC texts in ${RFC_DIR}`, () => {
	test('the texts were read', () => {
		expect(heading({ rfc: 1939, section: '7' })).toBe('Optional POP3 Commands');
		expect(heading({ rfc: 2449, section: '8.1.2' })).toBe('The IN-USE response code');
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
		const bare = rows.filter((r) => !r.rfc.length).map((r) => r.where);
		expect(bare).toEqual(['event truncated', 'event note']);
	});

	test.each(pop3CapabilityTable.filter((r) => r.rfc[0].rfc === 2449).map((r) => [r.tag, r]))(
		'capability %s cites its own subsection of RFC 2449 §6',
		(tag, row) => expect(heading(row.rfc[0])).toBe(`${tag} capability`)
	);

	test.each([
		// [row, the heading of the section it must cite first]
		['IN-USE', 'The IN-USE response code'],
		['LOGIN-DELAY', 'The LOGIN-DELAY response code']
	])('response code %s', (code, title) => {
		const row = pop3ResponseCodeTable.find((r) => r.code === code)!;
		expect(heading(row.rfc[0])).toBe(title);
	});

	test.each([
		['CAPA', 'The CAPA Command'],
		['STLS', 'POP3 STARTTLS extension'],
		['STAT', 'The TRANSACTION State'],
		['RETR', 'The TRANSACTION State'],
		['DELE', 'The TRANSACTION State'],
		['TOP', 'Optional POP3 Commands'],
		['UIDL', 'Optional POP3 Commands'],
		['USER', 'Optional POP3 Commands'],
		['APOP', 'Optional POP3 Commands']
	])('command %s is defined under “%s”', (verb, title) => {
		expect(heading(pop3CommandsByVerb.get(verb)!.rfc[0])).toBe(title);
	});

	test.each([
		['pop3-authorization', 'The AUTHORIZATION State'],
		['pop3-transaction', 'The TRANSACTION State'],
		['pop3-update', 'The UPDATE State']
	])('state %s', (id, title) => {
		expect(heading(pop3StateTable.find((s) => s.id === id)!.rfc[0])).toBe(title);
	});

	test('RFC 1939 §9, the command summary: every command, valid in the states it gives', () => {
		const text = readFileSync(join(RFC_DIR, 'rfc1939.txt'), 'utf8');
		const summary = text.slice(
			text.indexOf('9. POP3 Command Summary'),
			text.indexOf('POP3 Replies:')
		);
		const states = new Map<string, Set<string>>();
		let state = '';
		for (const line of summary.split(/\r?\n/)) {
			const m = /^ {9}([A-Z]{3,4})\b.*?(?:valid in the (\w+) state)?$/.exec(line);
			if (!line.trim()) state = '';
			if (!m) continue;
			if (m[2]) state = `pop3-${m[2].toLowerCase()}`;
			if (!states.has(m[1])) states.set(m[1], new Set());
			states.get(m[1])!.add(state);
		}
		expect([...states.keys()].sort()).toEqual([
			'APOP',
			'DELE',
			'LIST',
			'NOOP',
			'PASS',
			'QUIT',
			'RETR',
			'RSET',
			'STAT',
			'TOP',
			'UIDL',
			'USER'
		]);
		for (const [verb, valid] of states)
			expect(new Set(pop3CommandsByVerb.get(verb)!.states), verb).toEqual(valid);
	});

	test('RFC 1939 §3: the multi-line responses', () => {
		// "Responses to certain commands are multi-line": RETR and TOP always, LIST and UIDL
		// without an argument (§5, §7); CAPA's list (RFC 2449 §5).
		const multi = pop3CommandTable
			.filter((r) => r.multiLine !== 'never')
			.map((r) => `${r.verb} ${r.multiLine}`);
		expect(multi.sort()).toEqual([
			'CAPA always',
			'LIST without-argument',
			'RETR always',
			'TOP always',
			'UIDL without-argument'
		]);
	});
});
