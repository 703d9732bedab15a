import { describe, expect, test } from 'vitest';
import { authMechanismTable, explainAuthResponse } from './authMechanisms';
import { commandTable } from './commands';
import { extensionTable, parseEhloLine } from './extensions';
import { splitPipelineGroups } from '../protocol/pipelining';
import { replyCodeTable } from './replyCodes';
import { replyContextTable, findReplyContext } from './replyContexts';
import {
	findTransition,
	initialContext,
	stateTable,
	transition,
	transitionTable,
	STATE_IDS
} from '../protocol/stateMachine';
import { listenerTable, systemEventTable } from './systemEvents';
import { syntaxNoteTable } from './syntaxNotes';

describe('tables: stable keys, slugs and citations', () => {
	const tables = { commandTable, replyCodeTable, extensionTable, stateTable, authMechanismTable };
	for (const [name, rows] of Object.entries(tables))
		test(name, () => {
			const keys = new Set<string>();
			for (const r of rows) {
				expect(keys.has(r.key), r.key).toBe(false);
				keys.add(r.key);
				expect(r.ref).toBe(`${r.ref.split('/')[0]}/${r.slug}`);
				expect(r.rfc.length, r.key).toBeGreaterThan(0);
			}
		});
	test('required deep links exist', () => {
		const refs = new Set([...commandTable, ...replyCodeTable, ...extensionTable].map((r) => r.ref));
		for (const r of [
			'commands/rcpt',
			'replies/550',
			'extensions/pipelining',
			'commands/mail',
			'replies/538'
		])
			expect(refs.has(r), r).toBe(true);
	});
	test('RFC 5321 §4.2.3: every code in numeric order is in the table', () => {
		const codes = new Set(replyCodeTable.map((r) => r.code));
		for (const c of [
			211, 214, 220, 221, 250, 251, 252, 354, 421, 450, 451, 452, 455, 500, 501, 502, 503, 504, 550,
			551, 552, 553, 554, 555
		])
			expect(codes.has(c), String(c)).toBe(true);
		for (const c of [235, 334, 432, 454, 530, 534, 535, 538])
			expect(codes.has(c), String(c)).toBe(true); // RFC 4954, 3207
		expect(replyCodeTable.find((r) => r.code === 538)!.historic).toBe(true);
	});
	test('other data tables cite RFCs', () => {
		for (const r of [
			...syntaxNoteTable,
			...replyContextTable,
			...transitionTable,
			...listenerTable
		])
			expect(r.rfc.length).toBeGreaterThan(0);
		expect(systemEventTable.map((r) => r.kind)).toContain('timeout');
	});
	test('reply contexts are specific before general', () => {
		expect(findReplyContext(550, 'RCPT', '5.1.1', '')!.title).toBe('No such user');
		expect(findReplyContext(550, 'RCPT', null, '')!.title).toBe('Recipient refused');
		expect(findReplyContext(999, 'RCPT', null, '')).toBeUndefined();
	});
});

describe('state machine table', () => {
	test('states in order, each with a label and what may come next', () => {
		expect(stateTable.map((s) => s.id)).toEqual([...STATE_IDS]);
		expect(stateTable.find((s) => s.id === 'rcpt')!.validNext).toContain('DATA');
		expect(stateTable.find((s) => s.id === 'tls')!.validNext).not.toContain('MAIL');
	});
	const rows: [string, number, string | undefined][] = [
		['QUIT', 221, 'closed'], // RFC 5321 §4.1.1.10
		['NOOP', 421, 'closed'], // 421 from anywhere
		['MAIL', 550, undefined], // errors: no transition (§4.1.4)
		['DATA-END', 451, 'idle'] // §4.1.1.4: the transaction is over whatever the reply
	];
	for (const [on, code, to] of rows)
		test(`${on} ${code}`, () => expect(findTransition(on, code)?.to).toBe(to));
	test('STARTTLS forgets EHLO and AUTH (RFC 3207 §4.2)', () => {
		let ctx = transition(initialContext(), 'GREETING', 220);
		ctx = transition(ctx, 'EHLO', 250);
		ctx = transition(ctx, 'AUTH', 235);
		expect(ctx.state).toBe('authenticated');
		ctx = transition(ctx, 'STARTTLS', 220);
		expect(ctx).toEqual({ state: 'tls', identified: false, tls: true, authenticated: false });
		expect(transition(ctx, 'NOOP', 250)).toBe(ctx);
	});
});

describe('pipeline groups (RFC 2920 §3.1)', () => {
	test('MAIL, RCPT, RCPT, DATA | content . QUIT', () => {
		const groups = splitPipelineGroups(
			'EHLO me\nMAIL FROM:<a@b>\nRCPT TO:<c@d>\nRCPT TO:<e@f>\nDATA\nSubject: x\n\nhi\n.\nQUIT\n'
		);
		expect(groups.map((g) => [g.kind, g.lines.length, g.endsWith])).toEqual([
			['commands', 1, 'EHLO'],
			['commands', 4, 'DATA'],
			['content', 5, 'QUIT']
		]);
	});
	test('STARTTLS and AUTH end a group; AUTH responses go one by one', () => {
		const groups = splitPipelineGroups(
			'STARTTLS\nEHLO me\nAUTH LOGIN\ndXNlcg==\ncGFzcw==\nMAIL FROM:<a@b>\nRCPT TO:<c@d>'
		);
		expect(groups.map((g) => g.lines)).toEqual([
			['STARTTLS'],
			['EHLO me'],
			['AUTH LOGIN'],
			['dXNlcg=='],
			['cGFzcw=='],
			['MAIL FROM:<a@b>', 'RCPT TO:<c@d>']
		]);
		expect(groups[3].kind).toBe('auth-response');
		expect(splitPipelineGroups('')).toEqual([]);
		expect(splitPipelineGroups('RSET\r\nVRFY x\r\nNOOP').map((g) => g.endsWith)).toEqual([
			'VRFY',
			'NOOP'
		]);
	});
});

describe('EHLO lines and AUTH responses', () => {
	test('parseEhloLine', () => {
		expect(parseEhloLine('SIZE 1000')).toMatchObject({
			keyword: 'SIZE',
			params: ['1000'],
			vendor: false
		});
		expect(parseEhloLine('auth=LOGIN PLAIN')).toMatchObject({
			keyword: 'AUTH',
			params: ['LOGIN', 'PLAIN'],
			legacyEquals: true
		});
		expect(parseEhloLine('X-FOO')).toMatchObject({ vendor: true });
	});
	test('explainAuthResponse edge cases', () => {
		expect(explainAuthResponse('YQ==', { mechanism: 'PLAIN', step: 0 }).join()).toMatch(
			/three parts/
		);
		expect(explainAuthResponse('YQ==', { mechanism: 'LOGIN', step: 2 }).join()).toMatch(
			/the answer/
		);
		expect(explainAuthResponse('YQ==', { mechanism: 'CRAM-MD5', step: 1 }).join()).toMatch(
			/\(missing\)/
		);
	});
});
