import { describe, expect, it } from 'vitest';
import { presentationData, txtPresentation, txtStrings } from './txtStrings';

describe('a TXT value as character-strings (RFC 1035 §3.3.14)', () => {
	it('cuts at 255 octets, counting octets, not characters', () => {
		expect(txtStrings('').map((s) => s.length)).toEqual([0]);
		expect(txtStrings('a'.repeat(255)).map((s) => s.length)).toEqual([255]);
		expect(txtStrings('a'.repeat(256)).map((s) => s.length)).toEqual([255, 1]);
		// 300 two-octet characters: 600 octets.
		expect(txtStrings('é'.repeat(300)).map((s) => s.length)).toEqual([255, 255, 90]);
	});

	it('writes each string quoted, " and \\ escaped, other octets as \\DDD (RFC 1035 §5.1)', () => {
		expect(txtPresentation('v=spf1 -all')).toBe('"v=spf1 -all"');
		expect(txtPresentation('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
		expect(txtPresentation('café')).toBe('"caf\\195\\169"');
		expect(txtPresentation('x'.repeat(256))).toBe(`"${'x'.repeat(255)}" "x"`);
	});

	it('the /dns zone writes TXT data in that form, other types as they are', () => {
		expect(presentationData({ name: 'a.test', type: 'TXT', ttl: 1, data: 'v=spf1 ?all' })).toBe(
			'"v=spf1 ?all"'
		);
		expect(presentationData({ name: 'a.test', type: 'MX', ttl: 1, data: '10 mx.a.test.' })).toBe(
			'10 mx.a.test.'
		);
	});
});
