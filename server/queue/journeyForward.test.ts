import { describe, expect, it } from 'vitest';
import { parseJourneyForwardMessage } from './journeyForward';

const ask = { topic: 'journey-fast-forward', kind: 'ask', requestId: 'r-1', journeyId: 'Msg_01' };
const done = {
	skippedMs: 1_800_000,
	clock: { now: 1_764_000_000_000, realNow: 1_763_999_000_000, scale: 1440 }
};
const answer = (value: unknown) => ({
	topic: 'journey-fast-forward',
	kind: 'answer',
	requestId: 'r-1',
	done: value
});

describe('a fast-forward message from another instance', () => {
	it('is taken as sent: an ask, an answer with the skip, an answer that nothing waits', () => {
		expect(parseJourneyForwardMessage(ask)).toEqual(ask);
		expect(parseJourneyForwardMessage(answer(done))).toEqual(answer(done));
		expect(parseJourneyForwardMessage(answer({ ...done, skippedMs: 0 }))).toEqual(
			answer({ ...done, skippedMs: 0 })
		);
		expect(parseJourneyForwardMessage(answer(null))).toEqual(answer(null));
	});

	it('keeps only the fields it knows', () => {
		expect(parseJourneyForwardMessage({ ...ask, extra: 'x' })).toEqual(ask);
		expect(
			parseJourneyForwardMessage(answer({ ...done, extra: 1, clock: { ...done.clock, x: 2 } }))
		).toEqual(answer(done));
	});

	it("another topic's message is not this one's to judge", () => {
		expect(parseJourneyForwardMessage({ ...ask, topic: 'class' })).toBeNull();
		expect(parseJourneyForwardMessage('journey-fast-forward')).toBeNull();
		expect(parseJourneyForwardMessage(null)).toBeNull();
		expect(parseJourneyForwardMessage([ask])).toBeNull();
	});

	it.each([
		[{ ...ask, kind: 'skip' }, '"kind" must be ask or answer'],
		[{ ...ask, requestId: undefined }, '"requestId" must be 1 to 64 letters, digits, _ or -'],
		[{ ...ask, requestId: 'a b' }, '"requestId" must be 1 to 64 letters, digits, _ or -'],
		[{ ...ask, requestId: 'r'.repeat(65) }, '"requestId" must be 1 to 64 letters, digits, _ or -'],
		[{ ...ask, journeyId: '../x' }, '"journeyId" must be a message id'],
		[{ ...ask, journeyId: 7 }, '"journeyId" must be a message id'],
		[answer(undefined), '"done" must be null or { skippedMs, clock }'],
		[answer(5), '"done" must be null or { skippedMs, clock }'],
		[
			answer({ ...done, skippedMs: -1 }),
			'"done.skippedMs" must be a number of milliseconds, at least 0'
		],
		[
			answer({ ...done, skippedMs: '5' }),
			'"done.skippedMs" must be a number of milliseconds, at least 0'
		],
		[
			answer({ ...done, skippedMs: Infinity }),
			'"done.skippedMs" must be a number of milliseconds, at least 0'
		],
		[answer({ skippedMs: 5 }), '"done.clock" must be { now, realNow, scale }'],
		[
			answer({ ...done, clock: { ...done.clock, now: null } }),
			'"done.clock.now" must be a time in milliseconds'
		],
		[
			answer({ ...done, clock: { ...done.clock, realNow: NaN } }),
			'"done.clock.realNow" must be a time in milliseconds'
		],
		[
			answer({ ...done, clock: { ...done.clock, scale: 0.5 } }),
			'"done.clock.scale" must be a number, at least 1'
		]
	])('a malformed one is refused, the field named: %j', (message, error) => {
		const parsed = parseJourneyForwardMessage(message);
		expect(parsed).toBeInstanceOf(Error);
		expect((parsed as Error).message).toBe(error);
	});

	it('an ask at the longest ids is taken, one past is refused', () => {
		const longest = { ...ask, requestId: 'r'.repeat(64), journeyId: 'm'.repeat(64) };
		expect(parseJourneyForwardMessage(longest)).toEqual(longest);
		expect(parseJourneyForwardMessage({ ...longest, journeyId: 'm'.repeat(65) })).toBeInstanceOf(
			Error
		);
	});
});
