import { describe, expect, it } from 'vitest';
import { retentionSpan } from './retention';

describe('retentionSpan', () => {
	it('says whole days as days and anything else in hours', () => {
		expect(retentionSpan(168)).toBe('7 days');
		expect(retentionSpan(24)).toBe('1 day');
		expect(retentionSpan(36)).toBe('36 hours');
		expect(retentionSpan(1)).toBe('1 hour');
	});
});
