import net from 'node:net';
import { asOperator, expect, test } from './fixtures';

/** Sends one message over a raw socket, exactly these bytes, and returns the stored message id. */
async function sendRaw(port: number, envelope: { from: string; to: string[] }, content: string) {
	const socket = net.connect({ port, host: '127.0.0.1' });
	let received = '';
	socket.on('data', (chunk) => (received += chunk.toString()));
	const waitFor = async (pattern: RegExp) => {
		for (let i = 0; i < 200 && !pattern.test(received); i++)
			await new Promise((r) => setTimeout(r, 25));
		expect(received).toMatch(pattern);
	};
	await waitFor(/^220 /m);
	socket.write('EHLO api-test.test\r\n');
	await waitFor(/^250 /m);
	socket.write(`MAIL FROM:<${envelope.from}>\r\n`);
	for (const to of envelope.to) socket.write(`RCPT TO:<${to}>\r\n`);
	socket.write('DATA\r\n');
	await waitFor(/^354 /m);
	// Dot-stuff on the wire as a client must (RFC 5321 §4.5.2).
	socket.write(content.replace(/^\./gm, '..') + '\r\n.\r\n');
	await waitFor(/Queued as (\S+):/);
	const id = /Queued as (\S+):/.exec(received)![1];
	socket.end('QUIT\r\n');
	return id;
}

test('the JSON API serves sessions, messages and their exact bytes', async ({
	request,
	smtpPorts
}) => {
	const content =
		'From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: API test\r\n' +
		'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
		'--b\r\nContent-Type: text/plain\r\n\r\n.leading dot line\r\nsecond line\r\n' +
		'--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n' +
		'Content-Disposition: attachment; filename="bytes.bin"\r\n\r\nAAECA/8=\r\n--b--';
	const id = await sendRaw(
		smtpPorts.mx,
		{ from: 'alice@example.com', to: ['bob@example.com', 'carol@example.org'] },
		content
	);

	const raw = await request.get(`/api/messages/${id}/raw`);
	expect(raw.headers()['content-type']).toBe('message/rfc822');
	expect((await raw.body()).toString('latin1')).toBe(content + '\r\n');

	const eml = await request.get(`/api/messages/${id}/eml`);
	expect(eml.headers()['content-disposition']).toMatch(/attachment/);
	const delivered = (await eml.body()).toString('latin1');
	// The delivering MX's trace on top: Return-Path, its checks (RFC 8601, RFC 7208 §9.1: alice's
	// example.com names only out.smtp-lab.test, so 127.0.0.1 gets softfail), then its Received.
	expect(delivered).toMatch(
		/^Return-Path: <alice@example\.com>\r\nAuthentication-Results: [^\r]*\r\n(?:[ \t][^\r]*\r\n)*Received-SPF: softfail[^\r]*\r\n(?:[ \t][^\r]*\r\n)*Received: from api-test\.test/
	);
	expect(delivered).toMatch(/spf=softfail/);
	expect(delivered.endsWith(content + '\r\n')).toBe(true);

	const detail = (await (await request.get(`/api/messages/${id}`)).json()).message;
	expect(detail.sessionId).toBeTruthy();
	expect(detail.envelope.rcptTo.map((r: { address: string }) => r.address)).toEqual([
		'bob@example.com',
		'carol@example.org'
	]);
	expect(detail.recipients.map((r: { outcome: string }) => r.outcome)).toEqual([
		'delivered',
		'delivered'
	]);
	expect(
		detail.headers.find((h: { name: string }) => h.name.toLowerCase() === 'subject').value
	).toBe('API test');
	const tree = detail.parts[0];
	expect(tree.contentType).toBe('multipart/mixed');
	const attachment = tree.children[1];
	expect(attachment.filename).toBe('bytes.bin');
	const part = await request.get(`/api/messages/${id}/parts/${attachment.id}`);
	expect([...(await part.body())]).toEqual([0, 1, 2, 3, 255]);

	const list = (await (await request.get('/api/messages')).json()).messages;
	expect(list[0].id).toBe(id);

	const session = await (await request.get(`/api/sessions/${detail.sessionId}`)).json();
	expect(session.session.messageIds).toContain(id);
	expect(
		session.events.find((e: { messageId?: string }) => e.messageId === id).anomalies
	).toContain('dot-stuffed');
	const transcript = await (
		await request.get(`/api/sessions/${detail.sessionId}/transcript.txt`)
	).text();
	expect(transcript).toMatch(/^\* Connected to the mx listener/m);
	expect(transcript).toMatch(/^C: EHLO api-test\.test$/m);
	expect(transcript).toMatch(/^S: 250 2\.6\.0 Queued as/m);
	expect(transcript).toMatch(/^C: \.\.leading dot line$/m);

	const sessions = (await (await request.get('/api/sessions')).json()).sessions;
	expect(sessions.some((s: { id: string }) => s.id === detail.sessionId)).toBe(true);

	const health = await (await request.get('/api/health')).json();
	expect(health.ok).toBe(true);
	expect(
		health.listeners.map((l: { standsFor: number; protocol: string }) => [l.standsFor, l.protocol])
	).toEqual([
		[25, 'smtp'],
		[587, 'smtp'],
		[465, 'smtp'],
		[110, 'pop3'],
		[995, 'pop3'],
		[143, 'imap'],
		[993, 'imap']
	]);
});

test('API errors are JSON: 404 unknown, 400 malformed, 403 other origin, 413 too large (BAD-INPUTS W11)', async ({
	request,
	baseURL
}) => {
	const cases: [Promise<import('@playwright/test').APIResponse>, number][] = [
		[request.get('/api/messages/nosuchmessage'), 404],
		[request.get('/api/sessions/nosuchsession'), 404],
		[request.get('/api/sessions/nosuchsession/transcript.txt'), 404],
		[request.get('/api/messages/bad%20id!'), 400],
		[request.get('/api/nonsense'), 404],
		[request.delete('/api/messages', { headers: { origin: 'http://evil.example' } }), 403],
		[
			request.post('/api/annotate', {
				headers: { 'content-type': 'text/plain' },
				data: 'x'.repeat(600 * 1024)
			}),
			413
		]
	];
	for (const [pending, status] of cases) {
		const response = await pending;
		expect(response.status(), response.url()).toBe(status);
		expect(response.headers()['content-type']).toMatch(/application\/json/);
		const body = await response.json();
		expect(typeof body.error).toBe('string');
		expect(JSON.stringify(body)).not.toMatch(/at \w+ \(|node_modules/);
	}
	expect(baseURL).toBeTruthy();
});

test("the operator's DELETE clears the store (a teacher resets between classes): ended sessions go, live ones stay", async ({
	request,
	smtpPorts
}) => {
	type Summary = { id: string; endedAt: number | null };
	const sessions = async () =>
		(await (await request.get('/api/sessions')).json()).sessions as Summary[];

	// An ended session: sendRaw says QUIT, and the server closes the connection.
	const messageId = await sendRaw(
		smtpPorts.mx,
		{ from: 'alice@example.com', to: ['bob@example.com'] },
		'Subject: to clear\r\n\r\nbye'
	);
	const endedId: string = (await (await request.get(`/api/messages/${messageId}`)).json()).message
		.sessionId;
	await expect
		.poll(async () => (await sessions()).find((s) => s.id === endedId)?.endedAt ?? null)
		.not.toBeNull();

	// A live session: a learner still connected, found by the EHLO name only it used.
	const ehlo = `EHLO keep-${Date.now()}.test`;
	const live = net.connect({ port: smtpPorts.mx, host: '127.0.0.1' });
	try {
		let received = '';
		live.on('data', (chunk) => (received += chunk.toString()));
		await expect.poll(() => received).toMatch(/^220 /m);
		live.write(`${ehlo}\r\n`);
		await expect.poll(() => received).toMatch(/^250 /m);
		const findLive = async () => {
			for (const s of (await sessions()).filter((s) => s.endedAt === null)) {
				const transcript = await (await request.get(`/api/sessions/${s.id}/transcript.txt`)).text();
				if (transcript.split('\n').includes(`C: ${ehlo}`)) return s.id;
			}
		};
		await expect.poll(findLive, { message: 'the live session is listed' }).toBeDefined();
		const liveId = (await findLive())!;

		const headers = asOperator();
		expect((await request.delete('/api/messages', { headers })).status()).toBe(200);
		expect((await (await request.get('/api/messages')).json()).messages).toEqual([]);
		expect((await request.delete('/api/sessions', { headers })).status()).toBe(200);
		const left = await sessions();
		expect(left.find((s) => s.id === endedId)).toBeUndefined();
		expect((await request.get(`/api/sessions/${endedId}`)).status()).toBe(404);
		expect(left.find((s) => s.id === liveId)).toMatchObject({ endedAt: null });
		expect(left.every((s) => s.endedAt === null)).toBe(true);
		// The live session still works after the clear, and is still recorded.
		received = '';
		live.write('NOOP\r\n');
		await expect.poll(() => received).toMatch(/^250 /m);
		await expect
			.poll(async () => (await request.get(`/api/sessions/${liveId}/transcript.txt`)).text())
			.toMatch(/^C: NOOP$/m);
	} finally {
		live.destroy();
	}
});
