/**
 * Issue 6: /mailbox and /mailbox/[id] against the production server. Hostile mail (BAD-INPUTS
 * W9, W10) must never run a script, open a dialog, fetch a remote image or move the top window.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import nodemailer from 'nodemailer';
import type { APIRequestContext, Page } from '@playwright/test';
import type { MessageSummary } from '../../src/lib/messages';
import { expect, operatorToken, test } from './fixtures';

/** A 1×1 transparent PNG. */
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64'
);
const REMOTE = '192.0.2.1';

const HOSTILE_HTML = `<html><head>
<meta http-equiv="refresh" content="0;url=http://${REMOTE}/refresh">
<base href="http://${REMOTE}/">
<link rel="stylesheet" href="http://${REMOTE}/style.css">
</head><body>
<h1>Hostile heading</h1>
<script>window.parent.document.title = 'pwned'; top.location = 'http://${REMOTE}/nav'; window.__pwned = 1; alert('script');</script>
<svg onload="alert('svg')"><circle r="4"/></svg>
<iframe src="http://${REMOTE}/frame"></iframe>
<form action="http://${REMOTE}/form"><input name="q"><button>Go</button></form>
<a href="javascript:alert('link')">javascript link</a>
<a href="http://${REMOTE}/phish" target="_top">ordinary link</a>
<img src="http://${REMOTE}/pixel.png" width="1" height="1" alt="">
<img src="x" onerror="alert('img')">
<p style="background:url(http://${REMOTE}/bg.png)">styled paragraph</p>
</body></html>`;

function transport(port: number) {
	return nodemailer.createTransport({
		host: '127.0.0.1',
		port,
		secure: false,
		ignoreTLS: true,
		name: 'mailbox-e2e.test'
	});
}

async function findMessage(
	request: APIRequestContext,
	match: (m: MessageSummary) => boolean
): Promise<MessageSummary> {
	let found: MessageSummary | undefined;
	await expect
		.poll(async () => {
			const { messages } = (await (await request.get('/api/messages')).json()) as {
				messages: MessageSummary[];
			};
			found = messages.find(match);
			return Boolean(found);
		})
		.toBe(true);
	return found!;
}

/** Records everything that must never happen on a page. */
function guard(page: Page) {
	const dialogs: string[] = [];
	const remote: string[] = [];
	const topNavigations: string[] = [];
	page.on('dialog', (dialog) => {
		dialogs.push(dialog.message());
		void dialog.dismiss();
	});
	page.on('request', (request) => {
		if (request.url().includes(REMOTE)) remote.push(request.url());
	});
	page.on('framenavigated', (frame) => {
		if (frame === page.mainFrame()) topNavigations.push(frame.url());
	});
	return { dialogs, remote, topNavigations };
}

/** `skipFrames`: the sandboxed mail frame runs no script, so axe cannot run inside it — by design. */
async function seriousViolations(page: Page, skipFrames = false) {
	const builder = new AxeBuilder({ page });
	if (skipFrames) builder.exclude('iframe');
	const results = await builder.analyze();
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test.describe.configure({ mode: 'serial' });

test('hostile HTML mail: every tab, no script, no dialog, no remote request, byte-exact attachment', async ({
	page,
	request,
	smtpPorts,
	baseURL
}) => {
	test.setTimeout(120_000);
	const seen = guard(page);
	await page.route(`**/${REMOTE}/**`, (route) => route.abort());
	const token = `hostile-${Date.now()}`;
	const sentAt = Date.now() - 1000;
	const t = transport(smtpPorts.mx);
	await t.sendMail({
		envelope: {
			from: 'mallory@example.com',
			to: ['bob@example.com', 'carol@example.com']
		},
		// Non-ASCII makes nodemailer write both as RFC 2047 encoded words that decode to markup.
		from: { name: '<img src=x onerror=alert(1)> ✉', address: 'mallory@example.com' },
		to: 'bob@example.com',
		subject: `<script>alert(1)</script> ✉ ${token}`,
		headers: { 'X-Hostile': '<img src=x onerror="alert(2)">' },
		text: 'Plain text part.\n.A line that starts with a dot.\n',
		html: HOSTILE_HTML,
		attachments: [{ filename: 'pixel.png', content: PNG, contentType: 'image/png' }]
	});
	t.close();
	const summary = await findMessage(
		request,
		(m) => m.envelope.mailFrom.address === 'mallory@example.com' && m.receivedAt >= sentAt
	);

	// The list: decoded subject and display name, as text.
	await page.goto('/mailbox');
	const row = page.locator(`[data-message-id="${summary.id}"]`).first();
	await expect(row).toContainText(`<script>alert(1)</script> ✉ ${token}`);
	await expect(row).toContainText('<img src=x onerror=alert(1)> ✉');
	expect(await seriousViolations(page)).toEqual([]);

	// Anatomy (default tab): every field explained, the blank line, the MIME tree.
	await row.getByRole('link', { name: new RegExp(token) }).click();
	await expect(page).toHaveURL(new RegExp(`/mailbox/${summary.id}$`));
	await expect(page.getByRole('tab', { name: 'Anatomy' })).toHaveAttribute('aria-selected', 'true');
	const panel = page.getByRole('tabpanel');
	await expect(panel.getByText('decoded (RFC 2047)').first()).toBeVisible();
	await expect(
		panel.getByText('<script>alert(1)</script>', { exact: false }).first()
	).toBeVisible();
	await expect(panel.getByText('The author(s) of the message', { exact: false })).toBeVisible();
	await expect(panel.getByRole('heading', { name: /The blank line/ })).toBeVisible();
	await expect(panel.locator('[data-part="1.1"]')).toContainText('text/plain');
	await expect(panel.locator('[data-part="1.2"]')).toContainText('text/html');
	await expect(panel.locator('[data-part="2"]')).toContainText('image/png');
	await expect(panel.locator('[data-part="2"]')).toContainText('pixel.png');
	await expect(panel.locator('[data-part="2"]')).toContainText('base64');
	expect(await seriousViolations(page)).toEqual([]);
	mkdirSync('test-results/screenshots', { recursive: true });
	await page.screenshot({ path: 'test-results/screenshots/mailbox-anatomy-1280x720.png' });

	// Keyboard: arrows, Home and End move between tabs, each its own URL.
	await page.getByRole('tab', { name: 'Anatomy' }).focus();
	await page.keyboard.press('ArrowRight');
	await expect(page).toHaveURL(new RegExp(`/mailbox/${summary.id}/envelope$`));
	await expect(page.getByRole('tab', { name: 'Envelope vs headers' })).toBeFocused();
	await page.keyboard.press('End');
	await expect(page).toHaveURL(/\/authentication$/);
	await expect(page.getByRole('tab', { name: 'Authentication' })).toBeFocused();
	await page.keyboard.press('Home');
	await expect(page).toHaveURL(new RegExp(`/mailbox/${summary.id}$`));
	await page.keyboard.press('ArrowLeft');
	await expect(page).toHaveURL(/\/authentication$/);

	// Envelope vs headers: carol is a Bcc recipient; MAIL FROM vs From:; the trace fields.
	await page.goto(`/mailbox/${summary.id}/envelope`);
	await expect(page.getByRole('tab', { name: 'Envelope vs headers' })).toHaveAttribute(
		'aria-selected',
		'true'
	);
	await expect(panel.getByText('Bcc — not in To: or Cc:')).toHaveCount(1);
	await expect(
		panel.getByText(/Accepted for carol@example\.com, although no To: or Cc:/)
	).toBeVisible();
	await expect(panel.getByText('Return-Path:', { exact: false }).first()).toBeVisible();
	await expect(panel.getByRole('heading', { name: /Hop 1/ })).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);

	// Source: numbered lines, the dot line marked, CR LF on demand, .eml download.
	await page.goto(`/mailbox/${summary.id}/source`);
	await expect(panel.getByText('sent as “..A line', { exact: false })).toBeVisible();
	await expect(panel.getByText('␍␊')).toHaveCount(0);
	await panel.getByLabel('Show line ends (CR LF)').check();
	await expect(panel.getByText('␍␊').first()).toBeVisible();
	const [eml] = await Promise.all([
		page.waitForEvent('download'),
		panel.getByRole('link', { name: 'Download as .eml' }).click()
	]);
	const emlBytes = readFileSync((await eml.path())!);
	const rawBytes = await (await request.get(`/api/messages/${summary.id}/raw`)).body();
	expect(emlBytes.subarray(emlBytes.length - rawBytes.length).equals(rawBytes)).toBe(true);
	expect(emlBytes.toString('latin1')).toMatch(
		/^Return-Path: <mallory@example\.com>\r\nAuthentication-Results: [^\r]*\r\n(?:[ \t][^\r]*\r\n)*Received-SPF: [^\r]*\r\n(?:[ \t][^\r]*\r\n)*Received: /
	);
	expect(await seriousViolations(page)).toEqual([]);

	// Rendered: the text part; the HTML part cleaned, sandboxed, remote image held back.
	await page.goto(`/mailbox/${summary.id}/rendered`);
	await expect(panel.getByText('Plain text part.')).toBeVisible();
	const iframe = panel.locator('iframe');
	await expect(iframe).toHaveAttribute('sandbox', '');
	const srcdoc = (await iframe.getAttribute('srcdoc'))!;
	expect(srcdoc).toContain("default-src 'none'; img-src data:;");
	expect(srcdoc).not.toMatch(
		/<script|onload|onerror|<iframe|<form|javascript:|http-equiv="refresh"/i
	);
	expect(srcdoc).not.toMatch(/\ssrc="(?!data:)/);
	await expect(page.frameLocator('iframe').getByText('Hostile heading')).toBeVisible();
	await expect(panel.getByText(`http://${REMOTE}/pixel.png`)).toBeVisible();
	await expect(panel.getByText('tracking pixel', { exact: false })).toBeVisible();
	// Allowing remote images adds https: only; the http: pixel stays blocked.
	await panel.getByLabel('Load remote images (HTTPS only)').check();
	await expect(iframe).toHaveAttribute('srcdoc', /img-src data: https:/);
	// The frame has loaded the new document (its policy allows https:) before axe reads it.
	await expect(
		page
			.frameLocator('iframe')
			.locator('meta[http-equiv="Content-Security-Policy"][content*="https:"]')
	).toBeAttached();
	expect(await seriousViolations(page, true)).toEqual([]);

	// Attachments: the PNG, byte for byte.
	await page.goto(`/mailbox/${summary.id}/attachments`);
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		panel.getByRole('link', { name: 'Download pixel.png' }).click()
	]);
	expect(readFileSync((await download.path())!).equals(PNG)).toBe(true);
	expect(await seriousViolations(page)).toEqual([]);

	// Delivery: the listener, per-recipient replies, the onward path.
	await page.goto(`/mailbox/${summary.id}/delivery`);
	await expect(panel.getByText('Port 25: server to server', { exact: false })).toBeVisible();
	await expect(panel.getByText('250 2.1.5', { exact: false }).first()).toBeVisible();
	await expect(panel.getByText('Look up the MX records', { exact: false })).toBeVisible();
	await expect(panel.getByText('null MX', { exact: false }).first()).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);

	// The message opens its session at the DATA line.
	await page.goto(`/mailbox/${summary.id}`);
	const sessionLink = page.getByRole('link', { name: 'open its session at the DATA line' });
	await expect(sessionLink).toHaveAttribute('href', /\/sessions\/[\w-]+#event-\d+$/);
	const href = (await sessionLink.getAttribute('href'))!;
	await page.goto(href);
	await expect(page.locator(`#${href.split('#')[1]}`)).toContainText('DATA');

	// Nothing hostile ever happened.
	expect(seen.dialogs).toEqual([]);
	expect(seen.remote).toEqual([]);
	expect(seen.topNavigations.every((u) => u.startsWith(baseURL!))).toBe(true);
	expect(
		await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)
	).toBeUndefined();
	expect(await page.title()).not.toBe('pwned');
});

test('phone width: the anatomy tab', async ({ page, request, smtpPorts }) => {
	const t = transport(smtpPorts.mx);
	const token = `phone-${Date.now()}`;
	await t.sendMail({
		from: '"Alice Example" <alice@example.com>',
		to: 'bob@example.com',
		subject: `Lesson notes ${token}`,
		text: 'Hello Bob,\n\nthe notes for Thursday are attached.\n\nAlice\n',
		html: '<p>Hello Bob,</p><p>the notes for Thursday are attached.</p>',
		attachments: [{ filename: 'notes.png', content: PNG, contentType: 'image/png' }]
	});
	t.close();
	const summary = await findMessage(request, (m) => m.subject.includes(token));
	await page.setViewportSize({ width: 1280, height: 720 });
	await page.goto(`/mailbox/${summary.id}`);
	await page.screenshot({ path: 'test-results/screenshots/mailbox-anatomy-lesson-1280x720.png' });
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto(`/mailbox/${summary.id}`);
	await expect(page.getByRole('tab', { name: 'Anatomy' })).toBeVisible();
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow).toBeLessThanOrEqual(0);
	await page.screenshot({ path: 'test-results/screenshots/mailbox-anatomy-390x844.png' });
	await page.goto('/mailbox');
	await page.screenshot({ path: 'test-results/screenshots/mailbox-list-390x844.png' });
});

test('a bounce puts a delivery status notification in the sender’s mailbox; NOTIFY=SUCCESS a delivery report', async ({
	page,
	request,
	smtpPorts
}) => {
	const t = transport(smtpPorts.mx);
	const token = `dsn-${Date.now()}`;
	await t.sendMail({
		from: 'alice@example.com',
		to: 'bounce@example.com',
		subject: `Will bounce ${token}`,
		text: 'This one bounces.'
	});
	await t.sendMail({
		from: 'alice@example.com',
		to: 'bob@example.com',
		subject: `Tell me ${token}`,
		text: 'Tell me when it arrives.',
		dsn: { notify: ['success'], recipient: 'bob@example.com', id: token, return: 'headers' }
	});
	t.close();
	const original = await findMessage(request, (m) => m.subject === `Will bounce ${token}`);
	const bounce = await findMessage(
		request,
		(m) => m.kind === 'bounce' && m.reportsOn === original.id
	);
	const reported = await findMessage(request, (m) => m.subject === `Tell me ${token}`);
	const report = await findMessage(
		request,
		(m) => m.kind === 'delivery-report' && m.reportsOn === reported.id
	);

	await page.goto('/mailbox');
	const alice = page.getByRole('region', { name: 'Mailbox alice@example.com' });
	await expect(alice.locator(`[data-message-id="${bounce.id}"]`)).toContainText('bounce');
	await expect(alice.locator(`[data-message-id="${report.id}"]`)).toContainText('delivery report');
	await expect(
		page
			.getByRole('region', { name: 'Accepted, then bounced' })
			.locator(`[data-message-id="${original.id}"]`)
	).toBeVisible();

	// The bounce's anatomy shows the report parts.
	await page.goto(`/mailbox/${bounce.id}`);
	const panel = page.getByRole('tabpanel');
	await expect(panel.locator('[data-part="root"]')).toContainText('multipart/report');
	await expect(panel.locator('[data-part="1"]')).toContainText('text/plain');
	await expect(panel.locator('[data-part="2"]')).toContainText('message/delivery-status');
	await expect(panel.locator('[data-part="3"]')).toContainText('text/rfc822-headers');
	await expect(panel.getByText('The machine-readable part', { exact: false })).toBeVisible();

	// Its Delivery tab explains the RFC 3464 fields.
	await page.getByRole('tab', { name: 'Delivery' }).click();
	await expect(page).toHaveURL(/\/delivery$/);
	await expect(panel.getByText('Final-Recipient', { exact: true })).toBeVisible();
	await expect(panel.getByText('rfc822; bounce@example.com')).toBeVisible();
	await expect(panel.getByText('Action', { exact: true })).toBeVisible();
	await expect(panel.locator('dd code', { hasText: /^failed$/ })).toBeVisible();
	await expect(panel.getByText('Diagnostic-Code', { exact: true })).toBeVisible();
	await expect(panel.getByText('Written by the sandbox itself', { exact: false })).toBeVisible();
	await page.getByRole('heading', { name: 'This report, part by part' }).scrollIntoViewIfNeeded();
	await page.screenshot({ path: 'test-results/screenshots/mailbox-bounce-delivery-1280x720.png' });
	expect(await seriousViolations(page)).toEqual([]);

	// The delivery report: Action delivered, Status 2.0.0, Original-Envelope-Id.
	await page.goto(`/mailbox/${report.id}/delivery`);
	await expect(panel.locator('dd code', { hasText: /^delivered$/ })).toBeVisible();
	await expect(panel.locator('dd code', { hasText: /^2\.0\.0$/ })).toBeVisible();
	await expect(panel.getByText('Original-Envelope-Id', { exact: true })).toBeVisible();
	await expect(panel.getByText(token, { exact: true })).toBeVisible();
});

test("mail from an outside client appears in /mailbox live; the operator's Clear everything asks first", async ({
	page,
	smtpPorts
}) => {
	// Mail from a mail program is nobody's: only the operator clears it (the /operator sign-in).
	const signIn = await page.request.post('/api/operator', { data: { token: operatorToken() } });
	expect(signIn.status()).toBe(200);
	await page.goto('/mailbox');
	await expect(page.getByRole('status')).toHaveText(/Watching live/);
	const token = `live-${Date.now()}`;
	const t = transport(smtpPorts.mx);
	await t.sendMail({
		from: 'outsider@example.net',
		to: 'dave@example.com',
		subject: `Live ${token}`,
		text: 'Arrives without a reload.'
	});
	t.close();
	const box = page.getByRole('region', { name: 'Mailbox dave@example.com' });
	await expect(box.getByRole('link', { name: `Live ${token}` })).toBeVisible();

	// Clear everything: a real dialog, Escape cancels, focus starts on Cancel.
	const clear = page.getByRole('button', { name: 'Clear everything…' });
	await clear.click();
	const dialog = page.getByRole('dialog', { name: 'Clear every mailbox?' });
	await expect(dialog).toBeVisible();
	await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(box).toBeVisible();
	await clear.focus();
	await page.keyboard.press('Enter');
	await expect(dialog).toBeVisible();
	await page.keyboard.press('Tab');
	await expect(dialog.getByRole('button', { name: 'Delete all messages' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(dialog).toBeHidden();
	await expect(page.getByText('No mail yet.')).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);
});

test('an inline image (cid:, RFC 2392) shows in the rendered HTML as data:, with nothing fetched from elsewhere', async ({
	page,
	request,
	smtpPorts
}) => {
	const seen = guard(page);
	const token = `inline-${Date.now()}`;
	const t = transport(smtpPorts.mx);
	await t.sendMail({
		from: 'alice@example.com',
		to: 'bob@example.com',
		subject: token,
		html: '<p>Our logo:</p><img id="logo" src="cid:logo@smtp-lab.test" alt="logo">',
		attachments: [
			{ filename: 'logo.png', content: PNG, contentType: 'image/png', cid: 'logo@smtp-lab.test' }
		]
	});
	t.close();
	const summary = await findMessage(request, (m) => m.subject === token);
	const detail = (await (await request.get(`/api/messages/${summary.id}`)).json()).message;
	const json = JSON.stringify(detail.parts);
	expect(json).toContain('"contentId":"logo@smtp-lab.test"');

	await page.goto(`/mailbox/${summary.id}/rendered`);
	const frame = page.frameLocator('iframe');
	const logo = frame.locator('#logo');
	await expect(logo).toHaveAttribute('src', /^data:image\/png;base64,/);
	// The image decoded: the PNG's real size, not a broken-image placeholder.
	await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
	expect(seen.dialogs).toEqual([]);
	expect(seen.remote).toEqual([]);
});

/** Sends `raw` exactly as given (header and body), over the mx listener. */
async function sendRaw(port: number, raw: Buffer) {
	const t = transport(port);
	await t.sendMail({ envelope: { from: 'alice@example.com', to: ['bob@example.com'] }, raw });
	t.close();
}

test('transfer encoding: no Content-Transfer-Encoding is 7bit (RFC 2045 §6.1); 8-bit bytes in it are flagged', async ({
	page,
	request,
	smtpPorts
}) => {
	const token = `cte-${Date.now()}`;
	const header = (subject: string) =>
		`From: alice@example.com\r\nTo: bob@example.com\r\nSubject: ${subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`;
	await sendRaw(smtpPorts.mx, Buffer.from(`${header(`ascii ${token}`)}Just ASCII.\r\n`, 'utf8'));
	await sendRaw(
		smtpPorts.mx,
		Buffer.from(`${header(`eight ${token}`)}Grüße aus Köln.\r\n`, 'utf8')
	);
	const ascii = await findMessage(request, (m) => m.subject === `ascii ${token}`);
	const eight = await findMessage(request, (m) => m.subject === `eight ${token}`);

	await page.goto(`/mailbox/${ascii.id}`);
	const panel = page.getByRole('tabpanel');
	const encoding = panel.locator('dt:text-is("Transfer encoding") + dd');
	await expect(encoding).toHaveText('7bit (not declared)');
	await expect(panel.getByTestId('transfer-finding')).toContainText(
		'No Content-Transfer-Encoding field, so the part is 7bit'
	);
	await expect(panel.getByTestId('transfer-finding')).toContainText('RFC 2045 §6.1');
	await expect(panel.getByText('needs a server with 8BITMIME')).toHaveCount(0);

	await page.goto(`/mailbox/${eight.id}`);
	await expect(encoding).toHaveText('7bit (not declared)');
	await expect(panel.getByTestId('transfer-finding')).toContainText('8-bit bytes in a 7bit part');
	await expect(panel.getByTestId('transfer-finding')).toContainText('RFC 2045 §6.2');
});

test('CSS escapes and comments cannot smuggle a remote url() into the rendered HTML', async ({
	page,
	request,
	smtpPorts
}) => {
	const token = `css-${Date.now()}`;
	const t = transport(smtpPorts.mx);
	await t.sendMail({
		from: 'mallory@example.com',
		to: 'bob@example.com',
		subject: `CSS escapes ${token}`,
		// The <style> comes after content: a leading one would be hoisted out of the body.
		html: `<p style="background:u\\72l(http://${REMOTE}/hex.png)">hex escape</p>
<style>div.c { background: u/**/rl(http://${REMOTE}/comment.png) }</style>
<p style="background:u\\000072 l(http://${REMOTE}/six.png)">six digits</p>
<p style="background:u\\r\\l(http://${REMOTE}/char.png)">escaped letters</p>
<div class="c">comment</div>`
	});
	t.close();
	const summary = await findMessage(request, (m) => m.subject === `CSS escapes ${token}`);
	await page.goto(`/mailbox/${summary.id}/rendered`);
	const panel = page.getByRole('tabpanel');
	const iframe = panel.locator('iframe');
	await expect(page.frameLocator('iframe').getByText('hex escape')).toBeVisible();
	const srcdoc = (await iframe.getAttribute('srcdoc'))!;
	expect(srcdoc).not.toContain(REMOTE);
	expect(srcdoc).toContain('div.c'); // the <style> element was filtered, not dropped
	for (const name of ['comment', 'hex', 'six', 'char'])
		await expect(panel.getByText(`http://${REMOTE}/${name}.png`)).toBeVisible();
});
