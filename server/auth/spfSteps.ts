/**
 * SPF step by step: mailauth gives the verdict; the steps are rebuilt here from the record's
 * terms in order and the DNS questions mailauth asked (authResolver.ts records them in order),
 * each term taking the questions it caused. The walk mirrors mailauth 4.9.5's
 * (lib/spf/spf-verify.js, lib/spf/index.js) so its outcome is mailauth's verdict — where mailauth
 * departs from RFC 7208 the note on the step says so:
 * - mechanisms are evaluated left to right, modifiers after them (§4.6.2, §6);
 * - include, a, mx, ptr, exists and redirect count against the limit of 10 lookups; the first
 *   TXT question does not (§4.6.4); the 11th is never asked: permerror;
 * - more than 2 void answers (NXDOMAIN, or no record of the type) is a permerror (§4.6.4);
 *   mailauth counts the first TXT question's void answer too;
 * - the addresses of an mx's hosts and of a ptr's names are looked up outside that count, at most
 *   10 per term (§4.6.4), with a void limit of their own;
 * - a temporary DNS error (SERVFAIL) inside an include or a redirect is ignored by mailauth (the
 *   term does not match) where §5.2 says temperror.
 */
import { BlockList, isIP, isIPv6 } from 'node:net';
import type { AuthLookup, SpfEvaluation, SpfResult, SpfStep } from '../../src/lib/auth/report';

/** RFC 7208 §4.6.4. */
export const SPF_LOOKUP_LIMIT = 10;
export const SPF_VOID_LIMIT = 2;

const MECHANISMS = ['all', 'include', 'a', 'mx', 'ip4', 'ip6', 'exists', 'ptr'];
const QUALIFIER_RESULTS: Record<Qualifier, SpfResult> = {
	'+': 'pass',
	'-': 'fail',
	'~': 'softfail',
	'?': 'neutral'
};

type Qualifier = '+' | '-' | '~' | '?';
type ErrorResult = 'permerror' | 'temperror' | 'none';

/**
 * Why a walk stopped short. `dns`: a DNS failure mailauth has no SPF meaning for (SERVFAIL): a
 * temperror at the top, ignored inside an include or redirect; `void-limit`: the third void
 * answer; `unasked`: mailauth asked no question where one was due.
 */
type StopCause = 'dns' | 'void-limit' | 'unasked' | 'other';
class SpfStop extends Error {
	constructor(
		readonly result: ErrorResult,
		readonly text: string,
		readonly cause: StopCause = 'other'
	) {
		super(text);
	}

	get raw(): boolean {
		return this.cause === 'dns';
	}
}

type Verdict = { kind: 'qualifier'; qualifier: Qualifier } | { kind: 'stop'; stop: SpfStop };

/** A resolver's lookup count, as mailauth keeps one per limited resolver. */
interface Counter {
	count: number;
	void: number;
	/** The first question is not counted (the top record's TXT, §4.6.4). */
	skipFirst: boolean;
}

export interface SpfRebuildInput {
	domain: string;
	clientAddress: string;
	/** The questions mailauth's SPF check asked, in order (marked `counted` here). */
	lookups: AuthLookup[];
	/** mailauth's verdict: where the questions run out, the step that wanted one takes it. */
	result: SpfResult;
}

export interface SpfRebuild {
	evaluation: SpfEvaluation;
	/** Counted lookups (limit 10) and void answers (limit 2), as mailauth counts them. */
	lookupCount: number;
	voidLookupCount: number;
}

/** A ::ffff:-mapped IPv4 address is checked as IPv4, as mailauth does. */
function plainAddress(address: string): string {
	return /^[:a-f]+:((\d+\.){3}\d+)$/i.exec(address)?.[1] ?? address;
}

function inRange(client: string, address: string, prefix: number | null): boolean {
	const family = isIP(address);
	if (family === 0 || family !== isIP(client)) return false;
	const type = family === 4 ? 'ipv4' : 'ipv6';
	const list = new BlockList();
	if (prefix === null) list.addAddress(address, type);
	else list.addSubnet(address, prefix, type);
	return list.check(client, type);
}

/** "domain/24//64" → the domain (or the default) and the IPv4 and IPv6 prefix lengths (§5.6). */
function cidrParts(
	value: string,
	fallback: string
): { target: string; cidr4: number | null; cidr6: number | null } {
	const match = /^(.*?)(\/\d+)?(\/\/\d+)?$/.exec(value);
	if (!match || /^\/0+[1-9]/.test(match[2] ?? '') || /^\/\/0+[1-9]/.test(match[3] ?? ''))
		throw new SpfStop('permerror', `invalid address definition: ${value}`);
	const cidr4 = match[2] ? Number(match[2].slice(1)) : null;
	const cidr6 = match[3] ? Number(match[3].slice(2)) : null;
	const target = match[1].toLowerCase().trim() || fallback;
	if ((cidr4 !== null && cidr4 > 32 && !isIPv6(target)) || (cidr6 !== null && cidr6 > 128))
		throw new SpfStop('permerror', `invalid cidr definition: ${value}`);
	return { target, cidr4, cidr6 };
}

/** The walk through the recorded questions, in the order mailauth asked them. */
class Walk {
	#next = 0;
	readonly main: Counter = { count: 0, void: 0, skipFirst: true };
	/** The PTR answer, asked once per check (mailauth reuses it for a later ptr term). */
	ptrNames: string[] | null = null;

	constructor(
		readonly input: SpfRebuildInput,
		readonly client: string
	) {}

	/** The next recorded question, counted as mailauth's limited resolver counts it. */
	ask(type: string, counter: Counter, taken: AuthLookup[]): string[] {
		const first = counter.skipFirst;
		if (first) counter.skipFirst = false;
		else if (++counter.count > SPF_LOOKUP_LIMIT)
			throw new SpfStop('permerror', `more than ${SPF_LOOKUP_LIMIT} DNS lookups`);
		const lookup = this.input.lookups[this.#next];
		if (lookup?.type !== type) {
			// mailauth stopped before asking (a name it refused to look up): its verdict stands.
			const result = this.input.result;
			throw new SpfStop(
				result === 'temperror' || result === 'none' ? result : 'permerror',
				`no ${type} question was asked here`,
				'unasked'
			);
		}
		this.#next++;
		lookup.counted = counter === this.main && !first;
		taken.push(lookup);
		if (lookup.rcode === 'SERVFAIL')
			throw new SpfStop('temperror', `${lookup.name}: the name server failed (SERVFAIL)`, 'dns');
		if (lookup.void && ++counter.void > SPF_VOID_LIMIT)
			throw new SpfStop('permerror', `more than ${SPF_VOID_LIMIT} void lookups`, 'void-limit');
		return lookup.answers;
	}

	/** A fresh count for the addresses behind one mx or ptr term (§4.6.4: at most 10). */
	subCounter(): Counter {
		return { count: 0, void: 0, skipFirst: false };
	}
}

function step(term: string, name: string, kind: SpfStep['kind'], qualifier?: Qualifier): SpfStep {
	return {
		term,
		kind,
		name,
		...(qualifier ? { qualifier } : {}),
		lookups: [],
		outcome: 'not-reached',
		note: ''
	};
}

/** An include's or redirect's record, when its question was asked (not past the limit). */
function attach(s: SpfStep, included: SpfEvaluation): void {
	s.lookups = included.recordLookups ?? [];
	if (s.lookups.length) s.included = included;
}

/** One record's evaluation (the top one, an include's or a redirect's): check_host() (§4). */
function checkHost(walk: Walk, domain: string): { evaluation: SpfEvaluation; verdict: Verdict } {
	const evaluation: SpfEvaluation = { domain, record: null, steps: [], result: 'none' };
	const finish = (verdict: Verdict) => {
		evaluation.result =
			verdict.kind === 'qualifier'
				? QUALIFIER_RESULTS[verdict.qualifier]
				: verdict.stop.raw
					? 'temperror'
					: verdict.stop.result;
		return { evaluation, verdict };
	};
	const recordLookups: AuthLookup[] = [];
	let records: string[];
	try {
		records = walk.ask('TXT', walk.main, recordLookups);
	} catch (error) {
		if (!(error instanceof SpfStop)) throw error;
		// A void answer past the limit reads as no record at all (mailauth), anything else stops.
		if (error.cause === 'void-limit') records = [];
		else return finish({ kind: 'stop', stop: error });
	}
	evaluation.recordLookups = recordLookups;
	if (recordLookups[0]) evaluation.domain = recordLookups[0].name;
	const spf = records.filter((r) => r.trim().split(/\s+/)[0].toLowerCase() === 'v=spf1');
	if (spf.length > 1)
		return finish({
			kind: 'stop',
			stop: new SpfStop(
				'permerror',
				`${spf.length} SPF records at ${domain}: one is allowed (§4.5)`
			)
		});
	if (spf.length === 0)
		return finish({
			kind: 'stop',
			stop: new SpfStop('none', `no SPF record at ${domain} (§4.5)`)
		});
	const record = spf[0];
	evaluation.record = record;
	if (/[^\x20-\x7e]/.test(record))
		return finish({
			kind: 'stop',
			stop: new SpfStop('permerror', 'the record holds characters outside printable ASCII')
		});
	const terms = record.trim().split(/\s+/).slice(1);
	const mechanisms: SpfStep[] = [];
	const modifiers: { step: SpfStep; value: string }[] = [];
	for (const term of terms) {
		if (/^[^:/]+=/.test(term)) {
			const at = term.indexOf('=');
			modifiers.push({
				step: step(term, term.slice(0, at).toLowerCase(), 'modifier'),
				value: term.slice(at + 1)
			});
		} else {
			const qualifier = /^[?\-~+]/.test(term) ? (term[0] as Qualifier) : '+';
			const name = term
				.split(/[:/=]/)[0]
				.toLowerCase()
				.replace(/^[?\-~+]/, '');
			mechanisms.push(step(term, name, 'mechanism', qualifier));
		}
	}
	evaluation.steps = [...mechanisms, ...modifiers.map((m) => m.step)];
	const stopAt = (s: SpfStep, stop: SpfStop) => {
		s.outcome = 'error';
		s.note = stop.text;
		for (const other of evaluation.steps)
			if (other.outcome === 'not-reached' && other !== s)
				other.note = `not evaluated: the check stopped at ${s.term}`;
		return finish({ kind: 'stop', stop });
	};
	// The record's syntax is checked before any term is evaluated (§4.6); mailauth checks from the
	// last term to the first, so the last bad term is the one named.
	for (const s of [...evaluation.steps].reverse()) {
		if (s.kind === 'modifier') {
			const value = s.term.slice(s.term.indexOf('=') + 1).replace(/\.$/, '');
			if (!/^[a-z]/i.test(s.term))
				return stopAt(s, new SpfStop('permerror', `invalid modifier ${s.term}`));
			if (!value) return stopAt(s, new SpfStop('permerror', `empty value for ${s.name}`));
			// mailauth's check of a redirect target (case-sensitive, as it writes it).
			if (
				s.name === 'redirect' &&
				!value.includes('%') &&
				!/^([\x21-\x2D\x2f-\x7e]+\.)+[a-z]+[a-z\-0-9]*$/.test(value)
			)
				return stopAt(s, new SpfStop('permerror', `invalid redirect target ${value}`));
		} else if (!MECHANISMS.includes(s.name))
			return stopAt(s, new SpfStop('permerror', `unknown mechanism ${s.name}`));
	}
	const redirects = modifiers.filter((m) => m.step.name === 'redirect');
	if (redirects.length > 1)
		return stopAt(redirects[1].step, new SpfStop('permerror', 'more than one redirect= (§6)'));

	for (const s of mechanisms) {
		try {
			const matched = mechanism(walk, s, domain);
			if (matched) {
				s.outcome = 'match';
				for (const later of evaluation.steps.slice(evaluation.steps.indexOf(s) + 1))
					later.note = `not evaluated: ${s.term} matched first`;
				return finish({ kind: 'qualifier', qualifier: s.qualifier ?? '+' });
			}
			s.outcome = 'no-match';
		} catch (error) {
			if (!(error instanceof SpfStop)) throw error;
			return stopAt(s, error);
		}
	}
	for (const { step: s, value } of modifiers) {
		if (s.name !== 'redirect') {
			s.outcome = 'no-match';
			s.note =
				s.name === 'exp'
					? 'exp= names an explanation for a fail (§6.2); it is not fetched here'
					: `${s.name}= is not a modifier SPF knows: ignored (§6)`;
			continue;
		}
		if (mechanisms.some((m) => m.name === 'all')) {
			s.outcome = 'not-reached';
			s.note = 'ignored: the record has an "all" mechanism, so redirect is never reached (§6.1)';
			continue;
		}
		const sub = checkHost(walk, value.replace(/\.$/, '').toLowerCase());
		attach(s, sub.evaluation);
		if (sub.verdict.kind === 'qualifier') {
			s.outcome = 'match';
			s.note = `no mechanism matched: the result is ${value}'s, ${QUALIFIER_RESULTS[sub.verdict.qualifier]} (§6.1)`;
			return finish(sub.verdict);
		}
		if (sub.verdict.stop.raw) {
			s.outcome = 'no-match';
			s.note = `${value} could not be checked (DNS failure); mailauth ignores it and goes on (RFC 7208 §6.1 says temperror)`;
			continue;
		}
		const result = sub.verdict.stop.result === 'none' ? 'permerror' : sub.verdict.stop.result;
		return stopAt(s, new SpfStop(result, `redirect to ${value}: ${sub.verdict.stop.text}`));
	}
	// Nothing matched: neutral (§4.7).
	return finish({ kind: 'qualifier', qualifier: '?' });
}

/** Whether one mechanism matches the client; throws SpfStop on an error (§5). */
function mechanism(walk: Walk, s: SpfStep, domain: string): boolean {
	const body = s.term.replace(/^[?\-~+]/, '');
	const colon = body.indexOf(':');
	if (colon === body.length - 1) throw new SpfStop('permerror', 'unexpected empty value');
	const slash = body.indexOf('/');
	const value = colon >= 0 ? body.slice(colon + 1) : slash >= 0 ? body.slice(slash) : '';
	const client = walk.client;
	const v6 = isIPv6(client);
	switch (s.name) {
		case 'all':
			if (value) throw new SpfStop('permerror', 'all takes no value');
			s.note = 'all matches every address (§5.1)';
			return true;
		case 'include': {
			const target = value.replace(/\.$/, '').toLowerCase();
			const sub = checkHost(walk, target);
			attach(s, sub.evaluation);
			if (sub.verdict.kind === 'qualifier') {
				const result = QUALIFIER_RESULTS[sub.verdict.qualifier];
				s.note =
					result === 'pass'
						? `${target}'s record passes ${client}: include matches (§5.2)`
						: `${target}'s record gives ${result}, not pass: include does not match (§5.2)`;
				return result === 'pass';
			}
			if (sub.verdict.stop.raw) {
				s.note = `${target} could not be checked (DNS failure); mailauth ignores it and goes on (RFC 7208 §5.2 says temperror)`;
				return false;
			}
			const result = sub.verdict.stop.result === 'none' ? 'permerror' : sub.verdict.stop.result;
			throw new SpfStop(
				result,
				sub.verdict.stop.result === 'none'
					? `${target} has no SPF record: an include of it is a permerror (§5.2)`
					: `include:${target}: ${sub.verdict.stop.text}`
			);
		}
		case 'ip4':
		case 'ip6': {
			const parts = cidrParts(value, '');
			const { target } = parts;
			let { cidr4, cidr6 } = parts;
			// ip6:addr/n: the single prefix is the IPv6 one (§5.6 has no dual prefix for ip6).
			if (s.name === 'ip6' && cidr4 !== null && cidr6 === null) [cidr4, cidr6] = [null, cidr4];
			if (!target) throw new SpfStop('permerror', `${s.name} needs an address`);
			const range = plainAddress(target);
			const family = isIP(range);
			if (family === 0) throw new SpfStop('permerror', `${target} is not an IP address`);
			const prefix = family === 6 ? cidr6 : cidr4;
			if (family === 4 && cidr6 !== null)
				throw new SpfStop('permerror', 'an IPv6 prefix on an IPv4 address');
			const matches = family === Number(s.name[2]) && inRange(client, range, prefix);
			s.note = `${client} ${matches ? 'is' : 'is not'} in ${target}${prefix === null ? '' : `/${prefix}`} (§5.6)`;
			return matches;
		}
		case 'a': {
			const { cidr4, cidr6 } = cidrParts(value, domain);
			const addresses = walk.ask(v6 ? 'AAAA' : 'A', walk.main, s.lookups);
			const prefix = v6 ? cidr6 : cidr4;
			const matches = addresses.some((a) => inRange(client, a, prefix));
			const name = s.lookups[0]?.name ?? domain;
			s.note = addresses.length
				? `${name} is at ${addresses.join(', ')}: ${client} ${matches ? 'is' : 'is not'} one of them (§5.3)`
				: `${name} has no address: no match, a void lookup (§5.3, §4.6.4)`;
			return matches;
		}
		case 'mx': {
			const { cidr4, cidr6 } = cidrParts(value, domain);
			const prefix = v6 ? cidr6 : cidr4;
			const exchanges = walk
				.ask('MX', walk.main, s.lookups)
				.map((data) => /^(\d+) (\S+)$/.exec(data))
				.filter((m) => m !== null)
				.map((m) => ({ priority: Number(m[1]), exchange: m[2].replace(/\.$/, '') }))
				// A null MX's "." names no host (RFC 7505): nothing to look up.
				.filter((e) => e.exchange !== '')
				.sort((a, b) => a.priority - b.priority);
			const hosts = walk.subCounter();
			for (const { exchange } of exchanges) {
				const addresses = walk.ask(v6 ? 'AAAA' : 'A', hosts, s.lookups);
				if (addresses.some((a) => inRange(client, a, prefix))) {
					s.note = `${exchange}, a mail exchanger of ${s.lookups[0].name}, is at ${client} (§5.4)`;
					return true;
				}
			}
			s.note = exchanges.length
				? `none of ${s.lookups[0].name}'s mail exchangers (${exchanges.map((e) => e.exchange).join(', ')}) is at ${client} (§5.4)`
				: `${s.lookups[0].name} has no MX record: no match (§5.4)`;
			return false;
		}
		case 'exists': {
			const addresses = walk.ask('A', walk.main, s.lookups);
			const name = s.lookups[0]?.name ?? value;
			s.note = addresses.length
				? `${name} has an address: exists matches (§5.7)`
				: `${name} has no address: no match (§5.7)`;
			return addresses.length > 0;
		}
		case 'ptr': {
			const { cidr4, cidr6 } = cidrParts(value, '');
			if (cidr4 !== null || cidr6 !== null)
				throw new SpfStop('permerror', 'ptr takes no prefix length');
			const target = (value || domain).toLowerCase();
			let names = walk.ptrNames;
			if (names === null) {
				names = walk.ask('PTR', walk.main, s.lookups).map((n) => n.replace(/\.$/, ''));
				walk.ptrNames = names;
			}
			const hosts = walk.subCounter();
			const validated: string[] = [];
			for (const name of names.slice(0, SPF_LOOKUP_LIMIT)) {
				try {
					if (walk.ask(v6 ? 'AAAA' : 'A', hosts, s.lookups).some((a) => inRange(client, a, null)))
						validated.push(name);
				} catch (error) {
					// Each name's check is settled on its own: a failure only leaves it unvalidated.
					if (!(error instanceof SpfStop) || error.cause === 'unasked') throw error;
				}
			}
			const matches = validated.some(
				(n) => n.toLowerCase() === target || n.toLowerCase().endsWith(`.${target}`)
			);
			s.note = matches
				? `${client}'s name is under ${target} and points back to it (§5.5)`
				: `no name of ${client} that points back to it is under ${target} (§5.5)`;
			return matches;
		}
		default:
			throw new SpfStop('permerror', `unknown mechanism ${s.name}`);
	}
}

/** SPF's steps for one check, rebuilt from the record and the questions asked. */
export function rebuildSpfSteps(input: SpfRebuildInput): SpfRebuild {
	const walk = new Walk(input, plainAddress(input.clientAddress));
	const { evaluation, verdict } = checkHost(walk, input.domain.toLowerCase());
	if (verdict.kind === 'stop' && verdict.stop.raw) evaluation.result = 'temperror';
	return {
		evaluation,
		lookupCount: walk.main.count,
		voidLookupCount: walk.main.void
	};
}
