/**
 * Issue 20, email authentication over real sockets: golden scenarios. Submission signs mail from
 * the sandbox's domains (RFC 6376); every MX hop — the sandbox's mx listener
 * (sandbox.smtp-lab.test) and the mail host mx.north.test — checks SPF (RFC 7208), DKIM (RFC 6376)
 * and DMARC (RFC 7489) before it answers the end of DATA, writes Authentication-Results (RFC 8601)
 * on top of its Received field, and acts: DMARC reject → 550 5.7.1, the host's own DKIM rule →
 * 550 5.7.20 (no passing signature) or 5.7.22 (passing, of another domain), SPF fail with no DMARC record → 550 5.7.23, quarantine → the recipient's Junk.
 *
 * The sandbox's own mail leaves from out.smtp-lab.test (127.0.0.2), which every teaching
 * domain's SPF record names; a mail program typing straight to an MX from 127.0.0.1 is the
 * spoofer. Clients: nodemailer, raw sockets, Python's imaplib and poplib.
 *
 * Expected results are written by hand from the records in src/lib/auth/authDomains.ts and the
 * RFCs' result names (RFC 8601 §2.7.1, §2.7.2; RFC 7489 §11.2). Where mailauth names a DKIM
 * outcome its own way (a body hash mismatch and a missing key are "neutral" with a comment, as
 * Gmail writes them; RFC 6376 §6.1.2 and §6.1.3 call both PERMFAIL), the test expects what the
 * lab shows, with the comment that says which.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMessage } from '../../server/auth/dkimSigner';
import { ConfigError, readConfig } from '../../server/config';
import type { Lab } from '../../server/lab';
import type { StoredMessage } from '../../server/store/labStore';
import type { Journey } from '../../src/lib/delivery/journey';
import { ports, RawSmtp, until } from './harness';
import { ready, startQuickLab, transaction } from './smtpSession';

const run = promisify(execFile);

let lab: Lab;
beforeAll(async () => {
	lab = await startQuickLab();
});
afterAll(async () => {
	await lab?.close();
});

const SANDBOX_MX = 'sandbox.smtp-lab.test';
const NORTH = 'mx.north.test';
/** out.smtp-lab.test: the address every teaching domain's SPF record names. */
const OUTGOING_ADDRESS = '127.0.0.2';

let serial = 0;
/** A subject no other test uses: how a test finds its own message in the shared lab. */
const subjectFor = (what: string) => `${what} #${++serial}`;

function mail(from: string, to: string, subject: string, body = 'Hello.\r\n'): string {
	return (
		`From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\n` +
		`Date: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <${serial}.${Date.now()}@tests.example>\r\n` +
		`\r\n${body}`
	);
}

interface Sent {
	code: number;
	response: string;
}

/** One message with nodemailer to host:port, from `source`, greeting as `helo`. */
async function send(options: {
	port: number;
	host?: string;
	source?: string;
	helo?: string;
	from: string;
	to: string[];
	raw: string | Buffer;
}): Promise<Sent> {
	const transport = nodemailer.createTransport({
		host: options.host ?? '127.0.0.1',
		port: options.port,
		localAddress: options.source ?? '127.0.0.1',
		name: options.helo ?? 'client.example.test',
		ignoreTLS: true
	});
	try {
		const info = await transport.sendMail({
			envelope: { from: options.from, to: options.to },
			raw: options.raw
		});
		return { code: Number(info.response.slice(0, 3)), response: info.response };
	} catch (error) {
		const e = error as { responseCode?: number; response?: string; message: string };
		return { code: e.responseCode ?? 0, response: e.response ?? e.message };
	} finally {
		transport.close();
	}
}

/** A spoofer typing straight to the sandbox's mx listener from 127.0.0.1. */
const toSandboxMx = (from: string, to: string, raw: string | Buffer) =>
	send({ port: ports(lab).mx, from, to: [to], raw });

/** Another sending server relaying to mx.north.test from out.smtp-lab.test's address. */
function toNorth(from: string, to: string, raw: string | Buffer): Promise<Sent> {
	const { address, port } = lab.hosts.endpointOf(NORTH)!;
	return send({
		host: address,
		port,
		source: OUTGOING_ADDRESS,
		helo: 'out.smtp-lab.test',
		from,
		to: [to],
		raw
	});
}

/** Submits on submissions (implicit TLS, AUTH as alice): signed if its From: domain is hosted. */
async function submit(from: string, to: string[], raw: string): Promise<string> {
	const transport = nodemailer.createTransport({
		host: '127.0.0.1',
		port: ports(lab).submissions,
		secure: true,
		tls: { rejectUnauthorized: false },
		auth: { user: 'alice', pass: 'wonderland' }
	});
	try {
		const info = await transport.sendMail({ envelope: { from, to }, raw });
		const id = /Queued as ([A-Za-z0-9_-]+)/.exec(info.response)?.[1];
		if (!id) throw new Error(`not queued: ${info.response}`);
		await until(() => lab.store.messages.has(id));
		return id;
	} finally {
		transport.close();
	}
}

const queuedIdOf = (sent: Sent) => /Queued as ([A-Za-z0-9_-]+)/.exec(sent.response)?.[1] ?? '';

/** The message a host stored with this subject (accepted or refused), once it is there. */
async function storedAt(host: string, subject: string): Promise<StoredMessage> {
	const find = () =>
		[...lab.store.messages.values()].find(
			(m) => m.summary.subject === subject && m.summary.authentication?.authservId === host
		);
	await until(() => find() !== undefined);
	return find()!;
}

/** The journey's leg to north.test once the queue is done with it. */
async function northLeg(id: string) {
	const leg = () =>
		(lab.queue.journey(id) as Journey | undefined)?.legs.find((l) => l.domain === 'north.test');
	await until(() => leg()?.state === 'delivered' || leg()?.state === 'bounced');
	return leg()!;
}

/** The header fields on top of a stored message (its trace, then its own), each unfolded. */
function fieldsOf(stored: StoredMessage): string[] {
	const text = stored.trace + stored.raw.toString('latin1');
	return text
		.slice(0, text.indexOf('\r\n\r\n'))
		.split(/\r\n(?![ \t])/)
		.map((field) => field.replace(/\r\n(?=[ \t])/g, ''));
}

interface Results {
	authservId: string;
	spf: string;
	dkim: string[];
	dmarc: string | null;
	/** Each method's resinfo as written, for the comments. */
	infos: string[];
}

/** The Authentication-Results this host wrote (the first one in the trace), read by method. */
function resultsOf(stored: StoredMessage): Results {
	const field = fieldsOf(stored).find((f) => /^Authentication-Results:/i.test(f));
	if (!field) throw new Error('no Authentication-Results');
	const [authservId, ...infos] = field
		.replace(/^Authentication-Results:\s*/i, '')
		.split(';')
		.map((part) => part.trim().replace(/\s+/g, ' '));
	const resultOf = (method: string) =>
		infos.filter((i) => i.startsWith(`${method}=`)).map((i) => /^\w+=(\w+)/.exec(i)![1]);
	return {
		authservId,
		spf: resultOf('spf')[0],
		dkim: resultOf('dkim'),
		dmarc: resultOf('dmarc')[0] ?? null,
		infos
	};
}

const infoOf = (results: Results, method: string) =>
	results.infos.find((i) => i.startsWith(`${method}=`)) ?? '';

describe('SPF at the sandbox mx listener and mx.north.test (RFC 7208 §2.6)', () => {
	it('pass: submission → queue → mx.north.test from out.smtp-lab.test (127.0.0.2), all three pass', async () => {
		const subject = subjectFor('spf pass');
		const id = await submit(
			'alice@example.com',
			['carol@north.test'],
			mail('Alice <alice@example.com>', 'carol@north.test', subject)
		);
		const leg = await northLeg(id);
		expect(leg.state).toBe('delivered');
		const stored = lab.store.messages.get(leg.deliveredMessageId!)!;
		const results = resultsOf(stored);
		// example.com: "v=spf1 a:out.smtp-lab.test ~all"; the a: mechanism matches 127.0.0.2.
		expect(results).toMatchObject({
			authservId: NORTH,
			spf: 'pass',
			dkim: ['pass'],
			dmarc: 'pass'
		});
		expect(infoOf(results, 'spf')).toContain('smtp.mailfrom=alice@example.com');
		// RFC 8601 §2.7.1: header.i names the signature's identity (@d= when no i= is given).
		expect(infoOf(results, 'dkim')).toContain('header.i=@example.com');
		// The trace: Return-Path, this host's checks, Received-SPF, then its Received.
		const fields = fieldsOf(stored);
		expect(fields[0]).toBe('Return-Path: <alice@example.com>');
		expect(fields[1]).toMatch(/^Authentication-Results: mx\.north\.test;/);
		expect(fields[2]).toMatch(/^Received-SPF: pass /);
		expect(fields[3]).toMatch(/^Received: from out\.smtp-lab\.test \(\[127\.0\.0\.2\]\)/);
		expect(stored.summary.authentication!.decision).toEqual({
			action: 'inbox',
			reason: 'accepted',
			reply: null
		});
		// The questions were the message's: the DNS log has them under its journey, for /dns.
		const asked = lab.dns.log.entries
			.filter((e) => e.transport === 'auth' && e.journeyId === id)
			.map((e) => `${e.question?.type} ${e.question?.name}`);
		expect(asked).toEqual(
			expect.arrayContaining([
				'TXT smtplab._domainkey.example.com',
				'TXT example.com',
				'TXT _dmarc.example.com'
			])
		);
	});

	it('fail: hardfail.test spoofed at the mx listener from 127.0.0.1 → 550 5.7.23, stored as refused', async () => {
		const subject = subjectFor('spf fail');
		const sent = await toSandboxMx(
			'spoof@hardfail.test',
			'bob@example.com',
			mail('spoof@hardfail.test', 'bob@example.com', subject)
		);
		// hardfail.test: "v=spf1 a:out.smtp-lab.test -all", no DMARC record (RFC 7372 §3.2).
		expect(sent.code).toBe(550);
		expect(sent.response).toBe(
			'550 5.7.23 SPF: hardfail.test does not allow 127.0.0.1 to send its mail (SPF fail for <spoof@hardfail.test>), and it publishes no DMARC policy'
		);
		const stored = await storedAt(SANDBOX_MX, subject);
		expect(resultsOf(stored)).toMatchObject({
			authservId: SANDBOX_MX,
			spf: 'fail',
			dkim: ['none'],
			dmarc: 'none'
		});
		expect(stored.summary.recipients).toEqual([
			{ address: 'bob@example.com', outcome: 'refused', reply: sent.response }
		]);
		expect(stored.summary.authentication!.decision.reason).toBe('spf-fail');
	});

	// Spoofs at the mx listener from 127.0.0.1 that are delivered: SPF is shown, not enforced.
	for (const [domain, spf, record] of [
		['softfail.test', 'softfail', 'v=spf1 a:out.smtp-lab.test ~all'],
		['neutral.test', 'neutral', 'v=spf1 ?all'],
		['north.test', 'none', 'no SPF record at all'],
		['lookups.test', 'permerror', '11 a: mechanisms: the 11th lookup passes the limit of 10'],
		['temperror.test', 'temperror', 'its name server answers SERVFAIL']
	] as const)
		it(`${spf}: ${domain} (${record}) is delivered, its result recorded`, async () => {
			const subject = subjectFor(`spf ${spf}`);
			const sent = await send({
				port: ports(lab).mx,
				source: '127.0.0.1',
				from: `someone@${domain}`,
				to: ['bob@example.com'],
				raw: mail(`someone@${domain}`, 'bob@example.com', subject)
			});
			expect(sent.code).toBe(250);
			const stored = lab.store.messages.get(queuedIdOf(sent))!;
			const results = resultsOf(stored);
			expect(results.authservId).toBe(SANDBOX_MX);
			expect(results.spf).toBe(spf);
			expect(results.dkim).toEqual(['none']);
			// No DMARC record (RFC 7489 §11.2 none), or it could not be fetched (temperror).
			expect(results.dmarc).toBe(spf === 'temperror' ? 'temperror' : 'none');
			expect(stored.summary.recipients[0].outcome).toBe('delivered');
			expect(stored.summary.authentication!.decision.action).toBe('inbox');
		});

	it('permerror counts the lookups: more than 10 (RFC 7208 §4.6.4)', async () => {
		const subject = subjectFor('spf lookups');
		const sent = await send({
			port: ports(lab).mx,
			source: '127.0.0.1',
			from: 'someone@lookups.test',
			to: ['bob@example.com'],
			raw: mail('someone@lookups.test', 'bob@example.com', subject)
		});
		const report = lab.store.messages.get(queuedIdOf(sent))!.summary.authentication!;
		expect(report.spf.result).toBe('permerror');
		expect(report.spf.lookupCount).toBeGreaterThan(10);
	});

	it('the null sender is checked as postmaster@<HELO> (RFC 7208 §2.4): HELO hardfail.test from 127.0.0.1 → 550 5.7.23', async () => {
		const subject = subjectFor('null sender');
		const c = await RawSmtp.connect(ports(lab).mx);
		await c.reply();
		await c.command('EHLO hardfail.test');
		expect(await c.command('MAIL FROM:<>')).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<bob@example.com>')).toMatch(/^250 /);
		expect(await c.command('DATA')).toMatch(/^354 /);
		const reply = await c.command(
			mail('MAILER-DAEMON@hardfail.test', 'bob@example.com', subject) + '.'
		);
		expect(reply).toBe(
			"550 5.7.23 SPF: hardfail.test does not allow 127.0.0.1 to send its mail (SPF fail for the null sender's HELO hardfail.test), and it publishes no DMARC policy"
		);
		c.close();
		const report = (await storedAt(SANDBOX_MX, subject)).summary.authentication!;
		expect(report.spf).toMatchObject({
			identity: 'helo',
			sender: 'postmaster@hardfail.test',
			domain: 'hardfail.test',
			result: 'fail'
		});
	});
});

describe('the HELO identity, checked on its own at every MX hop (RFC 7208 §2.3)', () => {
	it('a queue hop: mx.north.test checks HELO out.smtp-lab.test from 127.0.0.2 — its own record, v=spf1 a -all, passes', async () => {
		const subject = subjectFor('helo pass');
		const id = await submit(
			'alice@example.com',
			['carol@north.test'],
			mail('Alice <alice@example.com>', 'carol@north.test', subject)
		);
		const leg = await northLeg(id);
		expect(leg.state).toBe('delivered');
		const stored = lab.store.messages.get(leg.deliveredMessageId!)!;
		const { infos } = resultsOf(stored);
		// Two SPF results, MAIL FROM's first, then the HELO's naming its identity alone (RFC 8601 §2.7.2).
		expect(infos.filter((i) => i.startsWith('spf='))).toEqual([
			'spf=pass (mx.north.test: domain of alice@example.com designates 127.0.0.2 as permitted sender) smtp.mailfrom=alice@example.com smtp.helo=out.smtp-lab.test',
			'spf=pass (mx.north.test: domain of postmaster@out.smtp-lab.test designates 127.0.0.2 as permitted sender) smtp.helo=out.smtp-lab.test'
		]);
		const report = stored.summary.authentication!;
		expect(report.spfHelo).toMatchObject({
			identity: 'helo',
			sender: 'postmaster@out.smtp-lab.test',
			result: 'pass',
			evaluation: { record: 'v=spf1 a -all' }
		});
		// Its questions are in the DNS log with the message's, for /dns.
		const asked = lab.dns.log.entries
			.filter((e) => e.transport === 'auth' && e.journeyId === id && e.client === OUTGOING_ADDRESS)
			.map((e) => `${e.question?.type} ${e.question?.name}`);
		expect(asked).toEqual(expect.arrayContaining(['TXT out.smtp-lab.test', 'A out.smtp-lab.test']));
	});

	it('a spoofer’s EHLO hardfail.test from 127.0.0.1 fails, and changes nothing: MAIL FROM example.com softfails, p=none, the inbox', async () => {
		const subject = subjectFor('helo spoof');
		const { address, port } = lab.hosts.endpointOf(NORTH)!;
		const sent = await send({
			host: address,
			port,
			helo: 'hardfail.test',
			from: 'eve@example.com',
			to: ['carol@north.test'],
			raw: mail('Eve <eve@example.com>', 'carol@north.test', subject)
		});
		expect(sent.code).toBe(250);
		const stored = await storedAt(NORTH, subject);
		const { infos, spf } = resultsOf(stored);
		expect(spf).toBe('softfail');
		expect(infos).toContain(
			'spf=fail (mx.north.test: domain of postmaster@hardfail.test does not designate 127.0.0.1 as permitted sender) smtp.helo=hardfail.test'
		);
		const report = stored.summary.authentication!;
		expect(report.dmarc?.spf).toEqual({
			domain: 'example.com',
			result: 'softfail',
			aligned: false
		});
		expect(report.decision).toEqual({ action: 'inbox', reason: 'accepted', reply: null });
	});
});

describe('DKIM at mx.north.test (RFC 6376 §6), relayed from out.smtp-lab.test', () => {
	/** A message submitted for a local mailbox: the stored copy carries the sandbox's signature. */
	async function signed(from: string, subject: string, body?: string): Promise<string> {
		const id = await submit(
			from,
			['bob@example.com'],
			mail(from, 'carol@north.test', subject, body)
		);
		return lab.store.messages.get(id)!.raw.toString('latin1');
	}

	it('submission signs mail from a hosted domain: d=example.com, s=smtplab, rsa-sha256, relaxed/relaxed', async () => {
		const raw = await signed('alice@example.com', subjectFor('signed'));
		const signature = raw.slice(0, raw.indexOf('\r\n\r\n')).split(/\r\n(?![ \t])/)[0];
		expect(signature).toMatch(/^DKIM-Signature: /);
		const tags = signature.replace(/\r\n[ \t]+/g, ' ');
		expect(tags).toMatch(/\bd=example\.com;/);
		expect(tags).toMatch(/\bs=smtplab;/);
		expect(tags).toMatch(/\ba=rsa-sha256;/);
		expect(tags).toMatch(/\bc=relaxed\/relaxed;/);
	});

	it('never signs for an outside domain, nor for list.test (its row: dkim none)', async () => {
		for (const from of ['someone@gmail.com', 'learners@list.test']) {
			const raw = await signed(from, subjectFor('unsigned'));
			expect(raw).not.toMatch(/^DKIM-Signature:/im);
		}
	});

	it('pass: the signed message relayed unchanged', async () => {
		const subject = subjectFor('dkim pass');
		const raw = await signed('alice@example.com', subject);
		const sent = await toNorth('alice@example.com', 'carol@north.test', raw);
		expect(sent.code).toBe(250);
		expect(resultsOf(lab.store.messages.get(queuedIdOf(sent))!)).toMatchObject({
			spf: 'pass',
			dkim: ['pass'],
			dmarc: 'pass'
		});
	});

	it('body altered: a footer added after signing → neutral (body hash did not verify); DMARC passes on SPF', async () => {
		const subject = subjectFor('dkim body');
		const raw = await signed('alice@example.com', subject);
		const sent = await toNorth(
			'alice@example.com',
			'carol@north.test',
			raw + '-- \r\nA footer someone added.\r\n'
		);
		const results = resultsOf(lab.store.messages.get(queuedIdOf(sent))!);
		expect(results).toMatchObject({ spf: 'pass', dkim: ['neutral'], dmarc: 'pass' });
		expect(infoOf(results, 'dkim')).toContain('(body hash did not verify)');
	});

	it('header altered: the signed Subject changed → fail (bad signature)', async () => {
		const subject = subjectFor('dkim header');
		const raw = await signed('alice@example.com', subject);
		const sent = await toNorth(
			'alice@example.com',
			'carol@north.test',
			raw.replace(`Subject: ${subject}`, `Subject: ${subject} (edited)`)
		);
		const results = resultsOf(lab.store.messages.get(queuedIdOf(sent))!);
		expect(results).toMatchObject({ spf: 'pass', dkim: ['fail'], dmarc: 'pass' });
		expect(infoOf(results, 'dkim')).toContain('(bad signature)');
	});

	it('bad signature: one character of b= changed → fail (bad signature)', async () => {
		const subject = subjectFor('dkim b');
		const raw = await signed('alice@example.com', subject);
		const tampered = raw.replace(
			/(\bb=)([A-Za-z0-9+/])/,
			(_, tag: string, first: string) => tag + (first === 'A' ? 'B' : 'A')
		);
		expect(tampered).not.toBe(raw);
		const sent = await toNorth('alice@example.com', 'carol@north.test', tampered);
		const results = resultsOf(lab.store.messages.get(queuedIdOf(sent))!);
		expect(results.dkim).toEqual(['fail']);
		expect(infoOf(results, 'dkim')).toContain('(bad signature)');
	});

	it('key missing: nokey.test is signed but publishes no key → neutral (no key)', async () => {
		const subject = subjectFor('dkim nokey');
		const id = await submit(
			'news@nokey.test',
			['carol@north.test'],
			mail('news@nokey.test', 'carol@north.test', subject)
		);
		const leg = await northLeg(id);
		const results = resultsOf(lab.store.messages.get(leg.deliveredMessageId!)!);
		// nokey.test: "-all" naming out.smtp-lab.test, p=none; SPF aligns, so DMARC passes.
		expect(results).toMatchObject({ spf: 'pass', dkim: ['neutral'], dmarc: 'pass' });
		expect(infoOf(results, 'dkim')).toContain('(no key)');
	});

	it('signed.test requires a passing signature of its own (this host’s rule): signed via submission, delivered', async () => {
		const subject = subjectFor('signed.test ok');
		const id = await submit(
			'news@signed.test',
			['carol@north.test'],
			mail('news@signed.test', 'carol@north.test', subject)
		);
		const leg = await northLeg(id);
		expect(leg.state).toBe('delivered');
		const stored = lab.store.messages.get(leg.deliveredMessageId!)!;
		expect(resultsOf(stored)).toMatchObject({ spf: 'pass', dkim: ['pass'], dmarc: 'none' });
		expect(stored.summary.authentication!.decision.reason).toBe('accepted');
	});

	it('signed.test without a signature → 550 5.7.20 (RFC 7372 §3.1)', async () => {
		const subject = subjectFor('signed.test unsigned');
		const sent = await toSandboxMx(
			'news@signed.test',
			'bob@example.com',
			mail('news@signed.test', 'bob@example.com', subject)
		);
		expect(sent.response).toBe(
			'550 5.7.20 DKIM: this server requires mail From: signed.test to carry a passing DKIM signature of signed.test; no DKIM signature'
		);
		const stored = await storedAt(SANDBOX_MX, subject);
		// signed.test: "~all", no DMARC record.
		expect(resultsOf(stored)).toMatchObject({ spf: 'softfail', dkim: ['none'], dmarc: 'none' });
		expect(stored.summary.recipients[0].outcome).toBe('refused');
	});

	it('signed.test with a passing signature of example.com only → 550 5.7.22 (RFC 7372 §3.1)', async () => {
		const subject = subjectFor('signed.test signed by example.com');
		// Signed as submission signs, with the lab's own key, but for d=example.com: a valid
		// signature, not of the author's domain.
		const raw = await signMessage(
			Buffer.from(mail('news@signed.test', 'bob@example.com', subject)),
			lab.sandbox.deps.authentication.deps.key,
			'example.com'
		);
		const sent = await toSandboxMx('news@signed.test', 'bob@example.com', raw);
		expect(sent.response).toBe(
			'550 5.7.22 DKIM: this server requires mail From: signed.test to carry a passing DKIM signature of signed.test; it carries a passing DKIM signature, but of example.com, not of signed.test'
		);
		const stored = await storedAt(SANDBOX_MX, subject);
		expect(resultsOf(stored)).toMatchObject({ spf: 'softfail', dkim: ['pass'], dmarc: 'none' });
		expect(stored.summary.authentication!.dkim[0].domain).toBe('example.com');
		expect(stored.summary.recipients[0].outcome).toBe('refused');
	});
});

describe('DMARC (RFC 7489, an Informational RFC)', () => {
	it('fail with p=none: example.com spoofed from 127.0.0.1 is delivered to the inbox, dmarc=fail', async () => {
		const subject = subjectFor('dmarc none');
		const sent = await toSandboxMx(
			'alice@example.com',
			'bob@example.com',
			mail('alice@example.com', 'bob@example.com', subject)
		);
		expect(sent.code).toBe(250);
		const stored = lab.store.messages.get(queuedIdOf(sent))!;
		expect(resultsOf(stored)).toMatchObject({ spf: 'softfail', dkim: ['none'], dmarc: 'fail' });
		expect(stored.summary.authentication!.decision).toEqual({
			action: 'inbox',
			reason: 'accepted',
			reply: null
		});
	});

	it('reject: reject.test spoofed → 550 5.7.1 at the end of DATA, one reply for all recipients', async () => {
		const subject = subjectFor('dmarc reject');
		const sent = await send({
			port: ports(lab).mx,
			from: 'ceo@reject.test',
			to: ['bob@example.com', 'alice@example.com'],
			raw: mail('ceo@reject.test', 'bob@example.com', subject)
		});
		expect(sent.response).toBe(
			'550 5.7.1 DMARC: reject.test asks receivers to reject mail that fails its checks (p=reject); SPF fail, no DKIM signature'
		);
		const stored = await storedAt(SANDBOX_MX, subject);
		expect(resultsOf(stored)).toMatchObject({ spf: 'fail', dkim: ['none'], dmarc: 'fail' });
		expect(stored.summary.recipients.map((r) => [r.address, r.outcome])).toEqual([
			['bob@example.com', 'refused'],
			['alice@example.com', 'refused']
		]);
		expect(stored.summary.authentication!.decision.reason).toBe('dmarc-reject');
	});

	it('quarantine: quarantine.test spoofed is delivered into Junk — IMAP SELECT Junk shows it, INBOX and POP3 do not', async () => {
		const subject = subjectFor('dmarc quarantine');
		const sent = await toSandboxMx(
			'offers@quarantine.test',
			'bob@example.com',
			mail('offers@quarantine.test', 'bob@example.com', subject)
		);
		expect(sent.code).toBe(250);
		const id = queuedIdOf(sent);
		const stored = lab.store.messages.get(id)!;
		expect(resultsOf(stored)).toMatchObject({ spf: 'fail', dkim: ['none'], dmarc: 'fail' });
		expect(stored.summary.authentication!.decision).toEqual({
			action: 'junk',
			reason: 'dmarc-quarantine',
			reply: null
		});
		const { stdout } = await run('/usr/bin/python3', [
			'-c',
			`
import imaplib, json, poplib, ssl, sys
ctx = ssl._create_unverified_context()
subject = sys.argv[3]
c = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
c.login('bob', 'builder')
out = {}
for folder in ['Junk', 'INBOX']:
    c.select(folder, readonly=True)
    typ, data = c.search(None, 'SUBJECT', '"' + subject + '"')
    out[folder] = len(data[0].split())
c.logout()
p = poplib.POP3_SSL('127.0.0.1', int(sys.argv[2]), context=ctx)
p.user('bob')
p.pass_('builder')
out['pop3'] = [line.decode().split(' ')[1] for line in p.uidl()[1]]
p.quit()
print(json.dumps(out))
`,
			String(ports(lab).imaps),
			String(ports(lab).pop3s),
			subject
		]);
		const out = JSON.parse(stdout) as { Junk: number; INBOX: number; pop3: string[] };
		expect(out.Junk).toBe(1);
		expect(out.INBOX).toBe(0);
		// POP3 reads INBOX only (RFC 1939 §1); its UIDs are the message ids.
		expect(out.pop3).not.toContain(id);
	});

	it('a delivery report (NOTIFY=SUCCESS) on a quarantined message is the MX’s own: none of the checks, no decision, no Authentication-Results', async () => {
		const subject = subjectFor('dsn of quarantined');
		const { c } = await ready(lab, 'mx');
		const t = await transaction(
			c,
			'offers@quarantine.test',
			['<bob@example.com> NOTIFY=SUCCESS'],
			mail('offers@quarantine.test', 'bob@example.com', subject)
		);
		c.close();
		expect(t.end).toMatch(/^250 /);
		expect(lab.store.messages.get(t.messageId!)!.summary.authentication!.decision.action).toBe(
			'junk'
		);
		const report = [...lab.store.messages.values()].find(
			(m) => m.summary.reportsOn === t.messageId
		)!;
		expect(report.summary.kind).toBe('delivery-report');
		expect(report.summary.authentication).toBeUndefined();
		expect(report.trace).not.toMatch(/Authentication-Results|Received-SPF/);
	});

	it('relaxed alignment: From news.relaxed.test, MAIL FROM bounces@relaxed.test, d=relaxed.test → pass, delivered', async () => {
		const subject = subjectFor('relaxed');
		const id = await submit(
			'bounces@relaxed.test',
			['carol@north.test'],
			mail('News <news@news.relaxed.test>', 'carol@north.test', subject)
		);
		const leg = await northLeg(id);
		expect(leg.state).toBe('delivered');
		const stored = lab.store.messages.get(leg.deliveredMessageId!)!;
		const results = resultsOf(stored);
		// Same organizational domain (RFC 7489 §3.1.1, §3.1.2: adkim=r, aspf=r).
		expect(results).toMatchObject({ spf: 'pass', dkim: ['pass'], dmarc: 'pass' });
		expect(infoOf(results, 'dkim')).toContain('header.i=@relaxed.test');
		expect(stored.summary.authentication!.dmarc).toMatchObject({
			fromDomain: 'news.relaxed.test',
			organizationalDomain: 'relaxed.test',
			adkim: 'r',
			aspf: 'r',
			result: 'pass'
		});
	});

	it('strict alignment: the same from strict.test fails DMARC (p=reject) → 550 5.7.1 at mx.north.test, the leg bounced', async () => {
		const subject = subjectFor('strict');
		const id = await submit(
			'bounces@strict.test',
			['carol@north.test'],
			mail('News <news@news.strict.test>', 'carol@north.test', subject)
		);
		const leg = await northLeg(id);
		expect(leg.state).toBe('bounced');
		const stored = await storedAt(NORTH, subject);
		// adkim=s, aspf=s: strict.test is not news.strict.test, though both passed.
		expect(resultsOf(stored)).toMatchObject({ spf: 'pass', dkim: ['pass'], dmarc: 'fail' });
		expect(stored.summary.authentication!.decision.reply).toBe(
			'550 5.7.1 DMARC: news.strict.test asks receivers to reject mail that fails its checks (p=reject); SPF pass for strict.test, not aligned with news.strict.test, DKIM pass for d=strict.test, not aligned with news.strict.test'
		);
		expect(stored.summary.recipients[0]).toMatchObject({
			address: 'carol@north.test',
			outcome: 'refused'
		});
	});
});

describe('Authentication-Results (RFC 8601)', () => {
	it('a forged field claiming this host is removed (§5); another host’s stays', async () => {
		const subject = subjectFor('forged');
		const raw =
			'Authentication-Results: sandbox.smtp-lab.test; spf=pass smtp.mailfrom=ceo@example.com;\r\n dkim=pass header.d=example.com; dmarc=pass header.from=example.com\r\n' +
			'Authentication-Results: elsewhere.example; spf=pass smtp.mailfrom=ceo@example.com\r\n' +
			mail('ceo@example.com', 'bob@example.com', subject);
		const sent = await toSandboxMx('ceo@example.com', 'bob@example.com', raw);
		expect(sent.code).toBe(250);
		const stored = lab.store.messages.get(queuedIdOf(sent))!;
		const fields = fieldsOf(stored).filter((f) => /^Authentication-Results:/i.test(f));
		// Ours, from the trace, with the real verdict; the other host's; no forged pass.
		expect(fields).toHaveLength(2);
		expect(fields[0]).toMatch(/^Authentication-Results: sandbox\.smtp-lab\.test;/);
		expect(fields[1]).toBe(
			'Authentication-Results: elsewhere.example; spf=pass smtp.mailfrom=ceo@example.com'
		);
		expect(resultsOf(stored)).toMatchObject({ spf: 'softfail', dkim: ['none'], dmarc: 'fail' });
		expect(stored.raw.toString('latin1')).not.toContain('sandbox.smtp-lab.test; spf=pass');
		expect(stored.summary.authentication!.removedForgeries).toBe(1);
	});

	it('every MX hop adds its own: the sandbox mx listener names itself as authserv-id', async () => {
		const subject = subjectFor('authserv');
		const sent = await toSandboxMx(
			'someone@softfail.test',
			'bob@example.com',
			mail('someone@softfail.test', 'bob@example.com', subject)
		);
		const stored = lab.store.messages.get(queuedIdOf(sent))!;
		const fields = fieldsOf(stored);
		expect(fields[0]).toBe('Return-Path: <someone@softfail.test>');
		expect(fields[1]).toMatch(/^Authentication-Results: sandbox\.smtp-lab\.test;/);
		expect(fields[2]).toMatch(/^Received-SPF: softfail /);
		expect(fields[3]).toMatch(/^Received: from client\.example\.test \(\[127\.0\.0\.1\]\)/);
	});
});

describe('AUTH_MAX_HEADER_LINES (1000): the checks and the signer read at most this many header lines', () => {
	/** mail()'s five header fields, then X-Pad lines up to `lines` in all. */
	const padded = (from: string, subject: string, lines: number) =>
		Array.from({ length: lines - 5 }, (_, i) => `X-Pad: ${i}\r\n`).join('') +
		mail(from, 'bob@example.com', subject);

	it('1000 lines are checked; 1001 are delivered unchecked, permerror for each method, saying why', async () => {
		const atLimit = subjectFor('1000 lines');
		const checked = await toSandboxMx(
			'someone@softfail.test',
			'bob@example.com',
			padded('someone@softfail.test', atLimit, 1000)
		);
		expect(resultsOf(lab.store.messages.get(queuedIdOf(checked))!)).toMatchObject({
			spf: 'softfail',
			dkim: ['none'],
			dmarc: 'none'
		});
		const over = subjectFor('1001 lines');
		const sent = await toSandboxMx(
			'someone@hardfail.test',
			'bob@example.com',
			padded('someone@hardfail.test', over, 1001)
		);
		// hardfail.test would be refused (550 5.7.23) had it been checked.
		expect(sent.code).toBe(250);
		const stored = lab.store.messages.get(queuedIdOf(sent))!;
		const results = resultsOf(stored);
		expect(results).toMatchObject({ spf: 'permerror', dkim: ['permerror'], dmarc: 'permerror' });
		expect(infoOf(results, 'spf')).toBe(
			'spf=permerror (not checked: the header section has 1001 lines, over AUTH_MAX_HEADER_LINES=1000)'
		);
		expect(stored.summary.recipients[0].outcome).toBe('delivered');
	});

	it('submission signs 1000 lines, not 1001', async () => {
		for (const [lines, signed] of [
			[1000, true],
			[1001, false]
		] as const) {
			const id = await submit(
				'alice@example.com',
				['bob@example.com'],
				padded('alice@example.com', subjectFor(`sign ${lines}`), lines)
			);
			expect(lab.store.messages.get(id)!.raw.toString('latin1').startsWith('DKIM-Signature:')).toBe(
				signed
			);
		}
	});
});

describe('DKIM_SELECTOR', () => {
	it('is a selector (RFC 6376 §3.1): letters, digits, inner hyphens and dots; anything else stops startup', () => {
		expect(readConfig({ DKIM_SELECTOR: 'lab-2026.keys' }).dkimSelector).toBe('lab-2026.keys');
		for (const bad of ['under_score', '-lead', 'trail-', 'a..b', 'slash/x'])
			expect(() => readConfig({ DKIM_SELECTOR: bad })).toThrow(ConfigError);
	});

	it('names the signature’s s= and the key the MX fetches', async () => {
		const own = await startQuickLab({ dkimSelector: 'lab2026' });
		try {
			const transport = nodemailer.createTransport({
				host: '127.0.0.1',
				port: own.sandbox.port('submissions'),
				secure: true,
				tls: { rejectUnauthorized: false },
				auth: { user: 'alice', pass: 'wonderland' }
			});
			const info = await transport.sendMail({
				envelope: { from: 'alice@example.com', to: ['carol@north.test'] },
				raw: mail('alice@example.com', 'carol@north.test', subjectFor('selector'))
			});
			transport.close();
			const id = /Queued as ([A-Za-z0-9_-]+)/.exec(info.response)![1];
			const leg = () => own.queue.journey(id)?.legs[0];
			await until(() => leg()?.state === 'delivered');
			const stored = own.store.messages.get(leg()!.deliveredMessageId!)!;
			expect(stored.raw.toString('latin1')).toMatch(/\bs=lab2026;/);
			expect(stored.summary.authentication!.dkim[0]).toMatchObject({
				selector: 'lab2026',
				result: 'pass'
			});
			expect(stored.summary.authentication!.dkim[0].keyLookups[0].name).toBe(
				'lab2026._domainkey.example.com'
			);
		} finally {
			await own.close();
		}
	});
});
