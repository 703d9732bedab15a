/**
 * Issue 17: the README's "How a message is delivered" writes the host table and the remote domain
 * table out by hand from src/lib/delivery/mailHosts.ts. A row that disagrees with MAIL_HOSTS or
 * REMOTE_DOMAINS (a host moved to another address, a behaviour changed, a row missing or extra,
 * an MX preference changed) fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAIL_HOSTS, REMOTE_DOMAINS, mailHost } from '../../src/lib/delivery/mailHosts';

const readme = readFileSync('README.md', 'utf8');

/** The README's section, from its heading to the next heading of the same level. */
function section(title: string): string {
	const start = readme.indexOf(`\n## ${title}\n`);
	if (start < 0) throw new Error(`README has no section "${title}"`);
	const end = readme.indexOf('\n## ', start + 1);
	return readme.slice(start, end < 0 ? undefined : end);
}

/** The rows of the Markdown table whose header line starts with `header`, cells without backticks. */
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
				.map((cell) => cell.trim().replace(/`/g, ''))
		);
	}
	return rows;
}

const delivery = section('How a message is delivered');

describe('README: how a message is delivered', () => {
	it('the host table is MAIL_HOSTS: name, address, role and behaviour of every row, in order', () => {
		const rows = tableRows(delivery, '| host | address | role | behaviour |');
		expect(rows.map((cells) => cells.slice(0, 4))).toEqual(
			MAIL_HOSTS.map((h) => [h.name, h.address, h.role, h.behaviour])
		);
	});

	it('the domain table is REMOTE_DOMAINS: each domain with the records its routing makes', () => {
		const rows = tableRows(delivery, '| domain | its DNS records |');
		const records = (d: (typeof REMOTE_DOMAINS)[number]): string => {
			const routing = d.routing;
			if (routing.kind === 'null-mx') return 'MX 0 .';
			if (routing.kind === 'implicit') return `no MX; A ${mailHost(routing.host)!.address}`;
			return routing.exchangers.map((e) => `MX ${e.preference} ${e.host}`).join(', ');
		};
		expect(rows.map((cells) => cells.slice(0, 2))).toEqual(
			REMOTE_DOMAINS.map((d) => [d.domain, records(d)])
		);
	});
});
