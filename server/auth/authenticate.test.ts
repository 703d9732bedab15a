/**
 * The MX's checks against the real sandbox zone, one scenario per teaching domain
 * (src/lib/auth/authDomains.ts): mailauth's verdicts, the report built from them, and the SPF
 * steps rebuilt from the record and the questions asked, whose outcome must be mailauth's.
 */
import { describe, expect, it } from 'vitest';
import { authDomain, type TxtRecordRow } from '../../src/lib/auth/authDomains';
import { decideAuthentication } from '../../src/lib/auth/authPolicy';
import type { SpfEvaluation, SpfStep } from '../../src/lib/auth/report';
import type { Clock } from '../clock';
import { DnsLog } from '../dns/dnsLog';
import { SandboxZone } from '../dns/sandboxZone';
import { authenticateMessage } from './authenticate';
import { loadDkimKey } from './dkimKeys';
import { signMessage } from './dkimSigner';

const clock: Clock = { now: () => 1_800_000_000_000, after: () => () => {} };
const KEY = loadDkimKey(null, 'smtplab');
const MX = 'mx.north.test';
const OUT = '127.0.0.2';
const SPOOFER = '127.0.0.1';

function setup(own: Record<string, TxtRecordRow[] | null> = {}) {
	const zone = new SandboxZone({
		serverName: 'smtp-lab.test',
		nameServerAddress: '127.0.0.53',
		isOwnDomain: (d) => d in own,
		dkimKeyRecord: KEY.publicKeyRecord,
		dkimSelector: KEY.selector,
		ownTxtRecords: (d) => own[d] ?? null
	});
	return { zone, log: new DnsLog(1000, clock) };
}

function message(from: string, body = 'Hello.\r\n', extra = ''): Buffer {
	return Buffer.from(
		`${extra}From: Sender <${from}>\r\nTo: bob@north.test\r\nSubject: A test\r\n` +
			`Date: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <t1@${from.split('@')[1]}>\r\n\r\n${body}`
	);
}

async function check(
	input: { raw: Buffer; mailFrom: string; client?: string; helo?: string },
	own: Record<string, TxtRecordRow[] | null> = {}
) {
	const deps = setup(own);
	const out = await authenticateMessage(
		{
			raw: input.raw,
			clientAddress: input.client ?? OUT,
			helo: input.helo ?? 'out.smtp-lab.test',
			mailFrom: input.mailFrom,
			authservId: MX,
			context: { owners: ['o1'], journeyId: 'j1' }
		},
		deps
	);
	return { ...out, log: deps.log };
}

/** The last step that decided (match or error), through includes and redirects. */
function decisive(evaluation: SpfEvaluation): SpfStep | undefined {
	return evaluation.steps.find((s) => s.outcome === 'match' || s.outcome === 'error');
}

/** Every step of an evaluation and of the evaluations it includes, in order. */
function allSteps(evaluation: SpfEvaluation): SpfStep[] {
	return evaluation.steps.flatMap((s) => [s, ...(s.included ? allSteps(s.included) : [])]);
}

const signed = (from: string, d: string, body?: string) => signMessage(message(from, body), KEY, d);

interface Scenario {
	what: string;
	raw: () => Promise<Buffer> | Buffer;
	mailFrom: string;
	client?: string;
	helo?: string;
	own?: Record<string, TxtRecordRow[]>;
	spf: string;
	/** The term that decided SPF at the top, and how; null when no record was evaluated. */
	decidedBy: [string, SpfStep['outcome']] | null;
	dkim: string[];
	dmarc: string | null;
}

const OWN_INCLUDE = { 'own.test': [{ name: '@', value: 'v=spf1 include:example.com -all' }] };

const SCENARIOS: Scenario[] = [
	...['example.com', 'example.net', 'example.org'].map((d) => ({
		what: `SPF pass, DKIM pass, DMARC pass: ${d} from the outgoing server`,
		raw: () => signed(`alice@${d}`, d),
		mailFrom: `alice@${d}`,
		spf: 'pass',
		decidedBy: ['a:out.smtp-lab.test', 'match'] as [string, SpfStep['outcome']],
		dkim: ['pass'],
		dmarc: 'pass'
	})),
	{
		what: 'SPF fail: hardfail.test typed from 127.0.0.1 (-all)',
		raw: () => message('eve@hardfail.test'),
		mailFrom: 'eve@hardfail.test',
		client: SPOOFER,
		spf: 'fail',
		decidedBy: ['-all', 'match'],
		dkim: ['none'],
		dmarc: 'none'
	},
	{
		what: 'SPF softfail: softfail.test from 127.0.0.1 (~all)',
		raw: () => message('eve@softfail.test'),
		mailFrom: 'eve@softfail.test',
		client: SPOOFER,
		spf: 'softfail',
		decidedBy: ['~all', 'match'],
		dkim: ['none'],
		dmarc: 'none'
	},
	{
		what: 'SPF none: gmail.com from laptop.example, names outside the sandbox: no such name here, never asked outside (not temperror)',
		raw: () => message('someone@gmail.com'),
		mailFrom: 'someone@gmail.com',
		client: SPOOFER,
		helo: 'laptop.example',
		spf: 'none',
		decidedBy: null,
		dkim: ['none'],
		dmarc: 'none'
	},
	{
		what: 'SPF neutral: neutral.test (?all)',
		raw: () => message('eve@neutral.test'),
		mailFrom: 'eve@neutral.test',
		client: SPOOFER,
		spf: 'neutral',
		decidedBy: ['?all', 'match'],
		dkim: ['none'],
		dmarc: 'none'
	},
	{
		what: 'SPF none: north.test publishes no SPF record',
		raw: () => message('ann@north.test'),
		mailFrom: 'ann@north.test',
		client: SPOOFER,
		spf: 'none',
		decidedBy: null,
		dkim: ['none'],
		dmarc: 'none'
	},
	{
		what: 'SPF permerror: lookups.test, the 11th lookup is over the limit',
		raw: () => message('eve@lookups.test'),
		mailFrom: 'eve@lookups.test',
		spf: 'permerror',
		decidedBy: ['a:out.smtp-lab.test', 'error'],
		dkim: ['none'],
		dmarc: 'none'
	},
	{
		what: 'SPF temperror: temperror.test’s name server fails (SERVFAIL)',
		raw: () => message('eve@temperror.test'),
		mailFrom: 'eve@temperror.test',
		spf: 'temperror',
		decidedBy: null,
		dkim: ['none'],
		dmarc: 'temperror'
	},
	{
		what: 'SPF include: own.test includes example.com, whose a: matches',
		raw: () => message('me@own.test'),
		mailFrom: 'me@own.test',
		own: OWN_INCLUDE,
		spf: 'pass',
		decidedBy: ['include:example.com', 'match'],
		dkim: ['none'],
		dmarc: 'none'
	},
	{
		what: 'SPF include that does not pass: example.com gives softfail, so -all decides',
		raw: () => message('me@own.test'),
		mailFrom: 'me@own.test',
		client: SPOOFER,
		own: OWN_INCLUDE,
		spf: 'fail',
		decidedBy: ['-all', 'match'],
		dkim: ['none'],
		dmarc: 'none'
	},
	{
		what: 'null sender: SPF checks postmaster@<HELO> (hardfail.test) from 127.0.0.1',
		raw: () => message('mailer-daemon@hardfail.test'),
		mailFrom: '',
		client: SPOOFER,
		helo: 'hardfail.test',
		spf: 'fail',
		decidedBy: ['-all', 'match'],
		dkim: ['none'],
		dmarc: 'none'
	},
	{
		what: 'DKIM body altered: neutral (body hash did not verify)',
		raw: async () =>
			Buffer.from(
				(await signed('alice@softfail.test', 'softfail.test'))
					.toString()
					.replace('Hello.', 'Hello!')
			),
		mailFrom: 'alice@softfail.test',
		spf: 'pass',
		decidedBy: ['a:out.smtp-lab.test', 'match'],
		dkim: ['neutral (body hash did not verify)'],
		dmarc: 'none'
	},
	{
		what: 'DKIM header altered: fail (bad signature)',
		raw: async () =>
			Buffer.from(
				(await signed('alice@softfail.test', 'softfail.test'))
					.toString()
					.replace('Subject: A test', 'Subject: A TEST')
			),
		mailFrom: 'alice@softfail.test',
		spf: 'pass',
		decidedBy: ['a:out.smtp-lab.test', 'match'],
		dkim: ['fail (bad signature)'],
		dmarc: 'none'
	},
	{
		what: 'DKIM key missing: nokey.test signs but publishes no key',
		raw: () => signed('alice@nokey.test', 'nokey.test'),
		mailFrom: 'alice@nokey.test',
		spf: 'pass',
		decidedBy: ['a:out.smtp-lab.test', 'match'],
		dkim: ['neutral (no key)'],
		dmarc: 'pass'
	},
	{
		what: 'DMARC reject: reject.test spoofed from 127.0.0.1, unsigned',
		raw: () => message('ceo@reject.test'),
		mailFrom: 'ceo@reject.test',
		client: SPOOFER,
		spf: 'fail',
		decidedBy: ['-all', 'match'],
		dkim: ['none'],
		dmarc: 'fail'
	},
	{
		what: 'DMARC quarantine: quarantine.test spoofed from 127.0.0.1',
		raw: () => message('ceo@quarantine.test'),
		mailFrom: 'ceo@quarantine.test',
		client: SPOOFER,
		spf: 'fail',
		decidedBy: ['-all', 'match'],
		dkim: ['none'],
		dmarc: 'fail'
	},
	{
		what: 'DMARC relaxed: From news.relaxed.test, d=relaxed.test aligns',
		raw: () => signed('news@news.relaxed.test', 'relaxed.test'),
		mailFrom: 'bounces@relaxed.test',
		spf: 'pass',
		decidedBy: ['a:out.smtp-lab.test', 'match'],
		dkim: ['pass'],
		dmarc: 'pass'
	},
	{
		what: 'DMARC strict: From news.strict.test, d=strict.test does not align',
		raw: () => signed('news@news.strict.test', 'strict.test'),
		mailFrom: 'bounces@strict.test',
		spf: 'pass',
		decidedBy: ['a:out.smtp-lab.test', 'match'],
		dkim: ['pass'],
		dmarc: 'fail'
	},
	{
		what: 'signed.test: a passing signature, no DMARC record',
		raw: () => signed('alice@signed.test', 'signed.test'),
		mailFrom: 'alice@signed.test',
		spf: 'pass',
		decidedBy: ['a:out.smtp-lab.test', 'match'],
		dkim: ['pass'],
		dmarc: 'none'
	},
	{
		what: 'list.test: the list host mx.list.test (127.0.0.12) passes SPF',
		raw: () => message('learners@list.test'),
		mailFrom: 'learners-bounces@list.test',
		client: '127.0.0.12',
		helo: 'mx.list.test',
		spf: 'pass',
		decidedBy: ['a:mx.list.test', 'match'],
		dkim: ['none'],
		dmarc: 'none'
	}
];

describe('authenticateMessage', () => {
	it.each(SCENARIOS.map((s) => [s.what, s] as const))('%s', async (_what, s) => {
		const out = await check(
			{ raw: await s.raw(), mailFrom: s.mailFrom, client: s.client, helo: s.helo },
			s.own
		);
		const { spf, dkim, dmarc } = out.report;
		expect(spf.result).toBe(s.spf);
		// The rebuilt steps come out where mailauth did.
		expect(spf.evaluation.result).toBe(s.spf);
		const step = decisive(spf.evaluation);
		expect(step ? [step.term, step.outcome] : null).toEqual(s.decidedBy);
		expect(
			dkim.length
				? dkim.map((d) => (d.comment ? `${d.result} (${d.comment})` : d.result))
				: ['none']
		).toEqual(s.dkim);
		expect(dmarc?.result ?? null).toBe(s.dmarc);
		// Every question went to the DNS log as the MX's, owned like the message.
		expect(out.log.entries.length).toBeGreaterThan(0);
		for (const entry of out.log.entries) {
			expect(entry.transport).toBe('auth');
			expect(entry.client).toBe(s.client ?? OUT);
			expect(entry.owners).toEqual(['o1']);
			expect(entry.journeyId).toBe('j1');
		}
	});
});

/** A personal domain publishing just this SPF record. */
const ownSpf = (value: string) => ({ 'own.test': [{ name: '@', value }] });

describe('the SPF steps, rebuilt', () => {
	it('lookups.test: ten a: lookups that do not match, the 11th never asked (RFC 7208 §4.6.4)', async () => {
		const { report } = await check({
			raw: message('eve@lookups.test'),
			mailFrom: 'eve@lookups.test'
		});
		const steps = report.spf.evaluation.steps;
		expect(steps.map((s) => s.outcome)).toEqual([
			...Array(10).fill('no-match'),
			'error',
			'not-reached'
		]);
		expect(steps.slice(0, 10).map((s) => s.lookups.map((l) => [l.type, l.counted]))).toEqual(
			Array(10).fill([['A', true]])
		);
		expect(steps[10].lookups).toEqual([]);
		expect(report.spf.evaluation.recordLookups?.map((l) => [l.name, l.counted])).toEqual([
			['lookups.test', false]
		]);
		expect(report.spf.lookupCount).toBe(11);
		expect(report.spf.comment).toBe(
			'mx.north.test: permanent error in processing during lookup of eve@lookups.test: Too many DNS requests'
		);
	});

	it('include: the included record is evaluated as a step of its own, its TXT question counted', async () => {
		const { report } = await check(
			{ raw: message('me@own.test'), mailFrom: 'me@own.test' },
			OWN_INCLUDE
		);
		const include = report.spf.evaluation.steps[0];
		expect(include.lookups.map((l) => [l.type, l.name, l.counted])).toEqual([
			['TXT', 'example.com', true]
		]);
		expect(include.included?.record).toBe('v=spf1 a:out.smtp-lab.test ~all');
		expect(include.included?.result).toBe('pass');
		expect(allSteps(report.spf.evaluation).map((s) => [s.term, s.outcome])).toEqual([
			['include:example.com', 'match'],
			['a:out.smtp-lab.test', 'match'],
			['~all', 'not-reached'],
			['-all', 'not-reached']
		]);
		expect(report.spf.lookupCount).toBe(2);
	});

	it('null sender: identity helo, sender postmaster@<HELO> (RFC 7208 §2.4)', async () => {
		const { report } = await check({
			raw: message('mailer-daemon@hardfail.test'),
			mailFrom: '',
			client: SPOOFER,
			helo: 'hardfail.test'
		});
		expect([report.spf.identity, report.spf.sender, report.spf.domain]).toEqual([
			'helo',
			'postmaster@hardfail.test',
			'hardfail.test'
		]);
	});

	it.each([
		[
			'the third void lookup is a permerror',
			'v=spf1 a:no1.own.test a:no2.own.test a:no3.own.test -all',
			SPOOFER,
			'permerror',
			[
				['a:no1.own.test', 'no-match'],
				['a:no2.own.test', 'no-match'],
				['a:no3.own.test', 'error'],
				['-all', 'not-reached']
			]
		],
		[
			'mx: the MX question counted, its host’s address not',
			'v=spf1 mx:list.test -all',
			'127.0.0.12',
			'pass',
			[
				['mx:list.test', 'match'],
				['-all', 'not-reached']
			]
		],
		[
			'ip4 inside the range',
			'v=spf1 ip4:127.0.0.0/30 -all',
			OUT,
			'pass',
			[
				['ip4:127.0.0.0/30', 'match'],
				['-all', 'not-reached']
			]
		],
		[
			'ip4 outside the range',
			'v=spf1 ip4:127.0.0.0/30 -all',
			'127.0.0.12',
			'fail',
			[
				['ip4:127.0.0.0/30', 'no-match'],
				['-all', 'match']
			]
		],
		[
			'redirect: hardfail.test’s record decides',
			'v=spf1 redirect=hardfail.test',
			SPOOFER,
			'fail',
			[
				['redirect=hardfail.test', 'match'],
				['a:out.smtp-lab.test', 'no-match'],
				['-all', 'match']
			]
		],
		[
			'an unknown mechanism is a permerror before anything is asked',
			'v=spf1 a:out.smtp-lab.test foo -all',
			OUT,
			'permerror',
			[
				['a:out.smtp-lab.test', 'not-reached'],
				['foo', 'error'],
				['-all', 'not-reached']
			]
		],
		[
			'ptr: the reverse name is outside the sandbox (REFUSED): no such name here, no match',
			'v=spf1 ptr -all',
			SPOOFER,
			'fail',
			[
				['ptr', 'no-match'],
				['-all', 'match']
			]
		],
		[
			'include of a domain whose name server fails: mailauth goes on (RFC 7208 §5.2 says temperror)',
			'v=spf1 include:temperror.test -all',
			OUT,
			'fail',
			[
				['include:temperror.test', 'no-match'],
				['-all', 'match']
			]
		],
		[
			'a name mailauth will not look up (its last label is digits): permerror, nothing asked',
			'v=spf1 a:foo.123 -all',
			OUT,
			'permerror',
			[
				['a:foo.123', 'error'],
				['-all', 'not-reached']
			]
		],
		[
			'exists matches a name that has an address',
			'v=spf1 exists:out.smtp-lab.test -all',
			SPOOFER,
			'pass',
			[
				['exists:out.smtp-lab.test', 'match'],
				['-all', 'not-reached']
			]
		]
	] as const)('%s', async (_what, record, client, result, steps) => {
		const { report } = await check(
			{ raw: message('me@own.test'), mailFrom: 'me@own.test', client },
			ownSpf(record)
		);
		expect(report.spf.result).toBe(result);
		expect(report.spf.evaluation.result).toBe(result);
		expect(allSteps(report.spf.evaluation).map((s) => [s.term, s.outcome])).toEqual(steps);
	});

	it('mx: the MX question counts against the limit, the exchanger’s address does not', async () => {
		const { report } = await check(
			{ raw: message('me@own.test'), mailFrom: 'me@own.test', client: '127.0.0.12' },
			ownSpf('v=spf1 mx:list.test -all')
		);
		expect(report.spf.evaluation.steps[0].lookups.map((l) => [l.type, l.name, l.counted])).toEqual([
			['MX', 'list.test', true],
			['A', 'mx.list.test', false]
		]);
	});
});

describe('the HELO identity, checked on its own (RFC 7208 §2.3)', () => {
	it('a queue hop: HELO out.smtp-lab.test from 127.0.0.2 passes its own record, v=spf1 a -all', async () => {
		const { report } = await check({
			raw: message('alice@example.com'),
			mailFrom: 'alice@example.com'
		});
		expect(report.spfHelo).toMatchObject({
			identity: 'helo',
			sender: 'postmaster@out.smtp-lab.test',
			domain: 'out.smtp-lab.test',
			helo: 'out.smtp-lab.test',
			result: 'pass',
			evaluation: { record: 'v=spf1 a -all', result: 'pass' }
		});
		expect(report.spfHelo?.evaluation.steps.map((s) => [s.term, s.outcome])).toEqual([
			['a', 'match'],
			['-all', 'not-reached']
		]);
		// The MAIL FROM check is still the one DMARC reads.
		expect(report.spf).toMatchObject({ identity: 'mailfrom', domain: 'example.com' });
		expect(report.header).toBe(
			'Authentication-Results: mx.north.test; dkim=none (message not signed); spf=pass (mx.north.test: domain of alice@example.com designates 127.0.0.2 as permitted sender) smtp.mailfrom=alice@example.com smtp.helo=out.smtp-lab.test; spf=pass (mx.north.test: domain of postmaster@out.smtp-lab.test designates 127.0.0.2 as permitted sender) smtp.helo=out.smtp-lab.test; dmarc=pass (p=NONE) header.from=example.com'
		);
	});

	it('a spoofer’s EHLO hardfail.test from 127.0.0.1: fail, and the decision is the MAIL FROM check’s', async () => {
		const { report } = await check({
			raw: message('eve@example.com'),
			mailFrom: 'eve@example.com',
			client: SPOOFER,
			helo: 'hardfail.test'
		});
		expect(report.spfHelo).toMatchObject({
			sender: 'postmaster@hardfail.test',
			result: 'fail',
			evaluation: { record: 'v=spf1 a:out.smtp-lab.test -all' }
		});
		expect(report.header).toContain(
			'; spf=fail (mx.north.test: domain of postmaster@hardfail.test does not designate 127.0.0.1 as permitted sender) smtp.helo=hardfail.test;'
		);
		expect(report.spf.result).toBe('softfail');
		expect(report.dmarc?.spf).toEqual({
			domain: 'example.com',
			result: 'softfail',
			aligned: false
		});
		const decision = decideAuthentication(report, authDomain('example.com'));
		expect(decision).toEqual({ action: 'inbox', reason: 'accepted', reply: null });
	});

	it.each([
		[
			'an address literal',
			'[127.0.0.1]',
			'spf=none (mx.north.test: HELO [127.0.0.1] is no multi-label domain name, not checked) smtp.helo="[127.0.0.1]"'
		],
		[
			'a bare address, bracketed as mailauth does',
			'127.0.0.1',
			'spf=none (mx.north.test: HELO [127.0.0.1] is no multi-label domain name, not checked) smtp.helo="[127.0.0.1]"'
		],
		[
			'one label',
			'localhost',
			'spf=none (mx.north.test: HELO localhost is no multi-label domain name, not checked) smtp.helo=localhost'
		]
	])('%s (%s): not checked, none, nothing asked', async (_what, helo, resinfo) => {
		const { report, log } = await check({
			raw: message('eve@hardfail.test'),
			mailFrom: 'eve@hardfail.test',
			client: SPOOFER,
			helo
		});
		expect(report.spfHelo).toMatchObject({
			identity: 'helo',
			result: 'none',
			lookupCount: 0,
			evaluation: { record: null, steps: [], result: 'none' }
		});
		expect(report.header.split('; ')).toContain(resinfo);
		expect(
			log.entries.filter((e) => /postmaster|^localhost$|\[/.test(e.question?.name ?? ''))
		).toEqual([]);
	});

	it('the null sender: no separate HELO check, spf already is it (RFC 7208 §2.4)', async () => {
		const { report } = await check({
			raw: message('mailer-daemon@hardfail.test'),
			mailFrom: '',
			helo: 'out.smtp-lab.test'
		});
		expect(report.spf.identity).toBe('helo');
		expect(report.spfHelo).toBeUndefined();
		expect(report.header.match(/ spf=/g)).toHaveLength(1);
	});
});

describe('DKIM keys that cannot verify', () => {
	it('b= tampered: fail (bad signature)', async () => {
		const raw = (await signed('alice@softfail.test', 'softfail.test')).toString();
		const tampered = raw.replace(
			/( b=)(.)/,
			(_m, tag: string, c: string) => `${tag}${c === 'A' ? 'B' : 'A'}`
		);
		const { report } = await check({ raw: Buffer.from(tampered), mailFrom: 'alice@softfail.test' });
		expect(report.dkim.map((d) => [d.result, d.comment])).toEqual([['fail', 'bad signature']]);
	});

	it('k=ed25519 with an RSA key: neutral (unknown key type)', async () => {
		const rsa = KEY.publicKeyRecord.split('p=')[1];
		const { report } = await check(
			{ raw: await signed('me@own.test', 'own.test'), mailFrom: 'me@own.test' },
			{ 'own.test': [{ name: 'smtplab._domainkey', value: `v=DKIM1; k=ed25519; p=${rsa}` }] }
		);
		expect(report.dkim.map((d) => [d.result, d.comment])).toEqual([
			['neutral', 'unknown key type']
		]);
		expect(report.dkim[0].keyRecord).toBe(`v=DKIM1; k=ed25519; p=${rsa}`);
	});

	it('temperror.test: the key question gets SERVFAIL: temperror', async () => {
		const { report } = await check({
			raw: await signed('alice@temperror.test', 'temperror.test'),
			mailFrom: 'alice@temperror.test'
		});
		expect(report.dkim.map((d) => [d.result, d.comment])).toEqual([
			['temperror', 'DNS failure: ESERVFAIL']
		]);
		expect(report.dkim[0].keyLookups.map((l) => l.rcode)).toEqual(['SERVFAIL']);
	});
});

describe('the trace fields', () => {
	it('Authentication-Results and Received-SPF, folded at 78', async () => {
		const { report, traceFields } = await check({
			raw: message('eve@hardfail.test'),
			mailFrom: 'eve@hardfail.test',
			client: SPOOFER
		});
		expect(report.header).toBe(
			'Authentication-Results: mx.north.test; dkim=none (message not signed); spf=fail (mx.north.test: domain of eve@hardfail.test does not designate 127.0.0.1 as permitted sender) smtp.mailfrom=eve@hardfail.test smtp.helo=out.smtp-lab.test; spf=fail (mx.north.test: domain of postmaster@out.smtp-lab.test does not designate 127.0.0.1 as permitted sender) smtp.helo=out.smtp-lab.test; dmarc=none header.from=hardfail.test'
		);
		expect(traceFields).toBe(
			'Authentication-Results: mx.north.test;\r\n' +
				' dkim=none (message not signed);\r\n' +
				' spf=fail (mx.north.test: domain of eve@hardfail.test does not designate\r\n' +
				' 127.0.0.1 as permitted sender) smtp.mailfrom=eve@hardfail.test\r\n' +
				' smtp.helo=out.smtp-lab.test;\r\n' +
				' spf=fail (mx.north.test: domain of postmaster@out.smtp-lab.test does not\r\n' +
				' designate 127.0.0.1 as permitted sender) smtp.helo=out.smtp-lab.test;\r\n' +
				' dmarc=none header.from=hardfail.test\r\n' +
				'Received-SPF: fail (mx.north.test: domain of eve@hardfail.test does not\r\n' +
				' designate 127.0.0.1 as permitted sender) receiver=mx.north.test;\r\n' +
				' client-ip=127.0.0.1; envelope-from="eve@hardfail.test";\r\n' +
				' helo=out.smtp-lab.test; identity=mailfrom;\r\n'
		);
	});

	it('dmarc= names the From: domain as header.from (RFC 7489 §11.1), strict alignment failing', async () => {
		const { report } = await check({
			raw: await signed('news@news.strict.test', 'strict.test'),
			mailFrom: 'bounces@strict.test'
		});
		expect(report.header.split('; ').at(-1)).toBe(
			'dmarc=fail (p=REJECT) header.from=news.strict.test'
		);
		expect(report.dmarc).toMatchObject({
			fromDomain: 'news.strict.test',
			organizationalDomain: 'strict.test',
			recordDomain: 'strict.test',
			policy: 'reject',
			adkim: 's',
			aspf: 's',
			spf: { domain: 'strict.test', result: 'pass', aligned: false },
			dkim: [{ domain: 'strict.test', result: 'pass', aligned: false }]
		});
		expect(report.dmarc?.recordLookups.map((l) => [l.name, l.rcode])).toEqual([
			['_dmarc.news.strict.test', 'NXDOMAIN'],
			['_dmarc.strict.test', 'NOERROR']
		]);
	});

	it('a forged Authentication-Results claiming this host is removed; another host’s stays', async () => {
		const forged =
			'Authentication-Results: MX.North.Test; dkim=pass; spf=pass;\r\n dmarc=pass\r\n' +
			'Authentication-Results: mx.south.test; spf=pass\r\n';
		const { report, raw } = await check({
			raw: message('eve@reject.test', 'Hello.\r\n', forged),
			mailFrom: 'eve@reject.test',
			client: SPOOFER
		});
		expect(report.removedForgeries).toBe(1);
		expect(raw.toString()).toBe(
			message(
				'eve@reject.test',
				'Hello.\r\n',
				'Authentication-Results: mx.south.test; spf=pass\r\n'
			).toString()
		);
		expect(report.dmarc?.result).toBe('fail');
	});
});

describe('bad input: a clear verdict, never a crash', () => {
	it('an SPF include loop ends at the lookup limit: permerror', async () => {
		const { report } = await check(
			{ raw: message('me@own.test'), mailFrom: 'me@own.test' },
			ownSpf('v=spf1 include:own.test -all')
		);
		expect(report.spf.result).toBe('permerror');
		expect(report.spf.evaluation.result).toBe('permerror');
		let depth = 0;
		for (let e = report.spf.evaluation; e.steps[0]?.included; e = e.steps[0].included) depth++;
		expect(depth).toBe(10);
	});

	it('a DMARC record with an unknown policy: no policy, the result still computed', async () => {
		const { report } = await check(
			{ raw: message('me@own.test'), mailFrom: 'me@own.test', client: SPOOFER },
			{
				'own.test': [
					{ name: '@', value: 'v=spf1 -all' },
					{ name: '_dmarc', value: 'v=DMARC1; p=bogus; sp=reject' }
				]
			}
		);
		expect(report.dmarc).toMatchObject({
			record: 'v=DMARC1; p=bogus; sp=reject',
			recordDomain: 'own.test',
			policy: null,
			subdomainPolicy: 'reject',
			result: 'fail'
		});
	});

	it('two SPF records: permerror (RFC 7208 §4.5)', async () => {
		const { report } = await check(
			{ raw: message('me@own.test'), mailFrom: 'me@own.test' },
			{
				'own.test': [
					{ name: '@', value: 'v=spf1 -all' },
					{ name: '@', value: 'v=spf1 +all' }
				]
			}
		);
		expect([report.spf.result, report.spf.evaluation.result, report.spf.evaluation.record]).toEqual(
			['permerror', 'permerror', null]
		);
	});

	it('a 2 KB SPF record of ip4 terms is read whole (eight TXT strings joined)', async () => {
		const terms = Array.from({ length: 120 }, (_, i) => `ip4:10.0.${i}.0/24`).join(' ');
		const { report } = await check(
			{ raw: message('me@own.test'), mailFrom: 'me@own.test' },
			ownSpf(`v=spf1 ${terms} ip4:127.0.0.2 -all`)
		);
		expect(report.spf.result).toBe('pass');
		expect(decisive(report.spf.evaluation)?.term).toBe('ip4:127.0.0.2');
	});

	it('bytes that are no message at all: checked, nothing signed, no From:', async () => {
		const raw = Buffer.from([0, 1, 2, 0xff, 0x0a, 0x0a, 0x80]);
		const { report, raw: kept } = await check({ raw, mailFrom: 'alice@example.com' });
		expect([report.spf.result, report.dkim, report.dmarc, kept.equals(raw)]).toEqual([
			'pass',
			[],
			null,
			true
		]);
	});

	it('no From: field: no DMARC check', async () => {
		const raw = Buffer.from('To: bob@north.test\r\nSubject: x\r\n\r\nHi\r\n');
		const { report } = await check({ raw, mailFrom: 'alice@example.com' });
		expect([report.spf.result, report.dkim, report.dmarc]).toEqual(['pass', [], null]);
	});
});

describe('names outside the sandbox', () => {
	it('are no names here: SPF none for MAIL FROM and HELO, never temperror, never asked outside', async () => {
		const { report, log } = await check({
			raw: message('someone@gmail.com'),
			mailFrom: 'someone@gmail.com',
			client: SPOOFER,
			helo: 'laptop.example'
		});
		expect(report.spf.result).toBe('none');
		expect(report.spfHelo?.result).toBe('none');
		// The zone refused them, as an authoritative-only server does; the log says so.
		expect(log.entries.map((e) => [e.question?.name, e.rcode])).toContainEqual([
			'laptop.example',
			'REFUSED'
		]);
	});
});
