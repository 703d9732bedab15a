import { describe, expect, it } from 'vitest';
import { splitMessage } from './messageText';

describe('splitMessage', () => {
	it('splits at the first empty line and un-stuffs body lines', () => {
		const split = splitMessage('Subject: hi\nFrom: a@example.com\n\nhello\n..hidden\n');
		expect(split.header).toEqual(['Subject: hi', 'From: a@example.com']);
		expect(split.hasBlankLine).toBe(true);
		expect(split.body).toEqual([
			{ wire: 'hello', stored: 'hello', stuffed: false },
			{ wire: '..hidden', stored: '.hidden', stuffed: true }
		]);
	});
	it('handles content without a blank line', () => {
		expect(splitMessage('just text')).toEqual({
			header: ['just text'],
			hasBlankLine: false,
			body: []
		});
	});
});
