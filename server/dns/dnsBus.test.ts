import { describe, expect, it } from 'vitest';
import { parseDnsBusMessage } from './dnsBus';

const entry = {
	id: 'AbCdEf0001',
	at: 1_764_000_000_000,
	transport: 'queue',
	client: 'out.smtp-lab.test',
	question: { name: 'north.test', type: 'MX' },
	rcode: 'NOERROR',
	answers: [],
	owners: ['o1'],
	journeyId: 'm1'
};

describe('a DNS lookup from another instance', () => {
	it('is taken as sent', () => {
		expect(parseDnsBusMessage({ topic: 'dns-lookup', entry })).toEqual(entry);
	});

	it("another topic's message is not this one's to judge", () => {
		expect(parseDnsBusMessage({ topic: 'class', entry })).toBeNull();
		expect(parseDnsBusMessage('dns-lookup')).toBeNull();
	});

	it.each([
		[{ ...entry, id: 7 }, '"entry.id" must be a string'],
		[{ ...entry, at: '1' }, '"entry.at" must be a number'],
		[{ ...entry, answers: null }, '"entry.answers" must be an array'],
		[{ ...entry, owners: [1] }, '"entry.owners" must be an array of strings'],
		[{ ...entry, question: { name: 'x' } }, '"entry.question" must be null or { name, type }'],
		[{ ...entry, journeyId: 3 }, '"entry.journeyId" must be a string'],
		[[], '"entry" must be an object']
	])('a malformed one is named: %j', (bad, error) => {
		const result = parseDnsBusMessage({ topic: 'dns-lookup', entry: bad });
		expect(result).toBeInstanceOf(Error);
		expect((result as Error).message).toBe(error);
	});
});
