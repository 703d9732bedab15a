/**
 * Issue 20: the README's "Email authentication" writes the teaching domains' table out by hand
 * from src/lib/auth/authDomains.ts. A row that disagrees with AUTH_DOMAINS (a record changed, a
 * domain missing or extra, its DKIM signing changed) fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTH_DOMAINS, type AuthDomainRow } from '../../src/lib/auth/authDomains';

const readme = readFileSync('README.md', 'utf8');

/** The README's section, from its heading to the next heading of the same level. */
function section(title: string): string {
	const start = readme.indexOf(`\n## ${title}\n`);
	if (start < 0) throw new Error(`README has no section "${title}"`);
	const end = readme.indexOf('\n## ', start + 1);
	return readme.slice(start, end < 0 ? undefined : end);
}

/** The rows of the Markdown table whose header line starts with `header`, cells as written. */
function tableRows(text: string, header: string): string[][] {
	const lines = text.split('\n');
	const at = lines.findIndex((line) => line.startsWith(header));
	if (at < 0) throw new Error(`no table starting "${header}"`);
	const rows: string[][] = [];
	for (const line of lines.slice(at + 2)) {
		if (!line.startsWith('|')) break;
		rows.push(
			line
				.slice(1, -1)
				.split(' | ')
				.map((cell) => cell.trim())
		);
	}
	return rows;
}

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
