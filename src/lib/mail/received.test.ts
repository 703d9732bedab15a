import { describe, expect, it } from 'vitest';
import { parseReceived } from './received';

describe('parseReceived (RFC 5321 §4.4 Stamp)', () => {
	it.each([
		[
			'from client.test ([127.0.0.1]) by sandbox.test (SMTP Lab sandbox, mx listener) with ESMTP id ABC for <bob@example.com>; Sat, 28 Nov 2026 05:21:06 +0000',
			[
				['from', 'client.test ([127.0.0.1])'],
				['by', 'sandbox.test (SMTP Lab sandbox, mx listener)'],
				['with', 'ESMTP'],
				['id', 'ABC'],
				['for', '<bob@example.com>'],
				['date', 'Sat, 28 Nov 2026 05:21:06 +0000']
			]
		],
		// keywords inside comments are not clauses; a ";" inside a comment is not the date
		[
			'from a (by way of b; really) by c; Mon, 1 Jan 2024 00:00:00 +0000',
			[
				['from', 'a (by way of b; really)'],
				['by', 'c'],
				['date', 'Mon, 1 Jan 2024 00:00:00 +0000']
			]
		],
		['by only.test', [['by', 'only.test']]]
	])('%s', (value, clauses) => {
		expect(parseReceived(value).clauses.map((c) => [c.name, c.value])).toEqual(clauses);
	});
});
