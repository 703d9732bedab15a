/**
 * The domains whose mail the sandbox authenticates, and the TXT records each publishes (issue 20):
 * SPF at the apex (RFC 7208 §3), DMARC at _dmarc (RFC 7489 §6.1), the DKIM public key at
 * <selector>._domainkey (RFC 6376 §3.6.2.1). One row per domain: the sandbox DNS
 * (server/dns/sandboxZone.ts) publishes them, the submission server signs for the rows that say
 * so (server/auth/), and the /dns page and the examples read them. Pure data, shared by server
 * and browser.
 *
 * The sandbox "hosts" all of them: mail it submits for them leaves from out.smtp-lab.test
 * (127.0.0.2, src/lib/delivery/mailHosts.ts), so their SPF records name that host, and anyone
 * else claiming them — a mail program connecting straight to an MX from 127.0.0.1 — is the
 * spoofer the records are there to catch.
 */
import type { RfcRef } from '../messages';
import { ref } from '../smtp/rfc';

/** A TXT record of a domain: its name relative to the domain ("@" is the domain itself). */
export interface TxtRecordRow {
	name: string;
	value: string;
}

export interface AuthDomainRow {
	domain: string;
	/** SPF and DMARC records and any other TXT records, as published. */
	records: TxtRecordRow[];
	/**
	 * The submission server signs mail whose From: is at this domain (or under it) with d= this
	 * domain; `published` puts the public key at <selector>._domainkey, `missing` does not (the
	 * signature then points at a key nobody can find); `none`: the sandbox does not sign for it.
	 */
	dkim: 'published' | 'missing' | 'none';
	/**
	 * This MX's local policy: a message whose From: is at this domain must carry a passing DKIM
	 * signature of it, or is refused 550 5.7.20, or 5.7.22 when a signature of another domain
	 * passes (RFC 7372 §3.1).
	 */
	requiresDkim?: true;
	/** The sandbox DNS answers SERVFAIL for every TXT question under it: a temporary error. */
	servfail?: true;
	/** What a lesson shows with it. */
	explains: string;
	rfc: RfcRef[];
}

/** The outgoing server, by name: an `a` mechanism costs a lookup, which the steps show. */
const OUTGOING = 'a:out.smtp-lab.test';

/**
 * The SPF record each sandbox host that sends mail publishes at its own HELO name (mailHosts.ts
 * rows with `sends`), as RFC 7208 §2.3 recommends: the host's own address (`a`, §5.3) may use the
 * name, nobody else (`-all`), so an MX checking the HELO identity gets pass from the real host.
 */
export const HELO_SPF = 'v=spf1 a -all';

/** The SPF and DMARC records the sandbox's own domains publish (and personal/class domains start with). */
export const DEFAULT_SPF = `v=spf1 ${OUTGOING} ~all`;
export const DEFAULT_DMARC = 'v=DMARC1; p=none';

export const AUTH_DOMAINS = [
	...(['example.com', 'example.net', 'example.org'] as const).map((domain) => ({
		domain,
		records: [
			{ name: '@', value: DEFAULT_SPF },
			{ name: '_dmarc', value: DEFAULT_DMARC }
		],
		dkim: 'published' as const,
		explains:
			'The sandbox’s own domain: only the outgoing server may send for it, others get softfail (~all), and DMARC only watches (p=none), so a message typed straight to an MX still arrives, with its verdict.',
		rfc: [ref(7208, '5.1'), ref(7489, '6.3')]
	})),
	{
		domain: 'hardfail.test',
		records: [{ name: '@', value: `v=spf1 ${OUTGOING} -all` }],
		dkim: 'published',
		explains:
			'SPF “-all”: every other address fails. No DMARC record, so the MX enforces SPF alone: 550 5.7.23.',
		rfc: [ref(7208, '8.4'), ref(7372, '3.2')]
	},
	{
		domain: 'softfail.test',
		records: [{ name: '@', value: `v=spf1 ${OUTGOING} ~all` }],
		dkim: 'published',
		explains:
			'SPF “~all”: other addresses get softfail — probably not authorised, accepted but looked at more closely.',
		rfc: [ref(7208, '8.5')]
	},
	{
		domain: 'neutral.test',
		records: [{ name: '@', value: 'v=spf1 ?all' }],
		dkim: 'published',
		explains: 'SPF “?all”: the domain says nothing about any address: neutral, treated like none.',
		rfc: [ref(7208, '8.2')]
	},
	{
		domain: 'lookups.test',
		records: [
			{
				name: '@',
				value:
					'v=spf1 a:mx.north.test a:mx1.south.test a:mx2.south.test a:nomx.test a:mx.down.test a:mx1.backup.test a:mx2.backup.test a:mx.slow.test a:mx.greylist.test a:mx.list.test a:out.smtp-lab.test -all'
			}
		],
		dkim: 'published',
		explains:
			'An SPF record that needs 11 DNS lookups: the 11th breaks the limit of 10, a permanent error — though it is the one that would have passed.',
		rfc: [ref(7208, '4.6.4')]
	},
	{
		domain: 'reject.test',
		records: [
			{ name: '@', value: `v=spf1 ${OUTGOING} -all` },
			{ name: '_dmarc', value: 'v=DMARC1; p=reject' }
		],
		dkim: 'published',
		explains:
			'DMARC p=reject: a message whose From: is here must pass SPF or DKIM aligned with it, or the MX refuses it (550 5.7.1).',
		rfc: [ref(7489, '6.3'), ref(7489, '10.3')]
	},
	{
		domain: 'quarantine.test',
		records: [
			{ name: '@', value: `v=spf1 ${OUTGOING} -all` },
			{ name: '_dmarc', value: 'v=DMARC1; p=quarantine' }
		],
		dkim: 'published',
		explains:
			'DMARC p=quarantine: a failing message is delivered, into the recipient’s Junk folder.',
		rfc: [ref(7489, '6.3')]
	},
	{
		domain: 'nokey.test',
		records: [
			{ name: '@', value: `v=spf1 ${OUTGOING} -all` },
			{ name: '_dmarc', value: 'v=DMARC1; p=none' }
		],
		dkim: 'missing',
		explains:
			'Signed by the submission server, but no public key is published at the selector: the signature cannot be checked.',
		rfc: [ref(6376, '6.1.2')]
	},
	{
		domain: 'relaxed.test',
		records: [
			{ name: '@', value: `v=spf1 ${OUTGOING} -all` },
			{ name: '_dmarc', value: 'v=DMARC1; p=reject; adkim=r; aspf=r' }
		],
		dkim: 'published',
		explains:
			'Relaxed alignment: mail From: news.relaxed.test, signed d=relaxed.test, passes — same organizational domain.',
		rfc: [ref(7489, '3.1')]
	},
	{
		domain: 'strict.test',
		records: [
			{ name: '@', value: `v=spf1 ${OUTGOING} -all` },
			{ name: '_dmarc', value: 'v=DMARC1; p=reject; adkim=s; aspf=s' }
		],
		dkim: 'published',
		explains:
			'Strict alignment: mail From: news.strict.test, signed d=strict.test, fails — the domains must be identical.',
		rfc: [ref(7489, '3.1')]
	},
	{
		domain: 'signed.test',
		records: [{ name: '@', value: `v=spf1 ${OUTGOING} ~all` }],
		dkim: 'published',
		requiresDkim: true,
		explains:
			'The MX’s own rule (no DMARC needed): mail From: signed.test must carry a passing DKIM signature of it, or 550 5.7.20 — 550 5.7.22 when the signature that passes is another domain’s.',
		rfc: [ref(7372, '3.1')]
	},
	{
		domain: 'temperror.test',
		records: [{ name: '@', value: `v=spf1 ${OUTGOING} -all` }],
		dkim: 'published',
		servfail: true,
		explains:
			'Its name server fails (SERVFAIL) on every TXT question: SPF and DKIM give temperror, the check could not be made now.',
		rfc: [ref(7208, '2.6.6')]
	},
	{
		domain: 'list.test',
		records: [{ name: '@', value: 'v=spf1 a:mx.list.test -all' }],
		dkim: 'none',
		explains:
			'A mailing list: mx.list.test takes mail for learners@list.test, adds a footer and sends it on to the members from its own address, as a new sender (a forwarder, not a relay).',
		rfc: [ref(5321, '3.9.2'), ref(6376, '3.7')]
	}
] as const satisfies readonly AuthDomainRow[];

const BY_DOMAIN = new Map<string, AuthDomainRow>(AUTH_DOMAINS.map((row) => [row.domain, row]));

/** The row of a domain, or of the closest parent that has one (news.relaxed.test → relaxed.test). */
export function authDomain(domain: string): AuthDomainRow | undefined {
	const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
	for (let i = 0; i < labels.length - 1; i++) {
		const row = BY_DOMAIN.get(labels.slice(i).join('.'));
		if (row) return row;
	}
	return undefined;
}

/** The records a personal or class domain publishes until its owner edits them. */
export const DEFAULT_OWN_RECORDS: readonly TxtRecordRow[] = [
	{ name: '@', value: DEFAULT_SPF },
	{ name: '_dmarc', value: DEFAULT_DMARC }
];
