/**
 * Issue 2 §2 and §7: a standard client (nodemailer) sends through each listener, and the stored
 * message is byte-exact; the submission rules (RFC 6409, RFC 3207 §4, RFC 4954) and the relay
 * rule hold on the wire.
 */
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { ListenerName } from '../../src/lib/messages';
import { ports } from './harness';
import {
	ehlo,
	ended,
	lines,
	open,
	plain,
	queuedId,
	ready,
	startTls,
	storedSession,
	startQuickLab
} from './smtpSession';

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

/** A message whose body has lines a client must dot-stuff: ".", ".leading" and "..two". */
async function compose(to: string, subject: string): Promise<Buffer> {
	return new MailComposer({
		from: 'sender@example.com',
		to,
		subject,
		text: 'First line\r\n.\r\n.leading dot\r\n..two dots\r\nlast line\r\n'
	})
		.compile()
		.build();
}

/**
 * The stored bytes are the bytes sent — after one DKIM-Signature field when a submission
 * listener signed them (issue 20: mail From: a sandbox domain, RFC 6376 §5.6 prepends it).
 */
function expectStoredAsSent(stored: Buffer, sent: Buffer, signed: boolean): void {
	const added = stored.subarray(0, stored.length - sent.length).toString('latin1');
	expect(stored.subarray(stored.length - sent.length).equals(sent)).toBe(true);
	if (signed) expect(added).toMatch(/^DKIM-Signature: [^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*$/);
	else expect(added).toBe('');
}

interface Route {
	listener: ListenerName;
	label: string;
	options: Record<string, unknown>;
	user: string | null;
	tls: boolean;
}

const ROUTES: Route[] = [
	{
		listener: 'mx',
		label: 'mx in plaintext',
		options: { ignoreTLS: true },
		user: null,
		tls: false
	},
	{
		listener: 'mx',
		label: 'mx with STARTTLS',
		options: { requireTLS: true },
		user: null,
		tls: true
	},
	{
		listener: 'submission',
		label: 'submission with STARTTLS and AUTH',
		options: { requireTLS: true, auth: { user: 'alice', pass: 'wonderland' } },
		user: 'alice',
		tls: true
	},
	{
		listener: 'submissions',
		label: 'submissions with implicit TLS and AUTH',
		options: { secure: true, auth: { user: 'bob', pass: 'builder' } },
		user: 'bob',
		tls: true
	}
];

describe('nodemailer through each listener', () => {
	for (const route of ROUTES) {
		it(`delivers byte-exact through ${route.label}`, async () => {
			lab = await startQuickLab();
			const raw = await compose('rcpt@example.com', route.label);
			expect(raw.includes('\r\n.leading dot\r\n')).toBe(true);
			const transport = nodemailer.createTransport({
				host: '127.0.0.1',
				port: ports(lab)[route.listener],
				tls: { rejectUnauthorized: false },
				...route.options
			});
			const info = await transport.sendMail({
				envelope: { from: 'sender@example.com', to: ['rcpt@example.com'] },
				raw
			});
			transport.close();
			const id = queuedId(info.response);
			expect(id).not.toBeNull();
			const stored = lab.store.messages.get(id!);
			expect(stored).toBeDefined();
			expectStoredAsSent(stored!.raw, raw, route.user !== null);
			expect(stored!.summary.listener).toBe(route.listener);
			expect(stored!.summary.tls).toBe(route.tls);
			expect(stored!.summary.authUser).toBe(route.user);
			expect(stored!.summary.recipients).toEqual([
				expect.objectContaining({ address: 'rcpt@example.com', outcome: 'delivered' })
			]);
			// RFC 5321 §4.4: a Received field always; Return-Path on final delivery to a mailbox.
			expect(stored!.trace).toMatch(/^Return-Path: <sender@example\.com>\r\n/);
			expect(stored!.trace).toMatch(/^Received: from /m);
			// RFC 3848: ESMTP, with S for TLS and A for AUTH.
			const withClause = `ESMTP${route.tls ? 'S' : ''}${route.user ? 'A' : ''}`;
			expect(stored!.trace).toMatch(new RegExp(`\\bwith ${withClause} `));

			const session = await ended(lab, stored!.summary.sessionId!);
			expect(session.summary.listener).toBe(route.listener);
			expect(session.summary.messageIds).toContain(id);
			expect(session.summary.authUser).toBe(route.user);
			if (route.tls) {
				expect(session.summary.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
				expect(session.summary.tls?.cipher).toMatch(/\S/);
			} else {
				expect(session.summary.tls).toBeNull();
			}
		});
	}

	it('keeps outbox-only mail without Return-Path (it was not delivered)', async () => {
		lab = await startQuickLab();
		const raw = await compose('friend@gmail.com', 'to the outbox');
		const transport = nodemailer.createTransport({
			host: '127.0.0.1',
			port: ports(lab).submission,
			requireTLS: true,
			tls: { rejectUnauthorized: false },
			auth: { user: 'alice', pass: 'wonderland' }
		});
		const info = await transport.sendMail({
			envelope: { from: 'alice@example.com', to: ['friend@gmail.com'] },
			raw
		});
		transport.close();
		const stored = lab.store.messages.get(queuedId(info.response)!)!;
		expectStoredAsSent(stored.raw, raw, true);
		expect(stored.summary.recipients).toEqual([
			expect.objectContaining({ address: 'friend@gmail.com', outcome: 'outbox' })
		]);
		expect(stored.trace).toMatch(/^Received: from /);
		expect(stored.trace).not.toMatch(/Return-Path/i);
	});
});

describe('EHLO keywords', () => {
	const keywords = (reply: string[]) => reply.slice(1).map((line) => line.slice(4));

	it('advertises the taught extensions on every listener, with the configured SIZE', async () => {
		lab = await startQuickLab({ maxMessageBytes: 123_456 });
		for (const listener of ['mx', 'submission', 'submissions'] as const) {
			const { c } = await open(lab, listener);
			const advertised = keywords(await ehlo(c));
			for (const keyword of ['PIPELINING', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'DSN'])
				expect(advertised, `${listener} advertises ${keyword}`).toContain(keyword);
			expect(advertised).toContain('SIZE 123456');
			c.close();
		}
	});

	it('mx offers STARTTLS and never AUTH, before or after TLS', async () => {
		lab = await startQuickLab();
		const { c } = await open(lab, 'mx');
		const before = keywords(await ehlo(c));
		expect(before).toContain('STARTTLS');
		expect(before.some((k) => /^AUTH\b/.test(k))).toBe(false);
		await startTls(c);
		const after = keywords(await ehlo(c));
		expect(after.some((k) => /^AUTH\b/.test(k))).toBe(false);
		expect(after).not.toContain('STARTTLS');
		c.close();
	});

	it('submissions never advertises STARTTLS (RFC 3207 §4.2) and offers AUTH at once', async () => {
		lab = await startQuickLab();
		const { c } = await open(lab, 'submissions');
		const advertised = keywords(await ehlo(c));
		expect(advertised).not.toContain('STARTTLS');
		expect(advertised).toContain('AUTH PLAIN LOGIN');
		c.close();
	});
});

describe('submission rules', () => {
	it('hides AUTH before TLS and answers AUTH and MAIL with 530 5.7.0 STARTTLS first', async () => {
		lab = await startQuickLab();
		const { c } = await open(lab, 'submission');
		const before = await ehlo(c);
		expect(before.some((line) => /^250[ -]AUTH\b/.test(line))).toBe(false);
		expect(before).toContain('250-STARTTLS');
		expect(await c.command(`AUTH PLAIN ${plain('alice', 'wonderland')}`)).toBe(
			'530 5.7.0 Must issue a STARTTLS command first'
		);
		expect(await c.command('MAIL FROM:<alice@example.com>')).toBe(
			'530 5.7.0 Must issue a STARTTLS command first'
		);
		c.close();
	});

	it('after STARTTLS: AUTH PLAIN LOGIN advertised, MAIL needs AUTH, bad password 535, good 235', async () => {
		lab = await startQuickLab();
		const { c, id } = await open(lab, 'submission');
		await ehlo(c);
		await startTls(c);
		const after = await ehlo(c);
		expect(after.map((line) => line.slice(4))).toContain('AUTH PLAIN LOGIN');
		expect(await c.command('MAIL FROM:<alice@example.com>')).toBe(
			'530 5.7.0 Authentication required'
		);
		expect(await c.command(`AUTH PLAIN ${plain('alice', 'not-the-password')}`)).toMatch(
			/^535 5\.7\.8 /
		);
		expect(await c.command(`AUTH PLAIN ${plain('alice', 'wonderland')}`)).toMatch(/^235 2\.7\.0 /);
		expect(await c.command('MAIL FROM:<alice@example.com>')).toMatch(/^250 2\.1\.0 /);
		expect(storedSession(lab, id).summary.authUser).toBe('alice');
		c.close();
	});

	it('AUTH LOGIN works inside TLS too', async () => {
		lab = await startQuickLab();
		const { c } = await open(lab, 'submissions');
		await ehlo(c);
		expect(await c.command('AUTH LOGIN')).toMatch(/^334 /);
		expect(await c.command(Buffer.from('bob').toString('base64'))).toMatch(/^334 /);
		expect(await c.command(Buffer.from('builder').toString('base64'))).toMatch(/^235 2\.7\.0 /);
		c.close();
	});
});

describe('relay and sandbox domains', () => {
	it('mx refuses an outside domain with 550 5.7.1; authenticated submission puts it in the outbox', async () => {
		lab = await startQuickLab();
		const mx = await ready(lab, 'mx');
		expect(await mx.c.command('MAIL FROM:<someone@example.com>')).toMatch(/^250 /);
		expect(await mx.c.command('RCPT TO:<friend@gmail.com>')).toMatch(/^550 5\.7\.1 /);
		mx.c.close();

		const sub = await ready(lab, 'submission');
		expect(await sub.c.command('MAIL FROM:<alice@example.com>')).toMatch(/^250 /);
		expect(await sub.c.command('RCPT TO:<friend@gmail.com>')).toMatch(/^250 /);
		expect(await sub.c.command('DATA')).toMatch(/^354 /);
		const end = (await lines(sub.c, 'Subject: out\r\n\r\nbody\r\n.')).at(-1)!;
		expect(end).toMatch(/^250 /);
		const stored = lab.store.messages.get(queuedId(end)!)!;
		expect(stored.summary.recipients).toEqual([
			expect.objectContaining({ address: 'friend@gmail.com', outcome: 'outbox' })
		]);
		sub.c.close();
	});

	it('accepts postmaster@, its domains and a personal domain; refuses look-alikes and .test names that do not exist', async () => {
		lab = await startQuickLab();
		const personal = `${lab.owners.owner('listener-test-owner').name}.test`;
		const { c } = await ready(lab, 'mx');
		expect(await c.command('MAIL FROM:<someone@example.com>')).toMatch(/^250 /);
		// RFC 5321 §4.5.1: postmaster must always be accepted.
		expect(await c.command('RCPT TO:<postmaster@example.com>')).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<PostMaster@Example.NET>')).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<someone@example.org>')).toMatch(/^250 /);
		expect(await c.command(`RCPT TO:<someone@${personal.toUpperCase()}>`)).toMatch(/^250 /);
		// A .test name the sandbox DNS answers NXDOMAIN for is no domain of this server's.
		for (const outside of [
			'example.com.evil',
			'notexample.com',
			'test',
			'example.community',
			'lab.test',
			`deep.sub.${personal}`
		])
			expect(await c.command(`RCPT TO:<someone@${outside}>`), outside).toMatch(/^550 5\.7\.1 /);
		c.close();
	});

	it('on submission, a recipient at a .test name that does not exist is refused with 550 5.1.2 (RFC 5321 §5.1)', async () => {
		lab = await startQuickLab();
		const { c } = await open(lab, 'submissions');
		await ehlo(c);
		expect(await c.command(`AUTH PLAIN ${plain('alice', 'wonderland')}`)).toMatch(/^235 /);
		expect(await c.command('MAIL FROM:<alice@example.com>')).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<bob@exmaple.test>')).toBe(
			'550 5.1.2 exmaple.test does not exist: the sandbox DNS answers NXDOMAIN, and a name that does not exist is an error, never an implicit MX'
		);
		// An outside domain is still the outbox's: no lookup is made for it.
		expect(await c.command('RCPT TO:<friend@gmail.com>')).toMatch(/^250 /);
		c.close();
	});
});
