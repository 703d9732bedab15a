/**
 * The owner cookie against bad input and restarts (issue 13 "Bad input", "Who owns what"): a
 * WebSocket upgrade with a tampered, foreign or oversized cookie is a new owner who sees nothing
 * in private mode; the secrets that sign cookies live in DATA_DIR with mode 0600 and are read
 * back at the next start, so an owner keeps their mail across a restart; a secret file the lab
 * cannot use stops startup with one line naming it and DATA_DIR.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { COOKIE_SECRET_FILE, OPERATOR_TOKEN_FILE } from '../../server/owners/labSecrets';
import { CookieSigner } from '../../server/owners/ownerCookie';
import { StorageError } from '../../server/store/persistence';
import { OPERATOR_COOKIE, OWNER_COOKIE } from '../../src/lib/server/cookieNames';
import { startTestLab } from './harness';
import { startQuickLab } from './smtpSession';
import { startWebServer } from './webServer';
import { BridgeClient, isType, mailThroughLab } from './wsClient';
import { startFromSource } from '../sourceServer';

let dataRoot: string;
beforeAll(() => {
	dataRoot = mkdtempSync(path.join(tmpdir(), 'smtp-lab-owner-cookie-'));
});
afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

let lab: Lab | undefined;
let web: Awaited<ReturnType<typeof startWebServer>> | undefined;
const clients: BridgeClient[] = [];
afterEach(() => stop());

async function serve(dataDir: string | null = null): Promise<{ lab: Lab; wsUrl: string }> {
	lab = await startQuickLab({ visibility: 'private', dataDir });
	web = await startWebServer(lab);
	return { lab, wsUrl: web.wsUrl };
}

/** The lab closes its WebSockets; the web server's close waits for them. */
async function stop(): Promise<void> {
	for (const client of clients.splice(0)) client.close();
	await lab?.close();
	await web?.close();
	lab = web = undefined;
}

async function browser(wsUrl: string, cookie?: string): Promise<BridgeClient> {
	const client = await BridgeClient.connect(wsUrl, cookie ? { headers: { cookie } } : {});
	clients.push(client);
	return client;
}

/** An mx session in the lab page that sends one message to bob@example.com and quits. */
async function sendMail(wsUrl: string, cookie: string): Promise<{ sessionId: string }> {
	const { sessionId } = await mailThroughLab(await browser(wsUrl, cookie), 'mine');
	return { sessionId };
}

/** What a page opened with `cookie` gets in its watch-all snapshot. */
async function snapshotFor(wsUrl: string, cookie?: string) {
	const page = await browser(wsUrl, cookie);
	page.send({ type: 'watch-all' });
	const { sessions, messages } = await page.next(isType('snapshot'));
	return { sessions: sessions.map((s) => s.id), messages: messages.map((m) => m.subject) };
}

async function watchAnswer(wsUrl: string, sessionId: string, cookie?: string): Promise<string> {
	const page = await browser(wsUrl, cookie);
	page.send({ type: 'watch', sessionId, since: 0 });
	const first = await page.next((m) => m.type === 'error' || m.type === 'session');
	return first.type === 'error' ? first.message : 'watching';
}

describe('the WebSocket upgrade with a bad owner cookie (private mode)', () => {
	it('tampered, foreign, oversized or garbage: a fresh owner who sees nothing', async () => {
		const { lab, wsUrl } = await serve();
		const { cookie } = lab.owners.signer.issueOwner();
		const owner = `${OWNER_COOKIE}=${cookie}`;
		const { sessionId } = await sendMail(wsUrl, owner);
		// The owner's own cookie sees it (the control).
		expect(await snapshotFor(wsUrl, owner)).toEqual({ sessions: [sessionId], messages: ['mine'] });
		expect(await watchAnswer(wsUrl, sessionId, owner)).toBe('watching');

		const id = cookie.slice(0, cookie.indexOf('.'));
		const flip = (c: string) => (c === 'A' ? 'B' : 'A');
		const bad = {
			tamperedMac: `${OWNER_COOKIE}=${cookie.replace(/.$/, flip)}`,
			tamperedId: `${OWNER_COOKIE}=${cookie.replace(/^./, flip)}`,
			foreignSecret: `${OWNER_COOKIE}=${id}.${new CookieSigner(Buffer.alloc(32, 7)).issueOwner().cookie.split('.')[1]}`,
			oversized: `${OWNER_COOKIE}=${cookie}${'A'.repeat(8 * 1024)}`,
			garbage: `${OWNER_COOKIE}=%00%ff; =; ;;${OPERATOR_COOKIE}=`,
			operatorGuess: `${OWNER_COOKIE}=${cookie.replace(/.$/, flip)}; ${OPERATOR_COOKIE}=${cookie}`
		};
		for (const [kind, header] of Object.entries(bad)) {
			expect(await snapshotFor(wsUrl, header), kind).toEqual({ sessions: [], messages: [] });
			expect(await watchAnswer(wsUrl, sessionId, header), kind).toBe(
				`unknown session ${sessionId}`
			);
		}
	});
});

describe('the secrets in DATA_DIR', () => {
	it('are files of mode 0600, read back at the next start: an owner keeps their mail, the operator stays signed in', async () => {
		const dataDir = path.join(dataRoot, 'restart');
		let { lab, wsUrl } = await serve(dataDir);
		expect(lab.newOperatorToken).not.toBeNull();
		for (const file of [COOKIE_SECRET_FILE, OPERATOR_TOKEN_FILE])
			expect(statSync(path.join(dataDir, file)).mode & 0o777, file).toBe(0o600);
		const { cookie } = lab.owners.signer.issueOwner();
		const owner = `${OWNER_COOKIE}=${cookie}`;
		const operator = `${OPERATOR_COOKIE}=${lab.owners.signer.operatorCookie(lab.owners.operatorToken)}`;
		const { sessionId } = await sendMail(wsUrl, owner);
		const before = await snapshotFor(wsUrl, owner);
		await stop();

		({ lab, wsUrl } = await serve(dataDir));
		// Read back, not made again: nothing new to print.
		expect(lab.newOperatorToken).toBeNull();
		expect(await snapshotFor(wsUrl, owner)).toEqual(before);
		expect(before.sessions).toEqual([sessionId]);
		expect(await watchAnswer(wsUrl, sessionId, owner)).toBe('watching');
		expect(await snapshotFor(wsUrl, operator)).toEqual(before);
		await stop();

		// Another DATA_DIR has another secret: the same cookie is nobody there.
		const other = await serve(path.join(dataRoot, 'another'));
		expect(other.lab.owners.viewerOfCookieHeader(owner).ownerId).not.toBe(
			lab.owners.viewerOfCookieHeader(owner).ownerId
		);
		expect(other.lab.owners.signer.readOwner(cookie)).toBeNull();
	});

	it('a memory-only lab (no DATA_DIR) makes new secrets at every start', async () => {
		const first = await startTestLab({ dataDir: null });
		const { cookie } = first.owners.signer.issueOwner();
		await first.close();
		lab = await startTestLab({ dataDir: null });
		expect(lab.owners.signer.readOwner(cookie)).toBeNull();
		expect(lab.newOperatorToken).not.toBeNull();
	});

	it.each([
		['cookie-secret is a directory', COOKIE_SECRET_FILE, 'directory'],
		['cookie-secret is empty', COOKIE_SECRET_FILE, ''],
		['cookie-secret is not 32 bytes in hex', COOKIE_SECRET_FILE, 'my own passphrase\n'],
		['operator-token is a directory', OPERATOR_TOKEN_FILE, 'directory'],
		['operator-token is empty', OPERATOR_TOKEN_FILE, '\n']
	])(
		'a secret the lab cannot use (%s) refuses to start with a StorageError naming it and DATA_DIR',
		async (_case, file, content) => {
			const dataDir = mkdtempSync(path.join(dataRoot, 'bad-secret-'));
			if (content === 'directory') mkdirSync(path.join(dataDir, file));
			else writeFileSync(path.join(dataDir, file), content);
			let refusal: unknown;
			try {
				lab = await startTestLab({ dataDir });
			} catch (error) {
				refusal = error;
			}
			expect(refusal).toBeInstanceOf(StorageError);
			expect((refusal as Error).message).toContain(path.join(dataDir, file));
			expect((refusal as Error).message).toContain('DATA_DIR');
		}
	);
});

describe('startup', () => {
	it('a secret the lab cannot use stops the server with one line naming the file and DATA_DIR', async () => {
		const dataDir = mkdtempSync(path.join(dataRoot, 'startup-'));
		writeFileSync(path.join(dataDir, COOKIE_SECRET_FILE), '');
		const { code, stderr } = await startFromSource({ DATA_DIR: dataDir });
		expect(code).toBe(1);
		const lines = stderr.trim().split('\n');
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(/^SMTP Lab: /);
		expect(lines[0]).toContain(path.join(dataDir, COOKIE_SECRET_FILE));
		expect(lines[0]).toContain('DATA_DIR');
	}, 30_000);
});
