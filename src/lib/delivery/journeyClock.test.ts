import { describe, expect, it } from 'vitest';
import type { Journey, JourneyLeg } from './journey';
import { nextWaitingLeg, simulatedNow } from './journeyClock';

const leg = (id: string, state: JourneyLeg['state'], nextAttemptAt: number | null): JourneyLeg => ({
	id,
	domain: `${id}.test`,
	recipients: [`x@${id}.test`],
	state,
	lookupIds: [],
	route: [],
	attempts: [],
	nextAttemptAt,
	deliveredMessageId: null,
	bounceMessageId: null,
	delayNoticeIds: [],
	verdict: null
});

const journey = (legs: JourneyLeg[]): Journey => ({
	skippedMs: 0,
	id: 'M',
	sessionId: null,
	from: 'a@example.com',
	subject: '',
	queuedAt: 0,
	simulatedQueuedAt: 0,
	giveUpAt: 1e9,
	legs,
	outbox: [],
	local: []
});

describe('nextWaitingLeg (what fast-forward skips to)', () => {
	it('is the queued leg due first, whatever the order of the legs', () => {
		const legs = [
			leg('late', 'queued', 9000),
			leg('soon', 'queued', 3000),
			leg('mid', 'queued', 5000)
		];
		expect(nextWaitingLeg(journey(legs))?.id).toBe('soon');
		expect(nextWaitingLeg(journey([...legs].reverse()))?.id).toBe('soon');
	});

	it('ignores legs delivered, bounced or being tried now', () => {
		expect(
			nextWaitingLeg(
				journey([
					leg('done', 'delivered', null),
					leg('gone', 'bounced', null),
					leg('now', 'sending', null),
					leg('wait', 'queued', 7000)
				])
			)?.id
		).toBe('wait');
		expect(
			nextWaitingLeg(journey([leg('done', 'delivered', null), leg('now', 'sending', null)]))
		).toBe(undefined);
	});
});

describe('simulatedNow', () => {
	it('runs the queue clock on at its scale from the last reading', () => {
		expect(simulatedNow({ now: 1_000_000, realNow: 500, scale: 1440 }, 2000)).toBe(
			1_000_000 + 2000 * 1440
		);
	});
});
