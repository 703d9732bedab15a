/**
 * Issue 2 §2: the teaching mailboxes (unknown@, full@, greylist@, bounce@), the GTUBE refusal and
 * a transaction that mixes an accepted and a refused recipient, over real sockets.
 */
import PostalMime from 'postal-mime';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { GTUBE } from '../../server/sandbox/policy';
import type { MessageSummary } from '../../src/lib/messages';
import { ManualClock, until } from './harness';
import { ehlo, message, open, ready, transaction, startQuickLab } from './smtpSession';

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

function byKind(kind: MessageSummary['kind']): MessageSummary[] {
	return lab!.store.listMessages().filter((m) => m.kind === kind);
}

describe('refusing and deferring mailboxes', () => {
	it('unknown@ gets 550 5.1.1 and full@ gets 452 4.2.2, for that recipient only', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		const t = await transaction(
			c,
			'sender@example.com',
			['unknown@example.com', 'full@example.net', 'someone@example.org'],
			message('mixed')
		);
		expect(t.rcpt[0]).toMatch(/^550 5\.1\.1 /);
		expect(t.rcpt[1]).toMatch(/^452 4\.2\.2 /);
		expect(t.rcpt[2]).toMatch(/^250 2\.1\.5 /);
		expect(t.end).toMatch(/^250 /);
		const stored = lab.store.messages.get(t.messageId!)!;
		expect(stored.summary.recipients.map((r) => [r.address, r.outcome])).toEqual([
			['unknown@example.com', 'refused'],
			['full@example.net', 'deferred'],
			['someone@example.org', 'delivered']
		]);
		// Only the accepted recipient is in the envelope that was delivered.
		expect(stored.summary.envelope.rcptTo.map((r) => r.address)).toEqual(['someone@example.org']);
		c.close();
	});

	it('matches teaching local parts case-insensitively at any sandbox domain', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		expect(await c.command('MAIL FROM:<sender@example.com>')).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<Unknown@Example.NET>')).toMatch(/^550 5\.1\.1 /);
		expect(await c.command('RCPT TO:<FULL@example.org>')).toMatch(/^452 4\.2\.2 /);
		c.close();
	});
});

describe('greylist@', () => {
	it('defers the first try with 451 4.7.1 and accepts the same triplet after the window', async () => {
		const clock = new ManualClock();
		lab = await startQuickLab({ greylistSeconds: 10 }, { clock });
		const first = await ready(lab, 'mx');
		expect(await first.c.command('MAIL FROM:<sender@example.com>')).toMatch(/^250 /);
		expect(await first.c.command('RCPT TO:<greylist@example.com>')).toMatch(
			/^451 4\.7\.1 .*try again in 10 seconds/
		);
		// Too early, even one millisecond before the window ends: still deferred.
		clock.advance(9_999);
		expect(await first.c.command('RCPT TO:<greylist@example.com>')).toMatch(
			/^451 4\.7\.1 .*try again in 1 seconds/
		);
		first.c.close();

		clock.advance(1);
		const retry = await ready(lab, 'mx');
		const t = await transaction(
			retry.c,
			'sender@example.com',
			['greylist@example.com'],
			message('retry')
		);
		expect(t.rcpt[0]).toMatch(/^250 /);
		expect(t.end).toMatch(/^250 /);
		expect(lab.store.messages.get(t.messageId!)!.summary.recipients[0].outcome).toBe('delivered');

		// Another sender is another triplet: its first try is deferred.
		expect(await retry.c.command('MAIL FROM:<other@example.com>')).toMatch(/^250 /);
		expect(await retry.c.command('RCPT TO:<greylist@example.com>')).toMatch(/^451 4\.7\.1 /);
		retry.c.close();
	});
});

describe('bounce@', () => {
	it('accepts, then bounces to a sandbox sender from the null sender as a multipart/report', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		const original = message('will bounce', 'Body of the original.\r\n');
		const t = await transaction(c, 'sender@example.com', ['bounce@example.com'], original);
		expect(t.rcpt[0]).toMatch(/^250 /);
		expect(t.end).toMatch(/^250 /);
		c.close();
		await until(() => byKind('bounce').length === 1);
		const bounce = lab.store.messages.get(byKind('bounce')[0].id)!;
		expect(bounce.summary.reportsOn).toBe(t.messageId);
		expect(lab.store.messages.get(t.messageId!)!.summary.recipients[0].outcome).toBe('bounced');
		// RFC 5321 §4.5.5: a bounce goes out from the null sender to the envelope sender.
		expect(bounce.summary.envelope.mailFrom.address).toBe('');
		expect(bounce.summary.envelope.rcptTo.map((r) => r.address)).toEqual(['sender@example.com']);
		expect(bounce.trace).toMatch(/^Return-Path: <>\r\n/);

		const text = bounce.raw.toString('utf8');
		// RFC 6522: multipart/report with report-type=delivery-status.
		expect(text).toMatch(/^Content-Type: multipart\/report;\s+report-type=delivery-status;/im);
		const email = await PostalMime.parse(bounce.raw);
		const status = email.attachments.find((a) => a.mimeType === 'message/delivery-status');
		expect(status).toBeDefined();
		const fields = Buffer.from(status!.content as ArrayBuffer).toString('utf8');
		// RFC 3464 §2.3: per-recipient fields.
		expect(fields).toMatch(/^Final-Recipient: rfc822; ?bounce@example\.com$/im);
		expect(fields).toMatch(/^Action: failed$/im);
		expect(fields).toMatch(/^Status: 5\.\d{1,3}\.\d{1,3}$/im);
		expect(fields).toMatch(/^Reporting-MTA: dns; ?\S+$/im);
		// RET defaults to headers only: the original header block, not its body.
		const headers = email.attachments.find((a) => a.mimeType === 'text/rfc822-headers');
		expect(headers).toBeDefined();
		const returned = Buffer.from(headers!.content as ArrayBuffer).toString('utf8');
		expect(returned).toContain('Subject: will bounce');
		expect(returned).not.toContain('Body of the original.');
	});

	it('never bounces to the null sender or to a sender outside the sandbox', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		const fromNull = await transaction(c, '', ['bounce@example.com'], message('from <>'));
		expect(fromNull.end).toMatch(/^250 /);
		const fromOutside = await transaction(
			c,
			'someone@gmail.com',
			['bounce@example.com'],
			message('from outside')
		);
		expect(fromOutside.end).toMatch(/^250 /);
		// A control in the same session: a sandbox sender does get its bounce, so the two above
		// were not merely slow.
		const control = await transaction(
			c,
			'sender@example.com',
			['bounce@example.com'],
			message('control')
		);
		expect(control.end).toMatch(/^250 /);
		c.close();
		await until(() => byKind('bounce').length >= 1);
		expect(byKind('bounce').map((b) => b.reportsOn)).toEqual([control.messageId]);
		for (const id of [fromNull.messageId!, fromOutside.messageId!])
			expect(lab.store.messages.get(id)!.summary.recipients[0].outcome).toBe('bounced');
	});
});

describe('GTUBE', () => {
	it('refuses the message after DATA with one 550 5.7.1 and stores it as refused for each recipient', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		expect(await c.command('MAIL FROM:<sender@example.com>')).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<one@example.com>')).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<two@example.org>')).toMatch(/^250 /);
		expect(await c.command('DATA')).toMatch(/^354 /);
		c.send(`Subject: spam\r\n\r\n${GTUBE}\r\n.\r\n`);
		const reply = await c.reply();
		// RFC 5321 §4.2.5: after DATA there is one reply for the whole message.
		expect(reply).toHaveLength(1);
		expect(reply[0]).toMatch(/^550 5\.7\.1 /);
		// Nothing else is pending: the next command's reply comes next.
		expect(await c.command('NOOP')).toMatch(/^250 /);
		const stored = lab.store.listMessages();
		expect(stored).toHaveLength(1);
		expect(stored[0].recipients.map((r) => [r.address, r.outcome])).toEqual([
			['one@example.com', 'refused'],
			['two@example.org', 'refused']
		]);
		for (const r of stored[0].recipients) expect(r.reply).toMatch(/^550 5\.7\.1 /);
		expect(lab.store.messages.get(stored[0].id)!.raw.toString()).toContain(GTUBE);
		c.close();
	});

	it('a message without GTUBE in the same session is accepted', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		const spam = await transaction(
			c,
			'a@example.com',
			['one@example.com'],
			`Subject: x\r\n\r\n${GTUBE}\r\n`
		);
		expect(spam.end).toMatch(/^550 5\.7\.1 /);
		const ham = await transaction(c, 'a@example.com', ['one@example.com'], message('ham'));
		expect(ham.end).toMatch(/^250 /);
		expect(lab.store.messages.get(ham.messageId!)!.summary.recipients[0].outcome).toBe('delivered');
		c.close();
	});
});

describe('postmaster (RFC 5321 §4.5.1)', () => {
	it('accepts RCPT TO:<Postmaster> with no domain, in any case, and delivers it here', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		const t = await transaction(
			c,
			'sender@example.com',
			['<Postmaster>', '<postmaster>', '<POSTMASTER>', '<PostMaster@example.net>'],
			message('to the postmaster')
		);
		for (const reply of t.rcpt) expect(reply).toMatch(/^250 2\.1\.5 /);
		expect(t.end).toMatch(/^250 /);
		const stored = lab.store.messages.get(t.messageId!)!;
		// Delivered to this server's own postmaster, not the outbox of mail to relay.
		expect(stored.summary.recipients.map((r) => r.outcome)).toEqual([
			'delivered',
			'delivered',
			'delivered',
			'delivered'
		]);
		expect(stored.trace).toMatch(/^Return-Path: <sender@example\.com>\r\n/);
		c.close();
	});

	it('only the bare local name "postmaster" is special: other bare names are not', async () => {
		lab = await startQuickLab();
		const { c } = await ready(lab, 'mx');
		await c.command('MAIL FROM:<sender@example.com>');
		expect(await c.command('RCPT TO:<webmaster>')).toMatch(/^501 5\.1\.3 /);
		c.close();
	});

	it('on submission, AUTH still comes first (RFC 6409 §4.3)', async () => {
		lab = await startQuickLab();
		const { c } = await open(lab, 'submissions');
		await ehlo(c);
		expect(await c.command('MAIL FROM:<sender@example.com>')).toMatch(/^530 5\.7\.0 /);
		expect(await c.command('RCPT TO:<Postmaster>')).toMatch(/^530 5\.7\.0 /);
		c.close();
	});
});
