import { describe, expect, test } from 'vitest';
import {
	AUTH_RESULTS_FACTS,
	DKIM_BODY_HASH_MISMATCH,
	DKIM_CANONICALIZATION,
	DKIM_FACTS,
	DKIM_RESULTS,
	DKIM_TAGS,
	DMARC_ALIGNMENT,
	DMARC_FACTS,
	DMARC_POLICIES,
	DMARC_RESULTS,
	NO_REPORT,
	SIGNED_AT_SUBMISSION,
	SPF_FACTS,
	SPF_QUALIFIERS,
	SPF_RESULTS,
	SPF_STEP_OUTCOMES,
	SPF_TERMS,
	canonicalization,
	spfTerm,
	type AuthExplanation
} from './explanations';

const TABLES: Record<string, Record<string, AuthExplanation>> = {
	SPF_RESULTS,
	SPF_QUALIFIERS,
	SPF_TERMS,
	SPF_STEP_OUTCOMES,
	SPF_FACTS,
	DKIM_RESULTS,
	DKIM_TAGS,
	DKIM_CANONICALIZATION,
	DKIM_FACTS,
	DMARC_RESULTS,
	DMARC_POLICIES,
	DMARC_ALIGNMENT,
	DMARC_FACTS,
	AUTH_RESULTS_FACTS,
	single: { DKIM_BODY_HASH_MISMATCH, NO_REPORT, SIGNED_AT_SUBMISSION }
};

const rows = Object.entries(TABLES).flatMap(([table, rows]) =>
	Object.entries(rows).map(([key, row]) => [`${table}.${key}`, row] as const)
);

describe('every row', () => {
	test.each(rows)('%s has a sentence and cites an RFC by number and section', (_, row) => {
		expect(row.label.trim()).not.toBe('');
		expect(row.summary).toMatch(/^\S.{20,}[.!)]$/s);
		expect(row.rfc.length).toBeGreaterThan(0);
		for (const r of row.rfc) {
			expect([6376, 7208, 7489, 8601]).toContain(r.rfc);
			expect(r.section).toMatch(/^\d+(\.\d+)*$/);
		}
	});
});

describe('every value the report can hold has a row', () => {
	// The result names as the RFCs list them, written out here, not read from the tables.
	test('SPF results: RFC 7208 §2.6.1–§2.6.7', () => {
		const sections = {
			none: '2.6.1',
			neutral: '2.6.2',
			pass: '2.6.3',
			fail: '2.6.4',
			softfail: '2.6.5',
			temperror: '2.6.6',
			permerror: '2.6.7'
		};
		expect(Object.keys(SPF_RESULTS).sort()).toEqual(Object.keys(sections).sort());
		for (const [result, section] of Object.entries(sections))
			expect(SPF_RESULTS[result as keyof typeof SPF_RESULTS].rfc).toContainEqual({
				rfc: 7208,
				section
			});
	});

	test('DKIM results: RFC 8601 §2.7.1', () => {
		const results = ['none', 'pass', 'fail', 'policy', 'neutral', 'temperror', 'permerror'];
		expect(Object.keys(DKIM_RESULTS).sort()).toEqual([...results].sort());
		for (const r of results)
			expect(DKIM_RESULTS[r as keyof typeof DKIM_RESULTS].rfc).toContainEqual({
				rfc: 8601,
				section: '2.7.1'
			});
	});

	test('DMARC results: RFC 7489 §11.2; policies, alignment modes: §6.3', () => {
		expect(Object.keys(DMARC_RESULTS).sort()).toEqual(
			['none', 'pass', 'fail', 'temperror', 'permerror'].sort()
		);
		for (const row of Object.values(DMARC_RESULTS))
			expect(row.rfc).toContainEqual({ rfc: 7489, section: '11.2' });
		expect(Object.keys(DMARC_POLICIES).sort()).toEqual(['none', 'quarantine', 'reject']);
		expect(Object.keys(DMARC_ALIGNMENT).sort()).toEqual(['r', 's']);
		expect(DMARC_POLICIES.reject.rfc).toContainEqual({ rfc: 7489, section: '10.3' });
	});

	test('SPF step outcomes and qualifiers', () => {
		expect(Object.keys(SPF_STEP_OUTCOMES).sort()).toEqual(
			['error', 'match', 'no-match', 'not-reached'].sort()
		);
		expect(Object.keys(SPF_QUALIFIERS).sort()).toEqual(['+', '-', '?', '~'].sort());
	});
});

describe('SPF terms: RFC 7208 §5 and §6', () => {
	test.each([
		['all', '5.1'],
		['include', '5.2'],
		['a', '5.3'],
		['mx', '5.4'],
		['ptr', '5.5'],
		['ip4', '5.6'],
		['ip6', '5.6'],
		['exists', '5.7'],
		['redirect', '6.1'],
		['exp', '6.2']
	])('%s cites §%s', (name, section) => {
		expect(spfTerm(name).rfc).toContainEqual({ rfc: 7208, section });
		expect(spfTerm(name.toUpperCase())).toBe(spfTerm(name));
	});

	test('a modifier SPF does not define is ignored (§6)', () => {
		expect(spfTerm('x-custom')).toBe(SPF_TERMS.unknown);
		expect(SPF_TERMS.unknown.summary).toMatch(/ignored/);
	});

	test('the limits, the null sender and HELO', () => {
		expect(SPF_FACTS['lookup-limit'].summary).toMatch(/10/);
		expect(SPF_FACTS['lookup-limit'].rfc).toEqual([{ rfc: 7208, section: '4.6.4' }]);
		expect(SPF_FACTS['void-limit'].summary).toMatch(/2|two/);
		expect(SPF_FACTS['void-limit'].rfc).toEqual([{ rfc: 7208, section: '4.6.4' }]);
		expect(SPF_FACTS['null-sender'].summary).toMatch(/postmaster@/);
		expect(SPF_FACTS['null-sender'].rfc).toEqual([{ rfc: 7208, section: '2.4' }]);
		expect(SPF_FACTS.helo.rfc).toEqual([{ rfc: 7208, section: '2.1' }]);
	});
});

describe('DKIM', () => {
	test('the tags the tab shows, each citing §3.5', () => {
		expect(Object.keys(DKIM_TAGS).sort()).toEqual(['a', 'b', 'bh', 'c', 'd', 'h', 'l', 's']);
		for (const row of Object.values(DKIM_TAGS))
			expect(row.rfc).toContainEqual({ rfc: 6376, section: '3.5' });
	});

	test('canonicalization rows: simple and relaxed, header and body (§3.4.1–§3.4.4)', () => {
		expect(canonicalization('relaxed', 'header').rfc).toEqual([{ rfc: 6376, section: '3.4.2' }]);
		expect(canonicalization('Simple', 'body').rfc).toEqual([{ rfc: 6376, section: '3.4.3' }]);
		expect(canonicalization('relaxed', 'body').rfc).toEqual([{ rfc: 6376, section: '3.4.4' }]);
		expect(canonicalization('simple', 'header').rfc).toEqual([{ rfc: 6376, section: '3.4.1' }]);
	});

	test('a body hash mismatch: mailauth says neutral, RFC 6376 §6.1.3 says PERMFAIL', () => {
		expect(DKIM_BODY_HASH_MISMATCH.summary).toMatch(/PERMFAIL/);
		expect(DKIM_BODY_HASH_MISMATCH.summary).toMatch(/neutral/);
		expect(DKIM_BODY_HASH_MISMATCH.rfc).toEqual([{ rfc: 6376, section: '6.1.3' }]);
	});

	test('the verification steps and the key record', () => {
		expect(DKIM_FACTS['step-validate'].rfc).toEqual([{ rfc: 6376, section: '6.1.1' }]);
		expect(DKIM_FACTS['step-key'].rfc).toEqual([{ rfc: 6376, section: '6.1.2' }]);
		expect(DKIM_FACTS['step-verify'].rfc).toEqual([{ rfc: 6376, section: '6.1.3' }]);
		expect(DKIM_FACTS['body-hash'].rfc).toEqual([{ rfc: 6376, section: '3.7' }]);
		expect(DKIM_FACTS['key-record'].rfc).toContainEqual({ rfc: 6376, section: '3.6.1' });
	});
});

describe('DMARC and Authentication-Results', () => {
	test('SPF’s identifier for alignment is MAIL FROM only (RFC 7489 §3.1.2)', () => {
		expect(DMARC_FACTS['spf-identifier'].summary).toMatch(/MAIL FROM/);
		expect(DMARC_FACTS['spf-identifier'].summary).toMatch(/not the HELO/);
		expect(DMARC_FACTS['spf-identifier'].rfc).toEqual([{ rfc: 7489, section: '3.1.2' }]);
	});

	test('organizational domain §3.2, discovery §6.6.3, the tags §6.3', () => {
		expect(DMARC_FACTS['organizational-domain'].rfc).toEqual([{ rfc: 7489, section: '3.2' }]);
		expect(DMARC_FACTS.discovery.rfc).toEqual([{ rfc: 7489, section: '6.6.3' }]);
		for (const tag of ['p', 'sp', 'adkim', 'aspf'] as const)
			expect(DMARC_FACTS[tag].rfc).toContainEqual({ rfc: 7489, section: '6.3' });
		expect(DMARC_FACTS.informational.summary).toMatch(/Informational/);
	});

	test('authserv-id §2.5, forged fields removed §5', () => {
		expect(AUTH_RESULTS_FACTS['authserv-id'].rfc).toEqual([{ rfc: 8601, section: '2.5' }]);
		expect(AUTH_RESULTS_FACTS['removed-forgeries'].rfc).toEqual([{ rfc: 8601, section: '5' }]);
	});
});
