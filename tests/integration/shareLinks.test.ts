/**
 * Share links (issue 13): the owner of a session or message makes an unguessable, revocable,
 * read-only link; whoever opens it may read the item (a session brings the messages it sent)
 * until the owner revokes it. A real lab in VISIBILITY=private, its real attribution (mail to an
 * owner's personal domain belongs to that owner), called through the Kit route handlers as two
 * visitors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabConfig } from '../../server/config';
import type { Lab } from '../../server/lab';
import { personalDomain } from '../../server/owners/ownerNames';
import type { Viewer } from '../../server/owners/visibility';
import { DELETE as clearMessages } from '../../src/routes/api/messages/+server';
import { GET as messageDetail } from '../../src/routes/api/messages/[id]/+server';
import { GET as messageRaw } from '../../src/routes/api/messages/[id]/raw/+server';
import * as messageShare from '../../src/routes/api/messages/[id]/share/+server';
import { DELETE as clearSessions } from '../../src/routes/api/sessions/+server';
import { GET as sessionDetail } from '../../src/routes/api/sessions/[id]/+server';
import * as sessionShare from '../../src/routes/api/sessions/[id]/share/+server';
import { GET as sessionTranscript } from '../../src/routes/api/sessions/[id]/transcript.txt/+server';
import { DELETE as revoke } from '../../src/routes/api/shares/[token]/+server';
import { load as openShareLink } from '../../src/routes/share/[token]/+page.server';
import { until } from './harness';
import { callRoute, TEST_OPERATOR } from './routeCall';
import { ended, message, ready, startQuickLab, transaction } from './smtpSession';

// Owner ids as long and unique as real ones, so a response that leaked one would be caught.
const OWNER: Viewer = { ownerId: 'owner-a-5f0c7d1e9b2a4c6d', operator: false };
const STRANGER: Viewer = { ownerId: 'owner-b-8e3a1f6c2d9b0e4a', operator: false };
const CO_OWNER: Viewer = { ownerId: 'owner-c-27d94b0a6e1f3c85', operator: false };

const labs: Lab[] = [];
const dirs: string[] = [];
afterEach(async () => {
	for (const lab of labs.splice(0)) await lab.close();
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(overrides: Partial<LabConfig> = {}): Promise<Lab> {
	const lab = await startQuickLab({ visibility: 'private', ...overrides });
	labs.push(lab);
	return lab;
}

/**
 * An mx session carrying one message to OWNER's personal domain: both are OWNER's by the lab's
 * own attribution (server/sandbox/hooks.ts, delivery.ts).
 */
async function ownersMail(
	lab: Lab,
	owners: Viewer[] = [OWNER]
): Promise<{ sessionId: string; messageId: string }> {
	const to = owners.map(({ ownerId }) => `me@${personalDomain(lab.owners.owner(ownerId).name)}`);
	const { c, id: sessionId } = await ready(lab, 'mx');
	const t = await transaction(c, 'alice@example.com', to, message('shared'));
	c.close();
	expect(t.end).toMatch(/^250 /);
	await ended(lab, sessionId);
	await until(() => lab.store.messages.has(t.messageId!));
	return { sessionId, messageId: t.messageId! };
}

const status = async (response: Response | Promise<Response>) => (await response).status;

async function body(response: Response | Promise<Response>) {
	const answered = await response;
	const text = await answered.text();
	// No answer ever names an owner.
	expect(text).not.toContain(OWNER.ownerId);
	expect(text).not.toContain(STRANGER.ownerId);
	return { status: answered.status, json: JSON.parse(text) };
}

const shareSession = (id: string, viewer: Viewer) =>
	body(callRoute(sessionShare.POST, { id }, viewer));
const shareMessage = (id: string, viewer: Viewer) =>
	body(callRoute(messageShare.POST, { id }, viewer));

/** Opens /share/<token> as the viewer: where it redirects, or the error status and message. */
async function open(token: string, viewer: Viewer) {
	try {
		// A visitor that came back with its cookie: a first request is sent back once for it first
		// (tests/e2e/personalSandbox.spec.ts).
		await openShareLink({ params: { token }, locals: { viewer, knownOwner: true } } as never);
	} catch (thrown) {
		if (isRedirect(thrown)) return { redirect: thrown.location, status: thrown.status };
		if (isHttpError(thrown)) return { status: thrown.status, message: thrown.body.message };
		throw thrown;
	}
	throw new Error('the share page neither redirected nor failed');
}

describe('share links in VISIBILITY=private', () => {
	it('a stranger gets 404 until they open the link; then the session and its messages; after revoke 404 again', async () => {
		const lab = await start();
		const { sessionId, messageId } = await ownersMail(lab);
		const strangerSees = async () => ({
			session: await status(callRoute(sessionDetail, { id: sessionId }, STRANGER)),
			transcript: await status(callRoute(sessionTranscript, { id: sessionId }, STRANGER)),
			message: await status(callRoute(messageDetail, { id: messageId }, STRANGER)),
			raw: await status(callRoute(messageRaw, { id: messageId }, STRANGER))
		});
		const all = (code: number) => ({ session: code, transcript: code, message: code, raw: code });
		expect(await strangerSees()).toEqual(all(404));

		const created = await shareSession(sessionId, OWNER);
		expect(created.status).toBe(201);
		// Making the link alone opens nothing.
		expect(await strangerSees()).toEqual(all(404));

		expect(await open(created.json.token, STRANGER)).toEqual({
			status: 303,
			redirect: `/sessions/${sessionId}`
		});
		expect(await strangerSees()).toEqual(all(200));
		const detail = await body(callRoute(sessionDetail, { id: sessionId }, STRANGER));
		expect(detail.json).toMatchObject({ mine: false, sharedWithYou: true });
		expect((await body(callRoute(messageDetail, { id: messageId }, STRANGER))).json).toMatchObject({
			mine: false,
			sharedWithYou: true
		});

		expect(await body(callRoute(revoke, { token: created.json.token }, OWNER))).toEqual({
			status: 200,
			json: { ok: true }
		});
		expect(await strangerSees()).toEqual(all(404));
		expect(await open(created.json.token, STRANGER)).toEqual({
			status: 404,
			message: 'This share link was revoked or never existed.'
		});
	});

	it('one link works for every student who opens it, each with their own owner cookie', async () => {
		const lab = await start();
		const { sessionId } = await ownersMail(lab);
		const { json: link } = await shareSession(sessionId, OWNER);
		const students: Viewer[] = Array.from({ length: 30 }, (_, i) => ({
			ownerId: `student-${i}-4d2f8a1c6b3e9d07`,
			operator: false
		}));
		for (const student of students) await open(link.token, student);
		for (const student of students)
			expect(await status(callRoute(sessionDetail, { id: sessionId }, student))).toBe(200);
	});

	it('a shared message opens that message only, not the session that sent it', async () => {
		const lab = await start();
		const { sessionId, messageId } = await ownersMail(lab);
		const created = await shareMessage(messageId, OWNER);
		expect(created.status).toBe(201);
		expect(await open(created.json.token, STRANGER)).toEqual({
			status: 303,
			redirect: `/mailbox/${messageId}`
		});
		expect(await status(callRoute(messageDetail, { id: messageId }, STRANGER))).toBe(200);
		expect(await status(callRoute(sessionDetail, { id: sessionId }, STRANGER))).toBe(404);
	});

	it('a link stops opening anything once its maker lets go of the item, though a co-owner keeps it', async () => {
		const lab = await start();
		const { sessionId, messageId } = await ownersMail(lab, [OWNER, CO_OWNER]);
		const sessionLink = await shareSession(sessionId, OWNER);
		const messageLink = await shareMessage(messageId, OWNER);
		await open(sessionLink.json.token, STRANGER);
		expect(await status(callRoute(sessionDetail, { id: sessionId }, STRANGER))).toBe(200);

		// The maker deletes their own: the co-owner still has both, the stranger neither.
		expect((await body(callRoute(clearSessions, {}, OWNER))).json).toEqual({
			ok: true,
			removed: 1
		});
		expect((await body(callRoute(clearMessages, {}, OWNER))).json).toEqual({
			ok: true,
			removed: 1
		});
		expect(await status(callRoute(sessionDetail, { id: sessionId }, CO_OWNER))).toBe(200);
		expect(await status(callRoute(messageDetail, { id: messageId }, CO_OWNER))).toBe(200);
		expect(await status(callRoute(sessionDetail, { id: sessionId }, STRANGER))).toBe(404);
		expect(await status(callRoute(messageDetail, { id: messageId }, STRANGER))).toBe(404);
		expect(await open(messageLink.json.token, STRANGER)).toEqual({
			status: 404,
			message: 'This share link was revoked or never existed.'
		});
	});

	it('the owner sees mine: true; the operator, who sees all, neither mine nor shared', async () => {
		const lab = await start();
		const { sessionId, messageId } = await ownersMail(lab);
		for (const [viewer, standing] of [
			[OWNER, { mine: true, sharedWithYou: false }],
			[TEST_OPERATOR, { mine: false, sharedWithYou: false }]
		] as const) {
			expect((await body(callRoute(sessionDetail, { id: sessionId }, viewer))).json).toMatchObject(
				standing
			);
			expect((await body(callRoute(messageDetail, { id: messageId }, viewer))).json).toMatchObject(
				standing
			);
		}
	});

	it('nobody but the owner makes, lists or revokes the owner’s links (404, as if nothing were there)', async () => {
		const lab = await start();
		const { sessionId, messageId } = await ownersMail(lab);
		expect(await shareSession(sessionId, STRANGER)).toEqual({
			status: 404,
			json: { error: 'no such session' }
		});
		expect(await shareMessage(messageId, STRANGER)).toEqual({
			status: 404,
			json: { error: 'no such message' }
		});
		// Not even the operator shares what is not theirs: a link speaks for its owner.
		expect((await shareSession(sessionId, TEST_OPERATOR)).status).toBe(404);
		expect(lab.store.shares.size).toBe(0);

		const created = await shareSession(sessionId, OWNER);
		expect((await body(callRoute(sessionShare.GET, { id: sessionId }, STRANGER))).status).toBe(404);
		expect(await body(callRoute(revoke, { token: created.json.token }, STRANGER))).toEqual({
			status: 404,
			json: { error: 'no such share link' }
		});
		expect(await open(created.json.token, STRANGER)).toMatchObject({ status: 303 });
		expect(await status(callRoute(sessionDetail, { id: sessionId }, STRANGER))).toBe(200);
		// The operator may revoke any link.
		expect(await status(callRoute(revoke, { token: created.json.token }, TEST_OPERATOR))).toBe(200);
		expect(await status(callRoute(sessionDetail, { id: sessionId }, STRANGER))).toBe(404);
	});

	it('tokens are 22 base64url characters (128 bits), new each time; the owner lists their links', async () => {
		const lab = await start();
		const { sessionId } = await ownersMail(lab);
		const first = await shareSession(sessionId, OWNER);
		const second = await shareSession(sessionId, OWNER);
		for (const link of [first.json, second.json]) {
			expect(link.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
			expect(Buffer.from(link.token, 'base64url')).toHaveLength(16);
			expect(link.url).toBe(`/share/${link.token}`);
		}
		expect(first.json.token).not.toBe(second.json.token);
		expect(first.json.token).not.toContain(sessionId);
		const listed = await body(callRoute(sessionShare.GET, { id: sessionId }, OWNER));
		expect(listed.status).toBe(200);
		expect(listed.json.shares).toEqual([first.json, second.json]);
		expect(Object.keys(first.json).sort()).toEqual(['createdAt', 'itemId', 'kind', 'token', 'url']);
	});

	it('malformed and unknown tokens and ids: 400 or 404 with a JSON error, never a stack', async () => {
		const lab = await start();
		const { sessionId } = await ownersMail(lab);
		expect(await body(callRoute(revoke, { token: 'not a token' }, OWNER))).toEqual({
			status: 400,
			json: { error: 'malformed share token' }
		});
		expect(await body(callRoute(revoke, { token: 'A'.repeat(22) }, OWNER))).toEqual({
			status: 404,
			json: { error: 'no such share link' }
		});
		expect(await shareSession('bad id!', OWNER)).toEqual({
			status: 400,
			json: { error: 'malformed session id' }
		});
		for (const token of ['A'.repeat(22), 'short', 'x'.repeat(5000), '../../etc/passwd'])
			expect(await open(token, STRANGER)).toEqual({
				status: 404,
				message: 'This share link was revoked or never existed.'
			});
		expect(await status(callRoute(sessionDetail, { id: sessionId }, STRANGER))).toBe(404);
	});

	it('MAX_SHARES_PER_OWNER at its edge: the last one allowed is made, one more gets 429 until one is revoked', async () => {
		const lab = await start({ maxSharesPerOwner: 2 });
		const { sessionId, messageId } = await ownersMail(lab);
		expect((await shareSession(sessionId, OWNER)).status).toBe(201);
		const second = await shareMessage(messageId, OWNER);
		expect(second.status).toBe(201);
		expect(await shareSession(sessionId, OWNER)).toEqual({
			status: 429,
			json: {
				error: 'you already hold 2 share links (MAX_SHARES_PER_OWNER): revoke one first'
			}
		});
		await callRoute(revoke, { token: second.json.token }, OWNER);
		expect((await shareSession(sessionId, OWNER)).status).toBe(201);
	});

	it('the links and who opened them survive a restart (DATA_DIR)', async () => {
		const dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-shares-'));
		dirs.push(dataDir);
		const first = await start({ dataDir });
		const { sessionId, messageId } = await ownersMail(first);
		const opened = await shareSession(sessionId, OWNER);
		const unopened = await shareMessage(messageId, OWNER);
		await open(opened.json.token, STRANGER);
		await first.close();
		labs.splice(labs.indexOf(first), 1);

		const second = await start({ dataDir });
		expect(await status(callRoute(sessionDetail, { id: sessionId }, STRANGER))).toBe(200);
		expect(await status(callRoute(messageDetail, { id: messageId }, STRANGER))).toBe(200);
		expect((await body(callRoute(sessionShare.GET, { id: sessionId }, OWNER))).json.shares).toEqual(
			[opened.json]
		);
		expect(await open(unopened.json.token, STRANGER)).toEqual({
			status: 303,
			redirect: `/mailbox/${messageId}`
		});
		expect(second.store.grants.get(STRANGER.ownerId)?.size).toBe(2);
	});
});

describe('share links in VISIBILITY=open', () => {
	it('work the same: only the owner makes them, and the reader is told it was shared', async () => {
		const lab = await start({ visibility: 'open' });
		const { sessionId } = await ownersMail(lab);
		expect((await shareSession(sessionId, STRANGER)).status).toBe(404);
		const created = await shareSession(sessionId, OWNER);
		expect(created.status).toBe(201);
		// Everyone reads everything here, but only a reader who opened the link is told it is shared.
		expect((await body(callRoute(sessionDetail, { id: sessionId }, STRANGER))).json).toMatchObject({
			mine: false,
			sharedWithYou: false
		});
		await open(created.json.token, STRANGER);
		expect((await body(callRoute(sessionDetail, { id: sessionId }, STRANGER))).json).toMatchObject({
			mine: false,
			sharedWithYou: true
		});
	});
});
