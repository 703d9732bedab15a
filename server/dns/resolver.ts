/**
 * The resolver the outgoing queue uses, in-process (no sockets): it asks the sandbox zone what an
 * MTA asks DNS before delivering (RFC 5321 §5.1): the domain's MX records, then the address of
 * each exchanger; with no MX record, the domain's own address (the implicit MX). Every question
 * is recorded in the DNS log with the message's owners and journey, like a lookup over the wire.
 */
import { MAIL_HOSTS, OUTGOING_HOST } from '../../src/lib/delivery/mailHosts';
import type { HostEndpointRow } from '../../src/lib/dns/lookups';
import { mxData } from '../../src/lib/dns/recordTypes';
import type { DnsLog, LookupContext } from './dnsLog';
import type { SandboxZone } from './sandboxZone';

/** Where a sandbox host's SMTP server listens (server/hosts/hostEndpoints.ts makes the table). */
export interface HostEndpoint {
	address: string;
	port: number;
}

export interface MailTarget {
	preference: number;
	host: string;
	/** What its A record says. */
	address: string;
	/** Its SMTP port from the host endpoint table (null: the table has no row for it). */
	port: number | null;
}

export type MailAnswer =
	/** MX records, sorted by preference (lowest first); equal ones in table order: the queue shuffles them. */
	| { kind: 'mx'; targets: MailTarget[] }
	/** No MX record: the domain's own address is the implicit MX, preference 0. */
	| { kind: 'implicit'; target: MailTarget }
	/** MX 0 "." (RFC 7505 §3): the domain accepts no mail. */
	| { kind: 'null-mx' }
	/** The domain does not exist: an error at once, never an implicit MX. */
	| { kind: 'nxdomain' }
	/** The domain exists but has neither MX nor address: the implicit MX is unusable, an error. */
	| { kind: 'no-address' };

export interface MailResolution {
	answer: MailAnswer;
	/** The lookups made, in order (their ids in the DNS log: /dns#lookup-<id>). */
	lookupIds: string[];
}

/** The queue's lookups come from the outgoing server's address, as a real MTA's would. */
const OUTGOING_ADDRESS = OUTGOING_HOST.address;

export class SandboxResolver {
	constructor(
		readonly zone: SandboxZone,
		readonly log: DnsLog,
		/** The host endpoint table: where each sandbox host listens. */
		readonly endpointOf: (host: string) => HostEndpoint | undefined
	) {}

	/** Where mail for `domain` goes, looked up as an MTA does (RFC 5321 §5.1). */
	resolveMail(domain: string, context: LookupContext): MailResolution {
		const lookupIds: string[] = [];
		const ask = (name: string, type: 'MX' | 'A') => {
			const answer = this.zone.answer(name, type);
			const entry = this.log.record({
				transport: 'queue',
				client: OUTGOING_ADDRESS,
				question: { name, type },
				rcode: answer.rcode,
				answers: answer.answers,
				owners: [...context.owners],
				...(context.journeyId === undefined ? {} : { journeyId: context.journeyId })
			});
			lookupIds.push(entry.id);
			return answer;
		};
		const target = (preference: number, host: string): MailTarget | undefined => {
			const address = ask(host, 'A').answers.find((r) => r.type === 'A')?.data;
			if (address === undefined) return undefined;
			return { preference, host, address, port: this.endpointOf(host)?.port ?? null };
		};
		const mx = ask(domain, 'MX');
		if (mx.rcode === 'REFUSED')
			throw new Error(`${domain} is not a sandbox domain: the queue never looks up outside names`);
		if (mx.rcode === 'NXDOMAIN') return { answer: { kind: 'nxdomain' }, lookupIds };
		const exchangers = mx.answers
			.map((r) => mxData(r.data))
			.filter((d) => d !== undefined)
			.sort((a, b) => a.preference - b.preference);
		if (exchangers.length === 1 && exchangers[0].exchange === '.')
			return { answer: { kind: 'null-mx' }, lookupIds };
		if (exchangers.length === 0) {
			const implicit = target(0, domain.toLowerCase().replace(/\.$/, ''));
			return {
				answer: implicit ? { kind: 'implicit', target: implicit } : { kind: 'no-address' },
				lookupIds
			};
		}
		const targets = exchangers
			.map((d) => target(d.preference, d.exchange.replace(/\.$/, '')))
			.filter((t) => t !== undefined);
		return { answer: { kind: 'mx', targets }, lookupIds };
	}
}

/** Every sandbox host: its A record's address and where it really listens, for the /dns page. */
export function hostEndpointRows(
	endpointOf: (host: string) => HostEndpoint | undefined
): HostEndpointRow[] {
	return MAIL_HOSTS.map((host) => ({
		host: host.name,
		address: host.address,
		endpoint: endpointOf(host.name) ?? null,
		role: host.role,
		behaviour: host.behaviour,
		explains: host.explains
	}));
}
