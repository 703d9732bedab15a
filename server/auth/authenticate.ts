/**
 * What an MX checks when a message arrives (issue 20): DKIM (RFC 6376), SPF (RFC 7208) and DMARC
 * (RFC 7489), by mailauth, against the sandbox DNS only (authResolver.ts), turned into the shared
 * report (src/lib/auth/report.ts) and the trace fields the host prepends: Authentication-Results
 * (RFC 8601) and Received-SPF (RFC 7208 §9.1). What the host then does about it is
 * src/lib/auth/authPolicy.ts's (the caller's) decision.
 *
 * mailauth's `authenticate` runs dkimVerify, then spf, then dmarc, one after the other, with one
 * resolver. They are called here in the same order with the same arguments, each with a resolver
 * of its own, so each DNS question is known to belong to the check that asked it (the report
 * shows SPF's questions step by step, DKIM's key lookup, DMARC's record lookups). Not run:
 * ARC (RFC 8617) — no sandbox host seals a message, so there is never a chain to validate — and
 * BIMI (logos, not authentication).
 */
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type {
	AlignmentMode,
	AuthLookup,
	AuthenticationReport,
	DkimCheck,
	DkimResult,
	DmarcCheck,
	DmarcPolicy,
	DmarcResult,
	SpfCheck,
	SpfResult
} from '../../src/lib/auth/report';
import type { DnsLog, LookupContext } from '../dns/dnsLog';
import type { SandboxZone } from '../dns/sandboxZone';
import { createAuthResolver } from './authResolver';
import {
	authResultsField,
	foldField,
	receivedSpfField,
	removeForgedResults,
	unfold
} from './authResultsFields';
import { rebuildSpfSteps } from './spfSteps';

type Resolve = (name: string, type: string) => Promise<unknown>;

/** mailauth's DKIM result for one signature (lib/dkim/dkim-verifier.js), as used here. */
interface MailauthDkimResult {
	signingDomain?: string;
	selector?: string;
	signature?: string;
	algo?: string;
	format?: string;
	bodyHash?: string;
	bodyHashExpecting?: string;
	signingHeaders?: { keys: string };
	canonBodyLengthLimited?: boolean;
	canonBodyLengthLimit?: number;
	modulusLength?: number;
	rr?: string;
	status: {
		result: DkimResult | 'none';
		comment?: string;
		aligned?: string | false;
		/** For result policy: the local rule that refused it, e.g. dkim-rules=weak-key. */
		policy?: Record<string, string>;
	};
	info: string;
}

interface MailauthSpfResult {
	domain: string;
	'envelope-from'?: string;
	rr?: string;
	status: { result: SpfResult; comment?: string };
	info: string;
	lookups?: { count: number; void: number };
}

interface MailauthDmarcResult {
	status: { result: DmarcResult | 'neutral'; comment?: string; header?: Record<string, string> };
	domain: string;
	policy?: string;
	p?: string;
	sp?: string;
	rr?: string;
	alignment?: {
		spf: { result?: string | false; strict: boolean };
		dkim: { result?: string | false; strict: boolean };
	};
	info: string;
}

// mailauth is CommonJS without type declarations: loaded with require, typed here as used.
const load = createRequire(import.meta.url);
const { dkimVerify } = load('mailauth/lib/dkim/verify.js') as {
	dkimVerify: (
		input: Buffer,
		options: { resolver: Resolve; sender?: string }
	) => Promise<{
		results: MailauthDkimResult[];
		headerFrom?: string[];
		headers?: { parsed: { key: string | null; line: Buffer }[] };
	}>;
};
const { spf } = load('mailauth/lib/spf/index.js') as {
	spf: (options: {
		sender?: string;
		ip: string;
		helo: string;
		mta: string;
		resolver: Resolve;
	}) => Promise<MailauthSpfResult>;
};
const { dmarc } = load('mailauth/lib/dmarc/index.js') as {
	dmarc: (options: {
		headerFrom: string[];
		spfDomains: string[];
		dkimDomains: { id?: string; domain?: string; aligned?: string | false }[];
		resolver: Resolve;
	}) => Promise<MailauthDmarcResult | false>;
};
const parseDkimHeader = load('mailauth/lib/parse-dkim-headers.js') as (line: string) => {
	parsed: Record<string, { value: string | number } | undefined>;
};
const { getAlignment, formatAuthHeaderRow, escapeCommentValue } = load('mailauth/lib/tools.js') as {
	/** Relaxed alignment by the organizational domains mailauth's tldts finds (RFC 7489 §3.2). */
	getAlignment: (fromDomain: string, domains: { domain: string }[]) => { domain: string } | false;
	formatAuthHeaderRow: (method: string, status: object) => string;
	escapeCommentValue: (text: string) => string;
};

/**
 * RFC 7489 §3.1.1, §3.1.2: in strict mode only the identical domain aligns; in relaxed mode the
 * same organizational domain does. mailauth 4.9.5's getAlignment falls back to the relaxed test
 * in strict mode too (news.strict.test aligned with d=strict.test under adkim=s), so strict
 * alignment is decided here and DMARC's result corrected where it differs: the RFC wins.
 */
function aligns(domain: string, fromDomain: string, mode: AlignmentMode): boolean {
	const d = domain.toLowerCase();
	if (mode === 's') return d === fromDomain;
	return Boolean(getAlignment(fromDomain, [{ domain: d }]));
}

export interface AuthenticateInput {
	raw: Buffer;
	/** The SMTP client's address: SPF's <ip> (RFC 7208 §4.1). */
	clientAddress: string;
	helo: string;
	/** MAIL FROM's address; '' for the null reverse-path (RFC 7208 §2.4: postmaster@<HELO>). */
	mailFrom: string;
	/** This host's name: the authserv-id (RFC 8601 §2.5). */
	authservId: string;
	/** Whose lookups these are in the DNS log (the message's owners and journey). */
	context: LookupContext;
}

export interface AuthenticateOutcome {
	report: Omit<AuthenticationReport, 'decision'>;
	/** The message with the forged Authentication-Results fields removed (RFC 8601 §5). */
	raw: Buffer;
	/** "Authentication-Results: …\r\nReceived-SPF: …\r\n", folded, to prepend to the trace. */
	traceFields: string;
}

const DMARC_POLICIES: readonly string[] = ['none', 'quarantine', 'reject'];

function policy(value: string | undefined): DmarcPolicy | null {
	const p = value?.trim().toLowerCase();
	return p !== undefined && DMARC_POLICIES.includes(p) ? (p as DmarcPolicy) : null;
}

/** A DMARC record's tags (RFC 7489 §6.3), names lower-cased. */
function dmarcTags(record: string): Map<string, string> {
	return new Map(
		record
			.split(';')
			.filter((tag) => tag.includes('='))
			.map((tag): [string, string] => {
				const at = tag.indexOf('=');
				return [tag.slice(0, at).trim().toLowerCase(), tag.slice(at + 1).trim()];
			})
	);
}

/** The questions a DKIM signature's key took: TXT <s>._domainkey.<d> (RFC 6376 §3.6.2.1). */
function takeKeyLookups(lookups: AuthLookup[], selector: string, domain: string): AuthLookup[] {
	const name = `${selector}._domainkey.${domain}`.toLowerCase();
	const at = lookups.findIndex((l) => l.name.toLowerCase() === name);
	return at < 0 ? [] : lookups.splice(at, 1);
}

function dkimChecks(
	results: MailauthDkimResult[],
	signatureFields: string[],
	lookups: AuthLookup[]
): DkimCheck[] {
	const unclaimed = [...lookups];
	return results
		.filter((r) => r.signingDomain !== undefined && r.status.result !== 'none')
		.map((r): DkimCheck => {
			const field = signatureFields
				.map((line) => parseDkimHeader(line).parsed)
				.find((tags) => String(tags.b?.value ?? '') === r.signature);
			const domain = r.signingDomain ?? '';
			const selector = r.selector ?? '';
			const keyLookups = takeKeyLookups(unclaimed, selector, domain);
			const h = String(field?.h?.value ?? r.signingHeaders?.keys ?? '');
			return {
				domain,
				selector,
				algorithm: r.algo ?? '',
				// c= as the signature writes it; absent, simple/simple (RFC 6376 §3.5).
				canonicalization: r.format ?? 'simple/simple',
				signedHeaders: h
					.split(':')
					.map((name) => name.trim())
					.filter((name) => name !== ''),
				bodyHashComputed: r.bodyHash ?? '',
				bodyHashExpected: r.bodyHashExpecting ?? '',
				bodyLength: r.canonBodyLengthLimited ? (r.canonBodyLengthLimit ?? null) : null,
				keyRecord: keyLookups.find((l) => l.answers.length)?.answers[0] ?? r.rr ?? null,
				keyLookups,
				keyBits: r.modulusLength ?? null,
				result: r.status.result as DkimResult,
				comment:
					r.status.comment ??
					Object.entries(r.status.policy ?? {})
						.map(([name, value]) => `policy.${name}=${value}`)
						.join(' '),
				aligned: r.status.aligned || null
			};
		});
}

function dmarcCheck(
	result: MailauthDmarcResult,
	fromDomain: string,
	spfCheck: SpfCheck,
	dkim: DkimCheck[],
	lookups: AuthLookup[]
): DmarcCheck {
	const found = lookups.find(
		(l) => l.answers.filter((a) => /^v=DMARC1\b/i.test(a.trim())).length === 1
	);
	const record = result.rr ?? null;
	const tags = record ? dmarcTags(record) : new Map<string, string>();
	const adkim = tags.get('adkim') === 's' ? 's' : 'r';
	const aspf = tags.get('aspf') === 's' ? 's' : 'r';
	const spfAligned = spfCheck.result === 'pass' && aligns(spfCheck.domain, fromDomain, aspf);
	const dkimAligned = dkim.map((d) => d.result === 'pass' && aligns(d.domain, fromDomain, adkim));
	return {
		fromDomain,
		organizationalDomain: result.domain,
		recordDomain: record && found ? found.name.replace(/^_dmarc\./i, '') : null,
		record,
		recordLookups: lookups,
		policy: record ? policy(result.policy) : null,
		subdomainPolicy: policy(tags.get('sp')),
		adkim,
		aspf,
		spf: { domain: spfCheck.domain, result: spfCheck.result, aligned: spfAligned },
		dkim: dkim.map((d, i) => ({ domain: d.domain, result: d.result, aligned: dkimAligned[i] })),
		result: !record
			? result.status.result === 'neutral'
				? 'none'
				: result.status.result
			: spfAligned || dkimAligned.some(Boolean)
				? 'pass'
				: 'fail',
		comment: result.status.comment ?? ''
	};
}

/**
 * A HELO name check_host() can take: a multi-label domain name, its last label not all digits
 * (RFC 7208 §2.3: "This SPF check can only be performed when the "HELO" string is a valid,
 * multi-label domain name"); an address literal or "localhost" is not one.
 */
const MULTI_LABEL_DOMAIN =
	/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

interface SpfRun {
	check: SpfCheck;
	/** mailauth's result, as spf() returned it. */
	result: MailauthSpfResult;
	/** The resinfo for Authentication-Results. */
	info: string;
}

/** One SPF check by mailauth (RFC 7208 §4), its DNS questions its own, the steps rebuilt. */
async function checkSpf(options: {
	identity: SpfCheck['identity'];
	/** MAIL FROM, or undefined: mailauth then checks postmaster@<helo> (§2.3, §2.4). */
	sender: string | undefined;
	helo: string;
	input: AuthenticateInput;
	zone: SandboxZone;
	log: DnsLog;
	who: { client: string; context: LookupContext };
}): Promise<SpfRun> {
	const { identity, sender, helo, input } = options;
	const resolver = createAuthResolver(options.zone, options.log, options.who);
	const result = await spf({
		sender,
		ip: input.clientAddress,
		helo,
		mta: input.authservId,
		resolver: resolver.resolve
	});
	const rebuilt = rebuildSpfSteps({
		domain: result.domain,
		clientAddress: input.clientAddress,
		lookups: resolver.lookups,
		result: result.status.result
	});
	const check: SpfCheck = {
		identity,
		sender: result['envelope-from'] ?? `postmaster@${helo}`,
		domain: result.domain,
		clientAddress: input.clientAddress,
		helo,
		evaluation: rebuilt.evaluation,
		lookupCount: result.lookups?.count ?? rebuilt.lookupCount,
		voidLookupCount: result.lookups?.void ?? rebuilt.voidLookupCount,
		result: result.status.result,
		comment: result.status.comment ?? ''
	};
	// The separate HELO check names its identity alone (mailauth's row would add smtp.mailfrom).
	const info =
		identity === 'helo' && input.mailFrom
			? formatAuthHeaderRow('spf', { ...result.status, smtp: { helo } })
			: result.info;
	return { check, result, info };
}

/** A HELO that is no domain name: not checked, result none (RFC 7208 §2.3). */
function heloNotChecked(helo: string, input: AuthenticateInput): Omit<SpfRun, 'result'> {
	const comment = `${input.authservId}: HELO ${helo} is no multi-label domain name, not checked`;
	return {
		check: {
			identity: 'helo',
			sender: `postmaster@${helo}`,
			domain: helo,
			clientAddress: input.clientAddress,
			helo,
			evaluation: { domain: helo, record: null, steps: [], result: 'none' },
			lookupCount: 0,
			voidLookupCount: 0,
			result: 'none',
			comment
		},
		info: formatAuthHeaderRow('spf', { result: 'none', comment, smtp: { helo } })
	};
}

export async function authenticateMessage(
	input: AuthenticateInput,
	deps: { zone: SandboxZone; log: DnsLog }
): Promise<AuthenticateOutcome> {
	const { raw, removed } = removeForgedResults(input.raw, input.authservId);
	const who = { client: input.clientAddress, context: input.context };
	const sender = input.mailFrom || undefined;

	const dkimResolver = createAuthResolver(deps.zone, deps.log, who);
	const dkimResult = await dkimVerify(raw, { resolver: dkimResolver.resolve, sender });

	// As mailauth's authenticate: no HELO → the address; an address literal in brackets.
	let helo = input.helo || input.clientAddress;
	if (isIP(helo)) helo = `[${helo}]`;
	const spfRun = (identity: SpfCheck['identity'], sender: string | undefined) =>
		checkSpf({ identity, sender, helo, input, zone: deps.zone, log: deps.log, who });
	// RFC 7208 §2.3: HELO checked on its own too, before MAIL FROM (the RECOMMENDED sequence);
	// for the null sender the MAIL FROM check below already is the HELO check (§2.4).
	const heloRun = !input.mailFrom
		? null
		: MULTI_LABEL_DOMAIN.test(helo)
			? await spfRun('helo', undefined)
			: heloNotChecked(helo, input);
	const { check: spfCheck, result: spfResult } = await spfRun(
		input.mailFrom ? 'mailfrom' : 'helo',
		sender
	);

	const signatureFields = (dkimResult.headers?.parsed ?? [])
		.filter((h) => h.key === 'dkim-signature')
		.map((h) => h.line.toString('latin1'));
	const dkim = dkimChecks(dkimResult.results, signatureFields, dkimResolver.lookups);

	let dmarcResult: MailauthDmarcResult | false = false;
	const dmarcResolver = createAuthResolver(deps.zone, deps.log, who);
	if (dkimResult.headerFrom?.length)
		dmarcResult = await dmarc({
			headerFrom: dkimResult.headerFrom,
			spfDomains: spfResult.status.result === 'pass' ? [spfResult.domain] : [],
			dkimDomains: dkimResult.results
				.filter((r) => r.status.result === 'pass')
				.map((r) => ({ domain: r.signingDomain, aligned: r.status.aligned })),
			resolver: dmarcResolver.resolve
		});
	const fromDomain = (dkimResult.headerFrom?.[0] ?? '').split('@').pop()?.toLowerCase() ?? '';
	const dmarcReport = dmarcResult
		? dmarcCheck(dmarcResult, fromDomain, spfCheck, dkim, dmarcResolver.lookups)
		: null;

	// The dmarc= resinfo in mailauth's words, with the result aligns() decided and header.from the
	// From: domain, as RFC 7489 §11.1 registers it (mailauth writes the organizational domain there
	// and the From: domain as an unregistered header.d).
	const dmarcInfo =
		dmarcResult && dmarcReport
			? formatAuthHeaderRow('dmarc', {
					...dmarcResult.status,
					result: dmarcReport.result,
					header: { from: fromDomain }
				})
			: null;
	const resinfos = [
		...dkimResult.results.map((r) => r.info),
		spfResult.info,
		// Its own result, naming only the identity it checked (RFC 8601 §2.7.2: smtp.helo).
		...(heloRun ? [heloRun.info] : []),
		...(dmarcInfo ? [dmarcInfo] : [])
	].map(unfold);
	const results = authResultsField(input.authservId, resinfos);
	return {
		report: {
			authservId: input.authservId,
			evaluatedAt: deps.log.clock.now(),
			spf: spfCheck,
			...(heloRun ? { spfHelo: heloRun.check } : {}),
			dkim,
			dmarc: dmarcReport,
			removedForgeries: removed,
			header: results.unfolded
		},
		raw,
		traceFields:
			results.folded +
			foldField(
				receivedSpfField({
					result: spfCheck.result,
					comment: escapeCommentValue(spfCheck.comment),
					clientAddress: input.clientAddress,
					sender: spfCheck.sender,
					helo,
					receiver: input.authservId,
					identity: spfCheck.identity
				})
			)
	};
}
