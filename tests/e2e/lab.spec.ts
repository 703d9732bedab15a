import type { Page } from '@playwright/test';
import { send, serverRows } from './labTerminal';
import { expect, expectFitsViewport, test } from './fixtures';
import AxeBuilder from '@axe-core/playwright';

/**
 * The lab, driven with the keyboard against the real server (playwright.config.ts starts it and
 * provides baseURL): terminal, timeline, state diagram, envelope and message panels.
 */

const rows = (page: Page) => page.locator('section.timeline li.row');
const terminal = (page: Page) => page.locator('.xterm-rows');
const currentState = (page: Page) => page.locator('g.state.current');

/** Tabs from the top of the page to the Connect button, as a keyboard user would. */
async function tabToConnect(page: Page) {
	for (let i = 0; i < 40; i++) {
		await page.keyboard.press('Tab');
		// The site navigation has a "Connect" link too (the /connect page): stop at the button.
		const focused = await page.evaluate(() => ({
			tag: document.activeElement?.tagName,
			name: document.activeElement?.textContent?.trim()
		}));
		if (focused.tag === 'BUTTON' && focused.name === 'Connect') return;
	}
	throw new Error('Connect button not reachable with Tab');
}

async function connect(page: Page, listener: 'mx' | 'submission' | 'submissions' = 'mx') {
	await page.goto('/lab');
	await expect(
		page.getByText('Not connected yet — pick a listener and press Connect')
	).toBeVisible();
	await expect(page.locator('.xterm-helper-textarea')).toBeAttached();
	if (listener !== 'mx') {
		await page.locator(`input[name=listener][value=mx]`).focus();
		const presses = listener === 'submission' ? 1 : 2;
		for (let i = 0; i < presses; i++) await page.keyboard.press('ArrowRight');
		await expect(page.locator(`input[name=listener][value=${listener}]`)).toBeChecked();
	}
	await tabToConnect(page);
	await page.keyboard.press('Enter');
	await expect(serverRows(page).first()).toHaveText(/^220 /);
	await expect(page.locator('.xterm-helper-textarea')).toBeFocused();
}

async function paste(page: Page, text: string) {
	await page.locator('.xterm-helper-textarea').evaluate((node, data) => {
		const transfer = new DataTransfer();
		transfer.setData('text/plain', data);
		node.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true }));
	}, text);
}

test('mx: a whole transaction typed with the keyboard, every step explained', async ({ page }) => {
	await connect(page, 'mx');
	await expect(terminal(page)).toContainText('S: 220 ');
	await expect(currentState(page)).toHaveAttribute('data-state', 'greeted');

	await send(page, 'EHLO client.example.org', /^250 /);
	await expect(terminal(page)).toContainText('C: EHLO client.example.org');
	await expect(currentState(page)).toHaveAttribute('data-state', 'identified');
	await expect(page.locator('figcaption.state-caption')).toContainText('Valid next');

	await send(page, 'MAIL FROM:<alice@example.org>', /^250 /);
	await expect(currentState(page)).toHaveAttribute('data-state', 'mail');
	await send(page, 'RCPT TO:<bob@example.com>', /^250 /);
	await expect(currentState(page)).toHaveAttribute('data-state', 'rcpt');
	await send(page, 'RCPT TO:<unknown@example.com>', /^550 /);
	await expect(currentState(page)).toHaveAttribute('data-state', 'rcpt');

	const envelope = page.locator('section.envelope');
	await expect(envelope).toContainText('<alice@example.org>');
	await expect(envelope.getByTestId('rcpt').nth(0)).toContainText('accepted');
	await expect(envelope.getByTestId('rcpt').nth(1)).toContainText('refused');
	await expect(envelope.getByTestId('rcpt').nth(1)).toContainText('550 5.1.1');

	await send(page, 'DATA', /^354 /);
	await expect(currentState(page)).toHaveAttribute('data-state', 'data');
	await expect(terminal(page)).toContainText('data>');
	await expect(terminal(page)).toContainText('A line with a single "." ends the message');

	await send(page, 'Subject: Hello from the lab');
	await send(page, 'To: bob@example.com');
	await send(page, '');
	await send(page, 'This is the body.');
	await send(page, '.hidden line');
	await expect(terminal(page)).toContainText('sent as "..hidden line": dot-stuffed');
	await send(page, '.', /^250 /);
	await expect(currentState(page)).toHaveAttribute('data-state', 'identified');
	await expect(terminal(page)).toContainText('smtp>');

	const message = page.locator('section.message');
	await expect(message.locator('.header')).toContainText('Subject: Hello from the lab');
	await expect(message.locator('.blank')).toContainText('the header ends here');
	await expect(message.locator('.body')).toContainText('This is the body.');
	await expect(message.locator('.stuffed')).toContainText('sent as “..hidden line” (dot-stuffed)');
	await expect(message).toContainText('bob@example.com: in the mailbox');
	await expect(page.getByRole('link', { name: 'Open in the mailbox' })).toBeVisible();

	// The timeline: the DATA content row is marked dot-stuffed; rows expand with Enter.
	await expect(rows(page).filter({ hasText: '..hidden line' })).toContainText('dot-stuffed');
	const refused = rows(page).filter({ hasText: '550 5.1.1' }).locator('button.row-head');
	await refused.focus();
	await page.keyboard.press('Enter');
	await expect(refused).toHaveAttribute('aria-expanded', 'true');
	await expect(rows(page).filter({ hasText: '550 5.1.1' }).locator('.detail')).toContainText(
		'RCPT TO:<unknown@example.com>'
	);
	await page.keyboard.press('ArrowUp');
	await expect(page.locator('button.row-head:focus')).toContainText(
		'RCPT TO:<unknown@example.com>'
	);

	await page.locator('.xterm-helper-textarea').focus();
	await send(page, 'QUIT', /^221 /);
	await expect(page.locator('p.banner')).toContainText('you said QUIT and the server said goodbye');
	await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeVisible();

	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Download .txt' }).click();
	const file = await download;
	const text = await (await file.createReadStream()).toArray();
	const transcript = Buffer.concat(text).toString('utf8');
	expect(transcript).toMatch(/^\* .*\nS: 220 /);
	expect(transcript).toContain('C: RCPT TO:<unknown@example.com>\nS: 550 5.1.1');
	expect(transcript).toContain('C: ..hidden line\nC: .\nS: 250');
});

test('submission: STARTTLS, AUTH PLAIN with the helper, mail to an outside domain', async ({
	page
}) => {
	await connect(page, 'submission');
	await send(page, 'EHLO laptop.example.com', /^250 /);
	await expect(rows(page).filter({ hasText: /^250.AUTH/ })).toHaveCount(0);
	await send(page, 'STARTTLS', /^220 /);
	await expect(page.locator('section.timeline li.row.system').last()).toContainText('TLS started');
	await expect(terminal(page)).toContainText('TLS started (');
	await send(page, 'EHLO laptop.example.com', /^250 /);
	await expect(serverRows(page).filter({ hasText: 'AUTH' })).not.toHaveCount(0);

	const helper = page.locator('section.auth');
	await expect(helper).toContainText('Base64 is an encoding, not encryption');
	await helper.getByRole('button', { name: 'Put on the command line' }).click();
	await expect(terminal(page)).toContainText('smtp> AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=');
	await expect(page.locator('.xterm-helper-textarea')).toBeFocused();
	await page.keyboard.press('Enter');
	await expect.poll(() => serverRows(page).last().innerText()).toMatch(/^235 /);

	await send(page, 'MAIL FROM:<alice@example.com>', /^250 /);
	await send(page, 'RCPT TO:<friend@elsewhere.example>', /^250 /);
	await send(page, 'DATA', /^354 /);
	await send(page, 'Subject: Leaving the sandbox?');
	await send(page, '');
	await send(page, 'Only in theory.');
	await send(page, '.', /^250 /);
	await expect(page.locator('section.message')).toContainText('not sent (sandbox)');
});

test('a pasted transaction is pipelined and each reply is matched to its command', async ({
	page
}) => {
	// The terminal's DOM holds only its visible rows: make it tall enough that the paste note and
	// every reply stay on screen while the replies arrive (its height is not what this checks).
	await page.addInitScript(() =>
		document.addEventListener('DOMContentLoaded', () => {
			const style = document.createElement('style');
			style.textContent = '.terminal-area .frame { height: 60rem !important; }';
			document.head.append(style);
		})
	);
	await connect(page, 'mx');
	await send(page, 'EHLO paste.example.org', /^250 /);
	await expect(serverRows(page).filter({ hasText: 'PIPELINING' })).toHaveCount(1);
	await paste(
		page,
		[
			'MAIL FROM:<carol@example.org>',
			'RCPT TO:<bob@example.com>',
			'RCPT TO:<unknown@example.com>',
			'DATA',
			'Subject: pasted',
			'',
			'All at once.',
			'.',
			''
		].join('\n')
	);
	await expect(terminal(page)).toContainText('go out in 1 group(s)');
	await expect.poll(() => serverRows(page).last().innerText()).toMatch(/^250 .*Queued/i);
	const texts = await serverRows(page).allInnerTexts();
	const after = texts.slice(texts.findIndex((t) => t.startsWith('250 ') && !t.includes('-')) + 1);
	expect(after.map((t) => t.slice(0, 3))).toEqual(['250', '250', '550', '354', '250']);
	const terminalText = await terminal(page).innerText();
	const order = [
		'↳ answers MAIL FROM:<carol@example.org>',
		'↳ answers RCPT TO:<bob@example.com>',
		'↳ answers RCPT TO:<unknown@example.com>',
		'↳ answers DATA'
	].map((s) => terminalText.replace(/\n/g, '').indexOf(s));
	expect(order.every((i) => i >= 0)).toBe(true);
	expect([...order].sort((a, b) => a - b)).toEqual(order);
	const envelope = page.locator('section.envelope');
	await expect(envelope.getByTestId('rcpt').nth(1)).toContainText('refused');
	await expect(envelope).toContainText('message accepted');
});

test('the timeline keeps following the newest line while a paste brings lines in bursts', async ({
	page
}) => {
	await connect(page, 'mx');
	await send(page, 'EHLO follow.example.org', /^250 /);
	const recipients = Array.from({ length: 12 }, (_, i) => `RCPT TO:<bob+${i}@example.com>`);
	const body = Array.from({ length: 40 }, (_, i) => `Line ${i} of a long message.`);
	await paste(
		page,
		[
			'MAIL FROM:<carol@example.org>',
			...recipients,
			'DATA',
			'Subject: bursts',
			'',
			...body,
			'.',
			''
		].join('\n')
	);
	await expect.poll(() => serverRows(page).last().innerText()).toMatch(/^250 .*Queued/i);
	// Nobody scrolled: the list stays at its end, so the newest line is on screen.
	await expect(rows(page).last()).toBeInViewport();
	await expect(page.getByRole('button', { name: 'Jump to the newest line' })).toHaveCount(0);
});

test('the page resumes the same SMTP session after the WebSocket drops and after a reload', async ({
	page
}) => {
	await connect(page, 'mx');
	await send(page, 'EHLO resume.example.org', /^250 /);
	const id = await page.evaluate(
		() =>
			(window as unknown as { __smtpLab: { lab: { session: { id: string } } } }).__smtpLab.lab
				.session.id
	);
	await page.evaluate(() =>
		(window as unknown as { __smtpLab: { dropSocket(): void } }).__smtpLab.dropSocket()
	);
	await expect(terminal(page)).toContainText('The connection to the lab dropped');
	await expect(terminal(page)).toContainText('Reconnected: this is the same SMTP session');
	await expect(page.locator('p.status')).toContainText('Connected');
	await page.locator('.xterm-helper-textarea').focus();
	await send(page, 'MAIL FROM:<alice@example.org>', /^250 /);
	await expect(currentState(page)).toHaveAttribute('data-state', 'mail');

	await page.reload();
	await expect(page.locator('p.status')).toContainText('Connected');
	await expect(rows(page).filter({ hasText: 'MAIL FROM:<alice@example.org>' })).toHaveCount(1);
	const after = await page.evaluate(
		() =>
			(window as unknown as { __smtpLab: { lab: { session: { id: string } } } }).__smtpLab.lab
				.session.id
	);
	expect(after).toBe(id);
	await page.locator('.xterm-helper-textarea').focus();
	await send(page, 'RCPT TO:<bob@example.com>', /^250 /);
	await expect(currentState(page)).toHaveAttribute('data-state', 'rcpt');
});

test('server text cannot drive the terminal (escape sequences are shown, not obeyed)', async ({
	page
}) => {
	await connect(page, 'mx');
	await send(page, 'EHLO x', /^250 /);
	await send(page, 'VRFY \x1b]0;pwned\x07', /^\d{3} /);
	expect(await page.title()).not.toContain('pwned');
});

for (const path of ['/', '/lab', '/connect']) {
	test(`axe: no serious or critical violations on ${path}`, async ({ page }) => {
		await page.goto(path);
		if (path === '/lab') {
			await expect(page.locator('.xterm-helper-textarea')).toBeAttached();
		}
		const results = await new AxeBuilder({ page }).analyze();
		const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
		expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
			[]
		);
	});
}

test('axe on a lab session with expanded rows and the message panel', async ({ page }) => {
	await connect(page, 'mx');
	await paste(
		page,
		'EHLO a.example\nMAIL FROM:<a@example.org>\nRCPT TO:<bob@example.com>\nDATA\nSubject: x\n\nbody\n.\n'
	);
	await expect(page.locator('section.message')).toContainText('in the mailbox');
	await rows(page).nth(1).locator('button.row-head').click();
	for (const theme of ['light', 'dark']) {
		await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
		const results = await new AxeBuilder({ page }).analyze();
		const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
		expect(
			bad.map((v) => `${theme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
		).toEqual([]);
	}
});

const SIZES = [
	{ name: '1280x720', width: 1280, height: 720 },
	{ name: '1920x1080', width: 1920, height: 1080 },
	{ name: '390x844', width: 390, height: 844 }
];

for (const size of SIZES) {
	test(`screenshots at ${size.name}`, { tag: '@screenshots' }, async ({ page }) => {
		await page.setViewportSize({ width: size.width, height: size.height });
		await connect(page, 'mx');
		await paste(
			page,
			'EHLO class.example\nMAIL FROM:<teacher@example.org>\nRCPT TO:<bob@example.com>\nRCPT TO:<unknown@example.com>\nDATA\nSubject: Screenshot\nTo: bob@example.com\n\nHello class.\n.leading dot\n.\n'
		);
		await expect(page.locator('section.message')).toContainText('in the mailbox');
		await page.screenshot({ path: `test-results/screenshots/lab-${size.name}.png` });
		await page.screenshot({
			path: `test-results/screenshots/lab-${size.name}-full.png`,
			fullPage: true
		});
		await expect(terminal(page)).toBeVisible();
		await expectFitsViewport(page);
		const presenter = page.getByRole('button', { name: 'Presenter mode' });
		await presenter.click();
		await expect(page.locator('html')).toHaveAttribute('data-presenter', 'true');
		await page.screenshot({ path: `test-results/screenshots/lab-${size.name}-presenter.png` });
		await presenter.click();
		const theme = page.getByRole('button', { name: /^Theme/ });
		await theme.click();
		await theme.click();
		await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
		await page.screenshot({ path: `test-results/screenshots/lab-${size.name}-light.png` });
		await theme.click();
		await page.goto('/connect');
		await page.screenshot({ path: `test-results/screenshots/connect-${size.name}.png` });
		await expectFitsViewport(page);
	});
}
