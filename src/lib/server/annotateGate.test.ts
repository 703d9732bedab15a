import { describe, expect, it } from 'vitest';
import { AnnotateGate } from './annotateGate';

describe('AnnotateGate', () => {
	it('admits requestsPerMinute in any minute, then names the wait until the oldest leaves it', () => {
		let now = 1_000_000;
		const gate = new AnnotateGate({ concurrentPerAddress: 0, requestsPerMinute: 3 }, () => now);
		for (const at of [0, 10_000, 20_000]) {
			now = 1_000_000 + at;
			const admission = gate.admit('192.0.2.1');
			expect(admission.admitted).toBe(true);
			if (admission.admitted) admission.release();
		}
		now = 1_000_000 + 30_000;
		expect(gate.admit('192.0.2.1')).toMatchObject({ admitted: false, retryAfterSeconds: 30 });
		expect(gate.admit('192.0.2.2').admitted).toBe(true);
		// A minute after the first request, one place is free again (and only one).
		now = 1_000_000 + 60_001;
		expect(gate.admit('192.0.2.1').admitted).toBe(true);
		expect(gate.admit('192.0.2.1').admitted).toBe(false);
	});

	it('admits concurrentPerAddress at once; a release frees a place, twice frees one', () => {
		const gate = new AnnotateGate({ concurrentPerAddress: 2, requestsPerMinute: 0 });
		const first = gate.admit('192.0.2.1');
		const second = gate.admit('192.0.2.1');
		expect([first.admitted, second.admitted]).toEqual([true, true]);
		expect(gate.admit('192.0.2.1')).toMatchObject({ admitted: false, retryAfterSeconds: 1 });
		if (first.admitted) {
			first.release();
			first.release();
		}
		expect(gate.admit('192.0.2.1').admitted).toBe(true);
		expect(gate.admit('192.0.2.1').admitted).toBe(false);
	});
});
