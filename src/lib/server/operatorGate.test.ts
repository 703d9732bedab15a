import { describe, expect, it } from 'vitest';
import { OperatorGate } from './operatorGate';

describe('OperatorGate', () => {
	it('lets an address fail failuresPerMinute times, then holds it until the oldest failure is a minute old', () => {
		let now = 1_000_000;
		const gate = new OperatorGate(3, () => now);
		for (const at of [0, 10_000, 20_000]) {
			now = 1_000_000 + at;
			expect(gate.retryAfterSeconds('192.0.2.1')).toBe(0);
			gate.failed('192.0.2.1');
		}
		now = 1_000_000 + 30_000;
		expect(gate.retryAfterSeconds('192.0.2.1')).toBe(30);
		expect(gate.retryAfterSeconds('192.0.2.2')).toBe(0);
		// A minute after the first failure one more try is allowed (and only one).
		now = 1_000_000 + 60_001;
		expect(gate.retryAfterSeconds('192.0.2.1')).toBe(0);
		gate.failed('192.0.2.1');
		expect(gate.retryAfterSeconds('192.0.2.1')).toBeGreaterThan(0);
	});

	it('0 is no limit', () => {
		const gate = new OperatorGate(0);
		for (let i = 0; i < 50; i++) gate.failed('192.0.2.1');
		expect(gate.retryAfterSeconds('192.0.2.1')).toBe(0);
	});
});
