/**
 * Issue 20 in a browser: a learner breaks and fixes SPF for their own domain. Their browser gets
 * a personal domain (/connect), sets its SPF record to "-all" in /dns's "Your zone" editor, and a
 * real SMTP client (nodemailer) sends from that domain straight to the mx listener from
 * 127.0.0.1; the message's Authentication tab shows spf=fail with the "-all" term that matched.
 * With "ip4:127.0.0.1" in front the next message passes, by that term. Plus axe on the tab and
 * the editor, and the screenshots the team looks at.
 */
import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import nodemailer from 'nodemailer';
import type { Page } from '@playwright/test';
import type { MessageSummary } from '../../src/lib/messages';
import { expect, expectFitsViewport, test } from './fixtures';

test.describe.configure({ mode: 'serial' });

/** The personal domain /connect gives this page's browser (made on its first visit). */
async function personalDomain(page: Page): Promise<string> {
	await page.goto('/connect');
	return page.getByTestId('personal-domain').innerText();
}

/** Replaces the value of the domain's "@" record in the editor, waits for the check, saves. */
async function setApexRecord(page: Page, value: string) {
	await page.goto('/dns');
	const editor = page.locator('#your-zone-section');
	const names = editor.getByRole('textbox', { name: /^Name of record/ });
	await expect(names.first()).toBeVisible();
	const count = await names.count();
	let apex = -1;
	for (let i = 0; i < count; i++) if ((await names.nth(i).inputValue()) === '@') apex = i;
	expect(apex, 'the default records include the SPF record at @').toBeGreaterThanOrEqual(0);
	const field = editor.getByRole('textbox', { name: `Value of record ${apex + 1}`, exact: true });
	await field.fill(value);
	// The live check (POST /api/dns/check) reads it as an SPF record, well formed.
	const record = editor.locator('li.record').nth(apex);
	await expect(record.getByText('SPF record')).toBeVisible();
	await expect(record.getByText('✓ well formed')).toBeVisible();
	await editor.getByRole('button', { name: 'Save' }).click();
	await expect(editor.locator('p.status')).toContainText('Saved');
	return editor;
}

/** One message from the domain, typed straight to the MX as any mail program would. */
async function sendToMx(port: number, domain: string, subject: string) {
	const transport = nodemailer.createTransport({
		host: '127.0.0.1',
		port,
		secure: false,
		ignoreTLS: true,
		name: 'laptop.example'
	});
	await transport.sendMail({
		envelope: { from: `me@${domain}`, to: [`friend@${domain}`] },
		from: `me@${domain}`,
		to: `friend@${domain}`,
		subject,
		text: 'Does my domain vouch for me?'
	});
	transport.close();
}

/** Submits from the browser's personal login (587, STARTTLS, AUTH): the server signs it. */
async function submit(page: Page, domain: string, to: string, subject: string) {
	const login = {
		user: await page.getByTestId('personal-user').innerText(),
		pass: await page.getByTestId('personal-password').innerText()
	};
	const health = (await (await page.request.get('/api/health')).json()) as {
		listeners: { name: string; port: number }[];
	};
	const transport = nodemailer.createTransport({
		host: '127.0.0.1',
		port: health.listeners.find((l) => l.name === 'submission')!.port,
		secure: false,
		requireTLS: true,
		tls: { rejectUnauthorized: false },
		auth: login
	});
	await transport.sendMail({ from: `me@${domain}`, to, subject, text: 'Signed?' });
	transport.close();
}

/** The id of the message with this subject that matches, once the browser's mailbox lists it. */
async function findId(
	page: Page,
	subject: string,
	match: (m: MessageSummary) => boolean
): Promise<string> {
	let id: string | undefined;
	await expect
		.poll(
			async () => {
				const { messages } = (await (await page.request.get('/api/messages')).json()) as {
					messages: MessageSummary[];
				};
				id = messages.find((m) => m.subject === subject && match(m))?.id;
				return id !== undefined;
			},
			{ timeout: 20_000 }
		)
		.toBe(true);
	return id!;
}

async function seriousViolations(page: Page): Promise<string[]> {
	const results = await new AxeBuilder({ page }).analyze();
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('a learner sets SPF “-all” for their domain and sees it fail, then names 127.0.0.1 and sees it pass', async ({
	page,
	smtpPorts
}) => {
	const domain = await personalDomain(page);
	expect(domain).toMatch(/\.test$/);

	// Break it: nobody may send for the domain.
	await setApexRecord(page, 'v=spf1 -all');
	const failing = `SPF says no ${Date.now()}`;
	await sendToMx(smtpPorts.mx, domain, failing);
	const failId = await findId(page, failing, () => true);
	await page.goto(`/mailbox/${failId}/authentication`);
	const spf = page.locator('#spf');
	await expect(page.locator('#verdict').locator('[data-result]').first()).toHaveText(/spf=fail/);
	await expect(spf.getByText('127.0.0.1', { exact: true })).toBeVisible();
	await expect(spf.getByText('v=spf1 -all', { exact: true })).toBeVisible();
	const matched = spf.locator('li.step[data-outcome="match"]');
	await expect(matched).toHaveCount(1);
	await expect(matched.locator('code.term')).toHaveText('-all');
	await expect(matched).toContainText('- (fail)');
	await expect(spf.locator('.result [data-result]')).toHaveText(/spf=fail/);
	await expect(page.locator('#authentication-results pre')).toContainText('spf=fail');
	expect(await seriousViolations(page)).toEqual([]);

	// Fix it: the address the mail program connects from is named first.
	await setApexRecord(page, 'v=spf1 ip4:127.0.0.1 -all');
	const passing = `SPF says yes ${Date.now()}`;
	await sendToMx(smtpPorts.mx, domain, passing);
	const passId = await findId(page, passing, () => true);
	await page.goto(`/mailbox/${passId}/authentication`);
	await expect(spf.locator('.result [data-result]')).toHaveText(/spf=pass/);
	await expect(spf.locator('li.step[data-outcome="match"] code.term')).toHaveText('ip4:127.0.0.1');
	await expect(spf.locator('li.step[data-outcome="not-reached"] code.term')).toHaveText('-all');
	await expect(page.locator('#authentication-results pre')).toContainText('spf=pass');

	// Reset to defaults puts the sandbox's own record back.
	await page.goto('/dns');
	const editor = page.locator('#your-zone-section');
	await editor.getByRole('button', { name: 'Reset to defaults' }).click();
	await expect(editor.locator('p.status')).toContainText('default records');
	await expect(editor.getByRole('textbox', { name: /^Value of record/ }).first()).toHaveValue(
		/^v=spf1 a:out\.smtp-lab\.test ~all$|^v=DMARC1/
	);
});

test('a malformed record is explained with its RFC section while typing, and cannot be saved', async ({
	page
}) => {
	await personalDomain(page);
	await page.goto('/dns');
	const editor = page.locator('#your-zone-section');
	const value = editor.getByRole('textbox', { name: 'Value of record 1', exact: true });
	await expect(value).toBeVisible();
	await value.fill('v=spf1 bogus:thing -all');
	const record = editor.locator('li.record').first();
	await expect(record.getByText('✗ malformed')).toBeVisible();
	await expect(record.locator('.problem a.rfc').first()).toHaveText(/RFC 7208 §/);
	await expect(editor.getByRole('button', { name: 'Save' })).toBeDisabled();
	await expect(editor.locator('p.status')).toContainText(
		'Fix the record marked ✗ malformed to save'
	);
	expect(await seriousViolations(page)).toEqual([]);
});

test('a message submitted on 587 says why it has no report and shows its DKIM signature', async ({
	page
}) => {
	const domain = await personalDomain(page);
	const subject = `Signed on the way out ${Date.now()}`;
	await submit(page, domain, `friend@${domain}`, subject);
	// The copy the submission listener kept (not a delivered one an MX checked).
	const id = await findId(page, subject, (m) => m.listener === 'submission');
	await page.goto(`/mailbox/${id}/authentication`);
	await expect(
		page.getByRole('heading', { name: 'No authentication report for this copy' })
	).toBeVisible();
	await expect(page.getByText('No MX hop.')).toBeVisible();
	await expect(page.getByRole('heading', { name: /Signed at submission: d=/ })).toContainText(
		`d=${domain}`
	);
});

test('signed at submission and delivered to north.test: DKIM passes, the body hash computed equals bh=', async ({
	page
}) => {
	const domain = await personalDomain(page);
	const subject = `Signed and delivered ${Date.now()}`;
	await submit(page, domain, 'learner@north.test', subject);
	// The copy mx.north.test stored after checking it.
	const id = await findId(page, subject, (m) => m.authentication !== undefined);
	await page.goto(`/mailbox/${id}/authentication`);
	const dkim = page.locator('#dkim-1');
	await expect(dkim.locator('.result [data-result]')).toHaveText(/dkim=pass/);
	await expect(dkim.getByText(domain, { exact: true }).first()).toBeVisible();
	const hashes = dkim.locator('.hashes code.hash');
	await expect(hashes).toHaveCount(2);
	expect(await hashes.nth(0).innerText()).toBe(await hashes.nth(1).innerText());
	await expect(dkim.locator('.hash-verdict')).toContainText('The same');
	await expect(page.locator('#spf .result [data-result]')).toHaveText(/spf=pass/);
	await expect(page.locator('#dmarc .result [data-result]')).toHaveText(/dmarc=pass/);
	await expect(page.locator('#verdict h2')).toContainText('Delivered to the inbox');
	expect(await seriousViolations(page)).toEqual([]);
});

test('the HELO name is checked on its own: out.smtp-lab.test passes at north.test; an address literal is not checked', async ({
	page,
	smtpPorts
}) => {
	const domain = await personalDomain(page);
	const subject = `HELO checked ${Date.now()}`;
	await submit(page, domain, 'learner@north.test', subject);
	const id = await findId(page, subject, (m) => m.authentication !== undefined);
	// Deep link: the sub-section under SPF has an id of its own.
	await page.goto(`/mailbox/${id}/authentication#spf-helo`);
	const helo = page.locator('#spf-helo');
	await expect(helo.getByRole('heading', { level: 2 })).toContainText('SPF for the HELO name');
	await expect(helo).toBeInViewport();
	await expect(helo.getByText('postmaster@out.smtp-lab.test', { exact: true })).toBeVisible();
	await expect(helo.getByText('out.smtp-lab.test', { exact: true })).toBeVisible();
	await expect(helo.getByText('v=spf1 a -all', { exact: true })).toBeVisible();
	await expect(helo.locator('li.step[data-outcome="match"] code.term')).toHaveText('a');
	await expect(helo.locator('.result [data-result]')).toHaveText(/spf=pass/);
	await expect(helo).toContainText('RFC 7208 §2.3');
	await expect(helo).toContainText('RFC 7489 §3.1.2');
	// The MAIL FROM check is still the section above, the one DMARC reads.
	await expect(page.locator('#spf .result [data-result]')).toHaveText(/spf=pass/);
	await expect(page.locator('#authentication-results pre')).toContainText(
		'smtp.helo=out.smtp-lab.test'
	);
	expect(await seriousViolations(page)).toEqual([]);

	// A mail program greeting with an address literal: nothing to check (RFC 7208 §2.3).
	const literal = `HELO literal ${Date.now()}`;
	const transport = nodemailer.createTransport({
		host: '127.0.0.1',
		port: smtpPorts.mx,
		secure: false,
		ignoreTLS: true,
		name: '[127.0.0.1]'
	});
	await transport.sendMail({
		envelope: { from: `me@${domain}`, to: [`friend@${domain}`] },
		from: `me@${domain}`,
		to: `friend@${domain}`,
		subject: literal,
		text: 'Who am I?'
	});
	transport.close();
	await page.goto(`/mailbox/${await findId(page, literal, () => true)}/authentication#spf-helo`);
	await expect(helo.getByText('[127.0.0.1]', { exact: true })).toBeVisible();
	await expect(helo.locator('li.step')).toHaveCount(0);
	await expect(helo).toContainText('an address literal such as [127.0.0.1]');
	await expect(helo.locator('.result [data-result]')).toHaveText(/spf=none/);
});

test('a bounce (MAIL FROM:<>) is checked as postmaster@ its HELO name, and the tab says so', async ({
	page,
	smtpPorts
}) => {
	const domain = await personalDomain(page);
	await setApexRecord(page, 'v=spf1 -all');
	const subject = `Null sender ${Date.now()}`;
	const transport = nodemailer.createTransport({
		host: '127.0.0.1',
		port: smtpPorts.mx,
		secure: false,
		ignoreTLS: true,
		name: domain
	});
	await transport.sendMail({
		envelope: { from: '', to: [`friend@${domain}`] },
		from: `mailer-daemon@${domain}`,
		to: `friend@${domain}`,
		subject,
		text: 'Your message could not be delivered.'
	});
	transport.close();
	await page.goto(`/mailbox/${await findId(page, subject, () => true)}/authentication`);
	const spf = page.locator('#spf');
	await expect(spf.getByText(`postmaster@${domain}`, { exact: true })).toBeVisible();
	await expect(spf.getByText('null sender', { exact: true })).toBeVisible();
	await expect(spf).toContainText('RFC 7208 §2.4');
	await expect(spf.locator('.result [data-result]')).toHaveText(/spf=fail/);
});

test('on a phone, a link to the Authentication tab shows that tab in the sideways-scrolling strip', async ({
	page,
	smtpPorts
}) => {
	await page.setViewportSize({ width: 390, height: 844 });
	const domain = await personalDomain(page);
	const subject = `Phone tab ${Date.now()}`;
	await sendToMx(smtpPorts.mx, domain, subject);
	await page.goto(`/mailbox/${await findId(page, subject, () => true)}/authentication`);
	const tab = page.getByRole('tab', { name: 'Authentication' });
	await expect(tab).toHaveAttribute('aria-selected', 'true');
	// Its whole width on screen (the strip clips the 2 px it overlaps the panel's border by).
	await expect
		.poll(async () => {
			const box = await tab.boundingBox();
			return box !== null && box.x >= 0 && box.x + box.width <= 390;
		})
		.toBe(true);
	await expectFitsViewport(page);
});

for (const size of [
	{ name: '1280x720', width: 1280, height: 720 },
	{ name: '1920x1080', width: 1920, height: 1080 },
	{ name: '390x844', width: 390, height: 844 }
])
	test(
		`authentication screenshots at ${size.name}`,
		{ tag: '@screenshots' },
		async ({ page, smtpPorts }) => {
			mkdirSync('test-results/screenshots', { recursive: true });
			await page.setViewportSize({ width: size.width, height: size.height });
			const domain = await personalDomain(page);
			const editor = await setApexRecord(page, 'v=spf1 a:out.smtp-lab.test -all');
			await editor.screenshot({ path: `test-results/screenshots/auth-zone-${size.name}.png` });
			const subject = `Screenshot ${size.name} ${Date.now()}`;
			await sendToMx(smtpPorts.mx, domain, subject);
			const id = await findId(page, subject, () => true);
			await page.goto(`/mailbox/${id}/authentication`);
			await expect(page.locator('#spf')).toBeVisible();
			await expectFitsViewport(page);
			await page.screenshot({ path: `test-results/screenshots/auth-tab-${size.name}.png` });
			await page.screenshot({
				path: `test-results/screenshots/auth-tab-${size.name}-full.png`,
				fullPage: true
			});
			// What a class sees section by section (a full page is too long to judge at a glance).
			for (const section of ['spf', 'spf-helo', 'dmarc', 'authentication-results']) {
				await page.evaluate((s) => document.getElementById(s)?.scrollIntoView(), section);
				await page.screenshot({
					path: `test-results/screenshots/auth-${section}-${size.name}.png`
				});
			}
			// A signed message checked by mx.north.test: the DKIM section with its body hashes.
			await personalDomain(page);
			const signed = `Signed ${size.name} ${Date.now()}`;
			await submit(page, domain, 'learner@north.test', signed);
			const signedId = await findId(page, signed, (m) => m.authentication !== undefined);
			await page.goto(`/mailbox/${signedId}/authentication`);
			await expect(page.locator('#dkim-1')).toBeVisible();
			await expectFitsViewport(page);
			await page.screenshot({
				path: `test-results/screenshots/auth-verdict-pass-${size.name}.png`
			});
			await page.evaluate(() => document.getElementById('dkim-1')?.scrollIntoView());
			await page.screenshot({ path: `test-results/screenshots/auth-dkim-${size.name}.png` });
			// A spoofed From: of a DMARC-reject domain: refused at the end of DATA, stored as refused.
			const spoof = `Spoofed ${size.name} ${Date.now()}`;
			const transport = nodemailer.createTransport({
				host: '127.0.0.1',
				port: smtpPorts.mx,
				secure: false,
				ignoreTLS: true,
				name: 'laptop.example'
			});
			await expect(
				transport.sendMail({
					from: 'ceo@reject.test',
					to: `friend@${domain}`,
					subject: spoof,
					text: 'Pay this invoice.'
				})
			).rejects.toThrow(/5\.7\.1/);
			transport.close();
			await page.goto(`/mailbox/${await findId(page, spoof, () => true)}/authentication`);
			await expect(page.locator('#verdict h2')).toContainText('Refused');
			await expectFitsViewport(page);
			await page.screenshot({
				path: `test-results/screenshots/auth-verdict-refused-${size.name}.png`
			});
			// The teaching domains' TXT records, read-only in /dns's zone table.
			await page.goto('/dns');
			await page.locator('#zone-reject\\.test').scrollIntoViewIfNeeded();
			await page.evaluate(() => document.getElementById('zone-reject.test')?.scrollIntoView());
			await page.screenshot({ path: `test-results/screenshots/auth-dns-zone-${size.name}.png` });
		}
	);
