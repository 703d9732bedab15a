/**
 * Issue 2 §2, DSN (RFC 3461, 3464, 6522): NOTIFY, RET, ENVID and ORCPT given on the wire change
 * the delivery status notifications the sandbox stores for the sender.
 */
import PostalMime, { type Email } from 'postal-mime';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { MessageSummary } from '../../src/lib/messages';
import { until } from './harness';
import { message, ready, transaction, startQuickLab } from './smtpSession';

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

function reportsOn(id: string, kind: MessageSummary['kind']): MessageSummary[] {
	return lab!.store.listMessages().filter((m) => m.reportsOn === id && m.kind === kind);
}

async function report(id: string, kind: MessageSummary['kind']) {
	await until(() => reportsOn(id, kind).length > 0);
	const found = reportsOn(id, kind);
	expect(found).toHaveLength(1);
	const stored = lab!.store.messages.get(found[0].id)!;
	const email = await PostalMime.parse(stored.raw);
	return { stored, email, text: stored.raw.toString('utf8') };
}

function part(email: Email, mimeType: string): string | null {
	const found = email.attachments.find((a) => a.mimeType === mimeType);
	if (!found) return null;
	return typeof found.content === 'string'
		? found.content
		: Buffer.from(found.content as ArrayBuffer).toString('utf8');
}

/** One delivery on mx with the given MAIL and RCPT parameters. */
async function send(rcpt: string, mailParams = '', body = 'The original body.\r\n') {
	const { c } = await ready(lab!, 'mx');
	const t = await transaction(
		c,
		'sender@example.com',
		[rcpt],
		message('dsn case', body),
		mailParams
	);
	c.close();
	expect(t.mail).toMatch(/^250 /);
	expect(t.rcpt[0]).toMatch(/^250 /);
	expect(t.end).toMatch(/^250 /);
	return t.messageId!;
}

describe('NOTIFY', () => {
	it('NOTIFY=SUCCESS puts a "delivered" report in the sender\'s mailbox', async () => {
		lab = await startQuickLab();
		const id = await send('<someone@example.com> NOTIFY=SUCCESS');
		const { stored, email, text } = await report(id, 'delivery-report');
		expect(stored.summary.envelope.mailFrom.address).toBe('');
		expect(stored.summary.envelope.rcptTo.map((r) => r.address)).toEqual(['sender@example.com']);
		expect(text).toMatch(/^Content-Type: multipart\/report;\s+report-type=delivery-status;/im);
		const status = part(email, 'message/delivery-status');
		expect(status).toMatch(/^Final-Recipient: rfc822; ?someone@example\.com$/im);
		expect(status).toMatch(/^Action: delivered$/im);
		expect(status).toMatch(/^Status: 2\.\d{1,3}\.\d{1,3}$/im);
		expect(reportsOn(id, 'bounce')).toEqual([]);
	});

	it('without NOTIFY, a delivery gets no report (the default is FAILURE only)', async () => {
		lab = await startQuickLab();
		const id = await send('someone@example.com');
		const control = await send('<other@example.com> NOTIFY=SUCCESS');
		await until(() => reportsOn(control, 'delivery-report').length === 1);
		expect(reportsOn(id, 'delivery-report')).toEqual([]);
	});

	it('NOTIFY=NEVER on bounce@ suppresses the bounce', async () => {
		lab = await startQuickLab();
		const id = await send('<bounce@example.com> NOTIFY=NEVER');
		// A control sent afterwards does bounce: deliveries (and their bounces) are stored in
		// order, so once its bounce is stored, the first one's would be too.
		const control = await send('bounce@example.com');
		await report(control, 'bounce');
		expect(reportsOn(id, 'bounce')).toEqual([]);
		expect(lab.store.messages.get(id)!.summary.recipients[0]).toMatchObject({
			outcome: 'bounced',
			notify: ['NEVER']
		});
	});

	it('NOTIFY=SUCCESS on bounce@ does not ask for the failure report', async () => {
		lab = await startQuickLab();
		const id = await send('<bounce@example.com> NOTIFY=SUCCESS');
		const control = await send('<bounce@example.com> NOTIFY=FAILURE,DELAY');
		await report(control, 'bounce');
		expect(reportsOn(id, 'bounce')).toEqual([]);
		expect(reportsOn(id, 'delivery-report')).toEqual([]);
	});
});

describe('RET', () => {
	it('RET=FULL returns the whole original as message/rfc822', async () => {
		lab = await startQuickLab();
		const id = await send('bounce@example.com', 'RET=FULL', 'Full body line.\r\n');
		const { text, stored } = await report(id, 'bounce');
		const original = lab.store.messages.get(id)!.raw;
		expect(text).toMatch(/^Content-Type: message\/rfc822\r?$/im);
		expect(text).not.toMatch(/^Content-Type: text\/rfc822-headers/im);
		// The original bytes appear whole inside the report.
		expect(stored.raw.includes(original)).toBe(true);
		expect(text).toContain('Full body line.');
	});

	it('RET=HDRS returns the header block only, as text/rfc822-headers', async () => {
		lab = await startQuickLab();
		const id = await send('bounce@example.com', 'RET=HDRS', 'Secret body line.\r\n');
		const { email, text } = await report(id, 'bounce');
		expect(text).not.toMatch(/^Content-Type: message\/rfc822/im);
		const headers = part(email, 'text/rfc822-headers');
		expect(headers).toContain('Subject: dsn case');
		expect(text).not.toContain('Secret body line.');
	});
});

describe('ENVID and ORCPT', () => {
	it('ENVID comes back as Original-Envelope-Id, ORCPT as Original-Recipient', async () => {
		lab = await startQuickLab();
		const id = await send(
			'<bounce@example.com> ORCPT=rfc822;x@example.com',
			'ENVID=QQ314159 RET=HDRS'
		);
		const { email } = await report(id, 'bounce');
		const status = part(email, 'message/delivery-status');
		// RFC 3464 §2.2.1 and §2.3.1.
		expect(status).toMatch(/^Original-Envelope-Id: QQ314159$/im);
		expect(status).toMatch(/^Original-Recipient: rfc822; ?x@example\.com$/im);
		expect(status).toMatch(/^Final-Recipient: rfc822; ?bounce@example\.com$/im);
	});

	it('ENVID and ORCPT also appear in a success report', async () => {
		lab = await startQuickLab();
		const id = await send(
			'<someone@example.com> NOTIFY=SUCCESS ORCPT=rfc822;orig@example.org',
			'ENVID=env-42'
		);
		const { email } = await report(id, 'delivery-report');
		const status = part(email, 'message/delivery-status');
		expect(status).toMatch(/^Original-Envelope-Id: env-42$/im);
		expect(status).toMatch(/^Original-Recipient: rfc822; ?orig@example\.org$/im);
	});
});
