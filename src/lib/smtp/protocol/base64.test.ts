import { describe, expect, test } from 'vitest';
import { decodeBase64, isBase64 } from './base64';

describe('isBase64 (RFC 4648 §4): checked before decoding, so atob never throws', () => {
	const rows: [string, boolean][] = [
		['', true], // empty data is valid
		['YQ==', true], // one octet, two pad characters
		['YWI=', true], // two octets, one pad character
		['YWJj', true], // three octets, no padding
		['YQ', true], // padding omitted (RFC 4648 §3.2 allows it where agreed)
		['a', false], // one character can never be a whole quantum
		['abcde=', false], // five data characters: length mod 4 = 1
		['a===', false], // three pad characters
		['YWJj=', false], // padding after a complete quantum
		['YQ=', false], // padding that does not complete the quantum
		['Y=Q=', false], // padding in the middle
		['**masked**', false] // not in the alphabet
	];
	test.each(rows)('%j → %s', (text, valid) => {
		expect(isBase64(text)).toBe(valid);
		expect(() => decodeBase64(text)).not.toThrow();
		expect(decodeBase64(text) !== undefined).toBe(valid);
	});
});
