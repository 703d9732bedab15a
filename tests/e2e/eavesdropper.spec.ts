import net from 'node:net';
import tls from 'node:tls';
import AxeBuilder from '@axe-core/playwright';
import { expect, expectFitsViewport, test } from './fixtures';
import { send, serverRows } from './labTerminal';

/**
 * Issue 17, "What an eavesdropper sees": a session typed in the lab with STARTTLS, then its page
 * shows the tap's records beside the transcript — the lines before STARTTLS readable on the wire,
 * then only TLS records with their sizes.
 */
test('the session page shows what the wire carried after a STARTTLS typed in the lab', async ({
	page
}) => {
	await page.goto('/lab');
	await expect(page.locator('.xterm-helper-textarea')).toBeAttached();
	await page.locator('input[name=listener][value=submission]').check();
	await page.getByRole('button', { name: 'Connect', exact: true }).click();
	await expect(serverRows(page).first()).toHaveText(/^220 /);
	await page.locator('.xterm-helper-textarea').focus();
	await send(page, 'EHLO laptop.example.com', /^250 /);
	await send(page, 'STARTTLS', /^220 /);
	await expect(page.locator('section.timeline li.row.system').last()).toContainText('TLS started');
	await send(page, 'EHLO laptop.example.com', /^250 /);
	// alice / wonderland (RFC 4616).
	await send(page, 'AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=', /^235 /);
	const permalink = await page.getByRole('link', { name: 'Permalink' }).getAttribute('href');
	expect(permalink).toMatch(/^\/sessions\/[A-Za-z0-9_-]+$/);

	const session = await page.context().newPage();
	await session.goto(permalink!);
	const section = session.getByRole('region', { name: 'What an eavesdropper sees' });
	await expect(section).toContainText('RFC 3207 §4');
	const wire = section.getByRole('table', { name: 'The wire and the endpoints, moment by moment' });
	const observer = wire.locator('td.observer');
	// Before STARTTLS the observer reads the lines themselves.
	await expect(observer.locator('code').filter({ hasText: /^STARTTLS$/ })).toHaveCount(1);
	// Then the handshake in the clear and encrypted records, with their sizes.
	await expect(observer.filter({ hasText: /TLS handshake, \d+ bytes/ }).first()).toBeVisible();
	await expect(observer.filter({ hasText: /encrypted, \d+ bytes/ }).first()).toBeVisible();
	await expect(section).toContainText('RFC 8446 §5.1');
	await expect(section).toContainText('RFC 8446 §5.2');
	// The AUTH line is at the endpoints only, never on the wire.
	const authLine = /^AUTH PLAIN /;
	await expect(wire.locator('td.endpoint code').filter({ hasText: authLine })).toHaveCount(1);
	await expect(observer.locator('code').filter({ hasText: authLine })).toHaveCount(0);
	const totals = section.getByRole('table', { name: 'What crossed the wire, per direction' });
	await expect(totals.getByRole('row', { name: /client → server/ })).toBeVisible();

	// Records keep coming while the session is open: QUIT in the lab, the page follows.
	const before = await observer.filter({ hasText: /encrypted/ }).count();
	await page.bringToFront();
	await page.locator('.xterm-helper-textarea').focus();
	await send(page, 'QUIT', /^221 /);
	await expect
		.poll(() => observer.filter({ hasText: /encrypted/ }).count())
		.toBeGreaterThan(before);

	for (const theme of ['light', 'dark']) {
		await session.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
		const results = await new AxeBuilder({ page: session }).analyze();
		const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
		expect(
			bad.map((v) => `${theme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
		).toEqual([]);
	}
	await session.setViewportSize({ width: 390, height: 844 });
	await expectFitsViewport(session);
});

test('a mail program’s STARTTLS session is tapped too: plaintext, then TLS records', async ({
	page,
	smtpPorts
}) => {
	const socket = net.connect({ host: '127.0.0.1', port: smtpPorts.mx });
	let received = '';
	/** Resolves with the text once a final reply line ("250 ...") has arrived. */
	const reply = (from: net.Socket) =>
		new Promise<string>((resolve) => {
			const onData = (chunk: Buffer) => {
				received += chunk.toString('latin1');
				if (/(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(received)) {
					from.off('data', onData);
					const text = received;
					received = '';
					resolve(text);
				}
			};
			from.on('data', onData);
		});
	expect(await reply(socket)).toMatch(/^220 /);
	socket.write('EHLO program.example.com\r\n');
	expect(await reply(socket)).toMatch(/^250/);
	socket.write('STARTTLS\r\n');
	expect(await reply(socket)).toMatch(/^220 /);
	const secure = tls.connect({ socket, rejectUnauthorized: false });
	await new Promise<void>((resolve) => secure.once('secureConnect', () => resolve()));
	secure.write('QUIT\r\n');
	expect(await reply(secure)).toMatch(/^221 /);
	secure.destroy();
	const sessions = (await (await page.request.get('/api/sessions')).json()) as {
		sessions: { id: string; origin: string }[];
	};
	const external = sessions.sessions.find((s) => s.origin === 'external');
	expect(external).toBeDefined();
	await page.goto(`/sessions/${external!.id}`);
	const section = page.getByRole('region', { name: 'What an eavesdropper sees' });
	await expect(section).toContainText('RFC 3207 §4');
	const observer = section
		.getByRole('table', { name: 'The wire and the endpoints, moment by moment' })
		.locator('td.observer');
	await expect(observer.locator('code').filter({ hasText: /^STARTTLS$/ })).toHaveCount(1);
	await expect(observer.filter({ hasText: /TLS handshake, \d+ bytes/ }).first()).toBeVisible();
	await expect(observer.filter({ hasText: /encrypted, \d+ bytes/ }).first()).toBeVisible();
});

test('on implicit TLS the handshake comes first, timed from the first byte', async ({ page }) => {
	await page.goto('/lab');
	await expect(page.locator('.xterm-helper-textarea')).toBeAttached();
	await page.locator('input[name=listener][value=submissions]').check();
	await page.getByRole('button', { name: 'Connect', exact: true }).click();
	await expect(serverRows(page).first()).toHaveText(/^220 /);
	await page.locator('.xterm-helper-textarea').focus();
	await send(page, 'QUIT', /^221 /);
	const permalink = await page.getByRole('link', { name: 'Permalink' }).getAttribute('href');
	await page.goto(permalink!);
	const section = page.getByRole('region', { name: 'What an eavesdropper sees' });
	await expect(section).toContainText('RFC 8314 §3.3');
	const wire = section.getByRole('table', { name: 'The wire and the endpoints, moment by moment' });
	await expect(wire.locator('td.observer').first()).toContainText(/TLS handshake, \d+ bytes/);
	await expect(wire.locator('td.time').first()).toHaveText('+0.000 s');
	// Nothing readable on the wire: not even the greeting.
	await expect(wire.locator('td.observer code')).toHaveCount(0);
});
