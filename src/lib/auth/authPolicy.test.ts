/**
 * The decision table (authPolicy.ts) at the edges the golden scenarios do not reach: DMARC's
 * policy governs when there is a record (SPF alone only without one), a DMARC temperror applies
 * no policy (RFC 7489 §6.6.2), and the host's DKIM rule wants a passing signature of the domain.
 */
import { describe, expect, it } from 'vitest';
import { authDomain } from './authDomains';
import { AUTH_DECISIONS, decideAuthentication } from './authPolicy';
import type { AuthenticationReport, DkimCheck, DmarcCheck, SpfResult } from './report';

type Report = Omit<AuthenticationReport, 'decision'>;

function report(
	spf: SpfResult,
	dmarc: Partial<DmarcCheck> | null,
	dkim: Partial<DkimCheck>[] = []
): Report {
	return {
		authservId: 'mx.test',
		evaluatedAt: 0,
		spf: {
			identity: 'mailfrom',
			sender: 'a@sender.test',
			domain: 'sender.test',
			clientAddress: '127.0.0.1',
			helo: 'client.test',
			evaluation: { domain: 'sender.test', record: null, steps: [], result: spf },
			lookupCount: 0,
			voidLookupCount: 0,
			result: spf,
			comment: ''
		},
		dkim: dkim.map((d) => ({ domain: 'sender.test', result: 'pass', ...d }) as DkimCheck),
		dmarc:
			dmarc &&
			({
				fromDomain: 'sender.test',
				spf: { domain: 'sender.test', result: spf, aligned: false },
				dkim: [],
				...dmarc
			} as DmarcCheck),
		removedForgeries: 0,
		header: ''
	};
}

describe('decideAuthentication', () => {
	it('has one row per decision, the refusing ones with a 550 and an X.7 code', () => {
		expect(AUTH_DECISIONS.map((row) => row.reason)).toEqual([
			'dmarc-reject',
			'dmarc-quarantine',
			'dkim-required',
			'dkim-not-author-matched',
			'spf-fail',
			'accepted'
		]);
		for (const row of AUTH_DECISIONS)
			if (row.action === 'reject')
				expect(`${row.reply?.code} ${row.reply?.enhanced}`).toMatch(/^550 5\.7\./);
	});

	it('SPF fail under a DMARC record of p=none: the domain’s policy governs, delivered', () => {
		const decision = decideAuthentication(
			report('fail', { record: 'v=DMARC1; p=none', policy: 'none', result: 'fail' }),
			undefined
		);
		expect(decision).toEqual({ action: 'inbox', reason: 'accepted', reply: null });
	});

	it('a DMARC temperror applies no policy, even p=reject (RFC 7489 §6.6.2)', () => {
		const decision = decideAuthentication(
			report('temperror', { record: 'v=DMARC1; p=reject', policy: 'reject', result: 'temperror' }),
			undefined
		);
		expect(decision.action).toBe('inbox');
	});

	it('SPF fail with no DMARC record, and with no From: domain at all: 550 5.7.23', () => {
		for (const dmarc of [{ record: null, policy: null, result: 'none' as const }, null])
			expect(decideAuthentication(report('fail', dmarc), undefined).reply).toBe(
				'550 5.7.23 SPF: sender.test does not allow 127.0.0.1 to send its mail (SPF fail for <a@sender.test>), and it publishes no DMARC policy'
			);
	});

	it('a HELO fail alone changes no decision: DMARC and the table read MAIL FROM’s SPF only (RFC 7489 §3.1.2)', () => {
		for (const [spf, dmarc] of [
			['pass', null],
			['softfail', { record: null, policy: null, result: 'none' as const }],
			['pass', { record: 'v=DMARC1; p=reject', policy: 'reject' as const, result: 'pass' as const }]
		] as const) {
			const without = report(spf, dmarc);
			const withHeloFail: Report = {
				...without,
				spfHelo: {
					...without.spf,
					identity: 'helo',
					sender: 'postmaster@client.test',
					domain: 'client.test',
					evaluation: { domain: 'client.test', record: 'v=spf1 -all', steps: [], result: 'fail' },
					result: 'fail'
				}
			};
			expect(decideAuthentication(withHeloFail, undefined)).toEqual({
				action: 'inbox',
				reason: 'accepted',
				reply: null
			});
			expect(decideAuthentication(withHeloFail, undefined)).toEqual(
				decideAuthentication(without, undefined)
			);
		}
	});

	it('signed.test’s rule: a passing signature of another domain is not one of signed.test: 550 5.7.22 (RFC 7372 §3.1)', () => {
		const row = authDomain('signed.test');
		const other = report('softfail', { fromDomain: 'signed.test', result: 'none', record: null }, [
			{ domain: 'signed.test', result: 'fail' },
			{ domain: 'other.test', result: 'pass' }
		]);
		expect(decideAuthentication(other, row)).toEqual({
			action: 'reject',
			reason: 'dkim-not-author-matched',
			reply:
				'550 5.7.22 DKIM: this server requires mail From: signed.test to carry a passing DKIM signature of signed.test; it carries a passing DKIM signature, but of other.test, not of signed.test'
		});
		const own = report('softfail', { fromDomain: 'signed.test', result: 'none', record: null }, [
			{ domain: 'signed.test', result: 'pass' }
		]);
		expect(decideAuthentication(own, row).reason).toBe('accepted');
	});

	it('signed.test’s rule: signatures that all fail are no passing signature: 550 5.7.20 (RFC 7372 §3.1)', () => {
		const failing = report(
			'softfail',
			{ fromDomain: 'signed.test', result: 'none', record: null },
			[
				{ domain: 'signed.test', result: 'fail' },
				{ domain: 'other.test', result: 'neutral' }
			]
		);
		expect(decideAuthentication(failing, authDomain('signed.test'))).toEqual({
			action: 'reject',
			reason: 'dkim-required',
			reply:
				'550 5.7.20 DKIM: this server requires mail From: signed.test to carry a passing DKIM signature of signed.test; DKIM fail for d=signed.test, DKIM neutral for d=other.test'
		});
	});
});
