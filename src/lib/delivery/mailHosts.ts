/**
 * The sandbox's mail hosts and the domains they serve (issue 17): one row per host, one row per
 * domain. The sandbox DNS (server/dns) answers from these tables, the host servers
 * (server/hosts) listen where they say, and the outgoing queue (server/queue) connects only to
 * the addresses here: nothing ever leaves the machine. Pure data, shared by server and browser.
 *
 * Addresses: on Linux the whole of 127.0.0.0/8 is loopback (RFC 1122 §3.2.1.3), so each host has
 * an address of its own, as real hosts do, and the next issues' SPF checks can tell them apart.
 * Where a platform has only 127.0.0.1, the hosts share it on ports of their own
 * (server/hosts/hostEndpoints.ts decides at start-up, and the pages show the table it made).
 */
import type { RfcRef } from '../messages';
import { ref } from '../smtp/rfc';

export type MailHostBehaviour =
	| 'accept' // answers, accepts mail for its domains and delivers it to their mailboxes
	| 'down' // nothing listens at its address: a connection is refused
	| 'tarpit' // answers, but slowly: each reply waits TARPIT_DELAY_MS
	| 'greylist' // refuses the first try of each (client, sender, recipient) with 451 4.7.1
	| 'list'; // a mailing list's host: takes mail for its lists only and re-sends it to their members

export interface MailHostRow {
	/** Its name: in DNS (an A record), its greeting and the Received fields it writes. */
	name: string;
	/** Its own loopback address (the A record). */
	address: string;
	role: 'outgoing' | 'mx';
	behaviour: MailHostBehaviour;
	/**
	 * It opens SMTP sessions to other hosts, greeting with its name: the sandbox DNS publishes an
	 * SPF record for that HELO name (authDomains.ts HELO_SPF, RFC 7208 §2.3).
	 */
	sends?: true;
	/** What it is there to show, for the pages. */
	explains: string;
	rfc: RfcRef[];
}

export const MAIL_HOSTS = [
	{
		name: 'out.smtp-lab.test',
		address: '127.0.0.2',
		role: 'outgoing',
		behaviour: 'accept',
		sends: true,
		explains:
			'The sandbox’s outgoing server: the queue connects from here to each destination’s MX, as the client of the next hop.',
		rfc: [ref(5321, '2.3.10'), ref(5321, '4.5.4')]
	},
	{
		name: 'mx.north.test',
		address: '127.0.0.3',
		role: 'mx',
		behaviour: 'accept',
		explains: 'north.test’s only mail exchanger: an ordinary delivery.',
		rfc: [ref(5321, '5.1')]
	},
	{
		name: 'mx1.south.test',
		address: '127.0.0.4',
		role: 'mx',
		behaviour: 'accept',
		explains: 'One of south.test’s two mail exchangers of equal preference: tried in random order.',
		rfc: [ref(5321, '5.1')]
	},
	{
		name: 'mx2.south.test',
		address: '127.0.0.5',
		role: 'mx',
		behaviour: 'accept',
		explains: 'The other of south.test’s two mail exchangers of equal preference.',
		rfc: [ref(5321, '5.1')]
	},
	{
		name: 'nomx.test',
		address: '127.0.0.6',
		role: 'mx',
		behaviour: 'accept',
		explains:
			'nomx.test has no MX record: its own address record is the implicit MX, and this host answers.',
		rfc: [ref(5321, '5.1')]
	},
	{
		name: 'mx.down.test',
		address: '127.0.0.7',
		role: 'mx',
		behaviour: 'down',
		explains:
			'down.test’s mail exchanger, switched off: every connection is refused, so the queue retries.',
		rfc: [ref(5321, '4.5.4.1')]
	},
	{
		name: 'mx1.backup.test',
		address: '127.0.0.8',
		role: 'mx',
		behaviour: 'down',
		explains: 'backup.test’s primary mail exchanger (preference 10), switched off.',
		rfc: [ref(5321, '5.1')]
	},
	{
		name: 'mx2.backup.test',
		address: '127.0.0.9',
		role: 'mx',
		behaviour: 'accept',
		explains: 'backup.test’s secondary (preference 20): tried when the primary cannot be reached.',
		rfc: [ref(5321, '5.1')]
	},
	{
		name: 'mx.slow.test',
		address: '127.0.0.10',
		role: 'mx',
		behaviour: 'tarpit',
		explains: 'slow.test’s mail exchanger answers every command, slowly: a tarpit.',
		rfc: [ref(5321, '4.5.3.2')]
	},
	{
		name: 'mx.greylist.test',
		address: '127.0.0.11',
		role: 'mx',
		behaviour: 'greylist',
		explains:
			'greylist.test’s mail exchanger defers the first try (451 4.7.1); the queue’s retry gets through.',
		rfc: [ref(6647, '')]
	},
	{
		name: 'mx.list.test',
		address: '127.0.0.12',
		role: 'mx',
		behaviour: 'list',
		sends: true,
		explains:
			'list.test’s mail exchanger runs a mailing list: it takes mail for learners@list.test, adds a footer and sends a new message to each member from its own address.',
		rfc: [ref(5321, '3.9.2')]
	}
] as const satisfies readonly MailHostRow[];

export type MailHostName = (typeof MAIL_HOSTS)[number]['name'];

/** How a remote domain's mail is routed, as its DNS records say. */
export type DomainRouting =
	| { kind: 'mx'; exchangers: { preference: number; host: MailHostName }[] }
	/** No MX record: the domain's own A record is the implicit MX (RFC 5321 §5.1). */
	| { kind: 'implicit'; host: MailHostName }
	/** One MX record, preference 0, exchange "." : the domain accepts no mail (RFC 7505 §3). */
	| { kind: 'null-mx' };

export interface RemoteDomainRow {
	domain: string;
	routing: DomainRouting;
	/** What a lesson shows with it. */
	explains: string;
	rfc: RfcRef[];
}

/**
 * Sandbox domains served by other sandbox hosts: mail for them is not the sandbox's own, so
 * submission queues it and the outgoing server delivers it hop by hop. The sandbox's own domains
 * (example.com/.net/.org, personal and class domains) stay delivered where they arrive.
 */
export const REMOTE_DOMAINS = [
	{
		domain: 'north.test',
		routing: { kind: 'mx', exchangers: [{ preference: 10, host: 'mx.north.test' }] },
		explains: 'An ordinary domain with one MX: looked up, connected, delivered.',
		rfc: [ref(5321, '5.1')]
	},
	{
		domain: 'south.test',
		routing: {
			kind: 'mx',
			exchangers: [
				{ preference: 10, host: 'mx1.south.test' },
				{ preference: 10, host: 'mx2.south.test' }
			]
		},
		explains: 'Two MX records of equal preference: the sender picks one at random.',
		rfc: [ref(5321, '5.1')]
	},
	{
		domain: 'nomx.test',
		routing: { kind: 'implicit', host: 'nomx.test' },
		explains: 'No MX record at all: the address record of the domain is the implicit MX.',
		rfc: [ref(5321, '5.1')]
	},
	{
		domain: 'nullmx.test',
		routing: { kind: 'null-mx' },
		explains: 'A null MX ("0 ."): the domain says it accepts no mail, so nothing is tried.',
		rfc: [ref(7505, '3')]
	},
	{
		domain: 'down.test',
		routing: { kind: 'mx', exchangers: [{ preference: 10, host: 'mx.down.test' }] },
		explains: 'Its only MX refuses connections: retried until the queue gives up, then a bounce.',
		rfc: [ref(5321, '4.5.4.1')]
	},
	{
		domain: 'backup.test',
		routing: {
			kind: 'mx',
			exchangers: [
				{ preference: 10, host: 'mx1.backup.test' },
				{ preference: 20, host: 'mx2.backup.test' }
			]
		},
		explains: 'Primary MX down, secondary up: the lower preference is tried first, then the next.',
		rfc: [ref(5321, '5.1')]
	},
	{
		domain: 'slow.test',
		routing: { kind: 'mx', exchangers: [{ preference: 10, host: 'mx.slow.test' }] },
		explains: 'A tarpitting MX: every reply is slow, and the client’s timeouts matter.',
		rfc: [ref(5321, '4.5.3.2')]
	},
	{
		domain: 'loop.test',
		routing: { kind: 'mx', exchangers: [{ preference: 10, host: 'out.smtp-lab.test' }] },
		explains:
			'Its MX is the sandbox’s own outgoing server: a loop, caught before connecting and bounced.',
		rfc: [ref(5321, '5.1')]
	},
	{
		domain: 'greylist.test',
		routing: { kind: 'mx', exchangers: [{ preference: 10, host: 'mx.greylist.test' }] },
		explains: 'Its MX greylists: the first try is deferred (451), the retry is accepted.',
		rfc: [ref(6647, '')]
	},
	{
		domain: 'list.test',
		routing: { kind: 'mx', exchangers: [{ preference: 10, host: 'mx.list.test' }] },
		explains:
			'A mailing list’s domain: mail to the list is re-sent to its members, with the list as the new envelope sender.',
		rfc: [ref(5321, '3.9.2')]
	}
] as const satisfies readonly RemoteDomainRow[];

const HOSTS_BY_NAME = new Map<string, MailHostRow>(MAIL_HOSTS.map((h) => [h.name, h]));
const REMOTE_BY_DOMAIN = new Map<string, RemoteDomainRow>(REMOTE_DOMAINS.map((d) => [d.domain, d]));

export function mailHost(name: string): MailHostRow | undefined {
	return HOSTS_BY_NAME.get(name.toLowerCase().replace(/\.$/, ''));
}

/** The remote sandbox domain a mail domain is, if it is one (case and a final dot ignored). */
export function remoteDomain(domain: string): RemoteDomainRow | undefined {
	return REMOTE_BY_DOMAIN.get(domain.toLowerCase().replace(/\.$/, ''));
}

/** The sandbox's outgoing server: the queue's client, its source address and its HELO name. */
export const OUTGOING_HOST: MailHostRow = MAIL_HOSTS.find((host) => host.role === 'outgoing')!;

/** The sandbox host that answers for the sandbox's own domains: the listeners of LISTENER_TABLE. */
export const SANDBOX_HOST_ADDRESS = '127.0.0.1';
