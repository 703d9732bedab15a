import { describe, expect, it } from 'vitest';
import { formatSize, shortAddress, utcTime } from './format';

describe('formatSize', () => {
	it.each([
		[0, '0 bytes'],
		[1, '1 byte'],
		[1023, '1023 bytes'],
		[1024, '1.0 KB'],
		[1740, '1.7 KB'],
		[5 * 1024 * 1024, '5.0 MB']
	])('%i → %s', (bytes, text) => expect(formatSize(bytes)).toBe(text));
});

describe('utcTime and shortAddress', () => {
	it('formats the same everywhere', () => {
		expect(utcTime(Date.UTC(2026, 10, 28, 5, 21, 6))).toBe('2026-11-28 05:21:06 UTC');
	});
	it.each([
		['"Alice Example" <alice@example.com>', 'Alice Example <alice@example.com>'],
		['bob@example.com', 'bob@example.com'],
		['"<img src=x>" <m@example.com>', '<img src=x> <m@example.com>']
	])('%s', (value, text) => expect(shortAddress(value)).toBe(text));
});
