/**
 * Claims the example narrations make about RFCs that say less than a MUST. Expected wording is
 * written by hand from the RFC text cited on each row.
 */
import { describe, expect, test } from 'vitest';
import { EXAMPLES } from './catalogue';

/** Every sentence of every example's texts (title, intro, narration, outro, …). */
const SENTENCES: string[] = JSON.stringify(EXAMPLES)
	.split(/(?<=[.!?])\s+/)
	.filter((s) => s.length > 0);

function citing(section: RegExp): string[] {
	return SENTENCES.filter((s) => section.test(s));
}

describe('examples say what the RFC says, no more', () => {
	test('EHLO after STARTTLS: RFC 3207 §4.2 says SHOULD, not "required" or "must"', () => {
		const said = citing(/RFC 3207 §4\.2/);
		expect(said.length).toBeGreaterThan(0);
		for (const sentence of said) {
			// The client MUST forget the old list; sending EHLO again is a SHOULD.
			expect(sentence).not.toMatch(/required|\bmust (?:\w+ )*?(?:send|ask)/i);
		}
	});
	test('Bcc: RFC 5322 §3.6.3 names three ways, not "the Bcc: line is removed"', () => {
		const said = citing(/Bcc.*RFC 5322 §3\.6\.3/);
		expect(said.length).toBeGreaterThan(0);
		for (const sentence of said) {
			expect(sentence).not.toMatch(/well-behaved|removes the Bcc: line before sending/);
			// The three ways: removed from every copy; kept in the blind recipients' separate copy;
			// sent with no addresses.
			expect(sentence).toMatch(/from every copy/);
			expect(sentence).toMatch(/separate copy/);
			expect(sentence).toMatch(/no addresses/);
		}
	});
});
