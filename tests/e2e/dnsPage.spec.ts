import AxeBuilder from '@axe-core/playwright';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { expect, expectFitsViewport, test } from './fixtures';

const run = promisify(execFile);

/** Where the production server's name server listens (GET /api/health). */
async function dnsPort(page: Page): Promise<number> {
	const health = (await (await page.request.get('/api/health')).json()) as {
		dns: { port: number };
	};
	return health.dns.port;
}

/** Debian's dig, asking the lab's name server, as a learner would in a terminal. */
async function dig(port: number, ...args: string[]): Promise<string> {
	const { stdout } = await run('/usr/bin/dig', ['@127.0.0.1', '-p', String(port), ...args]);
	return stdout;
}

async function openDns(page: Page): Promise<void> {
	await page.goto('/dns');
	await expect(page.getByRole('status')).toHaveText('Watching live.');
}

test('a lookup made with dig appears live on /dns, explained, and its deep link opens it', async ({
	page
}) => {
	await openDns(page);
	const port = await dnsPort(page);
	// The dig commands on the page name the port the server really listens on.
	await expect(page.getByText(`dig @127.0.0.1 -p ${port} MX north.test`)).toBeVisible();
	// No reload: each lookup arrives over the WebSocket.
	await dig(port, 'MX', 'nullmx.test');
	const nullMx = page.getByRole('article').filter({ hasText: 'MX nullmx.test → null MX' });
	await expect(nullMx).toBeVisible();
	await expect(nullMx).toContainText('nullmx.test.  3600  IN  MX  0 .');
	await expect(nullMx).toContainText('accepts no mail');
	await expect(nullMx.getByRole('link', { name: 'RFC 7505 §3' })).toBeVisible();
	await expect(nullMx).toContainText('over UDP');

	await dig(port, '+tcp', 'MX', 'south.test');
	const south = page.getByRole('article').filter({ hasText: 'MX south.test → 2 mail exchangers' });
	await expect(south).toContainText('over TCP');
	await expect(south).toContainText('a sender picks among those at random');

	await dig(port, 'A', 'google.com');
	await expect(
		page.getByRole('article').filter({ hasText: 'A google.com → REFUSED' })
	).toContainText('never asks another server');

	// The newest first; each has a deep link that a reload scrolls to and marks.
	await expect(page.getByRole('article').first()).toContainText('A google.com → REFUSED');
	const link = await south.getByRole('heading').getByRole('link').getAttribute('href');
	// Ids are unique across instances (server/ids.ts: a random prefix and a counter, base64url).
	expect(link).toMatch(/^#lookup-[\w-]+$/);
	await page.goto(`/dns${link}`);
	const target = page.locator(`article${link}`);
	await expect(target).toHaveClass(/current/);
	await expect(target).toBeInViewport();
});

test('the zone and the host table are on the page', async ({ page }) => {
	await openDns(page);
	// Each domain's records as a zone file writes them.
	const zone = page.getByRole('region', { name: 'backup.test', exact: true });
	await expect(zone).toContainText('backup.test.      3600  IN  MX   10 mx1.backup.test.');
	await expect(zone).toContainText('backup.test.      3600  IN  MX   20 mx2.backup.test.');
	await expect(zone).toContainText('mx2.backup.test.   300  IN  A    127.0.0.9');
	const hosts = page.getByRole('region', { name: 'Hosts and endpoints' });
	await expect(hosts.getByRole('row').filter({ hasText: 'mx.down.test' })).toContainText(
		'connections refused'
	);
	const list = hosts.getByRole('row').filter({ hasText: 'mx.list.test' });
	await expect(list).toContainText('127.0.0.12');
	await expect(list).toContainText('a mailing list: re-sends to its members');
	await expect(
		page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'DNS' })
	).toHaveAttribute('aria-current', 'page');
});

test('axe: no serious or critical violations on /dns, with lookups listed', async ({ page }) => {
	await openDns(page);
	await dig(await dnsPort(page), 'MX', 'north.test');
	await expect(page.getByRole('article').first()).toBeVisible();
	const results = await new AxeBuilder({ page }).analyze();
	const bad = results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	expect(bad).toEqual([]);
});

for (const size of [
	{ name: '1280x720', width: 1280, height: 720 },
	{ name: '390x844', width: 390, height: 844 }
])
	test(`screenshots of /dns at ${size.name}`, { tag: '@screenshots' }, async ({ page }) => {
		await page.setViewportSize({ width: size.width, height: size.height });
		await openDns(page);
		const port = await dnsPort(page);
		await dig(port, 'MX', 'backup.test');
		await dig(port, '+tcp', 'MX', 'nomx.test');
		await dig(port, 'MX', 'nowhere.test');
		await expect(page.getByRole('article').first()).toContainText('MX nowhere.test → NXDOMAIN');
		await page.screenshot({ path: `test-results/screenshots/dns-${size.name}.png` });
		await page.screenshot({
			path: `test-results/screenshots/dns-${size.name}-full.png`,
			fullPage: true
		});
		await expectFitsViewport(page);
	});
