/**
 * The sandbox's zones, answered from the tables: the sandbox's own domains (MX → the sandbox host),
 * the remote domains as their routing says (src/lib/delivery/mailHosts.ts: MX with preferences,
 * implicit MX, null MX), an A record for every host, SOA and NS at each apex. Authoritative for
 * all of .test and example.com/.net/.org; anything else is REFUSED: this server never asks another.
 *
 * TXT records (issue 20): each domain of AUTH_DOMAINS (src/lib/auth/authDomains.ts) publishes its
 * rows, and the DKIM key record at <selector>._domainkey.<domain> when the sandbox signs for it
 * with a published key (RFC 6376 §3.6.2.1); each host that sends mail publishes an SPF record for
 * its own HELO name (HELO_SPF, RFC 7208 §2.3). A teaching domain is a zone of its own, so a name
 * under it that it does not list (news.relaxed.test) is NXDOMAIN with authority. temperror.test's
 * name server "fails": SERVFAIL for every TXT question at or under it (RFC 7208 §2.6.6).
 *
 * Personal and class domains exist only while their owner or class does (`isOwnDomain`), and
 * publish what their owner wrote (`ownTxtRecords`, read at every question: an edit is seen by the
 * next lookup) or DEFAULT_OWN_RECORDS and the key record.
 */
import {
	AUTH_DOMAINS,
	DEFAULT_OWN_RECORDS,
	HELO_SPF,
	type TxtRecordRow
} from '../../src/lib/auth/authDomains';
import { MAIL_HOSTS, REMOTE_DOMAINS, SANDBOX_HOST_ADDRESS } from '../../src/lib/delivery/mailHosts';
import type { ZoneDomain } from '../../src/lib/dns/lookups';
import type { RcodeName } from '../../src/lib/dns/rcodes';
import { recordType, type DnsRecord, type ZoneRecordType } from '../../src/lib/dns/recordTypes';
import { zoneKind } from '../../src/lib/dns/zoneKinds';
import { SANDBOX_DOMAINS, SANDBOX_TLD } from '../../src/lib/sandboxPolicy';
import { CLASS_DOMAIN_SUFFIX } from '../../src/lib/classes';

/** The apex every name under .test falls back to. */
const TLD = SANDBOX_TLD.slice(1);
/** Where the sandbox's own hosts live: its listeners, the outgoing server, the name server. */
const HOSTS_ZONE = 'smtp-lab.test';
const NAME_SERVER = `ns.${HOSTS_ZONE}`;
const HOSTMASTER = `hostmaster.${HOSTS_ZONE}`;
/** Class domains sit under one zone of their own that always exists. */
const CLASS_ZONE = CLASS_DOMAIN_SUFFIX.slice(1);
/**
 * SOA timers: refresh, retry, expire (no secondary servers copy this zone, but the fields must be
 * there), and the minimum, which is the time a "no such name" may be remembered (RFC 2308 §4).
 */
const SOA_TIMERS = { refresh: 3600, retry: 600, expire: 86400, minimum: 300 };
const SOA_SERIAL = 1;

export interface ZoneAnswer {
	rcode: Extract<RcodeName, 'NOERROR' | 'NXDOMAIN' | 'REFUSED' | 'SERVFAIL'>;
	/** Set when the name is in one of our zones: the AA bit (RFC 1035 §4.1.1). */
	authoritative: boolean;
	answers: DnsRecord[];
	/** The zone's SOA on a negative answer (RFC 2308 §3). */
	authority: DnsRecord[];
	/** Addresses of the hosts an MX or NS answer names (RFC 1035 §3.3.9, §3.3.11). */
	additional: DnsRecord[];
}

export interface SandboxZoneOptions {
	/** The sandbox host's name (its greeting): the MX of the sandbox's own domains. */
	serverName: string;
	/** Where this name server listens: the A record of ns.smtp-lab.test. */
	nameServerAddress: string;
	/** A personal or class domain that exists now (from the lab's owners and classes). */
	isOwnDomain(domain: string): boolean;
	/** The sandbox's DKIM key record (`v=DKIM1; k=rsa; p=…`, server/auth/dkimKeys.ts). */
	dkimKeyRecord: string;
	/** DKIM_SELECTOR: the key record is published at `<dkimSelector>._domainkey.<domain>`. */
	dkimSelector: string;
	/**
	 * The TXT records a personal or class domain's owner wrote (the store), or null while it
	 * publishes the defaults (DEFAULT_OWN_RECORDS and the key record). Read at every question.
	 */
	ownTxtRecords(domain: string): TxtRecordRow[] | null;
}

/** `Name.` → `name`: names compare case-insensitively, the final dot is implied (RFC 1035 §2.3.3). */
export function normalName(name: string): string {
	return name.toLowerCase().replace(/\.$/, '');
}

function record(name: string, type: ZoneRecordType, data: string): DnsRecord {
	return { name, type, ttl: recordType(type)?.ttl ?? 0, data };
}

/** A TXT row's owner name: "@" is the domain itself, anything else is relative to it. */
function txtOwnerName(row: TxtRecordRow, domain: string): string {
	return row.name === '@' ? domain : `${normalName(row.name)}.${domain}`;
}

/** Where a domain's DKIM public key is published (RFC 6376 §3.6.2.1). */
export function dkimKeyName(selector: string, domain: string): string {
	return `${selector}._domainkey.${domain}`;
}

export class SandboxZone {
	/** Records of the zones that do not change while the lab runs, by owner name. */
	readonly #fixed = new Map<string, DnsRecord[]>();
	/** Zone apexes among those names. */
	readonly #apexes = new Set<string>();
	/** Domains whose name server answers SERVFAIL to TXT questions (AUTH_DOMAINS' `servfail`). */
	readonly #servfail = new Set<string>();
	readonly #described: ZoneDomain[] = [];

	constructor(readonly options: SandboxZoneOptions) {
		const add = (r: DnsRecord) => {
			const list = this.#fixed.get(r.name) ?? [];
			list.push(r);
			this.#fixed.set(r.name, list);
		};
		for (const apex of [TLD, HOSTS_ZONE, CLASS_ZONE, ...SANDBOX_DOMAINS]) {
			this.#apexes.add(apex);
			this.#apexRecords(apex).forEach(add);
		}
		add(record(NAME_SERVER, 'A', options.nameServerAddress));
		add(record(normalName(options.serverName), 'A', SANDBOX_HOST_ADDRESS));
		for (const domain of SANDBOX_DOMAINS) this.#ownMx(domain).forEach(add);
		for (const host of MAIL_HOSTS) {
			add(record(host.name, 'A', host.address));
			if ('sends' in host) add(record(host.name, 'TXT', HELO_SPF));
		}
		for (const row of REMOTE_DOMAINS) {
			this.#apexes.add(row.domain);
			this.#apexRecords(row.domain).forEach(add);
			const { routing } = row;
			if (routing.kind === 'null-mx') add(record(row.domain, 'MX', '0 .'));
			else if (routing.kind === 'mx')
				for (const mx of routing.exchangers)
					add(record(row.domain, 'MX', `${mx.preference} ${mx.host}.`));
			// An implicit MX has no MX record: the host of the same name has the A record.
		}
		for (const row of AUTH_DOMAINS) {
			if (!this.#apexes.has(row.domain)) {
				this.#apexes.add(row.domain);
				this.#apexRecords(row.domain).forEach(add);
			}
			this.#txtRecords(row.domain, row.records, row.dkim === 'published').forEach(add);
			if ('servfail' in row && row.servfail) this.#servfail.add(row.domain);
		}
		this.#described = this.#describe();
	}

	/** The answer to one question, as an authoritative server of these zones gives it. */
	answer(name: string, type: string): ZoneAnswer {
		const qname = normalName(name);
		const apex = this.#apexOf(qname);
		if (apex === undefined)
			return { rcode: 'REFUSED', authoritative: false, answers: [], authority: [], additional: [] };
		if (type.toUpperCase() === 'TXT' && this.#servfail.has(apex))
			return {
				rcode: 'SERVFAIL',
				authoritative: false,
				answers: [],
				authority: [],
				additional: []
			};
		// A negative answer's SOA lives no longer than the zone's minimum (RFC 2308 §3).
		const soa = this.#recordsAt(apex)
			.filter((r) => r.type === 'SOA')
			.map((r) => ({ ...r, ttl: Math.min(r.ttl, SOA_TIMERS.minimum) }));
		const here = this.#recordsAt(qname);
		if (here.length === 0 && !this.#hasNamesBelow(qname))
			return {
				rcode: 'NXDOMAIN',
				authoritative: true,
				answers: [],
				authority: soa,
				additional: []
			};
		const wanted = type.toUpperCase();
		// The question's spelling is kept in the answer, as resolvers compare it (RFC 1035 §2.3.3).
		const answers = here
			.filter((r) => wanted === 'ANY' || r.type === wanted)
			.map((r) => ({ ...r, name: name.replace(/\.$/, '') }));
		const additional = answers
			.filter((r) => r.type === 'MX' || r.type === 'NS')
			.map((r) => normalName(r.type === 'MX' ? r.data.split(' ')[1] : r.data))
			.flatMap((host) => this.#recordsAt(host).filter((r) => r.type === 'A'));
		return {
			rcode: 'NOERROR',
			authoritative: true,
			answers,
			authority: answers.length ? [] : soa,
			additional
		};
	}

	/**
	 * The TXT records a personal or class domain publishes now: its owner's, or (edited: false)
	 * the defaults. Undefined when the domain does not exist (now).
	 */
	ownTxt(domain: string): { records: TxtRecordRow[]; edited: boolean } | undefined {
		const d = normalName(domain);
		if (!this.#isLiveOwnDomain(d)) return undefined;
		const edited = this.options.ownTxtRecords(d);
		return edited
			? { records: edited, edited: true }
			: { records: this.ownDefaults(), edited: false };
	}

	/** What a personal or class domain publishes until its owner edits it: SPF, DMARC, the key. */
	ownDefaults(): TxtRecordRow[] {
		return [
			...DEFAULT_OWN_RECORDS,
			{ name: `${this.options.dkimSelector}._domainkey`, value: this.options.dkimKeyRecord }
		];
	}

	/** Every fixed domain with its records, for the /dns page (personal and class domains excluded). */
	describe(): ZoneDomain[] {
		return this.#described;
	}

	#describe(): ZoneDomain[] {
		const under = (apex: string) =>
			[...this.#fixed.entries()]
				.filter(
					([name]) => name === apex || (name.endsWith(`.${apex}`) && this.#apexOf(name) === apex)
				)
				.flatMap(([, records]) => records);
		const tld = zoneKind('tld');
		const hosts = zoneKind('hosts');
		const own = zoneKind('own');
		const shown = new Set<string>([TLD, HOSTS_ZONE, ...SANDBOX_DOMAINS]);
		for (const row of REMOTE_DOMAINS) shown.add(row.domain);
		return [
			{ domain: TLD, kind: 'tld', records: under(TLD), explains: tld.explains, rfc: [...tld.rfc] },
			{
				domain: HOSTS_ZONE,
				kind: 'hosts',
				records: under(HOSTS_ZONE),
				explains: hosts.explains,
				rfc: [...hosts.rfc]
			},
			...SANDBOX_DOMAINS.map((domain) => ({
				domain,
				kind: 'own' as const,
				records: under(domain),
				explains: own.explains,
				rfc: [...own.rfc]
			})),
			...REMOTE_DOMAINS.map((row) => ({
				domain: row.domain,
				kind: 'remote' as const,
				records: under(row.domain),
				explains: row.explains,
				rfc: [...row.rfc]
			})),
			// Teaching domains that are no remote domain too: zones of their own, TXT records only.
			...AUTH_DOMAINS.filter((row) => !shown.has(row.domain)).map((row) => ({
				domain: row.domain,
				kind: 'auth' as const,
				records: under(row.domain),
				// What all of them are for is said once, above the first (zoneKind('auth')).
				explains: row.explains,
				rfc: [...row.rfc]
			}))
		];
	}

	/** A domain's TXT records, with the DKIM key record when `withKey`. */
	#txtRecords(domain: string, rows: readonly TxtRecordRow[], withKey: boolean): DnsRecord[] {
		const records = rows.map((row) => record(txtOwnerName(row, domain), 'TXT', row.value));
		if (withKey)
			records.push(
				record(dkimKeyName(this.options.dkimSelector, domain), 'TXT', this.options.dkimKeyRecord)
			);
		return records;
	}

	/** A live personal or class domain's TXT records, its owner's or the defaults. */
	#ownTxtRecords(domain: string): DnsRecord[] {
		const edited = this.options.ownTxtRecords(domain);
		return edited
			? this.#txtRecords(domain, edited, false)
			: this.#txtRecords(domain, DEFAULT_OWN_RECORDS, true);
	}

	#apexRecords(apex: string): DnsRecord[] {
		const { refresh, retry, expire, minimum } = SOA_TIMERS;
		return [
			record(
				apex,
				'SOA',
				`${NAME_SERVER}. ${HOSTMASTER}. ${SOA_SERIAL} ${refresh} ${retry} ${expire} ${minimum}`
			),
			record(apex, 'NS', `${NAME_SERVER}.`)
		];
	}

	#ownMx(domain: string): DnsRecord[] {
		return [record(domain, 'MX', `10 ${normalName(this.options.serverName)}.`)];
	}

	/** Records at a name: the fixed zones', or a personal or class domain's while it exists. */
	#recordsAt(name: string): DnsRecord[] {
		const fixed = this.#fixed.get(name);
		if (fixed) return fixed;
		const own = this.#liveOwnDomainOf(name);
		if (own === undefined) return [];
		const txt = this.#ownTxtRecords(own).filter((r) => r.name === name);
		return name === own ? [...this.#apexRecords(own), ...this.#ownMx(own), ...txt] : txt;
	}

	/** The live personal or class domain a name is or falls under, if any. */
	#liveOwnDomainOf(name: string): string | undefined {
		const labels = name.split('.');
		for (let i = 0; i < labels.length - 1; i++) {
			const suffix = labels.slice(i).join('.');
			if (this.#fixed.has(suffix)) return undefined;
			if (this.#isLiveOwnDomain(suffix)) return suffix;
		}
		return undefined;
	}

	#isLiveOwnDomain(name: string): boolean {
		return name.endsWith(SANDBOX_TLD) && this.options.isOwnDomain(name);
	}

	/** An empty non-terminal (a name with none of its own but names below it) exists too. */
	#hasNamesBelow(name: string): boolean {
		for (const known of this.#fixed.keys()) if (known.endsWith(`.${name}`)) return true;
		const own = this.#liveOwnDomainOf(name);
		return own !== undefined && this.#ownTxtRecords(own).some((r) => r.name.endsWith(`.${name}`));
	}

	/** The zone a name falls in (its closest apex), or undefined outside the sandbox. */
	#apexOf(name: string): string | undefined {
		const labels = name.split('.');
		for (let i = 0; i < labels.length; i++) {
			const suffix = labels.slice(i).join('.');
			if (this.#apexes.has(suffix) || this.#isLiveOwnDomain(suffix)) return suffix;
		}
		return undefined;
	}
}
