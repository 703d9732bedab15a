import AxeBuilder from '@axe-core/playwright';
import nodemailer from 'nodemailer';
import type { Locator, Page } from '@playwright/test';
import { startProductionServer, type ProductionServer } from '../productionServer';
import { expect, expectFitsViewport, test } from './fixtures';

/**
 * Issue 17, the home page's overview of a message's whole way: each stage a link to where it is
 * seen live, in the path's order for the keyboard, the outgoing server's leading to the visitor's
 * newest journey once there is one. This spec starts its own server: on the shared one, another
 * spec's mail may already have a journey, and the first visit must have none.
 */

let server: ProductionServer;

test.beforeAll(async () => {
	server = await startProductionServer();
});

test.afterAll(() => server.stop());

/** The stages in the path's order, and where each leads (written here, not read from the table). */
const STAGES: [name: string, href: string][] = [
	['Sender’s mail program', '/connect'],
	['Submission server', '/lab?listener=submission'],
	['Outgoing server', '/examples/split-delivery'],
	['DNS: the MX lookup', '/dns'],
	['Recipient’s mail exchanger (MX)', '/lab?listener=mx'],
	['Mailbox', '/mailbox'],
	['Recipient’s mail program', '/lab?listener=imap']
];

const overview = (page: Page): Locator => page.getByRole('figure');
const stageLink = (page: Page, name: string): Locator =>
	overview(page).getByRole('link', { name: new RegExp(`^${name.replace(/[()]/g, '\\$&')} `) });

async function submitToNorth(subject: string): Promise<string> {
	const health = (await (await fetch(`${server.url}/api/health`)).json()) as {
		listeners: { name: string; port: number }[];
	};
	const transport = nodemailer.createTransport({
		host: '127.0.0.1',
		port: health.listeners.find((l) => l.name === 'submission')!.port,
		secure: false,
		auth: { user: 'alice', pass: 'wonderland' },
		tls: { rejectUnauthorized: false }
	});
	const info = await transport.sendMail({
		from: 'alice@example.com',
		to: 'carol@north.test',
		subject,
		text: 'Hop by hop.'
	});
	transport.close();
	return /Queued as ([A-Za-z0-9_-]+)/.exec(info.response)![1];
}

test("each stage is a link to its live part, in the order of the path, the reader's to the lab's reading listeners", async ({
	page
}) => {
	await page.goto(server.url);
	await expect(page.getByRole('heading', { name: 'Where SMTP fits' })).toBeVisible();
	const links = overview(page).getByRole('link');
	await expect(links).toHaveCount(STAGES.length);
	for (const [i, [name, href]] of STAGES.entries()) {
		await expect(links.nth(i)).toHaveAccessibleName(
			new RegExp(`^${name.replace(/[()]/g, '\\$&')} `)
		);
		await expect(links.nth(i)).toHaveAttribute('href', href);
	}
	// Each RFC section the stage rests on is named beside it.
	await expect(overview(page).getByRole('listitem').nth(3)).toContainText('RFC 5321 §5.1');
	const reader = overview(page).getByRole('listitem').last();
	// POP3 and IMAP are here: the reader's stage is live and leads to the lab's reading listeners.
	await expect(reader).toContainText('Recipient’s mail program');
	await expect(reader.getByRole('link')).toHaveText(/Read mail in the lab/);

	// The links lead to their pages.
	const lands: [name: string, url: RegExp, heading: RegExp][] = [
		['DNS: the MX lookup', /\/dns$/, /DNS/],
		['Mailbox', /\/mailbox$/, /Mailbox/i],
		['Sender’s mail program', /\/connect$/, /./]
	];
	for (const [name, url, heading] of lands) {
		await page.goto(server.url);
		await stageLink(page, name).click();
		await expect(page).toHaveURL(url);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
	}
	// Submission opens a session on that listener in the lab, at once.
	await page.goto(server.url);
	await stageLink(page, 'Submission server').click();
	await expect(page).toHaveURL(/\/lab\?listener=submission$/);
	await expect(page.locator('input[name=listener][value=submission]')).toBeChecked();
	await expect(page.getByText(/^220 .*ESMTP/).first()).toBeVisible();
});

test('the home text says which domains the sandbox keeps and which go on, hop by hop', async ({
	page
}) => {
	await page.goto(server.url);
	const intro = page.locator('section.intro');
	await expect(intro).toContainText('north.test');
	await expect(intro).toContainText('hop by hop');
	await expect(intro).not.toContainText('any .test domain');
});

test('the outgoing server leads to the newest journey the visitor can see', async ({ page }) => {
	await page.goto(server.url);
	// Nothing sent yet: the guided example of a split.
	await expect(stageLink(page, 'Outgoing server')).toHaveAttribute(
		'href',
		'/examples/split-delivery'
	);
	await stageLink(page, 'Outgoing server').click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(
		'One message, three domains: the split'
	);
	await page.goto(server.url);
	const id = await submitToNorth('Seen from the home page');
	await page.reload();
	const outgoing = stageLink(page, 'Outgoing server');
	await expect(outgoing).toHaveAttribute('href', `/journey/${id}`);
	await expect(outgoing).toContainText('Follow your newest message');
	await outgoing.click();
	await expect(page).toHaveURL(new RegExp(`/journey/${id}$`));
	await expect(page.getByText('Seen from the home page').first()).toBeVisible();
});

test('the keyboard goes through the stages in order, after the three ways in', async ({ page }) => {
	await page.goto(server.url);
	await page.getByRole('link', { name: /^Point your own program at it/ }).focus();
	for (const [name] of STAGES) {
		await page.keyboard.press('Tab');
		await expect(stageLink(page, name)).toBeFocused();
	}
	// The reader is no link: the next Tab leaves the overview.
	await page.keyboard.press('Tab');
	const inside = await page.evaluate(() => document.activeElement?.closest('figure') !== null);
	expect(inside).toBe(false);
	// Enter follows the focused stage.
	await stageLink(page, 'DNS: the MX lookup').focus();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/\/dns$/);
});

test('axe finds nothing in either theme; on a phone the stages stack, nothing scrolls sideways', async ({
	page
}) => {
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		await page.goto(server.url);
		const { violations } = await new AxeBuilder({ page }).analyze();
		expect(violations, colorScheme).toEqual([]);
	}
	const boxes = async () =>
		Promise.all(
			(await overview(page).getByRole('listitem').all()).map(
				async (li) => (await li.boundingBox())!
			)
		);
	// A laptop: one row, left to right, within the page.
	await expectFitsViewport(page);
	let stages = await boxes();
	for (let i = 1; i < stages.length; i++) {
		expect(stages[i].x).toBeGreaterThan(stages[i - 1].x + stages[i - 1].width - 1);
		expect(Math.abs(stages[i].y - stages[0].y)).toBeLessThan(2);
	}
	// A projector: wider than the page's column, still within the screen.
	await page.setViewportSize({ width: 1920, height: 1080 });
	await expectFitsViewport(page);
	await page.setViewportSize({ width: 390, height: 844 });
	await expectFitsViewport(page);
	stages = await boxes();
	for (let i = 1; i < stages.length; i++) {
		expect(stages[i].y).toBeGreaterThanOrEqual(stages[i - 1].y + stages[i - 1].height - 1);
		expect(stages[i].x).toBe(stages[0].x);
	}
});

for (const size of [
	{ name: '1280x720', width: 1280, height: 720 },
	{ name: '1920x1080', width: 1920, height: 1080 },
	{ name: '390x844', width: 390, height: 844 }
])
	test(`screenshots at ${size.name}`, { tag: '@screenshots' }, async ({ page }) => {
		await page.setViewportSize({ width: size.width, height: size.height });
		for (const colorScheme of ['light', 'dark'] as const) {
			await page.emulateMedia({ colorScheme });
			await page.goto(server.url);
			await overview(page).scrollIntoViewIfNeeded();
			await page.screenshot({
				path: `test-results/screenshots/home-${size.name}-${colorScheme}.png`,
				fullPage: true
			});
			// The diagram, not the figure: on a projector it is wider than the figure's column.
			await overview(page)
				.locator('.diagram')
				.screenshot({
					path: `test-results/screenshots/home-overview-${size.name}-${colorScheme}.png`
				});
			await expectFitsViewport(page);
		}
	});
