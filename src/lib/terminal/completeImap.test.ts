import { describe, expect, it } from 'vitest';
import { completeImap } from './completeImap';

describe('completeImap', () => {
	it('offers the next tag on an empty line (RFC 3501 §2.2.1)', () => {
		expect(completeImap('', 'imap-not-authenticated', 'a3')).toEqual(['a3 ']);
	});
	it('after a tag, the commands of the state (§3, §6.2), with a space when they take arguments', () => {
		const offered = completeImap('a1 ', 'imap-not-authenticated', 'a1');
		expect(offered).toContain('a1 STARTTLS');
		expect(offered).toContain('a1 LOGIN ');
		expect(offered).not.toContain('a1 SELECT ');
		const selected = completeImap('x ', 'imap-selected', 'a9');
		expect(selected).toContain('x FETCH ');
		expect(selected).toContain('x IDLE');
		expect(selected).toContain('x EXPUNGE');
	});
	it('AUTHENTICATE takes PLAIN (RFC 4616)', () => {
		expect(completeImap('a2 AUTHENTICATE P', 'imap-not-authenticated', 'a3')).toEqual([
			'a2 AUTHENTICATE PLAIN'
		]);
	});
});
