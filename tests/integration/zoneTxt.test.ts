/**
 * Issue 20, the zone's TXT records over real sockets, asked by Debian's dig: the teaching domains'
 * SPF, DMARC and DKIM key records, long values as several strings (RFC 1035 §3.3.14), truncation
 * over UDP and dig's retry over TCP (RFC 1035 §4.2.1), SERVFAIL under temperror.test, NXDOMAIN
 * under a teaching domain. Then zone editing: every route under /api/dns called in-process (as
 * SvelteKit calls it, with the viewer the hooks found) against a running lab, each edit seen by
 * dig at once, its refusals with their status and JSON, its limits at their edges, and an edit
 * kept across a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../server/config';
import type { Lab } from '../../server/lab';
import { personalDomain } from '../../server/owners/ownerNames';
import type { Viewer } from '../../server/owners/visibility';
import type { RecordCheck, ZoneEditView } from '../../src/lib/auth/recordChecks';
import { classDomain } from '../../src/lib/classes';
import { POST as checkRoute } from '../../src/routes/api/dns/check/+server';
import { GET as listRoute } from '../../src/routes/api/dns/zones/+server';
import {
	DELETE as resetRoute,
	GET as getRoute,
	PUT as putRoute
} from '../../src/routes/api/dns/zones/[domain]/+server';
import { POST as createClass } from '../../src/routes/api/classes/+server';
import { DELETE as endClass } from '../../src/routes/api/classes/[code]/+server';
import { classRoute } from './classRoutes';
import { dig as digLab, type DigResult } from './digClient';
import { startTestLab } from './harness';

let lab: Lab | undefined;
const dataDirs: string[] = [];
afterEach(async () => {
	await lab?.close();
	lab = undefined;
	for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(overrides: Parameters<typeof startTestLab>[0] = {}): Promise<Lab> {
	// No rate limit: each test asks many questions at once.
	lab = await startTestLab({ dnsQueriesPerSecondPerAddress: 0, ...overrides });
	return lab;
}

/** dig asking the running lab's name server; answer lines as printed, for their TXT strings. */
function dig(type: string, name: string, ...options: string[]): Promise<DigResult> {
	return digLab(lab!.dns.port, type, name, options);
}

/**
 * A TXT answer line's character-strings as octets, as dig prints them: each quoted, `\"` and
 * `\\` escaped, an octet outside printable ASCII as `\DDD` (RFC 1035 §5.1).
 */
function txtStrings(line: string): Buffer[] {
	return [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) =>
		Buffer.from(
			m[1]
				.split(/(\\\d{3}|\\.)/)
				.flatMap((part) =>
					/^\\\d{3}$/.test(part)
						? [Number(part.slice(1))]
						: [...Buffer.from(part.startsWith('\\') ? part.slice(1) : part, 'latin1')]
				)
		)
	);
}

/** A record's strings joined (RFC 7208 §3.3) and read as UTF-8. */
const joined = (strings: Buffer[]) => Buffer.concat(strings).toString('utf8');

/** Every TXT value dig got. */
async function txt(name: string, ...options: string[]): Promise<string[]> {
	return (await dig('TXT', name, ...options)).answer.map((line) => joined(txtStrings(line)));
}

interface Answer<T> {
	status: number;
	json: T & { error?: string; problems?: RecordCheck[] };
}

/** Calls a zone route as SvelteKit would: `body` as JSON, or as the very text when a string. */
async function call<T>(
	handler: (event: never) => Response | Promise<Response>,
	options: { viewer: Viewer; params?: Record<string, string>; body?: unknown; known?: boolean }
): Promise<Answer<T>> {
	const body =
		options.body === undefined
			? undefined
			: typeof options.body === 'string'
				? options.body
				: JSON.stringify(options.body);
	const response = await handler({
		params: options.params ?? {},
		locals: { viewer: options.viewer, knownOwner: options.known ?? true },
		request: new Request('http://lab.test/api/dns', {
			method: body === undefined ? 'GET' : 'POST',
			...(body === undefined ? {} : { body })
		})
	} as never);
	return { status: response.status, json: (await response.json()) as Answer<T>['json'] };
}

/** A browser's owner and its personal domain (made as /connect makes it). */
function owner(lab: Lab): { viewer: Viewer; domain: string } {
	const viewer = { ownerId: lab.owners.signer.issueOwner().id, operator: false };
	return { viewer, domain: personalDomain(lab.owners.owner(viewer.ownerId).name) };
}

const put = (viewer: Viewer, domain: string, records: unknown) =>
	call<ZoneEditView>(putRoute, { viewer, params: { domain }, body: { records } });

describe('TXT records of the teaching domains, asked with dig', () => {
	it.each([
		['UDP', []],
		['TCP', ['+tcp']]
	])(
		'over %s: SPF at the apex, DMARC at _dmarc, the DKIM key in strings of at most 255 octets',
		async (_t, options: string[]) => {
			const lab = await start();
			expect(await txt('hardfail.test', ...options)).toEqual(['v=spf1 a:out.smtp-lab.test -all']);
			expect(await txt('_dmarc.reject.test', ...options)).toEqual(['v=DMARC1; p=reject']);
			const key = await dig('TXT', 'smtplab._domainkey.reject.test', ...options);
			expect(key.status).toBe('NOERROR');
			expect(key.flags).toContain('aa');
			const strings = txtStrings(key.answer[0]);
			// A 2048-bit key record is about 410 octets: two strings, each at most 255 (RFC 1035 §3.3).
			expect(strings.length).toBe(2);
			for (const s of strings) expect(s.length).toBeLessThanOrEqual(255);
			expect(joined(strings)).toBe(lab.dns.zone.options.dkimKeyRecord);
			expect(joined(strings)).toMatch(/^v=DKIM1; k=rsa; p=MII/);
			// nokey.test's signatures name a key nobody published.
			expect((await dig('TXT', 'smtplab._domainkey.nokey.test', ...options)).status).toBe(
				'NXDOMAIN'
			);
		}
	);

	it('temperror.test: SERVFAIL for every TXT question at or under it, its other records answer', async () => {
		await start();
		for (const name of [
			'temperror.test',
			'smtplab._domainkey.temperror.test',
			'_dmarc.temperror.test'
		])
			expect((await dig('TXT', name)).status).toBe('SERVFAIL');
		expect((await dig('SOA', 'temperror.test')).status).toBe('NOERROR');
	});

	it('a teaching domain is a zone of its own: news.relaxed.test does not exist (NXDOMAIN, its SOA)', async () => {
		await start();
		const news = await dig('TXT', 'news.relaxed.test');
		expect(news.status).toBe('NXDOMAIN');
		expect(news.flags).toContain('aa');
		expect(news.authority.join(' ')).toMatch(/^relaxed\.test\.\s+300\s+IN\s+SOA\s/);
		expect((await dig('NS', 'relaxed.test')).answer.join(' ')).toMatch(/NS\s+ns\.smtp-lab\.test\./);
	});

	it('the /dns zone lists the teaching domains as kind auth, with their TXT records', async () => {
		const lab = await start();
		const hardfail = lab.dns.zone.describe().find((d) => d.domain === 'hardfail.test');
		expect(hardfail?.kind).toBe('auth');
		expect(hardfail?.records).toContainEqual({
			name: 'hardfail.test',
			type: 'TXT',
			ttl: 3600,
			data: 'v=spf1 a:out.smtp-lab.test -all'
		});
		// Its own row's text and citations; what every teaching domain is for is the 'auth' kind's,
		// said once above them on /dns.
		expect(hardfail?.explains).toMatch(/-all.*550 5\.7\.23/);
		expect(hardfail?.explains).not.toMatch(/receive no mail/);
		expect(hardfail?.rfc).toContainEqual({ rfc: 7208, section: '8.4' });
	});
});

describe('the hosts that send publish SPF for their HELO names (RFC 7208 §2.3)', () => {
	it('out.smtp-lab.test and mx.list.test: v=spf1 a -all, asked with dig and listed on /dns; a host that only receives has none', async () => {
		const lab = await start();
		expect(await txt('out.smtp-lab.test')).toEqual(['v=spf1 a -all']);
		expect(await txt('mx.list.test')).toEqual(['v=spf1 a -all']);
		const north = await dig('TXT', 'mx.north.test');
		expect([north.status, north.answer]).toEqual(['NOERROR', []]);
		const zones = lab.dns.zone.describe();
		for (const [zone, host] of [
			['smtp-lab.test', 'out.smtp-lab.test'],
			['list.test', 'mx.list.test']
		])
			expect(zones.find((d) => d.domain === zone)?.records).toContainEqual({
				name: host,
				type: 'TXT',
				ttl: 3600,
				data: 'v=spf1 a -all'
			});
	});
});

describe('a personal domain publishes the defaults, then what its owner writes', () => {
	it('defaults: SPF, DMARC p=none and the sandbox key; _domainkey exists with no record of its own', async () => {
		const lab = await start();
		const { domain } = owner(lab);
		expect(await txt(domain)).toEqual(['v=spf1 a:out.smtp-lab.test ~all']);
		expect(await txt(`_dmarc.${domain}`)).toEqual(['v=DMARC1; p=none']);
		expect(await txt(`smtplab._domainkey.${domain}`)).toEqual([lab.dns.zone.options.dkimKeyRecord]);
		const between = await dig('TXT', `_domainkey.${domain}`);
		expect(between.status).toBe('NOERROR');
		expect(between.answer).toEqual([]);
		expect((await dig('TXT', `nothing.${domain}`)).status).toBe('NXDOMAIN');
	});

	it('PUT replaces every TXT record and dig sees it at once; DELETE brings the defaults back', async () => {
		const lab = await start();
		const { viewer, domain } = owner(lab);
		const records = [
			{ name: '@', value: 'v=spf1 ip4:127.0.0.1 -all' },
			{ name: '_dmarc', value: 'v=DMARC1; p=reject; adkim=s' },
			{ name: 'note', value: 'hello "world"' }
		];
		const saved = await put(viewer, domain, records);
		expect(saved.status).toBe(200);
		expect(saved.json).toMatchObject({ domain, kind: 'personal', records, edited: true });
		expect(saved.json.checks.map((c) => [c.name, c.kind, c.ok])).toEqual([
			['@', 'spf', true],
			['_dmarc', 'dmarc', true],
			['note', 'other', true]
		]);
		expect(await txt(domain)).toEqual(['v=spf1 ip4:127.0.0.1 -all']);
		expect(await txt(`_dmarc.${domain}`, '+tcp')).toEqual(['v=DMARC1; p=reject; adkim=s']);
		expect(await txt(`note.${domain}`)).toEqual(['hello "world"']);
		// The key was not in the new set: it is gone, and DKIM signatures will find no key.
		expect((await dig('TXT', `smtplab._domainkey.${domain}`)).status).toBe('NXDOMAIN');
		const got = await call<ZoneEditView>(getRoute, { viewer, params: { domain } });
		expect(got.json.records).toEqual(records);

		const reset = await call<ZoneEditView>(resetRoute, { viewer, params: { domain } });
		expect(reset.status).toBe(200);
		expect(reset.json.edited).toBe(false);
		expect(reset.json.records).toEqual(reset.json.defaults);
		expect(reset.json.defaults.map((r) => r.name)).toEqual(['@', '_dmarc', 'smtplab._domainkey']);
		expect(await txt(domain)).toEqual(['v=spf1 a:out.smtp-lab.test ~all']);
		expect(await txt(`smtplab._domainkey.${domain}`)).toEqual([lab.dns.zone.options.dkimKeyRecord]);
	});

	it('a value over 512 octets: truncated over UDP (TC) without EDNS, dig retries over TCP and gets it', async () => {
		const lab = await start();
		const { viewer, domain } = owner(lab);
		// 2048 octets: the longest value ZONE_MAX_TXT_BYTES lets through, with a " and a \ in it.
		const value = 'a note with "quotes" and a \\ backslash, '.padEnd(2048, 'x');
		expect(Buffer.byteLength(value)).toBe(2048);
		expect((await put(viewer, domain, [{ name: 'big', value }])).status).toBe(200);
		const truncated = await dig('TXT', `big.${domain}`, '+notcp', '+noedns', '+ignore');
		expect(truncated.flags).toContain('tc');
		expect(truncated.answer).toEqual([]);
		const retried = await dig('TXT', `big.${domain}`, '+notcp', '+noedns');
		expect(retried.stdout).toContain('Truncated, retrying in TCP mode');
		const strings = txtStrings(retried.answer[0]);
		expect(strings.length).toBe(9);
		for (const s of strings) expect(s.length).toBeLessThanOrEqual(255);
		expect(joined(strings)).toBe(value);
		expect(await txt(`big.${domain}`, '+tcp')).toEqual([value]);
	});
});

describe('only one’s own zone', () => {
	it('403 for another owner’s domain (GET, PUT, DELETE, check), 404 for a domain that does not exist', async () => {
		const lab = await start();
		const alice = owner(lab);
		const bob = owner(lab);
		const params = { domain: bob.domain };
		for (const [handler, body] of [
			[getRoute, undefined],
			[putRoute, { records: [] }],
			[resetRoute, undefined]
		] as const) {
			const refused = await call(handler, { viewer: alice.viewer, params, body });
			expect(refused.status).toBe(403);
			expect(refused.json.error).toMatch(/another owner's personal domain/);
		}
		const check = await call(checkRoute, {
			viewer: alice.viewer,
			body: { name: '@', value: 'v=spf1 -all', domain: bob.domain }
		});
		expect(check.status).toBe(403);
		expect(await txt(bob.domain)).toEqual(['v=spf1 a:out.smtp-lab.test ~all']);
		for (const domain of ['nobody-here-99.test', 'hardfail.test', 'example.com']) {
			const missing = await call(getRoute, { viewer: alice.viewer, params: { domain } });
			expect(missing.status).toBe(404);
			expect(missing.json.error).toMatch(/no personal or class domain/);
		}
	});

	it('a class’s domain is its teacher’s to edit; the class’s end takes its records with it', async () => {
		const lab = await start();
		const teacher = owner(lab);
		const student = owner(lab);
		const created = await classRoute(createClass, {
			viewer: teacher.viewer,
			body: { name: 'Mail' }
		});
		const code = created.json.code as string;
		const domain = classDomain(code);
		const list = await call<{ zones: ZoneEditView[] }>(listRoute, { viewer: teacher.viewer });
		expect(list.json.zones.map((z) => [z.domain, z.kind])).toEqual([
			[teacher.domain, 'personal'],
			[domain, 'class']
		]);
		expect((await put(student.viewer, domain, [])).status).toBe(403);
		expect((await put(teacher.viewer, domain, [{ name: '@', value: 'v=spf1 -all' }])).status).toBe(
			200
		);
		expect(await txt(domain)).toEqual(['v=spf1 -all']);
		await classRoute(endClass, { viewer: teacher.viewer, params: { code } });
		expect(lab.store.zoneTxt(domain)).toBeUndefined();
		expect((await dig('TXT', domain)).status).toBe('NXDOMAIN');
	});

	it('a request without its owner cookie is given no personal domain to edit', async () => {
		const lab = await start();
		const viewer = { ownerId: lab.owners.signer.issueOwner().id, operator: false };
		const list = await call<{ zones: ZoneEditView[] }>(listRoute, { viewer, known: false });
		expect(list.json.zones).toEqual([]);
		expect(lab.store.owners.has(viewer.ownerId)).toBe(false);
	});
});

describe('malformed records are refused with their problems, nothing saved', () => {
	it('two SPF records at one name: 400, RFC 7208 §3.2, the zone unchanged', async () => {
		const lab = await start();
		const { viewer, domain } = owner(lab);
		const refused = await put(viewer, domain, [
			{ name: '@', value: 'v=spf1 a:out.smtp-lab.test -all' },
			{ name: '@', value: 'v=spf1 ip4:127.0.0.1 -all' }
		]);
		expect(refused.status).toBe(400);
		expect(refused.json.error).toBe('2 of the records are malformed; nothing was saved');
		expect(refused.json.problems?.[0].problems[0]).toEqual({
			message:
				'There are 2 SPF records (v=spf1) at ' +
				domain +
				': a receiver cannot choose between them, so every check gives permerror. Merge them into one record.',
			rfc: { rfc: 7208, section: '3.2' }
		});
		expect(await txt(domain)).toEqual(['v=spf1 a:out.smtp-lab.test ~all']);
	});

	it.each([
		['@', 'v=spf1 a:out.smtp-lab.test foo:bar -all', 'spf', { rfc: 7208, section: '4.6.1' }],
		['@', 'v=spf1 ip4:300.1.2.3 -all', 'spf', { rfc: 7208, section: '4.6' }],
		// At a name no sender has (an include target): reached through an include, as receivers do.
		['_spf', 'v=spf1 ip4:192.0.2.1 bogus -all', 'spf', { rfc: 7208, section: '4.6.1' }],
		['@', 'v=spf1 redirect=a.test redirect=b.test', 'spf', { rfc: 7208, section: '6' }],
		['_dmarc', 'v=DMARC1; p=maybe', 'dmarc', { rfc: 7489, section: '6.3' }],
		['_dmarc', 'p=reject; v=DMARC1', 'dmarc', { rfc: 7489, section: '6.3' }],
		['_dmarc', 'v=DMARC1; p=none; aspf=x', 'dmarc', { rfc: 7489, section: '6.3' }],
		['_dmarc', 'v=DMARC1; p=none; pct=150', 'dmarc', { rfc: 7489, section: '6.3' }],
		['smtplab._domainkey', 'v=DKIM1; k=rsa; p=not*base64', 'dkim', { rfc: 6376, section: '3.6.1' }],
		['smtplab._domainkey', 'v=DKIM2; p=MIIB', 'dkim', { rfc: 6376, section: '3.6.1' }],
		['smtplab._domainkey', 'v=DKIM1; k=rsa', 'dkim', { rfc: 6376, section: '3.6.1' }],
		['bad name!', 'anything', 'other', { rfc: 1035, section: '2.3.4' }]
	])('%s = %s: 400, %s, cited', async (name, value, kind, rfc) => {
		const lab = await start();
		const { viewer, domain } = owner(lab);
		const refused = await put(viewer, domain, [{ name, value }]);
		expect(refused.status).toBe(400);
		const [check] = refused.json.problems!;
		expect(check).toMatchObject({ name, value, kind, ok: false });
		expect(check.problems[0].rfc).toEqual(rfc);
		expect(check.problems[0].message.length).toBeGreaterThan(20);
		expect(lab.store.zoneTxt(domain)).toBeUndefined();
	});

	it('a DKIM key of the wrong type: k=ed25519 with an RSA key is refused; an empty p= is a revoked key (a note)', async () => {
		const lab = await start();
		const { viewer, domain } = owner(lab);
		const rsa = lab.dns.zone.options.dkimKeyRecord.split('p=')[1];
		const wrong = await put(viewer, domain, [
			{ name: 'smtplab._domainkey', value: `v=DKIM1; k=ed25519; p=${rsa}` }
		]);
		expect(wrong.status).toBe(400);
		expect(wrong.json.problems![0].problems[0].message).toMatch(
			/^The key in p= is not of the type k= says \(k=ed25519\)/
		);
		const revoked = await put(viewer, domain, [
			{ name: 'smtplab._domainkey', value: 'v=DKIM1; p=' }
		]);
		expect(revoked.status).toBe(200);
		expect(revoked.json.checks[0].notes).toContainEqual({
			message:
				'p= is empty: the key is revoked, and every signature that names this selector fails.',
			rfc: { rfc: 6376, section: '3.6.1' }
		});
		expect(await txt(`smtplab._domainkey.${domain}`)).toEqual(['v=DKIM1; p=']);
	});
});

describe('records that fail when checked: saved, each failure explained', () => {
	it('an SPF record that includes itself: a loop, stopped by the 10-lookup limit (RFC 7208 §4.6.4)', async () => {
		const lab = await start();
		const { viewer, domain } = owner(lab);
		const value = `v=spf1 include:${domain} -all`;
		const logged = lab.dns.log.entries.length;
		const checked = await call<RecordCheck>(checkRoute, {
			viewer,
			body: { name: '@', value, domain }
		});
		expect(checked.status).toBe(200);
		// Checking a draft while typing asks the zone in-process and writes nothing to /dns's log.
		expect(lab.dns.log.entries).toHaveLength(logged);
		expect(checked.json).toMatchObject({ name: '@', value, kind: 'spf', ok: true, problems: [] });
		expect(checked.json.notes).toContainEqual({
			message: `include:${domain} names ${domain} itself: the check would include the same record again and again, a loop; it ends at the 10-lookup limit with permerror.`,
			rfc: { rfc: 7208, section: '4.6.4' }
		});
		expect(checked.json.notes.map((n) => n.rfc.section)).toContain('4.6.4');
		// The check read the draft, not the zone: nothing was published.
		expect(await txt(domain)).toEqual(['v=spf1 a:out.smtp-lab.test ~all']);
		const saved = await put(viewer, domain, [{ name: '@', value }]);
		expect(saved.status).toBe(200);
		expect(await txt(domain)).toEqual([value]);
		// The server keeps answering.
		expect((await dig('TXT', domain)).status).toBe('NOERROR');
	});

	it('a huge SPF record: a note on its size (RFC 7208 §3.4), the outcome for the outgoing server', async () => {
		const lab = await start();
		const { viewer, domain } = owner(lab);
		const value = `v=spf1 a:out.smtp-lab.test ${'ip4:192.0.2.1 '.repeat(140)}-all`;
		const checked = await call<RecordCheck>(checkRoute, {
			viewer,
			body: { name: '@', value, domain }
		});
		expect(checked.json.ok).toBe(true);
		expect(checked.json.notes).toContainEqual({
			message: `The record is ${value.length} octets: above about 450 an answer may not fit a plain UDP DNS message, and a receiver behind a strict firewall may never see it.`,
			rfc: { rfc: 7208, section: '3.4' }
		});
		expect(checked.json.notes).toContainEqual({
			message:
				'Mail from out.smtp-lab.test (127.0.0.2) gets SPF pass with this record (1 of the 10 DNS lookups used).',
			rfc: { rfc: 7208, section: '2.6' }
		});
		expect(checked.json.notes.map((n) => n.message)).toContain(
			'Mail from a mail program typing straight to an MX (127.0.0.1) gets SPF fail with this record (1 of the 10 DNS lookups used).'
		);
	});

	it.each([
		['@', 'v=spf1 a:out.smtp-lab.test', { rfc: 7208, section: '4.7' }, /^No “all” at the end/],
		['@', 'v=spf1 +all', { rfc: 7208, section: '5.1' }, /anyone on the internet passes/],
		['@', 'v=spf1 -all a:out.smtp-lab.test', { rfc: 7208, section: '5.1' }, /is never evaluated/],
		['@', 'v=spf1 ptr -all', { rfc: 7208, section: '5.5' }, /SHOULD NOT be published/],
		['_dmarc', 'v=DMARC1; p=none', { rfc: 7489, section: '6.3' }, /^p=none only watches/],
		['_dmarc', 'v=DMARC1; p=reject; color=blue', { rfc: 7489, section: '6.3' }, /not a DMARC tag/],
		[
			'smtplab._domainkey',
			'v=DKIM1; k=rsa; t=y; p=',
			{ rfc: 6376, section: '3.6.1' },
			/testing DKIM/
		]
	])('%s = %s: saved, with a note citing its section', async (name, value, rfc, says) => {
		const lab = await start();
		const { viewer, domain } = owner(lab);
		const saved = await put(viewer, domain, [{ name, value }]);
		expect(saved.status).toBe(200);
		expect(saved.json.checks[0].ok).toBe(true);
		const note = saved.json.checks[0].notes.find((n) => says.test(n.message));
		expect(note?.rfc).toEqual(rfc);
	});

	it('SPF checks look up the sandbox zone: an include of temperror.test fails for now, of a name without SPF a permerror', async () => {
		const lab = await start();
		const { viewer, domain } = owner(lab);
		const temp = await call<RecordCheck>(checkRoute, {
			viewer,
			body: { name: '@', value: 'v=spf1 include:temperror.test -all', domain }
		});
		expect(temp.json.notes).toContainEqual({
			message:
				'The lookup of temperror.test fails for now (SERVFAIL): by the RFC an include of it gives temperror, “try again later”; mailauth, which the sandbox’s receivers run, treats the failing include as no match and goes on to the next term.',
			rfc: { rfc: 7208, section: '5.2' }
		});
		const none = await call<RecordCheck>(checkRoute, {
			viewer,
			body: { name: '@', value: 'v=spf1 include:north.test -all', domain }
		});
		expect(none.json.notes).toContainEqual({
			message:
				'north.test has no SPF record, so the include or redirect that names it gives permerror (not “no match”).',
			rfc: { rfc: 7208, section: '5.2' }
		});
	});
});

describe('limits and bad bodies', () => {
	it('ZONE_MAX_TXT_RECORDS and ZONE_MAX_TXT_BYTES: exactly the limit is saved, one more is 413', async () => {
		const lab = await start({ zoneMaxTxtRecords: 3, zoneMaxTxtBytes: 512 });
		const { viewer, domain } = owner(lab);
		const records = (n: number) =>
			Array.from({ length: n }, (_, i) => ({ name: `r${i}`, value: 'x' }));
		expect((await put(viewer, domain, records(3))).status).toBe(200);
		const tooMany = await put(viewer, domain, records(4));
		expect(tooMany.status).toBe(413);
		expect(tooMany.json.error).toBe(
			'4 records: a domain may publish at most 3 TXT records (ZONE_MAX_TXT_RECORDS)'
		);
		// 512 octets, one of them a two-octet character.
		const longest = `é${'y'.repeat(510)}`;
		expect((await put(viewer, domain, [{ name: 'long', value: longest }])).status).toBe(200);
		expect(await txt(`long.${domain}`, '+tcp')).toEqual([longest]);
		const tooLong = await put(viewer, domain, [{ name: 'long', value: `${longest}y` }]);
		expect(tooLong.status).toBe(413);
		expect(tooLong.json.error).toBe(
			"the record long is 513 octets: a TXT record's value may be at most 512 octets (ZONE_MAX_TXT_BYTES)"
		);
		const checkTooLong = await call(checkRoute, {
			viewer,
			body: { name: 'long', value: `${longest}y`, domain }
		});
		expect(checkTooLong.status).toBe(413);
		expect(await txt(`long.${domain}`, '+tcp')).toEqual([longest]);
	});

	it('a body that is not JSON or not the shape is 400, one larger than any zone needs 413', async () => {
		const lab = await start();
		const { viewer, domain } = owner(lab);
		const params = { domain };
		const notJson = await call(putRoute, { viewer, params, body: '{"records": [' });
		expect(notJson).toEqual({ status: 400, json: { error: 'the body is not JSON' } });
		for (const body of [{}, { records: 'v=spf1' }, { records: [{ name: '@' }] }, [], null]) {
			const wrong = await call(putRoute, { viewer, params, body: JSON.stringify(body) });
			expect(wrong.status).toBe(400);
			expect(wrong.json.error).toMatch(/^the body must be JSON: \{ "records"/);
		}
		const check = await call(checkRoute, { viewer, body: { name: '@', value: 1, domain } });
		expect(check.status).toBe(400);
		const huge = await call(putRoute, { viewer, params, body: ' '.repeat(2 * 1024 * 1024) });
		expect(huge.status).toBe(413);
		expect(huge.json.error).toMatch(/^the body is larger than \d+ bytes/);
	});
});

describe('the settings', () => {
	it('ZONE_MAX_TXT_RECORDS at least 3, ZONE_MAX_TXT_BYTES at least 512, their product at most 49152', () => {
		expect(readConfig({ ZONE_MAX_TXT_RECORDS: '3', ZONE_MAX_TXT_BYTES: '512' })).toMatchObject({
			zoneMaxTxtRecords: 3,
			zoneMaxTxtBytes: 512
		});
		expect(() => readConfig({ ZONE_MAX_TXT_RECORDS: '2' })).toThrow(
			/ZONE_MAX_TXT_RECORDS must be at least 3, got 2/
		);
		expect(() => readConfig({ ZONE_MAX_TXT_BYTES: '511' })).toThrow(
			/ZONE_MAX_TXT_BYTES must be at least 512, got 511/
		);
		// 24 × 2048 = 49152: a name's records still fit one DNS message over TCP.
		expect(readConfig({ ZONE_MAX_TXT_RECORDS: '24' }).zoneMaxTxtRecords).toBe(24);
		expect(() => readConfig({ ZONE_MAX_TXT_RECORDS: '25' })).toThrow(ConfigError);
		expect(() => readConfig({ ZONE_MAX_TXT_RECORDS: '25' })).toThrow(
			/must be at most 49152, got 51200/
		);
	});
});

describe('edits are kept', () => {
	it('across a restart, in DATA_DIR', async () => {
		const dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-zone-'));
		dataDirs.push(dataDir);
		let running = await start({ dataDir });
		const { viewer, domain } = owner(running);
		const records = [{ name: '@', value: 'v=spf1 -all' }];
		expect((await put(viewer, domain, records)).status).toBe(200);
		await running.close();
		lab = undefined;
		running = await start({ dataDir });
		expect(await txt(domain)).toEqual(['v=spf1 -all']);
		const got = await call<ZoneEditView>(getRoute, { viewer, params: { domain } });
		expect(got.json).toMatchObject({ records, edited: true });
		// Back to the defaults, and that is kept too.
		await call(resetRoute, { viewer, params: { domain } });
		await running.close();
		lab = undefined;
		await start({ dataDir });
		expect(await txt(domain)).toEqual(['v=spf1 a:out.smtp-lab.test ~all']);
	});

	it('edited, reset and edited again before the store writes: the last edit is what is kept', async () => {
		const dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-zone-'));
		dataDirs.push(dataDir);
		const running = await start({ dataDir });
		const { viewer, domain } = owner(running);
		// Well inside one FLUSH_DELAY_MS: the three changes are one batch, applied in order.
		await put(viewer, domain, [{ name: '@', value: 'v=spf1 ?all' }]);
		await call(resetRoute, { viewer, params: { domain } });
		await put(viewer, domain, [{ name: '@', value: 'v=spf1 -all' }]);
		await running.close();
		lab = undefined;
		await start({ dataDir });
		expect(await txt(domain)).toEqual(['v=spf1 -all']);
	});
});
