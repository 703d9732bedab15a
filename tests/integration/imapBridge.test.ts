/**
 * IMAP in the lab (issue 19): the bridge opens a browser's session on the imap listener, reads
 * IMAP's responses (untagged, continuation, tagged, literals skipped), holds what the learner
 * types after STARTTLS until the tagged OK and the handshake (RFC 3501 §6.2.1), and runs the
 * rest inside TLS. A FETCH's literal is recorded as the message's content; the owner sees its
 * own password, the store has it masked.
 */
import { afterEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { ServerMessage } from '../../src/lib/messages';
import { RawSmtp, startTestLab } from './harness';
import { startWebServer } from './webServer';
import { BridgeClient, isType } from './wsClient';

let lab: Lab | undefined;
let web: Awaited<ReturnType<typeof startWebServer>> | undefined;
afterEach(async () => {
	await lab?.close();
	await web?.close();
	lab = web = undefined;
});

type EventMessage = Extract<ServerMessage, { type: 'event' }>;

it('STARTTLS, LOGIN, SELECT, FETCH and LOGOUT through the bridge, TLS after the tagged OK, the password masked for others', async () => {
	lab = await startTestLab();
	web = await startWebServer(lab);
	const mx = await RawSmtp.connect(lab.sandbox.port('mx'));
	await mx.reply();
	for (const line of [
		'EHLO sender.test',
		'MAIL FROM:<carol@example.org>',
		'RCPT TO:<alice@example.com>',
		'DATA'
	])
		await mx.command(line);
	// A body line that looks like a tagged completion: inside a literal it is message text.
	expect(await mx.command('Subject: through the bridge\r\n\r\nt1 OK not a response\r\n.')).toMatch(
		/^250 /
	);
	mx.close();

	const client = await BridgeClient.connect(web.wsUrl);
	client.send({ type: 'open', listener: 'imap' });
	const { session } = await client.next(isType('opened'));
	await client.reply(session.id, /^\* OK \[CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\]/);
	// Typed without waiting: the bridge sends LOGIN only inside TLS, after STARTTLS's OK.
	client.send({ type: 'input', data: 't1 STARTTLS\r\n' });
	client.send({ type: 'input', data: 't2 LOGIN alice wonderland\r\n' });
	await client.reply(session.id, /^t1 OK Begin TLS negotiation now$/);
	await client.next((m): m is EventMessage => m.type === 'event' && m.event.kind === 'tls', 5000);
	await client.reply(session.id, /^t2 OK alice logged in$/);
	client.send({ type: 'input', data: 't3 SELECT INBOX\r\nt4 FETCH 1 BODY[]\r\n' });
	await client.reply(session.id, /^\* 1 EXISTS$/);
	await client.reply(session.id, /^t3 OK \[READ-WRITE\] SELECT completed/);
	const content = await client.reply(session.id, /Subject: through the bridge/);
	expect(content.event.messageId).toBeTruthy();
	expect(content.event.text).toContain('t1 OK not a response');
	await client.reply(session.id, /^t4 OK/);
	client.send({ type: 'input', data: 't5 LOGOUT\r\n' });
	await client.reply(session.id, /^\* BYE /);
	await client.reply(session.id, /^t5 OK LOGOUT completed$/);
	const closed = await client.next(isType('closed'));
	expect(closed.reason).toMatch(/LOGOUT/);

	const own = client.received.find(
		(m): m is EventMessage => m.type === 'event' && m.event.text.startsWith('t2 LOGIN')
	)!;
	expect(own.event.text).toBe('t2 LOGIN alice wonderland');
	const stored = lab.store.sessions.get(session.id)!;
	expect(stored.summary.protocol).toBe('imap');
	expect(stored.summary.origin).toBe('browser');
	expect(stored.summary.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
	const login = stored.events.find((e) => e.text.startsWith('t2 LOGIN'))!;
	expect(login.text).toMatch(/^t2 LOGIN alice /);
	expect(login.text).not.toContain('wonderland');
	client.close();
});
