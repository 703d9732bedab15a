/**
 * The message API the mailbox pages read (issue 6), called through the Kit route handlers with a
 * real lab behind them: the detail's dataSeq points at the DATA command in the session, parts and
 * raw bytes are exact, and same-origin browser writes pass the origin check.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { MessageDetail, MessageSummary } from '../../src/lib/messages';
import { handle } from '../../src/hooks.server';
import { OWNER_COOKIE } from '../../src/lib/server/cookieNames';
import { GET as list, DELETE as clear } from '../../src/routes/api/messages/+server';
import { callRoute } from './routeCall';
import { GET as detail } from '../../src/routes/api/messages/[id]/+server';
import { GET as raw } from '../../src/routes/api/messages/[id]/raw/+server';
import { GET as part } from '../../src/routes/api/messages/[id]/parts/[part]/+server';
import { until } from './harness';
import { ended, message, ready, startQuickLab, storedSession, transaction } from './smtpSession';

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

// The handlers only read params; the rest of the RequestEvent is not used.
const call = callRoute;

async function getDetail(id: string) {
	const response = await call(detail, { id });
	return { status: response.status, body: await response.json() };
}

async function deliver(content: string, to = ['bob@example.com'], from = 'alice@example.com') {
	const { c, id: sessionId } = await ready(lab!, 'mx');
	const t = await transaction(c, from, to, content);
	c.close();
	expect(t.end).toMatch(/^250 /);
	await ended(lab!, sessionId);
	return { sessionId, messageId: t.messageId! };
}

describe('GET /api/messages/:id', () => {
	it('returns the detail and the seq of the DATA command that carried it', async () => {
		lab = await startQuickLab();
		const { sessionId, messageId } = await deliver(message('api detail'));
		const { status, body } = await getDetail(messageId);
		expect(status).toBe(200);
		const m = body.message as MessageDetail;
		expect(m.id).toBe(messageId);
		expect(m.sessionId).toBe(sessionId);
		// RFC 5321 §4.4, and the mx listener's checks above its Received (RFC 8601, RFC 7208 §9.1).
		expect(m.traceFields.map((f) => f.name)).toEqual([
			'Return-Path',
			'Authentication-Results',
			'Received-SPF',
			'Received'
		]);
		const event = storedSession(lab, sessionId).events.find((e) => e.seq === body.dataSeq);
		expect(event).toMatchObject({ dir: 'client', text: 'DATA' });
	});

	it('each of two messages in one session points at its own DATA', async () => {
		lab = await startQuickLab();
		const { c, id: sessionId } = await ready(lab, 'mx');
		const first = await transaction(c, 'alice@example.com', ['bob@example.com'], message('one'));
		const second = await transaction(c, 'alice@example.com', ['bob@example.com'], message('two'));
		c.close();
		await ended(lab, sessionId);
		const a = (await getDetail(first.messageId!)).body.dataSeq as number;
		const b = (await getDetail(second.messageId!)).body.dataSeq as number;
		expect(a).toBeLessThan(b);
		const events = storedSession(lab, sessionId).events;
		expect(events.find((e) => e.seq === b)?.text).toBe('DATA');
		expect(events.slice(b).find((e) => e.messageId)?.messageId).toBe(second.messageId);
	});

	it('a bounce made by the sandbox has no session and dataSeq null', async () => {
		lab = await startQuickLab();
		const { messageId } = await deliver(message('bounce me'), ['bounce@example.com']);
		await until(() =>
			lab!.store.listMessages().some((m) => m.kind === 'bounce' && m.reportsOn === messageId)
		);
		const bounce = lab.store.listMessages().find((m) => m.reportsOn === messageId)!;
		const { body } = await getDetail(bounce.id);
		expect(body.message.sessionId).toBeNull();
		expect(body.dataSeq).toBeNull();
		expect(
			body.message.parts[0].children.map((p: { contentType: string }) => p.contentType)
		).toEqual(['text/plain', 'message/delivery-status', 'text/rfc822-headers']);
	});

	it.each([
		['nosuchmessage', 404],
		['bad id!', 400]
	])('%s → %i with a JSON error', async (id, status) => {
		lab = await startQuickLab();
		const response = await getDetail(id);
		expect(response.status).toBe(status);
		expect(response.body.error).toEqual(expect.any(String));
	});
});

describe('raw bytes and parts', () => {
	it('raw is the received bytes (dots un-stuffed); a base64 part decodes byte for byte', async () => {
		lab = await startQuickLab();
		const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255, 13, 10]);
		const content = [
			'From: <alice@example.com>',
			'To: <bob@example.com>',
			'Subject: parts',
			'MIME-Version: 1.0',
			'Content-Type: multipart/mixed; boundary=b',
			'',
			'--b',
			'Content-Type: text/plain',
			'',
			'.a line with a dot',
			'--b',
			'Content-Type: image/png; name=x.png',
			'Content-Transfer-Encoding: base64',
			'',
			png.toString('base64'),
			'--b--',
			''
		].join('\r\n');
		const { messageId } = await deliver(content);
		const bytes = Buffer.from(await (await call(raw, { id: messageId })).arrayBuffer());
		expect(bytes.toString('latin1')).toBe(content);
		const response = await call(part, { id: messageId, part: '2' });
		expect(response.headers.get('content-disposition')).toBe('attachment; filename="x.png"');
		expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
	});
});

describe('list and clear', () => {
	it("the operator's DELETE empties the list", async () => {
		lab = await startQuickLab();
		await deliver(message('to be cleared'));
		const before = (await (await call(list)).json()).messages as MessageSummary[];
		expect(before.length).toBeGreaterThan(0);
		expect((await call(clear)).status).toBe(200);
		expect((await (await call(list)).json()).messages).toEqual([]);
	});
});

describe('origin check on writes (BAD-INPUTS W11)', () => {
	// adapter-node without ORIGIN assumes https, so url says https while the page is http.
	const run = (method: string, path: string, origin: string | null, ownerCookie?: string) => {
		const url = new URL(`https://127.0.0.1:5173${path}`);
		const headers = new Headers();
		if (origin) headers.set('origin', origin);
		const request = new Request(url, { method, headers });
		const cookies = {
			get: (name: string) => (name === OWNER_COOKIE ? ownerCookie : undefined),
			set: () => undefined
		};
		return handle({
			event: { request, url, cookies, locals: {} } as unknown as Parameters<
				typeof handle
			>[0]['event'],
			resolve: async () => new Response('passed')
		});
	};
	it.each([
		['http://127.0.0.1:5173', 200], // the same page, over http
		['https://127.0.0.1:5173', 200],
		[null, 403], // no Origin: a script, not a page, is not trusted to delete (issue 13)
		['http://evil.example', 403],
		['http://127.0.0.1:9999', 403],
		['null', 403]
	])('DELETE with Origin %s and an owner cookie → %i', async (origin, status) => {
		lab = await startQuickLab();
		const { cookie } = lab.owners.signer.issueOwner();
		expect((await run('DELETE', '/api/messages', origin, cookie)).status).toBe(status);
	});

	it('a POST without Origin (curl to /api/annotate) passes: it deletes nothing', async () => {
		lab = await startQuickLab();
		expect((await run('POST', '/api/annotate', null)).status).toBe(200);
	});
});
