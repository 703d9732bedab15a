import type { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { findExample } from '../../src/lib/examples/catalogue';
import { expect, test } from './fixtures';

/**
 * The example player against the real production server (GREYLIST_SECONDS=1): every reply on
 * screen comes from the live sandbox.
 */

const player = (page: Page) => page.locator('.player');

/** Waits until the player rests at step `n` with nothing in flight. */
async function at(page: Page, n: number) {
	await expect(player(page)).toHaveAttribute('data-position', String(n), { timeout: 15_000 });
	await expect(player(page)).toHaveAttribute('data-status', 'ready', { timeout: 15_000 });
}

async function expectAllChecksOk(page: Page) {
	const checks = page.locator('.on-wire [data-testid=check]');
	const count = await checks.count();
	for (let i = 0; i < count; i++) await expect(checks.nth(i)).toContainText('✓');
}

test('catalogue lists the 28 examples in order, each linked', async ({ page }) => {
	await page.goto('/examples');
	const cards = page.locator('.cards > li');
	await expect(cards).toHaveCount(28);
	await expect(cards.first()).toContainText('Your first message');
	await expect(cards.first()).toContainText('mx (25)');
	await expect(cards.nth(16)).toContainText('SMTP smuggling');
	await expect(cards.first().locator('a')).toHaveAttribute('href', '/examples/first-message');
	const results = await new AxeBuilder({ page }).analyze();
	const serious = results.violations.filter((v) =>
		['serious', 'critical'].includes(v.impact ?? '')
	);
	expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
});

test('keyboard only: play "first message" to the end, then back a step by replaying', async ({
	page
}) => {
	await page.goto('/examples');
	// Tab to the first example's link and open it with Enter.
	for (let i = 0; i < 30; i++) {
		await page.keyboard.press('Tab');
		const href = await page.evaluate(() => document.activeElement?.getAttribute('href'));
		if (href === '/examples/first-message') break;
	}
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/\/examples\/first-message/);
	await at(page, 0);
	await expect(page.getByTestId('step-title')).toHaveText('Your first message');

	const titles = [
		'Connect to mx',
		'EHLO: say who we are',
		'MAIL FROM: start a transaction',
		'RCPT TO: bob@example.com',
		'DATA: ready to send the message',
		'The message, then a line with a single dot',
		'QUIT: say goodbye'
	];
	const replies = [
		/^220 /,
		/^250 SIZE/,
		/^250 2\.1\.0/,
		/^250 2\.1\.5/,
		/^354 /,
		/^250 2\.6\.0/,
		/^221 /
	];
	for (const [i, title] of titles.entries()) {
		await page.keyboard.press(i % 2 ? 'Space' : 'ArrowRight');
		await at(page, i + 1);
		await expect(page.getByTestId('step-title')).toHaveText(title);
		await expect(page.locator('.on-wire li.server .text').last()).toHaveText(replies[i]);
		await expectAllChecksOk(page);
	}
	await expect(page).toHaveURL(/step=7/);
	await expect(page.locator('.takeaway')).toContainText('envelope');
	// The message panel shows the delivered message; the mailbox link is there.
	await expect(page.locator('section.message')).toContainText('Subject: Hello from SMTP Lab');
	await expect(page.locator('section.message a', { hasText: 'Open in the mailbox' })).toBeVisible();

	// Back: SMTP cannot go back, so the player replays a fresh session up to step 6.
	const sessionBefore = await page.evaluate(
		() =>
			(window as unknown as { __smtpExamples: { player: { records: { sessionId: string }[] } } })
				.__smtpExamples.player.records[0].sessionId
	);
	await page.keyboard.press('ArrowLeft');
	await at(page, 6);
	await expect(page.getByTestId('step-title')).toHaveText(titles[5]);
	await expectAllChecksOk(page);
	const sessionAfter = await page.evaluate(
		() =>
			(window as unknown as { __smtpExamples: { player: { records: { sessionId: string }[] } } })
				.__smtpExamples.player.records[0].sessionId
	);
	expect(sessionAfter).not.toBe(sessionBefore);
});

test('keyboard only: PIPELINING — four replies matched in order, the body after 354', async ({
	page
}) => {
	await page.goto('/examples/pipelining');
	await at(page, 0);
	for (let i = 1; i <= 3; i++) {
		await page.keyboard.press('ArrowRight');
		await at(page, i);
	}
	await expect(page.getByTestId('step-title')).toHaveText('Four commands in one write');
	const server = page.locator('.on-wire li.server .text');
	await expect(server).toHaveText([/^250 2\.1\.0/, /^250 2\.1\.5/, /^550 5\.1\.1/, /^354 /]);
	await expect(page.locator('.on-wire li.client .text')).toHaveCount(4);
	await expectAllChecksOk(page);
	await page.keyboard.press('ArrowRight');
	await at(page, 4);
	await expect(server.last()).toHaveText(/^250 2\.6\.0/);
	await expect(page.locator('[data-testid=rcpt]')).toHaveCount(2);
	await expect(page.locator('[data-testid=rcpt]').nth(1)).toContainText('refused');
});

test('split delivery: played to its end, the queue makes three deliveries, one per domain', async ({
	page
}) => {
	await page.goto('/examples/split-delivery');
	await at(page, 0);
	const total = 13;
	for (let i = 1; i <= total; i++) {
		await page.keyboard.press('ArrowRight');
		await at(page, i);
		await expectAllChecksOk(page);
	}
	await expect(page.getByTestId('step-title')).toHaveText(
		'The queue: three destinations, three deliveries'
	);
	const legs = page.locator('.on-wire [data-testid=journey-leg]');
	await expect(legs).toHaveCount(3);
	for (const [i, domain] of ['north.test', 'south.test', 'nomx.test'].entries()) {
		await expect(legs.nth(i)).toContainText(domain);
		await expect(legs.nth(i)).toContainText('delivered');
		await expect(legs.nth(i).locator('code')).toHaveText(/^250 2\.6\.0/);
	}
	await expect(page.locator('.on-wire [data-testid=check]')).toHaveCount(3);
	await expect(page.locator('.takeaway')).toContainText('three deliveries');
	// The session ended with QUIT (step 12): the lab can take it over from step 11, not 12.
	await expect(
		page.getByRole('button', { name: 'Continue from step 11 in the lab' })
	).toBeVisible();
	// The journey page the step links to draws the same message.
	const link = page.locator('.on-wire a', { hasText: 'Follow its journey' });
	await expect(link).toHaveAttribute('href', /^\/journey\/[\w-]+$/);
	const results = await new AxeBuilder({ page }).analyze();
	const serious = results.violations.filter((v) =>
		['serious', 'critical'].includes(v.impact ?? '')
	);
	expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
	await link.click();
	await expect(page).toHaveURL(/\/journey\//);
	await expect(page.locator('body')).toContainText('south.test');
});

test('POP3: "Read mail with POP3" played to its end — keep, then delete — every response as scripted', async ({
	page
}) => {
	await page.goto('/examples/pop3-read');
	await at(page, 0);
	const total = findExample('pop3-read')!.steps.length;
	for (let i = 1; i <= total; i++) {
		await page.keyboard.press('ArrowRight');
		await at(page, i);
		await expectAllChecksOk(page);
		// The RETR step's lines on the wire, each explained.
		if (findExample('pop3-read')!.steps[i - 1].id === 'retr')
			await expect(page.locator('.on-wire')).toContainText('byte-stuffing');
	}
	await expect(page.getByTestId('step-title')).toHaveText('QUIT');
	// The POP3 states on screen, the session over; no envelope on a POP3 step.
	await expect(page.locator('g.state', { hasText: 'TRANSACTION' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Envelope' })).toHaveCount(0);
	await expect(page.locator('.takeaway')).toContainText('download and delete');
});

test('IMAP: "Read mail with IMAP" played to its end — IDLE hears the message the other connection sends', async ({
	page
}) => {
	await page.goto('/examples/imap-read');
	await at(page, 0);
	const steps = findExample('imap-read')!.steps;
	for (let i = 1; i <= steps.length; i++) {
		await page.keyboard.press('ArrowRight');
		await at(page, i);
		await expectAllChecksOk(page);
		// IDLE heard the new message before DONE (RFC 2177 §3, RFC 3501 §7.3.1).
		if (steps[i - 1].id === 'done')
			await expect(page.locator('.on-wire')).toContainText(/\* \d+ EXISTS/);
		if (steps[i - 1].id === 'select')
			await expect(page.locator('g.state.current')).toContainText('selected');
	}
	await expect(page.getByTestId('step-title')).toHaveText('LOGOUT');
	await expect(page.getByRole('heading', { name: 'Envelope' })).toHaveCount(0);
	await expect(page.locator('.takeaway')).toContainText('IDLE');
});

test('a ?step=N link to the MX-down give-up replays it, fast-forwarding the queue from the page', async ({
	page
}) => {
	// Every retry is pressed through POST /api/journeys/<id>/fast-forward, as the journey page does.
	await page.goto('/examples/mx-down?step=13');
	await at(page, 13);
	await expect(page.getByTestId('step-title')).toHaveText(
		'Fast-forward to the give-up: the bounce'
	);
	const leg = page.locator('.on-wire [data-testid=journey-leg]');
	await expect(leg).toHaveCount(1);
	await expect(leg).toContainText('down.test');
	await expect(leg).toContainText('bounced to the sender');
	await expect(leg).toContainText(/more tries, each the same/);
	await expectAllChecksOk(page);
	await expect(page.locator('section.reports')).toContainText('Bounce (DSN)');
});

test('DMARC p=reject: the forged From: refused with 550 5.7.1, the MX’s verdict checked and linked', async ({
	page
}) => {
	await page.goto('/examples/dmarc-reject-spoof');
	await at(page, 0);
	for (let i = 1; i <= 7; i++) {
		await page.keyboard.press('ArrowRight');
		await at(page, i);
		await expectAllChecksOk(page);
		// The end of DATA: refused with the DMARC reply (RFC 7489 §10.3).
		if (i === 6)
			await expect(page.locator('.on-wire li.server .text').last()).toHaveText(
				/^550 5\.7\.1 DMARC/
			);
	}
	await expect(page.getByTestId('step-title')).toHaveText('The MX’s verdict: dmarc=fail, refused');
	// Each result of the verdict, expected beside what the MX found (RFC 8601 §2.7).
	await expect(page.locator('.on-wire [data-testid=check]')).toHaveText([
		/expected spf=softfail, got spf=softfail/,
		/expected dkim=none, got dkim=none/,
		/expected dmarc=fail, got dmarc=fail/,
		/expected → reject, got → reject/
	]);
	await page.getByTestId('verdict-link').click();
	await expect(page).toHaveURL(/\/mailbox\/[^/]+\/authentication$/);
	await expect(page.locator('main')).toContainText('dmarc');
});

test('split delivery, its last step at 1280×720 and 390×844 @screenshots', async ({ page }) => {
	await page.goto('/examples/split-delivery?step=13');
	await at(page, 13);
	await expect(page.locator('.on-wire [data-testid=journey-leg]')).toHaveCount(3);
	await page.locator('.on-wire').scrollIntoViewIfNeeded();
	await page.screenshot({ path: 'test-results/screenshots/examples-split-delivery-1280x720.png' });
	await page.setViewportSize({ width: 390, height: 844 });
	await page.locator('.on-wire').scrollIntoViewIfNeeded();
	await page.screenshot({ path: 'test-results/screenshots/examples-split-delivery-390x844.png' });
});

test('a ?step=N link restores that step by replaying it live', async ({ page }) => {
	await page.goto('/examples/unknown-recipient?step=5');
	await at(page, 5);
	await expect(page.getByTestId('step-title')).toHaveText('RCPT TO: unknown@example.com');
	await expect(page.getByTestId('narration')).toContainText('5.1.1');
	await expect(page.locator('.on-wire li.server .text')).toHaveText(/^550 5\.1\.1/);
	await expectAllChecksOk(page);
	await expect(page.locator('g.state.current')).toHaveAttribute('data-state', 'rcpt');
	await expect(page.locator('[data-testid=rcpt]')).toHaveCount(2);
	await expect(page.locator('[data-testid=rcpt]').nth(1)).toContainText('refused');
	await expect(page.locator('nav.steps a[aria-current=step]')).toContainText(
		'RCPT TO: unknown@example.com'
	);
	await expect(page.locator('#step-rcpt-unknown')).toBeAttached();

	// A #step-<id> anchor alone works too.
	await page.goto('/examples/greylisting#step-rcpt-first');
	await at(page, 4);
	await expect(page.locator('.on-wire li.server .text')).toHaveText(/^451 4\.7\.1/);
});

test('greylisting: the player waits the window, then the retry is accepted', async ({ page }) => {
	await page.goto('/examples/greylisting?step=8');
	await at(page, 8);
	await expect(page.locator('.on-wire li.server .text')).toHaveText(/^250 2\.1\.5/);
	await expectAllChecksOk(page);
});

test('"Try it yourself" on a POP3 step: the lab takes over the session in TRANSACTION', async ({
	page
}) => {
	const position = findExample('pop3-read')!.steps.findIndex((s) => s.id === 'stat') + 1;
	await page.goto(`/examples/pop3-read?step=${position}`);
	await at(page, position);
	await page.getByRole('button', { name: 'Try it yourself in the lab' }).click();
	await expect(page).toHaveURL(/\/lab$/);
	await expect(page.locator('p.state-line')).toContainText('State: TRANSACTION');
	await page.locator('.xterm-helper-textarea').focus();
	await page.keyboard.type('LIST');
	await page.keyboard.press('Enter');
	await expect(page.locator('section.timeline li.row.server .text').last()).toHaveText('.');
	await expect(page.locator('.xterm-rows')).toContainText('pop3>');
});

test('"Try it yourself" on an IMAP step: the lab takes over the session in the selected state', async ({
	page
}) => {
	const position = findExample('imap-read')!.steps.findIndex((s) => s.id === 'select') + 1;
	await page.goto(`/examples/imap-read?step=${position}`);
	await at(page, position);
	await page.getByRole('button', { name: 'Try it yourself in the lab' }).click();
	await expect(page).toHaveURL(/\/lab$/);
	await expect(page.locator('p.state-line')).toContainText('State: selected');
	// The example used a1 … a5: the lab offers a6.
	await expect(page.locator('p.state-line')).toContainText('next tag: a6');
	await page.locator('.xterm-helper-textarea').focus();
	await page.keyboard.press('Tab');
	await page.keyboard.type('NOOP');
	await page.keyboard.press('Enter');
	await expect(page.locator('section.timeline li.row.server .text').last()).toHaveText(/^a6 OK/);
	await expect(page.locator('.xterm-rows')).toContainText('imap>');
});

test('"Try it yourself" hands the live session to the lab, which takes one more command', async ({
	page
}) => {
	await page.goto('/examples/first-message?step=4');
	await at(page, 4);
	const sessionId = await page.evaluate(
		() =>
			(window as unknown as { __smtpExamples: { player: { records: { sessionId: string }[] } } })
				.__smtpExamples.player.records[0].sessionId
	);
	const tryIt = page.getByRole('button', { name: 'Try it yourself in the lab' });
	await tryIt.focus();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/\/lab$/);
	// The lab resumed the same SMTP session: its transcript so far is there.
	await expect(page.locator('section.timeline li.row.server .text').last()).toHaveText(
		/^250 2\.1\.5/
	);
	await expect(page.locator('.status.open')).toBeVisible();
	const labSession = await page.evaluate(
		() =>
			(window as unknown as { __smtpLab: { lab: { session: { id: string } } } }).__smtpLab.lab
				.session.id
	);
	expect(labSession).toBe(sessionId);
	await page.locator('.xterm-helper-textarea').focus();
	await page.keyboard.type('RCPT TO:<carol@example.net>');
	await page.keyboard.press('Enter');
	await expect(page.locator('section.timeline li.row.client .text').last()).toHaveText(
		'RCPT TO:<carol@example.net>'
	);
	await expect(page.locator('section.timeline li.row.server .text').last()).toHaveText(
		/^250 2\.1\.5/
	);
});

test('presenter mode at 1280×720, a phone at 390×844, axe on a player page', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 720 });
	await page.goto('/examples/submission?step=6');
	await at(page, 6);
	const results = await new AxeBuilder({ page }).analyze();
	const serious = results.violations.filter((v) =>
		['serious', 'critical'].includes(v.impact ?? '')
	);
	expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
	await page.screenshot({ path: 'test-results/screenshots/examples-player-1280x720.png' });

	await page.getByRole('button', { name: 'Presenter mode' }).click();
	await expect(page.locator('.player.presenting')).toBeVisible();
	await page.keyboard.press('ArrowRight');
	await at(page, 7);
	await expect(page.locator('.narration.big')).toContainText('base64');
	// Controls hide when the pointer rests; the projector shows narration and wire only.
	await expect(page.locator('.present-controls')).toHaveCSS('opacity', '0', { timeout: 5000 });
	await page.screenshot({ path: 'test-results/screenshots/examples-presenter-1280x720.png' });
	await page.mouse.move(600, 400);
	await page.mouse.move(640, 420);
	await expect(page.locator('.present-controls')).toHaveCSS('opacity', '1');
	await page.screenshot({
		path: 'test-results/screenshots/examples-presenter-controls-1280x720.png'
	});
	await page.keyboard.press('Escape');
	await expect(page.locator('.player.presenting')).toHaveCount(0);

	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto('/examples/many-recipients?step=6');
	await at(page, 6);
	await page.screenshot({ path: 'test-results/screenshots/examples-player-390x844.png' });
	await page.goto('/examples');
	await page.screenshot({ path: 'test-results/screenshots/examples-catalogue-390x844.png' });
});

test('handout: the whole example run live, every step expanded', async ({ page }) => {
	await page.goto('/examples/dot-stuffing?handout');
	await expect(page.locator('.progress')).toContainText('Recorded from a live run', {
		timeout: 15_000
	});
	await expect(page.locator('li.step')).toHaveCount(7);
	await expect(page.locator('[data-testid=check]')).toHaveCount(7);
	for (const check of await page.locator('[data-testid=check]').all())
		await expect(check).toContainText('✓');
	await expect(page.locator('.badge', { hasText: 'dot-stuffed' }).first()).toBeVisible();
	await page.emulateMedia({ media: 'print' });
	await expect(page.locator('header').first()).toBeHidden();
	await page.screenshot({
		path: 'test-results/screenshots/examples-handout-print.png',
		fullPage: true
	});
});

test('the API composes an example and refuses unknown ones with JSON', async ({ request }) => {
	const ok = await request.get('/api/examples/attachments');
	expect(ok.status()).toBe(200);
	const body = (await ok.json()) as {
		messages: Record<string, string>;
		facts: Record<string, number>;
	};
	expect(body.messages.message).toMatch(/multipart\/mixed/);
	expect(body.facts.pictureBytes).toBeGreaterThan(0);
	const missing = await request.get('/api/examples/no-such-example');
	expect(missing.status()).toBe(404);
	expect(await missing.json()).toEqual({ error: expect.stringContaining('no example') });
	const bad = await request.get('/api/examples/..%2F..');
	expect([400, 404]).toContain(bad.status());
});

test('Play advances by itself at the chosen speed, Pause holds the step, Play resumes to the end', async ({
	page
}) => {
	// The page's clock runs as usual until the test stops it to move time on by hand.
	await page.clock.install();
	await page.goto('/examples/first-message');
	await at(page, 0);
	await page.getByLabel('Speed').selectOption('4');
	await page.getByRole('button', { name: 'Play' }).focus();
	await page.keyboard.press('Enter');
	// No key is pressed after Play: the player moves on its own, step after step.
	await expect(player(page)).toHaveAttribute('data-position', /^[2-7]$/, { timeout: 20_000 });
	await page.getByRole('button', { name: 'Pause' }).click();
	await expect(player(page)).toHaveAttribute('data-status', 'ready', { timeout: 15_000 });
	const held = await player(page).getAttribute('data-position');
	// Stop the page's clock (half a second on), then run three more seconds of its timers:
	// more than a step's pause at 4×.
	await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 500);
	await page.clock.runFor(3000);
	await expect(player(page)).toHaveAttribute('data-status', 'ready');
	await expect(player(page)).toHaveAttribute('data-position', held!);
	await page.clock.resume();
	await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
	await page.getByRole('button', { name: 'Play' }).click();
	await at(page, 7);
	await expect(page.locator('.on-wire li.server .text').last()).toHaveText(/^221 /);
	await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
});

test('"Copy link to this step" copies the step on screen, and the copied link opens that step', async ({
	page,
	baseURL
}) => {
	await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
		origin: baseURL
	});
	await page.goto('/examples/first-message');
	await at(page, 0);
	await page.keyboard.press('ArrowRight');
	await at(page, 1);
	await page.keyboard.press('ArrowRight');
	await at(page, 2);
	await page.getByRole('button', { name: 'Copy link to this step' }).click();
	await expect(page.getByRole('button', { name: 'Link copied' })).toBeVisible();
	const copied = new URL(await page.evaluate(() => navigator.clipboard.readText()));
	expect(copied.pathname).toBe('/examples/first-message');
	expect(copied.searchParams.get('step')).toBe('2');
	expect(copied.hash).toBe('#step-ehlo');

	await page.goto(copied.href);
	await at(page, 2);
	await expect(page.getByTestId('step-title')).toHaveText('EHLO: say who we are');
});

test('at the end of an example: continue from the last open step in the lab', async ({ page }) => {
	await page.goto('/examples/first-message?step=7');
	await at(page, 7);
	// QUIT ended the session; step 6 was the last step after which it was open.
	const resume = page.getByRole('button', { name: 'Continue from step 6 in the lab' });
	await expect(resume).toBeEnabled();
	await expect(page.getByTestId('try-hint')).toContainText('This session has ended');
	await resume.click();
	await expect(page).toHaveURL(/\/lab$/, { timeout: 20_000 });
	// A new session, replayed up to the accepted message, now open in the lab.
	await expect(page.locator('.status.open')).toBeVisible();
	await expect(page.locator('section.timeline li.row.server .text').last()).toHaveText(
		/^250 2\.6\.0/
	);
	await page.locator('.xterm-helper-textarea').focus();
	await page.keyboard.type('QUIT');
	await page.keyboard.press('Enter');
	await expect(page.locator('section.timeline li.row.server .text').last()).toHaveText(/^221 /);
});

test('at the end of an example: a new lab session on the same listener (/lab?listener=…)', async ({
	page
}) => {
	await page.goto('/examples/submission?step=99');
	await expect(player(page)).toHaveAttribute('data-status', 'ready', { timeout: 20_000 });
	await expect(page.locator('.where')).toHaveText(/^Step (\d+) of \1$/);
	const fresh = page.getByRole('link', { name: 'New session on submission in the lab' });
	await expect(fresh).toHaveAttribute('href', '/lab?listener=submission');
	await fresh.click();
	await expect(page).toHaveURL(/\/lab\?listener=submission$/);
	await expect(page.locator('input[name=listener][value=submission]')).toBeChecked();
	await expect(page.locator('.status.open')).toBeVisible();
	await expect(page.locator('section.timeline li.row.server .text').first()).toHaveText(/^220 /);
	const listener = await page.evaluate(
		() =>
			(window as unknown as { __smtpLab: { lab: { session: { listener: string } } } }).__smtpLab.lab
				.session.listener
	);
	expect(listener).toBe('submission');
});
