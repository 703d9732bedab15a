/**
 * Two production instances (build/) on one PostgreSQL (a private cluster) and one DATA_DIR,
 * behind Debian's nginx with the shipped deploy files (tests/nginxInstances.ts), as a class would
 * meet them in Chromium. VISIBILITY=open, as tests/integration/manyInstances.test.ts runs them: a
 * second browser may watch the first's session without a share link. The first browser's owner
 * cookie is one nginx hashes to instance A, the second's one it hashes to B (read from nginx's
 * access log), so the watcher sees A's lines through B, and B alone is left when A is SIGKILLed.
 */
import AxeBuilder from '@axe-core/playwright';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext } from '@playwright/test';
import pg from 'pg';
import {
	freeInstancePorts,
	startNginxInstances,
	unitEnvironment,
	type NginxInstances
} from '../nginxInstances';
import { startPostgresCluster, type PostgresCluster } from '../postgresCluster';
import { startProductionServer, type ProductionServer } from '../productionServer';
import { expect, test } from './fixtures';
import { send, serverRows } from './labTerminal';

/** What a session that was open on a stopped instance ends with, as the issue words it. */
const STOPPED_REASON = 'the instance serving this session stopped';

let cluster: PostgresCluster | undefined;
let databaseUrl: string;
let dataDir: string | undefined;
let nginx: NginxInstances | undefined;
let ports: Record<string, number>[];
/** Instance A (0) and B (1); A is null once killed. */
const instances: (ProductionServer | null)[] = [null, null];

test.beforeAll(async () => {
	test.setTimeout(60_000);
	cluster = startPostgresCluster();
	databaseUrl = await cluster.createDatabase();
	dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-shared-data-'));
	ports = await freeInstancePorts();
	nginx = await startNginxInstances(ports);
	const env = (i: number) => ({
		...unitEnvironment(),
		...Object.fromEntries(Object.entries(ports[i]).map(([key, port]) => [key, String(port)])),
		DATABASE_URL: databaseUrl,
		DATA_DIR: dataDir,
		ORIGIN: nginx!.url,
		VISIBILITY: 'open'
	});
	// A first, then B: two instances' first start on one database at once is not what is tested.
	instances[0] = await startProductionServer(env(0));
	instances[1] = await startProductionServer(env(1));
});

test.afterAll(async () => {
	await Promise.all(instances.map((server) => server?.stop()));
	await nginx?.stop();
	cluster?.stop();
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A new browser whose owner cookie nginx sends to instance `i` (fresh cookies until one is). */
async function browserOn(
	newContext: () => Promise<BrowserContext>,
	i: number
): Promise<BrowserContext> {
	for (let tries = 0; tries < 200; tries++) {
		const response = await fetch(`${nginx!.url}/api/health`);
		await response.arrayBuffer();
		const owner = /smtp_lab_owner=([^;]+)/.exec(response.headers.get('set-cookie') ?? '');
		if (!owner) throw new Error('no owner cookie from the site');
		if ((await nginx!.upstreamOf(owner[0])) !== ports[i].PORT) continue;
		const context = await newContext();
		await context.addCookies([{ name: 'smtp_lab_owner', value: owner[1], url: nginx!.url }]);
		return context;
	}
	throw new Error(`no owner cookie hashed to instance ${i}`);
}

test('a session typed on A is watched live through B; A is killed: both pages say the session ended, and why', async ({
	browser
}) => {
	const typist = await browserOn(() => browser.newContext(), 0);
	const watcher = await browserOn(() => browser.newContext(), 1);
	try {
		const lab = await typist.newPage();
		await lab.goto(`${nginx!.url}/lab`);
		await expect(lab.locator('.xterm-helper-textarea')).toBeAttached();
		await lab.getByRole('button', { name: 'Connect', exact: true }).click();
		await expect(serverRows(lab).first()).toHaveText(/^220 /);
		await expect(lab.locator('.xterm-helper-textarea')).toBeFocused();
		const permalink = await lab.getByRole('link', { name: 'Permalink' }).getAttribute('href');
		const sessionPath = /^\/sessions\/[\w-]+$/.exec(permalink ?? '')?.[0];
		expect(sessionPath, 'the lab links its session').toBeTruthy();

		// The second browser, on B, opens the session A serves; it is still open.
		const watching = await watcher.newPage();
		await watching.goto(`${nginx!.url}${sessionPath}`);
		await expect(
			watching.getByRole('heading', { name: 'Session on the mx listener' })
		).toBeVisible();
		await expect(watching.getByRole('status').filter({ hasText: 'Open' })).toBeVisible();
		await expect(watching.getByText(/^220 /).first()).toBeVisible();

		// Typed on A after B's page is open: the line and its reply reach B's page live.
		await send(lab, 'EHLO watched.example', /^250 /);
		const transcript = watching.getByRole('region', { name: /Transcript of session/ });
		await expect(transcript.getByText('EHLO watched.example')).toBeVisible();
		await expect(transcript.getByText(/^250[ -]/).first()).toBeVisible();

		// B counted none of the connection's bytes, which A serves: the page says why, while open.
		const eavesdropper = watching.getByRole('region', { name: 'What an eavesdropper sees' });
		await expect(eavesdropper).toContainText('Another instance of the lab served this connection');

		// B takes a stopped instance over by deleting its row (pgPersistence's #checkPeers): the
		// row held, B waits, and the lab's reconnect reaches B first, as it may when B's check is
		// slower than the page (PG_PEER_CHECK_MS). Key-share locks (A's foreign keys) still pass.
		const holder = new pg.Client({ connectionString: databaseUrl });
		await holder.connect();
		try {
			await holder.query('BEGIN');
			await holder.query(
				'SELECT id FROM instances ORDER BY started_at LIMIT 1 FOR NO KEY UPDATE' // A's, the first
			);
			process.kill(instances[0]!.pid, 'SIGKILL');
			const killed = instances[0]!;
			instances[0] = null;
			await killed.exited;
			// The lab reconnects through nginx, to B, which still counts the session as A's.
			await expect(lab.getByRole('alert')).toContainText(
				'cannot resume here: the session runs on another instance',
				{ timeout: 15_000 }
			);
			await expect(watching.getByRole('status').filter({ hasText: 'Open' })).toBeVisible();
		} finally {
			await holder.query('ROLLBACK');
			await holder.end();
		}

		// B ends the session A left open, and its page says why, without a reload.
		await expect(watching.getByRole('status').filter({ hasText: 'Ended' })).toContainText(
			STOPPED_REASON,
			{ timeout: 15_000 }
		);
		// Still so once ended: the records stayed in A's memory.
		await expect(eavesdropper).toContainText('Another instance of the lab served this connection');
		const results = await new AxeBuilder({ page: watching }).analyze();
		const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
		expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
			[]
		);

		// The lab followed its session since the refusal: ended, it asks again and says so.
		const alert = lab.getByRole('alert');
		await expect(alert).toContainText('cannot resume: the live session ended', {
			timeout: 15_000
		});
		await expect(alert).toContainText(STOPPED_REASON);
		await expect(alert).toContainText(`its transcript remains at ${sessionPath}`);
		const ended = lab.getByText(/Press Connect to start a new session\.$/);
		await expect(ended).toBeVisible();
		// Both shown, one above the other (they shared a grid cell, the alert covering the banner).
		const [endedBox, alertBox] = [await ended.boundingBox(), await alert.boundingBox()];
		expect(endedBox!.y + endedBox!.height).toBeLessThanOrEqual(alertBox!.y);
		await expect(lab.getByRole('link', { name: 'Permalink' })).toHaveAttribute(
			'href',
			sessionPath!
		);
		await expect(lab.getByRole('button', { name: 'Connect', exact: true })).toBeEnabled();
		expect(await nginx!.upstreamOf(`smtp_lab_owner=${(await typist.cookies())[0].value}`)).toBe(
			ports[1].PORT
		);
	} finally {
		await Promise.all([typist.close(), watcher.close()]);
	}
});
