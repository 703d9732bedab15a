/**
 * POP3 in the lab (issue 18): the bridge opens a browser's session on the pop3 listener, reads
 * POP3's responses (+OK/-ERR, multi-line ones up to "."), holds what the learner types after
 * STLS until the handshake is done (RFC 2595 §4), and runs the rest inside TLS. The owner sees
 * its own password; the store and other viewers see it masked.
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

it('STLS, USER/PASS, STAT, RETR and QUIT through the bridge, TLS after +OK, the password masked for others', async () => {
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
	expect(await mx.command('Subject: through the bridge\r\n\r\n.dotted\r\n.')).toMatch(/^250 /);
	mx.close();

	const client = await BridgeClient.connect(web.wsUrl);
	client.send({ type: 'open', listener: 'pop3' });
	const { session } = await client.next(isType('opened'));
	await client.reply(session.id, /^\+OK .* POP3 ready/);
	// Typed without waiting: the bridge sends USER and PASS only inside TLS, after STLS's +OK.
	client.send({ type: 'input', data: 'STLS\r\n' });
	client.send({ type: 'input', data: 'USER alice\r\n' });
	client.send({ type: 'input', data: 'PASS wonderland\r\n' });
	await client.reply(session.id, /^\+OK Begin TLS negotiation$/);
	await client.next((m): m is EventMessage => m.type === 'event' && m.event.kind === 'tls', 5000);
	await client.reply(session.id, /^\+OK alice's maildrop has 1 messages/);
	client.send({ type: 'input', data: 'STAT\r\nRETR 1\r\nQUIT\r\n' });
	await client.reply(session.id, /^\+OK 1 \d+$/);
	const content = await client.reply(session.id, /Subject: through the bridge/);
	// Shown as it crossed the wire: the dot-led line stuffed (RFC 1939 §3).
	expect(content.event.text).toContain('\n..dotted');
	await client.reply(session.id, /signing off \(0 messages removed, 1 left\)$/);
	const closed = await client.next(isType('closed'));
	expect(closed.reason).toMatch(/QUIT/);

	const own = client.received.find(
		(m): m is EventMessage => m.type === 'event' && m.event.text.startsWith('PASS')
	)!;
	expect(own.event.text).toBe('PASS wonderland');
	const stored = lab.store.sessions.get(session.id)!;
	expect(stored.summary.protocol).toBe('pop3');
	expect(stored.summary.origin).toBe('browser');
	expect(stored.summary.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
	expect(stored.events.find((e) => e.text.startsWith('PASS'))!.text).not.toContain('wonderland');
	client.close();
});
