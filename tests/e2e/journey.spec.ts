import AxeBuilder from '@axe-core/playwright';
import nodemailer from 'nodemailer';
import type { Locator, Page } from '@playwright/test';
import { startProductionServer, type ProductionServer } from '../productionServer';
import { expect, expectFitsViewport, test } from './fixtures';
import { send, serverRows } from './labTerminal';

/**
 * Issue 17, the journey view: a message typed in the lab to two remote sandbox domains is
 * followed on /journey/<id> as the queue works: north.test delivered at once, greylist.test
 * deferred (451) and, once the fast-forward is pressed, delivered, without a reload. This spec
 * starts its own server with QUEUE_TIME_SCALE=20: the greylisted retry is then 90 real seconds
 * away, longer than a test lasts, so only the fast-forward can bring it.
 */

let server: ProductionServer;

test.beforeAll(async () => {
	server = await startProductionServer({ QUEUE_TIME_SCALE: '20' });
});

test.afterAll(() => server.stop());

const lane = (page: Page, domain: string): Locator =>
	page.locator('section.lane', {
		has: page.getByRole('heading', { level: 3, name: new RegExp(`^${domain.replace('.', '\\.')}`) })
	});

async function submitInTheLab(page: Page, subject: string) {
	await page.goto(`${server.url}/lab`);
	await expect(page.locator('.xterm-helper-textarea')).toBeAttached();
	await page.locator('input[name=listener][value=submission]').check();
	await page.getByRole('button', { name: 'Connect', exact: true }).click();
	await expect(serverRows(page).first()).toHaveText(/^220 /);
	await page.locator('.xterm-helper-textarea').focus();
	await send(page, 'EHLO laptop.example.com', /^250 /);
	await send(page, 'STARTTLS', /^220 /);
	await expect(page.locator('section.timeline li.row.system').last()).toContainText('TLS started');
	await send(page, 'EHLO laptop.example.com', /^250 /);
	// alice / wonderland, as the lab's AUTH helper writes it (RFC 4616).
	await send(page, 'AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=', /^235 /);
	await send(page, 'MAIL FROM:<alice@example.com>', /^250 /);
	await send(page, 'RCPT TO:<carol@north.test>', /^250 /);
	await send(page, 'RCPT TO:<dan@greylist.test>', /^250 /);
	await send(page, 'DATA', /^354 /);
	await send(page, `Subject: ${subject}`);
	await send(page, '');
	await send(page, 'Two destinations, one message.');
	await send(page, '.', /^250 /);
}

test('a message to north.test and greylist.test: its journey, live, with the fast-forward', async ({
	page
}) => {
	await submitInTheLab(page, 'Two ways');
	// The lab's message panel leads to the journey.
	const follow = page.locator('section.message').getByRole('link', { name: 'Follow its journey' });
	await expect(follow).toBeVisible();
	await follow.click();
	await expect(page).toHaveURL(/\/journey\/[A-Za-z0-9_-]+$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Journey of “Two ways”');
	// Marks this document: a reload would lose it.
	await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

	const north = lane(page, 'north.test');
	const greylist = lane(page, 'greylist.test');
	await expect(north.getByRole('heading', { level: 3 })).toContainText('delivered');
	await expect(north.getByRole('heading', { level: 4, name: /Try 1: delivered/ })).toBeVisible();
	await expect(north.getByRole('link', { name: 'The delivered copy' })).toHaveAttribute(
		'href',
		/^\/mailbox\/[A-Za-z0-9_-]+$/
	);
	// mx.north.test checked the copy before taking it (issue 20): the lane links its checks.
	await expect(north.getByRole('link', { name: 'Its SPF, DKIM and DMARC checks' })).toHaveAttribute(
		'href',
		/^\/mailbox\/[A-Za-z0-9_-]+\/authentication$/
	);
	await expect(north.getByRole('link', { name: 'mx.north.test’s session' })).toHaveAttribute(
		'href',
		/^\/sessions\/[A-Za-z0-9_-]+$/
	);
	await expect(north.getByRole('link', { name: /^(The lookup|Lookup 1)$/ })).toHaveAttribute(
		'href',
		/^\/dns#lookup-[A-Za-z0-9_-]+$/
	);
	await expect(
		greylist.getByRole('heading', { level: 4, name: /Try 1: deferred, will retry/ })
	).toBeVisible();
	await expect(greylist).toContainText(/451 4\.7\.1/);
	await expect(greylist.getByRole('heading', { level: 3 })).toContainText('waiting in the queue');
	await expect(greylist.getByRole('heading', { level: 4, name: /Try 2: waiting/ })).toBeVisible();
	await expect(page.getByText('RFC 5321 §4.5.4.1', { exact: true }).first()).toBeVisible();
	await expect(page.locator('section.clocks')).toContainText('×20');

	await page.getByRole('button', { name: 'Fast-forward to the next try' }).click();
	await expect(page.locator('.fast-forward [role=status]')).toContainText(
		/Skipped .* of queue time/
	);
	await expect(greylist.getByRole('heading', { level: 4, name: /Try 2: delivered/ })).toBeVisible({
		timeout: 15_000
	});
	await expect(greylist.getByRole('heading', { level: 3 })).toContainText('delivered');
	await expect(greylist.getByRole('link', { name: 'The delivered copy' })).toBeVisible();
	expect(
		await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)
	).toBe(true);
	// Nothing waits now: the button says so by being disabled.
	await expect(page.getByRole('button', { name: 'Fast-forward to the next try' })).toBeDisabled();

	// Every box is a deep link: the second try of greylist.test opens scrolled to and marked.
	const url = new URL(page.url());
	const attempt = greylist.locator('li.step[id^="attempt-"]').nth(1);
	const anchor = await attempt.getAttribute('id');
	expect(anchor).toMatch(/^attempt-[A-Za-z0-9_-]+-2$/);
	await page.goto(`${server.url}${url.pathname}#${anchor}`);
	await expect(page.locator(`[id="${anchor}"]`)).toBeInViewport();
	expect(await page.evaluate(() => document.querySelector(':target')?.id)).toBe(anchor);

	const axe = await new AxeBuilder({ page }).analyze();
	expect(axe.violations.map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);

	// Both ways: the hop's session says whose hop it is and leads back to the journey.
	await north.getByRole('link', { name: 'mx.north.test’s session' }).click();
	await expect(page.getByText('mx.north.test, a sandbox mail host')).toBeVisible();
	// The hop was tapped at the host that answered it: its wire, handshake and all (issue 17).
	await expect(
		page
			.getByRole('region', { name: 'What an eavesdropper sees' })
			.locator('td.observer')
			.filter({ hasText: /TLS handshake, \d+ bytes/ })
			.first()
	).toBeVisible();
	await expect(page.getByText('the sandbox’s outgoing server, handing a message on')).toBeVisible();
	await expect(page.getByRole('link', { name: 'its journey' })).toHaveAttribute(
		'href',
		url.pathname
	);

	// The mailbox's row of the submitted message leads to the same journey.
	await page.goto(`${server.url}/mailbox`);
	const row = page.locator('li.message', { hasText: 'Two ways' }).filter({
		has: page.getByRole('link', { name: 'session' })
	});
	await expect(row.first().getByRole('link', { name: 'Follow its journey' })).toHaveAttribute(
		'href',
		url.pathname
	);
});

test('a post to a mailing list: the journey goes on from mx.list.test with the new message to its members', async ({
	page
}) => {
	const id = await submitByProgram(page, ['learners@list.test'], 'To the learners');
	await page.goto(`${server.url}/journey/${id}`);
	await expect(page.getByRole('heading', { level: 2, name: /^The split/ })).toHaveText(
		'The split: 1 delivery, one per destination, then 1 re-sent by a mailing list'
	);
	const toList = lane(page, 'list.test');
	await expect(toList.getByRole('heading', { level: 3 })).toContainText('delivered');
	const members = lane(page, 'north.test');
	await expect(members.getByRole('heading', { level: 3 })).toContainText('delivered');
	await expect(members.locator('.recipients')).toHaveText('ann@north.test, ben@north.test');
	await expect(
		members.getByRole('heading', { level: 4, name: 'Re-sent by mx.list.test as a new message' })
	).toBeVisible();
	await expect(members).toContainText(
		'From mx.list.test (127.0.0.12), MAIL FROM:<learners-bounces@list.test>'
	);
	await expect(members.getByRole('link', { name: 'The new message' })).toHaveAttribute(
		'href',
		/^\/mailbox\/[A-Za-z0-9_-]+$/
	);
	await expect(members.getByRole('heading', { level: 4, name: /Try 1: delivered/ })).toBeVisible();
	await expect(members.getByRole('link', { name: 'mx.north.test’s session' })).toBeVisible();
	await expect(members.getByRole('link', { name: 'The delivered copy' })).toBeVisible();
});

test('a post sent straight to mx.list.test: the journey the list started begins at the list', async ({
	page
}) => {
	// The list host's endpoint, as /dns's host table shows it.
	await page.goto(`${server.url}/dns`);
	const row = page
		.getByRole('region', { name: 'Hosts and endpoints' })
		.getByRole('row')
		.filter({ hasText: 'mx.list.test' });
	const port = Number(/127\.0\.0\.12:(\d+)/.exec((await row.textContent()) ?? '')![1]);
	const transport = nodemailer.createTransport({
		host: '127.0.0.12',
		port,
		secure: false,
		tls: { rejectUnauthorized: false }
	});
	await transport.sendMail({
		envelope: { from: 'zoe@example.org', to: ['learners@list.test'] },
		raw: 'From: zoe@example.org\r\nSubject: Straight to the list\r\n\r\nHi all.\r\n'
	});
	transport.close();
	// The list's new message is the journey's.
	let id = '';
	await expect(async () => {
		const { messages } = (await (await page.request.get(`${server.url}/api/messages`)).json()) as {
			messages: { id: string; subject: string; envelope: { mailFrom: { address: string } } }[];
		};
		id =
			messages.find(
				(m) =>
					m.subject === 'Straight to the list' &&
					m.envelope.mailFrom.address === 'learners-bounces@list.test'
			)?.id ?? '';
		expect(id).not.toBe('');
	}).toPass();
	await page.goto(`${server.url}/journey/${id}`);
	await expect(page.getByRole('heading', { level: 2, name: 'The post to the list' })).toBeVisible();
	await expect(
		page.getByRole('heading', { level: 3, name: 'Posted to the list at mx.list.test' })
	).toBeVisible();
	await expect(page.getByRole('heading', { level: 2, name: /^Re-sent by the list/ })).toHaveText(
		'Re-sent by the list: 1 delivery, one per destination'
	);
	const members = lane(page, 'north.test');
	await expect(members.getByRole('heading', { level: 3 })).toContainText('delivered');
	await expect(
		members.getByRole('heading', { level: 4, name: 'Re-sent by mx.list.test as a new message' })
	).toBeVisible();
});

test('a journey that is not there is a 404 page that says so', async ({ page }) => {
	const response = await page.goto(`${server.url}/journey/no-such-message`);
	expect(response?.status()).toBe(404);
	await expect(page.getByText(/No journey here: no such message/)).toBeVisible();
});

/** Submits from a mail program (nodemailer, alice on submission): returns the journey's id. */
async function submitByProgram(page: Page, to: string[], subject: string): Promise<string> {
	const health = (await (await page.request.get(`${server.url}/api/health`)).json()) as {
		listeners: { name: string; port: number }[];
	};
	const port = health.listeners.find((l) => l.name === 'submission')!.port;
	const transport = nodemailer.createTransport({
		host: '127.0.0.1',
		port,
		secure: false,
		auth: { user: 'alice', pass: 'wonderland' },
		tls: { rejectUnauthorized: false }
	});
	const info = await transport.sendMail({
		from: 'alice@example.com',
		to,
		subject,
		text: 'One message, five destinations.'
	});
	transport.close();
	return /Queued as ([A-Za-z0-9_-]+)/.exec(info.response)![1];
}

for (const size of [
	{ name: '1280x720', width: 1280, height: 720 },
	{ name: '1920x1080', width: 1920, height: 1080 },
	{ name: '390x844', width: 390, height: 844 }
])
	test(`screenshots at ${size.name}`, { tag: '@screenshots' }, async ({ page }) => {
		await page.setViewportSize({ width: size.width, height: size.height });
		const id = await submitByProgram(
			page,
			[
				'carol@north.test',
				'erin@south.test',
				// Its own (client, sender, recipient): a triplet already let through is not greylisted.
				`dan.${size.width}@greylist.test`,
				'ivy@loop.test',
				'friend@elsewhere.example'
			],
			'Five ways'
		);
		await page.goto(`${server.url}/journey/${id}`);
		await expect(lane(page, 'greylist.test')).toContainText('Try 2: waiting');
		await expect(lane(page, 'loop.test')).toContainText('Bounced to the sender');
		await page.screenshot({ path: `test-results/screenshots/journey-${size.name}.png` });
		await page.screenshot({
			path: `test-results/screenshots/journey-${size.name}-full.png`,
			fullPage: true
		});
		await expectFitsViewport(page);
		await page.getByRole('button', { name: 'Fast-forward to the next try' }).click();
		await expect(lane(page, 'greylist.test')).toContainText('Try 2: delivered', {
			timeout: 15_000
		});
		await page.getByRole('button', { name: 'Presenter mode' }).click();
		await page.screenshot({
			path: `test-results/screenshots/journey-${size.name}-delivered-presenter-full.png`,
			fullPage: true
		});
		await expectFitsViewport(page);
		await page.getByRole('button', { name: 'Presenter mode' }).click();
	});
