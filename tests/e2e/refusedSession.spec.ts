import { startProductionServer, type ProductionServer } from '../productionServer';
import http from 'node:http';
import { expect, test } from './fixtures';
import { visitor } from './visitors';

/**
 * A session the sandbox refuses (421 at MAX_SESSIONS_PER_ADDRESS) is shown with the sandbox's
 * reply and what to do, in the lab and in the example player (issue 11.6); and, without ORIGIN,
 * the startup notice and the API's refusal of a forged Host (issue 11.5). A production server of
 * its own, with MAX_SESSIONS_PER_ADDRESS=0 so that every session is refused, on ports the OS picks.
 */

let server: ProductionServer;
let url: string;

test.beforeAll(async () => {
	server = await startProductionServer({ ORIGIN: undefined, MAX_SESSIONS_PER_ADDRESS: '0' });
	url = server.url;
});

test.afterAll(() => server.stop());

test('without ORIGIN the server says once at startup which hosts it accepts', async () => {
	await expect.poll(() => server.stderr()).toContain('ORIGIN is not set');
	expect(server.stderr().split('ORIGIN is not set').length - 1).toBe(1);
	expect(server.stderr()).toContain('localhost, 127.0.0.1, [::1]');
});

test('without ORIGIN an API write from a page at a forged Host (DNS rebinding) gets 403', async () => {
	const { port } = new URL(url);
	// A page's DELETE carries its owner cookie (issue 13); the forged host is refused all the same.
	const { cookie } = await visitor(url);
	const deleteSessions = (host: string) =>
		new Promise<{ status: number; body: string }>((resolve, reject) => {
			const request = http.request(
				{
					host: '127.0.0.1',
					port,
					method: 'DELETE',
					path: '/api/sessions',
					headers: { host, origin: `http://${host}`, cookie }
				},
				(response) => {
					let body = '';
					response.on('data', (chunk: Buffer) => (body += chunk.toString()));
					response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
				}
			);
			request.once('error', reject);
			request.end();
		});
	const forged = await deleteSessions(`evil.example:${port}`);
	expect(forged.status).toBe(403);
	expect(JSON.parse(forged.body)).toEqual({ error: 'cross-origin request refused' });
	expect((await deleteSessions(`localhost:${port}`)).status).toBe(200);
});

test('the lab shows the 421 and what to do, not "Connecting…"', async ({ page }) => {
	await page.goto(`${url}/lab`);
	await expect(page.locator('.xterm-helper-textarea')).toBeAttached();
	await page.getByRole('button', { name: 'Connect' }).click();
	const banner = page.locator('.banner', { hasText: 'The sandbox refused the session' });
	await expect(banner).toContainText('421 4.7.0 Too many sessions from your address');
	await expect(banner).toContainText('close the lab or examples open in other tabs');
	await expect(banner).toContainText('MAX_SESSIONS_PER_ADDRESS');
	await expect(page.locator('p.status')).toHaveText('Session ended');
	await expect(page.locator('section.timeline li.row.server .text')).toHaveText([
		/^421 4\.7\.0 Too many sessions from your address/
	]);
	// The sandbox did not record it: there is no transcript page to link to.
	await expect(page.getByRole('link', { name: 'Permalink' })).toHaveCount(0);
});

test('the example player shows the 421 and what to do, not "Waiting for the server…"', async ({
	page
}) => {
	await page.goto(`${url}/examples/first-message`);
	await expect(page.getByRole('button', { name: /Next/ })).toBeEnabled();
	await page.getByRole('button', { name: /Next/ }).click();
	const refusal = page.getByTestId('refusal');
	await expect(refusal).toContainText('421 4.7.0 Too many sessions from your address');
	await expect(refusal).toContainText('close the lab or examples open in other tabs');
	await expect(refusal).toContainText('MAX_SESSIONS_PER_ADDRESS');
	await expect(page.getByText('Waiting for the server…')).toHaveCount(0);
});

/**
 * The other two refusals reach the pages the same way (issue 13): the owner limit, which the
 * bridge enforces before connecting (its line is the lab's own, a system line), and a full
 * sandbox (the sandbox's 421 at MAX_SESSIONS). A server of their own each, with that limit at 0.
 */
const OTHER_REFUSALS = [
	{
		limit: 'MAX_SESSIONS_PER_OWNER',
		heading: 'The lab did not open the session',
		line: { dir: 'system', text: /^Not connected: this browser holds 0 open SMTP sessions/ },
		advice: 'Close the lab or examples open in other tabs'
	},
	{
		limit: 'MAX_SESSIONS',
		heading: 'The sandbox refused the session',
		line: { dir: 'server', text: /^421 4\.7\.0 Too many sessions on the sandbox/ },
		advice: 'wait a minute and connect again'
	}
];

for (const refusal of OTHER_REFUSALS)
	test.describe(`at ${refusal.limit}`, () => {
		let limited: ProductionServer;
		test.beforeAll(async () => {
			limited = await startProductionServer({ [refusal.limit]: '0' });
		});
		test.afterAll(() => limited.stop());

		test(`the lab shows why and what to do (${refusal.limit})`, async ({ page }) => {
			await page.goto(`${limited.url}/lab`);
			await expect(page.locator('.xterm-helper-textarea')).toBeAttached();
			await page.getByRole('button', { name: 'Connect' }).click();
			const banner = page.locator('.banner', { hasText: refusal.heading });
			await expect(banner).toContainText(`${refusal.limit} (0 open`);
			await expect(banner).toContainText(refusal.advice);
			await expect(page.locator('p.status')).toHaveText('Session ended');
			await expect(page.locator(`section.timeline li.row.${refusal.line.dir} .text`)).toHaveText([
				refusal.line.text
			]);
			await expect(page.getByRole('link', { name: 'Permalink' })).toHaveCount(0);
		});

		test(`the example player shows why and what to do (${refusal.limit})`, async ({ page }) => {
			await page.goto(`${limited.url}/examples/first-message`);
			await expect(page.getByRole('button', { name: /Next/ })).toBeEnabled();
			await page.getByRole('button', { name: /Next/ }).click();
			const shown = page.getByTestId('refusal');
			await expect(shown).toContainText(refusal.heading);
			await expect(shown).toContainText(`${refusal.limit} (0 open`);
			await expect(shown).toContainText(refusal.advice);
			await expect(page.getByText('Waiting for the server…')).toHaveCount(0);
		});
	});
