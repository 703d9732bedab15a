/** Which domain signs (RFC 6376 §3.5 d=, aligned with From: for RFC 7489 §3.1.1) and the signature. */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadDkimKey } from './dkimKeys';
import { signingDomainFor, signMessage } from './dkimSigner';

const HOSTED = new Set(['example.com', 'relaxed.test', 'list.test', 'nokey.test', 'ann.test']);
const hosted = (d: string) => HOSTED.has(d);

describe('signingDomainFor', () => {
	it.each([
		['example.com', 'example.com'],
		['News.Relaxed.Test', 'relaxed.test'],
		['a.b.relaxed.test', 'relaxed.test'],
		['ann.test', 'ann.test'],
		// signed, though no key is published (the lesson of nokey.test)
		['nokey.test', 'nokey.test'],
		// list.test's row says the sandbox does not sign for it
		['list.test', null],
		['news.list.test', null],
		// outside domains, and a bare top-level domain, never
		['gmail.com', null],
		['test', null]
	])('%s → %s', (from, domain) => {
		expect(signingDomainFor(from, hosted)).toBe(domain);
	});
});

describe('signMessage', () => {
	it('prepends a DKIM-Signature (rsa-sha256, relaxed/relaxed, d=, s=) and keeps the message', async () => {
		const key = loadDkimKey(null, 'smtplab');
		const raw = Buffer.from('From: a@example.com\r\nSubject: x\r\nTo: b@north.test\r\n\r\nHi\r\n');
		const out = await signMessage(raw, key, 'example.com');
		const field = out.subarray(0, out.length - raw.length).toString();
		expect(out.subarray(out.length - raw.length).equals(raw)).toBe(true);
		expect(field).toMatch(
			/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=example\.com;/
		);
		expect(field.replace(/\r\n\s/g, ' ')).toMatch(
			/ h=To: Subject: From; .*s=smtplab; .*bh=\S+; b=\S+/
		);
		expect(field.endsWith('\r\n')).toBe(true);
	});
});

describe('signMessage’s t=', () => {
	afterEach(() => {
		vi.restoreAllMocks();
	});

	it('is the time it signed, even when the clock moves on while it signs', async () => {
		const key = loadDkimKey(null, 'smtplab');
		// Every reading of the clock a second later than the one before.
		let now = 1_800_000_000_000;
		vi.spyOn(Date, 'now').mockImplementation(() => (now += 1000));
		const raw = Buffer.from('From: a@example.com\r\nSubject: x\r\n\r\nHi\r\n');
		const signedRaw = await signMessage(raw, key, 'example.com');
		vi.restoreAllMocks();
		const { dkimVerify } = createRequire(import.meta.url)('mailauth/lib/dkim/verify.js');
		const result = await dkimVerify(signedRaw, {
			resolver: async () => [[key.publicKeyRecord]]
		});
		expect(result.results.map((r: { status: { result: string } }) => r.status.result)).toEqual([
			'pass'
		]);
	});
});
