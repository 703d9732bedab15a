/**
 * What the zone editor on /dns says about one TXT record an owner writes (issue 20): SPF, DMARC
 * or a DKIM key record, read with mailauth's own code — its SPF evaluation (lib/spf), its DMARC
 * record reader (lib/dmarc/get-dmarc-record.js), its tag=value parser and DKIM key loader
 * (lib/tools.js) — so the editor says what a receiver running the same library will do. The
 * findings and their sentences are the rows of RECORD_CHECK_ROWS (src/lib/auth/recordChecks.ts).
 *
 * The SPF record is evaluated, not only parsed: mailauth checks a sender against it, from the
 * outgoing server's address and from a spoofer's, which reaches every term and brings out lookup
 * limits and loops, through the MX's own resolver (authResolver.ts's zoneResolver: in-process,
 * never a real resolver, and here not logged, since it runs while a learner types) over the
 * sandbox zone with the owner's draft in place of the domain's records (`draftZone`).
 */
import dmarcRecordModule from 'mailauth/lib/dmarc/get-dmarc-record.js';
import spfModule from 'mailauth/lib/spf/index.js';
import toolsModule from 'mailauth/lib/tools.js';
import {
	RECORD_CHECK_ROWS,
	type RecordCheck,
	type RecordCheckFinding,
	type RecordCheckMessage
} from '../../src/lib/auth/recordChecks';
import type { TxtRecordRow } from '../../src/lib/auth/authDomains';
import { OUTGOING_HOST, SANDBOX_HOST_ADDRESS } from '../../src/lib/delivery/mailHosts';
import { normalName, type ZoneAnswer } from '../dns/sandboxZone';
import { zoneResolver, type Resolve as Resolver } from './authResolver';

interface SpfResponse {
	status: { result: string; comment?: string };
	lookups?: { count: number };
}
const { spf } = spfModule as {
	spf: (options: {
		sender: string;
		ip: string;
		helo: string;
		mta: string;
		resolver: Resolver;
	}) => Promise<SpfResponse>;
};
const getDmarcRecord = dmarcRecordModule as (
	domain: string,
	resolver: Resolver
) => Promise<false | Record<string, string | number | boolean>>;
const { parseTagValueRecord, getPublicKey } = toolsModule as {
	parseTagValueRecord: (record: string) => {
		tags: Record<string, string | string[]>;
		errors: string[];
	};
	getPublicKey: (
		type: 'DKIM',
		name: string,
		minBitLength: number,
		resolver: Resolver
	) => Promise<{ modulusLength?: number }>;
};

/** What the checker needs of a zone: its answers (SandboxZone, or a draft over it). */
export interface CheckZone {
	answer(name: string, type: string): ZoneAnswer;
}

/** What the check knows of the sandbox: where its key is published, and what it holds. */
export interface CheckContext {
	dkimSelector: string;
	dkimKeyRecord: string;
}

/** A record's name relative to its domain: `@`, or labels of letters, digits, `-`, `_`. */
const RELATIVE_NAME = /^(?:@|[A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63})*)$/;
/** RFC 1035 §2.3.4: 255 octets on the wire, so 253 characters written with dots. */
const NAME_MAX_CHARACTERS = 253;
/** RFC 7208 §3.4: answers under about 450 octets fit a plain UDP message. */
const SPF_RECORD_SMALL_OCTETS = 450;
/** An address no record of the sandbox names: the spoofer typing straight to an MX. */
const SPOOFER_ADDRESS = SANDBOX_HOST_ADDRESS;
const CHECKER = 'zone-check';

/** The owner name a relative record name stands for (`@` → the domain). */
export function ownerName(name: string, domain: string): string {
	const d = normalName(domain);
	return name === '@' ? d : `${normalName(name)}.${d}`;
}

/**
 * The zone with `records` as all of `domain`'s TXT records (the owner's draft): every other
 * answer is the zone's own.
 */
export function draftZone(
	zone: CheckZone,
	domain: string,
	records: readonly TxtRecordRow[]
): CheckZone {
	const apex = normalName(domain);
	const drafted = records.map((row) => ({ owner: ownerName(row.name, apex), value: row.value }));
	return {
		answer(name: string, type: string): ZoneAnswer {
			const qname = normalName(name);
			if (type.toUpperCase() !== 'TXT' || (qname !== apex && !qname.endsWith(`.${apex}`)))
				return zone.answer(name, type);
			const here = drafted.filter((r) => r.owner === qname);
			const exists =
				qname === apex || drafted.some((r) => r.owner === qname || r.owner.endsWith(`.${qname}`));
			// No SOA in the authority section: a resolver over the draft reads answers and rcodes only.
			return {
				rcode: exists ? 'NOERROR' : 'NXDOMAIN',
				authoritative: true,
				answers: here.map((r) => ({ name: qname, type: 'TXT', ttl: 0, data: r.value })),
				authority: [],
				additional: []
			};
		}
	};
}

class Findings {
	readonly problems: RecordCheckMessage[] = [];
	readonly notes: RecordCheckMessage[] = [];

	add(finding: RecordCheckFinding, fill: Record<string, string | number> = {}): void {
		const row = RECORD_CHECK_ROWS[finding];
		const message = row.says.replace(/\{(\w+)\}/g, (whole, key: string) =>
			key in fill ? String(fill[key]) : whole
		);
		const list = row.problem ? this.problems : this.notes;
		if (!list.some((m) => m.message === message)) list.push({ message, rfc: row.rfc });
	}
}

/** Which kind of record this is: by its name first (_dmarc, ._domainkey), else by its start. */
export function recordKind(name: string, value: string): RecordCheck['kind'] {
	const n = name.toLowerCase();
	if (n === '_dmarc' || n.startsWith('_dmarc.')) return 'dmarc';
	if (n.endsWith('._domainkey') || n.includes('._domainkey.')) return 'dkim';
	const v = value.trim();
	if (/^v=spf1(\s|$)/i.test(v)) return 'spf';
	if (/^v\s*=\s*DMARC1\b/i.test(v)) return 'dmarc';
	if (/^v\s*=\s*DKIM1\b/i.test(v)) return 'dkim';
	return 'other';
}

/**
 * The check of one record `name` = `value` of `domain`, against `zone` (a draft, see draftZone,
 * so the record's neighbours are those the owner is about to publish).
 */
export async function checkRecord(
	name: string,
	value: string,
	domain: string,
	zone: CheckZone,
	context: CheckContext
): Promise<RecordCheck> {
	const findings = new Findings();
	const kind = recordKind(name, value);
	if (!RELATIVE_NAME.test(name)) findings.add('name-syntax', { name });
	else if (ownerName(name, domain).length > NAME_MAX_CHARACTERS)
		findings.add('name-too-long', { name: ownerName(name, domain) });
	else if (kind === 'spf')
		await checkSpf(ownerName(name, domain), normalName(domain), value, zone, findings);
	else if (kind === 'dmarc') await checkDmarc(name, ownerName(name, domain), value, zone, findings);
	else if (kind === 'dkim')
		await checkDkimKey(name, ownerName(name, domain), value, context, findings);
	return {
		name,
		value,
		kind,
		ok: findings.problems.length === 0,
		problems: findings.problems,
		notes: findings.notes
	};
}

/** mailauth's permerror and temperror texts, and which finding each is. */
const SPF_ERROR_FINDINGS: [RegExp, RecordCheckFinding][] = [
	[/^multiple SPF records found/, 'spf-multiple'],
	[/^Too many DNS requests/, 'spf-lookups'],
	[/^Too many void DNS results/, 'spf-void'],
	[/^no SPF records found for (.+)/, 'spf-include-none'],
	[/^Unknown mechanism (.+)/, 'spf-unknown-mechanism'],
	[/^more than 1 redirect/, 'spf-redirect-twice'],
	[/^DNS response includes invalid characters/, 'spf-characters'],
	[/^Invalid domain (.+)/, 'spf-domain']
];

/** What mailauth takes as a sender's domain: host names (its check refuses an underscore). */
const SENDER_DOMAIN = /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/i;

async function checkSpf(
	owner: string,
	apex: string,
	value: string,
	zone: CheckZone,
	findings: Findings
): Promise<void> {
	const terms = value.trim().split(/\s+/).slice(1);
	// The names whose lookup failed (SERVFAIL), which the temperror finding names.
	const failed = new Set<string>();
	const zoneAnswers = zoneResolver(zone, (name, _type, answer) => {
		if (answer.rcode === 'SERVFAIL') failed.add(normalName(name));
	});
	// A record at a name no sender has (_spf.…: an include target) is reached as receivers reach
	// it, through an include, from a stand-in record at the domain; only its errors are told then.
	const direct = SENDER_DOMAIN.test(owner);
	const evaluated = direct ? owner : apex;
	const standIn = `v=spf1 include:${owner} -all`;
	const resolver: Resolver = direct
		? zoneAnswers
		: async (name, type) =>
				normalName(name) === apex && type.toUpperCase() === 'TXT'
					? [[standIn]]
					: zoneAnswers(name, type);
	const published = zone
		.answer(owner, 'TXT')
		.answers.filter((r) => recordKind('@', r.data) === 'spf').length;
	for (const [address, who] of [
		[OUTGOING_HOST.address, `${OUTGOING_HOST.name} (${OUTGOING_HOST.address})`],
		[SPOOFER_ADDRESS, `a mail program typing straight to an MX (${SPOOFER_ADDRESS})`]
	]) {
		const response = await spf({
			sender: `postmaster@${evaluated}`,
			ip: address,
			helo: OUTGOING_HOST.name,
			mta: CHECKER,
			resolver
		});
		const { result, comment = '' } = response.status;
		// mailauth writes "<mta>: … lookup of <sender>: <why>"; the why is what a row explains.
		const why = comment.split(`postmaster@${evaluated}: `)[1] ?? '';
		if (result === 'permerror') {
			const match = SPF_ERROR_FINDINGS.find(([pattern]) => pattern.test(why));
			const detail = match ? (match[0].exec(why)?.[1] ?? why) : why;
			if (match?.[1] === 'spf-multiple')
				findings.add('spf-multiple', { count: Math.max(published, 2), owner });
			else findings.add(match ? match[1] : 'spf-syntax', { detail });
		} else if (direct)
			findings.add('spf-outcome', {
				detail: who,
				result,
				count: response.lookups?.count ?? 0
			});
	}
	for (const name of failed) findings.add('spf-temperror', { detail: name });
	for (const term of terms) {
		const target = /^[+?~-]?include:(.+)$/i.exec(term)?.[1] ?? /^redirect=(.+)$/i.exec(term)?.[1];
		if (target && normalName(target) === owner) findings.add('spf-loop', { term, owner });
	}
	const allAt = terms.findIndex((term) => /^[+?~-]?all$/i.test(term));
	if (allAt < 0 && !terms.some((term) => /^redirect=/i.test(term))) findings.add('spf-no-all');
	if (allAt >= 0 && /^\+?all$/i.test(terms[allAt])) findings.add('spf-plus-all');
	const after = allAt >= 0 ? terms.slice(allAt + 1).filter((term) => !term.includes('=')) : [];
	if (after.length) findings.add('spf-after-all', { detail: after.join(' ') });
	if (terms.some((term) => /^[+?~-]?ptr(:|$)/i.test(term))) findings.add('spf-ptr');
	const octets = Buffer.byteLength(value, 'utf8');
	if (octets > SPF_RECORD_SMALL_OCTETS) findings.add('spf-size', { count: octets });
}

const DMARC_POLICIES = ['none', 'quarantine', 'reject'];
/** The tags of RFC 7489 §6.3 (the registry of §11.4). */
const DMARC_TAGS = ['v', 'p', 'sp', 'adkim', 'aspf', 'pct', 'fo', 'rf', 'ri', 'rua', 'ruf'];

async function checkDmarc(
	name: string,
	owner: string,
	value: string,
	zone: CheckZone,
	findings: Findings
): Promise<void> {
	const atDmarc = name.toLowerCase() === '_dmarc' || name.toLowerCase().startsWith('_dmarc.');
	if (!atDmarc) findings.add('dmarc-elsewhere', { owner });
	if (!/^v=DMARC1\s*(;|$)/.test(value.trim())) {
		findings.add('dmarc-version');
		return;
	}
	const parsed = parseTagValueRecord(value);
	for (const error of parsed.errors) findings.add('dmarc-syntax', { detail: error });
	if (atDmarc) {
		// mailauth's own reader: it takes the one v=DMARC1 record there, or none when there are several.
		const policyDomain = owner.slice('_dmarc.'.length);
		const record = await getDmarcRecord(policyDomain, zoneResolver(zone)).catch(() => false);
		const published = zone
			.answer(owner, 'TXT')
			.answers.filter((r) => /^v=DMARC1\b/i.test(r.data.trim())).length;
		if (record === false) findings.add('dmarc-multiple', { count: published, owner });
	}
	const tags = parsed.tags;
	const order = Object.keys(tags);
	const single = (tag: string) => {
		const v = tags[tag];
		return Array.isArray(v) ? v[v.length - 1] : v;
	};
	if (!('p' in tags)) findings.add('dmarc-policy-missing');
	else if (order[1] !== 'p') findings.add('dmarc-policy-order');
	for (const tag of ['p', 'sp'])
		if (tag in tags && !DMARC_POLICIES.includes(single(tag).toLowerCase()))
			findings.add('dmarc-policy-value', { detail: `${tag}=${single(tag)}` });
	for (const tag of ['adkim', 'aspf'])
		if (tag in tags && !['r', 's'].includes(single(tag).toLowerCase()))
			findings.add('dmarc-alignment-value', { detail: `${tag}=${single(tag)}` });
	if ('pct' in tags) {
		const pct = single('pct');
		if (!/^\d{1,3}$/.test(pct) || Number(pct) > 100)
			findings.add('dmarc-pct-value', { detail: `pct=${pct}` });
		else if (Number(pct) < 100) findings.add('dmarc-pct-partial', { detail: pct });
	}
	if ('p' in tags && single('p').toLowerCase() === 'none') findings.add('dmarc-none');
	for (const tag of order)
		if (!DMARC_TAGS.includes(tag)) findings.add('dmarc-unknown-tag', { detail: `${tag}=` });
}

/** getPublicKey's error codes, and which finding each is (an empty p= is told apart below). */
const DKIM_KEY_FINDINGS: Record<string, RecordCheckFinding> = {
	EINVALIDVER: 'dkim-version',
	EINVALIDTYPE: 'dkim-key-type',
	ESHORTKEY: 'dkim-short-key'
};
/** RFC 8301 §3.2: verifiers refuse RSA keys shorter than this. */
const DKIM_MIN_RSA_BITS = 1024;

async function checkDkimKey(
	name: string,
	owner: string,
	value: string,
	context: CheckContext,
	findings: Findings
): Promise<void> {
	if (!/\._domainkey$/i.test(name)) findings.add('dkim-elsewhere', { owner });
	const parsed = parseTagValueRecord(value);
	for (const error of parsed.errors) findings.add('dkim-syntax', { detail: error });
	const tags = parsed.tags;
	const first = Object.keys(tags)[0];
	if ('v' in tags && (first !== 'v' || tags.v !== 'DKIM1')) findings.add('dkim-version');
	if (!('p' in tags)) findings.add('dkim-no-key');
	else if (tags.p === '') findings.add('dkim-revoked');
	else
		try {
			// mailauth's own key loader, over this one record: what a verifier will make of it.
			await getPublicKey('DKIM', owner, DKIM_MIN_RSA_BITS, async () => [[value]]);
			if (
				name.toLowerCase() === `${context.dkimSelector}._domainkey` &&
				value.replace(/\s+/g, '') !== context.dkimKeyRecord.replace(/\s+/g, '')
			)
				findings.add('dkim-other-key', { detail: context.dkimSelector });
		} catch (error) {
			const { code, message } = error as Error & { code?: string };
			const k = typeof tags.k === 'string' ? tags.k : 'rsa';
			const finding =
				DKIM_KEY_FINDINGS[code ?? ''] ??
				(/base64/i.test(message) ? 'dkim-base64' : 'dkim-key-type');
			findings.add(finding, { detail: `k=${k}` });
		}
	if (typeof tags.t === 'string' && tags.t.split(':').some((flag) => flag.trim() === 'y'))
		findings.add('dkim-testing');
}
