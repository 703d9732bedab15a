/**
 * The owner cookie and the operator cookie (issue 13 "Who owns what", "Bad input"): only a value
 * this server issued names an owner; anything else, tampered, foreign, oversized or garbage, is
 * no one (the browser then becomes a new owner, see ownerDirectory.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CookieSigner } from './ownerCookie';

const signer = new CookieSigner(randomBytes(32));

/** The same text with the character at `at` replaced by another of the cookie's alphabet. */
function changedAt(text: string, at: number): string {
	const other = text[at] === 'A' ? 'B' : 'A';
	return text.slice(0, at) + other + text.slice(at + 1);
}

describe('owner cookie', () => {
	it('an issued cookie names its owner: a random 128-bit id', () => {
		const { id, cookie } = signer.issueOwner();
		expect(signer.readOwner(cookie)).toBe(id);
		expect(Buffer.from(id, 'base64url')).toHaveLength(16);
		expect(signer.issueOwner().id).not.toBe(id);
	});

	it('a tampered id or MAC names no one', () => {
		const { cookie } = signer.issueOwner();
		const dot = cookie.indexOf('.');
		expect(signer.readOwner(changedAt(cookie, 0))).toBeNull();
		expect(signer.readOwner(changedAt(cookie, dot - 1))).toBeNull();
		expect(signer.readOwner(changedAt(cookie, dot + 1))).toBeNull();
		expect(signer.readOwner(changedAt(cookie, cookie.length - 1))).toBeNull();
		// Another owner's MAC on this id, and this id's MAC on another's id.
		const other = signer.issueOwner().cookie;
		expect(signer.readOwner(cookie.slice(0, dot) + other.slice(dot))).toBeNull();
		expect(signer.readOwner(other.slice(0, dot) + cookie.slice(dot))).toBeNull();
	});

	it("another secret's cookie names no one", () => {
		const foreign = new CookieSigner(randomBytes(32)).issueOwner().cookie;
		expect(signer.readOwner(foreign)).toBeNull();
	});

	it.each([
		['empty', ''],
		['undefined', undefined],
		['no MAC', 'AAAAAAAAAAAAAAAAAAAAAA'],
		['two dots', 'AAAAAAAAAAAAAAAAAAAAAA..AAAAAAAAAAAAAAAAAAAAA'],
		['not base64url', 'AAAAAAAAAAAAAAAAAAAA+/.AAAAAAAAAAAAAAAAAAAA+/'],
		['JSON', '{"id":"x"}'],
		['non-ASCII', 'ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ.ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ'],
		['a NUL', `${'A'.repeat(22)}.\u0000${'A'.repeat(21)}`]
	])('garbage (%s) names no one', (_kind, value) => {
		expect(signer.readOwner(value)).toBeNull();
	});

	it('an oversized value names no one, even when it starts with a valid cookie', () => {
		const { cookie } = signer.issueOwner();
		expect(signer.readOwner(cookie + 'A')).toBeNull();
		expect(signer.readOwner(cookie + '.' + 'A'.repeat(8 * 1024))).toBeNull();
		expect(signer.readOwner('A'.repeat(8 * 1024))).toBeNull();
	});
});

describe('operator cookie', () => {
	const token = 'the-operator-token-of-this-test';

	it('is accepted for its token only, and changes when the token changes', () => {
		const cookie = signer.operatorCookie(token);
		expect(signer.isOperatorCookie(cookie, token)).toBe(true);
		const changedToken = `${token}-2`;
		expect(signer.operatorCookie(changedToken)).not.toBe(cookie);
		expect(signer.isOperatorCookie(cookie, changedToken)).toBe(false);
	});

	it("another secret's operator cookie for the same token is refused", () => {
		const foreign = new CookieSigner(randomBytes(32)).operatorCookie(token);
		expect(signer.isOperatorCookie(foreign, token)).toBe(false);
	});

	it('an owner cookie is not an operator cookie', () => {
		expect(signer.isOperatorCookie(signer.issueOwner().cookie, token)).toBe(false);
	});

	it.each([
		['empty', ''],
		['undefined', undefined],
		['tampered', 'tampered'],
		['oversized', 'A'.repeat(8 * 1024)]
	])('%s is refused', (_kind, value) => {
		expect(signer.isOperatorCookie(value, token)).toBe(false);
	});

	it('the MAC with a character changed is refused', () => {
		const cookie = signer.operatorCookie(token);
		expect(signer.isOperatorCookie(changedAt(cookie, 0), token)).toBe(false);
		expect(signer.isOperatorCookie(changedAt(cookie, cookie.length - 1), token)).toBe(false);
	});
});
