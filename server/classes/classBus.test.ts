import { describe, expect, it } from 'vitest';
import {
	CLASS_BUS_MAX_BYTES,
	ownersMessages,
	parseClassBusMessage,
	type OwnerState
} from './classBus';

const owner: OwnerState = {
	ownerId: 'Zq3-owner_7',
	pages: 2,
	sessionId: 'AbCdEf0001',
	example: { slug: 'first-message', step: 3 },
	presenceAt: 1_764_000_000_000
};

const owners = (list: unknown[]) => ({ topic: 'class', kind: 'owners', owners: list });

describe('a class message from another instance', () => {
	it('is taken as sent', () => {
		expect(parseClassBusMessage({ topic: 'class', kind: 'hello' })).toEqual({
			topic: 'class',
			kind: 'hello'
		});
		expect(parseClassBusMessage(owners([owner]))).toEqual(owners([owner]));
		const gone = { ...owner, pages: 0, sessionId: null, example: null, presenceAt: null };
		expect(parseClassBusMessage(owners([gone]))).toEqual(owners([gone]));
		expect(
			parseClassBusMessage({ topic: 'class', kind: 'instance-stopped', instanceId: 'i-1' })
		).toEqual({ topic: 'class', kind: 'instance-stopped', instanceId: 'i-1' });
	});

	it('keeps only the fields it knows', () => {
		expect(parseClassBusMessage(owners([{ ...owner, secret: 'x' }]))).toEqual(owners([owner]));
	});

	it("another topic's message is not this one's to judge", () => {
		expect(parseClassBusMessage({ topic: 'dns-lookup', kind: 'hello' })).toBeNull();
		expect(parseClassBusMessage('class')).toBeNull();
		expect(parseClassBusMessage(null)).toBeNull();
		expect(parseClassBusMessage([{ topic: 'class' }])).toBeNull();
	});

	it.each([
		[{ topic: 'class' }, '"kind" must be hello, owners or instance-stopped'],
		[{ topic: 'class', kind: 'bye' }, '"kind" must be hello, owners or instance-stopped'],
		[{ topic: 'class', kind: 'owners', owners: {} }, '"owners" must be an array'],
		[owners([null]), '"owners[0]" must be an object'],
		[owners([owner, { ...owner, ownerId: 'a b' }]), '"owners[1].ownerId" must be an owner id'],
		[owners([{ ...owner, ownerId: undefined }]), '"owners[0].ownerId" must be an owner id'],
		[owners([{ ...owner, pages: -1 }]), '"owners[0].pages" must be an integer from 0 to 1000000'],
		[owners([{ ...owner, pages: 1.5 }]), '"owners[0].pages" must be an integer from 0 to 1000000'],
		[owners([{ ...owner, pages: '2' }]), '"owners[0].pages" must be an integer from 0 to 1000000'],
		[
			owners([{ ...owner, sessionId: 'x/y' }]),
			'"owners[0].sessionId" must be a session id or null'
		],
		[
			owners([{ ...owner, example: { slug: 'first-message', step: 1001 } }]),
			'"owners[0].example" must be null or { slug: an example\'s slug, step: a step }'
		],
		[
			owners([{ ...owner, example: { slug: 'Bad Slug', step: 1 } }]),
			'"owners[0].example" must be null or { slug: an example\'s slug, step: a step }'
		],
		[
			owners([{ ...owner, presenceAt: 'now' }]),
			'"owners[0].presenceAt" must be a time in milliseconds or null'
		],
		[
			owners([{ ...owner, presenceAt: Infinity }]),
			'"owners[0].presenceAt" must be a time in milliseconds or null'
		],
		[
			{ topic: 'class', kind: 'instance-stopped', instanceId: '' },
			'"instanceId" must be a string of 1 to 100 characters'
		],
		[
			{ topic: 'class', kind: 'instance-stopped', instanceId: 'i'.repeat(101) },
			'"instanceId" must be a string of 1 to 100 characters'
		]
	])('a malformed one is named: %j', (bad, error) => {
		const result = parseClassBusMessage(bad);
		expect(result).toBeInstanceOf(Error);
		expect((result as Error).message).toBe(error);
	});
});

describe('the owners an instance sends', () => {
	it('fit one message when they can', () => {
		expect(ownersMessages([owner, owner])).toEqual([owners([owner, owner])]);
		expect(ownersMessages([])).toEqual([]);
	});

	it('are split into messages of at most CLASS_BUS_MAX_BYTES, all of them in order', () => {
		// Each state is about 150 bytes: 200 of them take several messages.
		const many = Array.from({ length: 200 }, (_, i) => ({ ...owner, ownerId: `owner-${i}` }));
		const messages = ownersMessages(many);
		expect(messages.length).toBeGreaterThan(1);
		for (const message of messages)
			expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(CLASS_BUS_MAX_BYTES);
		const lists = messages.map((m) => (m.kind === 'owners' ? m.owners : []));
		expect(lists.flat().map((o) => o.ownerId)).toEqual(many.map((o) => o.ownerId));
		// Each is full: the next message's first state would not have fitted in it.
		for (let i = 0; i + 1 < lists.length; i++)
			expect(JSON.stringify(owners([...lists[i], lists[i + 1][0]])).length).toBeGreaterThan(
				CLASS_BUS_MAX_BYTES
			);
	});
});
