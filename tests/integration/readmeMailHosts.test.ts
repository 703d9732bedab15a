/**
 * Issue 17: the README's "How a message is delivered" writes the host table and the remote domain
 * table out by hand from src/lib/delivery/mailHosts.ts. A row that disagrees with MAIL_HOSTS or
 * REMOTE_DOMAINS (a host moved to another address, a behaviour changed, a row missing or extra,
 * an MX preference changed) fails here.
 */
import { describe, expect, it } from 'vitest';
import { MAIL_HOSTS, REMOTE_DOMAINS, mailHost } from '../../src/lib/delivery/mailHosts';
import { section, tableRows } from './readmeTables';

const delivery = section('How a message is delivered');

describe('README: how a message is delivered', () => {
	it('the host table is MAIL_HOSTS: name, address, role and behaviour of every row, in order', () => {
		const rows = tableRows(delivery, '| host | address | role | behaviour |', {
			stripBackticks: true
		});
		expect(rows.map((cells) => cells.slice(0, 4))).toEqual(
			MAIL_HOSTS.map((h) => [h.name, h.address, h.role, h.behaviour])
		);
	});

	it('the domain table is REMOTE_DOMAINS: each domain with the records its routing makes', () => {
		const rows = tableRows(delivery, '| domain | its DNS records |', { stripBackticks: true });
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
