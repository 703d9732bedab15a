/**
 * The DNS resolver a receiving host's checks (mailauth: SPF, DKIM, DMARC) ask, bound to the
 * sandbox zone in-process: it never asks a real resolver. Same contract as node's
 * dns.promises.resolve, which mailauth expects: TXT → string[][] (the character-strings of each
 * record), A/AAAA/PTR/NS/CNAME → string[], MX → { exchange, priority }[]; a failed question
 * rejects with node's error codes (ENOTFOUND, ENODATA, ESERVFAIL), which mailauth reads to tell
 * a void lookup (RFC 7208 §4.6.4) from a temporary error (§2.6.6).
 *
 * A name outside the sandbox (gmail.com, a laptop's own HELO name) is REFUSED by the zone, as an
 * authoritative-only server answers (/dns shows that); the checks read it as a name that does not
 * exist here (ENOTFOUND): the sandbox never asks the internet, so for it there is no such domain
 * and no record — `none`, not the `temperror` a failing name server gives (temperror.test).
 *
 * `zoneResolver` is that resolver alone, which the zone editor's record checker asks
 * (server/auth/recordCheck.ts: it runs while a learner types, so it logs nothing);
 * `createAuthResolver`, the MX's, records every question in the DNS log (transport 'auth', from
 * the evaluating host's address, owned like the message) so /dns shows it live, and keeps them
 * in order for the report.
 */
import type { AuthLookup } from '../../src/lib/auth/report';
import type { DnsRecord } from '../../src/lib/dns/recordTypes';
import { TXT_STRING_MAX_OCTETS } from '../../src/lib/dns/txtStrings';
import type { DnsLog, LookupContext } from '../dns/dnsLog';
import type { SandboxZone, ZoneAnswer } from '../dns/sandboxZone';

/** Node's error code for each response code that is not an answer. */
const RCODE_ERRORS: Record<string, string> = {
	NXDOMAIN: 'ENOTFOUND',
	SERVFAIL: 'ESERVFAIL',
	REFUSED: 'ENOTFOUND'
};

export type Resolve = (name: string, type: string) => Promise<unknown>;

export interface AuthResolver {
	resolve: Resolve;
	/** Every question asked, in order. */
	lookups: AuthLookup[];
}

/**
 * A TXT record's value as a resolver hands it over: its character-strings of at most 255 octets
 * (RFC 1035 §3.3.14), as a longer value is published; SPF, DKIM and DMARC join them again
 * (RFC 7208 §3.3, RFC 6376 §3.6.2.2). A cut never falls inside a UTF-8 character, so the joined
 * strings are the value as written.
 */
export function txtStrings(value: string): string[] {
	const octets = Buffer.from(value, 'utf8');
	const strings: string[] = [];
	let at = 0;
	do {
		let end = Math.min(at + TXT_STRING_MAX_OCTETS, octets.length);
		// 10xxxxxx continues a character: cut before the octet that starts it.
		while (end < octets.length && end > at && (octets[end] & 0xc0) === 0x80) end--;
		strings.push(octets.subarray(at, end).toString('utf8'));
		at = end;
	} while (at < octets.length);
	return strings;
}

function answerData(type: string, records: DnsRecord[]): unknown {
	switch (type) {
		case 'TXT':
			return records.map((r) => txtStrings(r.data));
		case 'MX':
			return records.map((r) => {
				const [priority, exchange] = r.data.split(' ');
				return { exchange: exchange.replace(/\.$/, ''), priority: Number(priority) };
			});
		default:
			return records.map((r) => r.data.replace(/\.$/, ''));
	}
}

/** The error node's resolver rejects with: `queryTxt ENODATA nokey.test`, with its code. */
function resolveError(code: string, type: string, name: string): Error {
	const syscall = `query${type.charAt(0)}${type.slice(1).toLowerCase()}`;
	// An answer, not a fault: no stack to capture (most checks meet a "no such name" or two, and
	// capturing one cost 2.6% of the MX's main thread in the throughput bench's profile).
	const { stackTraceLimit } = Error;
	Error.stackTraceLimit = 0;
	const error = new Error(`${syscall} ${code} ${name}`);
	Error.stackTraceLimit = stackTraceLimit;
	return Object.assign(error, { code, syscall, hostname: name });
}

/**
 * A resolver over `zone` (the sandbox zone, or the record checker's draft over it) with node's
 * contract; `asked` is told each question, the zone's answer and its records of the asked type
 * before the resolver hands them over or rejects.
 */
export function zoneResolver(
	zone: Pick<SandboxZone, 'answer'>,
	asked?: (name: string, type: string, answer: ZoneAnswer, records: DnsRecord[]) => void
): Resolve {
	return async (name, type) => {
		const wanted = type.toUpperCase();
		const answer = zone.answer(name, wanted);
		// Only records of the asked type: the zone adds none of another, but a CNAME would be one.
		const records = answer.answers.filter((r) => r.type === wanted);
		asked?.(name, wanted, answer, records);
		const failed = RCODE_ERRORS[answer.rcode];
		if (failed) throw resolveError(failed, wanted, name);
		if (records.length === 0) throw resolveError('ENODATA', wanted, name);
		return answerData(wanted, records);
	};
}

export function createAuthResolver(
	zone: SandboxZone,
	log: DnsLog,
	who: { client: string; context: LookupContext }
): AuthResolver {
	const lookups: AuthLookup[] = [];
	const resolve = zoneResolver(zone, (name, type, answer, records) => {
		const entry = log.record({
			transport: 'auth',
			client: who.client,
			question: { name, type },
			rcode: answer.rcode,
			answers: answer.answers,
			owners: [...who.context.owners],
			...(who.context.journeyId === undefined ? {} : { journeyId: who.context.journeyId })
		});
		const empty = !RCODE_ERRORS[answer.rcode] && records.length === 0;
		lookups.push({
			lookupId: entry.id,
			name,
			type,
			rcode: answer.rcode,
			answers: records.map((r) => r.data),
			counted: false,
			void: answer.rcode === 'NXDOMAIN' || answer.rcode === 'REFUSED' || empty
		});
	});
	return { resolve, lookups };
}
