/**
 * Issue 20: the README's "Email authentication" writes the teaching domains' table out by hand
 * from src/lib/auth/authDomains.ts. A row that disagrees with AUTH_DOMAINS (a record changed, a
 * domain missing or extra, its DKIM signing changed) fails here.
 */
import { describe, expect, it } from 'vitest';
import { AUTH_DOMAINS, type AuthDomainRow } from '../../src/lib/auth/authDomains';
import { section, tableRows } from './readmeTables';

/** How the table writes a row's signing: the three values of `dkim`, and `requiresDkim`. */
const SIGNING: Record<AuthDomainRow['dkim'], string> = {
	published: 'signed',
	missing: 'signed, key not published',
	none: 'not signed'
};

describe('README: email authentication', () => {
	it('the teaching domains table is AUTH_DOMAINS: each domain, its TXT records and its signing', () => {
		const rows = tableRows(section('Email authentication'), '| domain | its TXT records |');
		// A row may name several domains that publish the same ("`example.com`, `example.net` …").
		const written = rows.flatMap(([domains, records, signing]) =>
			domains.split(', ').map((domain) => [domain, records, signing])
		);
		const expected = AUTH_DOMAINS.map((row: AuthDomainRow) => [
			`\`${row.domain}\``,
			row.records.map((r) => `\`${r.name}\` \`${r.value}\``).join(', '),
			'requiresDkim' in row && row.requiresDkim ? 'signed, required' : SIGNING[row.dkim]
		]);
		expect(written).toEqual(expected);
	});
});
