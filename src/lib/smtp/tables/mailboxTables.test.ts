import { describe, expect, it } from 'vitest';
import type { RecipientOutcome } from '../../messages';
import {
	messageStructureTable,
	structureRow,
	type MessageStructureId
} from '../message/messageStructure';
import { onwardStepTable, recipientOutcomesByName } from './onwardDelivery';
import { receivedClausesByName } from '../message/receivedClauses';

describe('onward delivery (RFC 5321 §5.1, RFC 7505)', () => {
	it.each([
		// [step, branches from, first citation]
		['mx-lookup', undefined, '5321 §5.1'],
		['no-mx', 'mx-lookup', '5321 §5.1'], // implicit MX: A/AAAA records
		['null-mx', 'mx-lookup', '7505 §3'],
		['connect', undefined, '5321 §4.5.4.2'],
		['reply-2xx', undefined, '5321 §4.2.1'],
		['reply-4xx', 'reply-2xx', '5321 §4.5.4.1'], // retry
		['reply-5xx', 'reply-2xx', '5321 §6.1'] // bounce
	])('%s', (id, branchOf, cite) => {
		const row = onwardStepTable.find((r) => r.id === id)!;
		expect(row.branchOf).toBe(branchOf);
		expect(`${row.rfc[0].rfc} §${row.rfc[0].section}`).toBe(cite);
	});

	it('branches only from steps on the main path', () => {
		const main = new Set(onwardStepTable.filter((r) => !r.branchOf).map((r) => r.id));
		for (const r of onwardStepTable) if (r.branchOf) expect(main.has(r.branchOf)).toBe(true);
	});
});

describe('recipient outcomes', () => {
	it.each<[RecipientOutcome, RegExp]>([
		['delivered', /mailbox/],
		['outbox', /not sent \(sandbox\)/],
		['deferred', /4xx/],
		['refused', /5xx/],
		['bounced', /bounced/]
	])('%s', (outcome, label) => {
		const row = recipientOutcomesByName.get(outcome)!;
		expect(row.label + row.summary).toMatch(label);
		expect(row.rfc.length).toBeGreaterThan(0);
	});
});

describe('message structure rows', () => {
	it.each<[MessageStructureId, number]>([
		['blank-line', 5322],
		['dot-stuffing', 5321],
		['encoded-word', 2047],
		['multipart-boundary', 2046],
		['trace-fields', 5321],
		['bare-lf', 5321]
	])('%s cites RFC %i', (id, rfc) => {
		expect(structureRow(id).rfc[0].rfc).toBe(rfc);
	});

	it('has unique ids and says why remote images are blocked', () => {
		expect(new Set(messageStructureTable.map((r) => r.id)).size).toBe(messageStructureTable.length);
		expect(structureRow('remote-images').summary).toMatch(/tracking pixel/);
	});
});

describe('Received clauses (RFC 5321 §4.4)', () => {
	it.each(['from', 'by', 'via', 'with', 'id', 'for', 'date'])('%s', (name) => {
		expect(receivedClausesByName.get(name)?.rfc[0]).toEqual({ rfc: 5321, section: '4.4' });
	});
});
