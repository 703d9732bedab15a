import { describe, expect, it } from 'vitest';
import { decodeBase64, saslPlain } from './sasl';

describe('saslPlain (RFC 4616)', () => {
	it('encodes NUL user NUL password', () => {
		expect(saslPlain('alice', 'wonderland')).toBe('AGFsaWNlAHdvbmRlcmxhbmQ=');
		expect(decodeBase64('AGFsaWNlAHdvbmRlcmxhbmQ=')).toBe('\\0alice\\0wonderland');
	});
	it('encodes non-ASCII as UTF-8', () => {
		expect(decodeBase64(saslPlain('jürgen', 'pässword'))).toBe('\\0jürgen\\0pässword');
	});
	it('says when text is not base64', () => {
		expect(decodeBase64('***')).toBeNull();
	});
});
