/**
 * A desktop client's start-up against the lab's IMAP server (issue 19), played by imapflow, an
 * IMAP client nobody here wrote: connect, STARTTLS (or TLS from the start on imaps), log in,
 * LIST, open INBOX, fetch envelopes, body structures and flags of every message, then a partial
 * fetch of the first 100 octets (BODY.PEEK[]<0.100>, RFC 3501 §6.4.5); and IDLE (RFC 2177)
 * seeing a new message arrive (imapflow's 'exists' event).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ImapFlow } from 'imapflow';
import { afterEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { GET as eml } from '../../src/routes/api/messages/[id]/eml/+server';
import { until } from './harness';
import { aliceImapFlow } from './imapClient';
import { callRoute } from './routeCall';
import { startQuickLab } from './smtpSession';

const run = promisify(execFile);

const labs: Lab[] = [];
const clients: ImapFlow[] = [];
afterEach(async () => {
	for (const client of clients.splice(0)) client.close();
	for (const lab of labs.splice(0)) await lab.close();
});

async function start(): Promise<Lab> {
	const lab = await startQuickLab();
	labs.push(lab);
	return lab;
}

/** Sends `bytes` with smtplib to the mx listener for alice@example.com; returns its id. */
async function deliver(lab: Lab, bytes: Buffer): Promise<string> {
	const script = `
import smtplib, sys
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as mx:
    mx.sendmail('carol@example.org', ['alice@example.com'], sys.stdin.buffer.read())
`;
	const child = run('/usr/bin/python3', ['-c', script, String(lab.sandbox.port('mx'))]);
	child.child.stdin!.end(bytes);
	await child;
	let id: string | undefined;
	await until(() => {
		id = [...lab.store.messages.values()].find((m) => m.raw.equals(bytes))?.summary.id;
		return id !== undefined;
	});
	return id!;
}

/** The command lines the lab recorded from IMAP clients. */
function clientLines(lab: Lab): string[] {
	return [...lab.store.sessions.values()]
		.filter((s) => s.summary.protocol === 'imap')
		.flatMap((s) => s.events.filter((e) => e.dir === 'client').map((e) => e.text));
}

function client(lab: Lab, listener: 'imap' | 'imaps'): ImapFlow {
	const flow = aliceImapFlow(lab.sandbox.port(listener), listener === 'imaps');
	clients.push(flow);
	return flow;
}

// Part 1's body: "Hi Alice," (9) CRLF "see the picture." (16) = 27 octets, 2 lines; part 2's
// "R0lGODlhAQABAAAAACw=" 20 octets (RFC 2046 §5.1.1: the CRLF before "--p" is the delimiter's).
const PICTURE = Buffer.from(
	[
		'From: Carol <carol@example.org>',
		'To: Alice <alice@example.com>',
		'Subject: picture',
		'Message-ID: <p1@example.org>',
		'Date: Tue, 1 Dec 2026 10:00:00 +0000',
		'MIME-Version: 1.0',
		'Content-Type: multipart/mixed; boundary="p"',
		'',
		'--p',
		'Content-Type: text/plain; charset=us-ascii',
		'',
		'Hi Alice,',
		'see the picture.',
		'--p',
		'Content-Type: image/gif',
		'Content-Transfer-Encoding: base64',
		'',
		'R0lGODlhAQABAAAAACw=',
		'--p--',
		''
	].join('\r\n')
);

for (const listener of ['imap', 'imaps'] as const)
	it(`imapflow starts up as a desktop client does (${listener}): list, open, envelopes, structures, flags, a partial fetch`, async () => {
		const lab = await start();
		const id = await deliver(lab, PICTURE);
		const flow = client(lab, listener);
		await flow.connect();
		expect(flow.secureConnection || listener === 'imap').toBe(true);
		const folders = (await flow.list()).map((f) => f.path).sort();
		expect(folders).toEqual(['INBOX', 'Junk', 'Sent']);
		const inbox = await flow.mailboxOpen('INBOX');
		expect(inbox.exists).toBe(1);
		const messages = [];
		for await (const m of flow.fetch('1:*', {
			uid: true,
			flags: true,
			envelope: true,
			bodyStructure: true,
			size: true
		}))
			messages.push(m);
		expect(messages.length).toBe(1);
		const [m] = messages;
		const bytes = Buffer.from(await (await callRoute(eml, { id })).arrayBuffer());
		expect(m.size).toBe(bytes.length);
		expect([...(m.flags ?? [])]).toEqual(['\\Recent']);
		expect(m.envelope?.subject).toBe('picture');
		expect(m.envelope?.messageId).toBe('<p1@example.org>');
		expect(m.envelope?.from).toEqual([{ name: 'Carol', address: 'carol@example.org' }]);
		expect(m.envelope?.to).toEqual([{ name: 'Alice', address: 'alice@example.com' }]);
		const [text, gif] = m.bodyStructure?.childNodes ?? [];
		expect(m.bodyStructure?.type).toBe('multipart/mixed');
		expect([text.part, text.type, text.size, text.lineCount, text.parameters]).toEqual([
			'1',
			'text/plain',
			27,
			2,
			{ charset: 'us-ascii' }
		]);
		expect([gif.part, gif.type, gif.encoding, gif.size]).toEqual(['2', 'image/gif', 'base64', 20]);
		// BODY.PEEK[]<0.100>: the first 100 octets of what the .eml holds, \Seen not set.
		const partial = await flow.fetchOne('1', { source: { start: 0, maxLength: 100 }, flags: true });
		expect(partial && Buffer.from(partial.source!).equals(bytes.subarray(0, 100))).toBe(true);
		const part = await flow.download('1', '1');
		const chunks: Buffer[] = [];
		for await (const chunk of part.content!) chunks.push(chunk as Buffer);
		expect(Buffer.concat(chunks).toString()).toBe('Hi Alice,\r\nsee the picture.');
		const after = await flow.fetchOne('1', { flags: true });
		expect(after && [...(after.flags ?? [])].includes('\\Seen')).toBe(false);
		await flow.logout();
		// What imapflow sent: the partial fetch as BODY.PEEK[]<0.100>.
		const sent = clientLines(lab);
		expect(sent.some((line) => /^\S+ FETCH 1 \(.*BODY\.PEEK\[\]<0\.100>/.test(line))).toBe(true);
	});

it('imapflow in IDLE hears of a new message (EXISTS, RFC 2177) as it is delivered, then fetches its envelope', async () => {
	const lab = await start();
	await deliver(lab, PICTURE);
	const flow = client(lab, 'imaps');
	await flow.connect();
	await flow.mailboxOpen('INBOX');
	const counts: number[] = [];
	flow.on('exists', (info: { count: number }) => counts.push(info.count));
	const idling = flow.idle();
	await deliver(
		lab,
		Buffer.from(PICTURE.toString().replace('Subject: picture', 'Subject: second'))
	);
	await until(() => counts.includes(2));
	// As a mail program does on EXISTS: the new message's envelope (imapflow ends IDLE with DONE).
	const fresh = await flow.fetchOne('*', { envelope: true, uid: true });
	expect(fresh && fresh.envelope?.subject).toBe('second');
	await idling.catch(() => undefined);
	await flow.logout();
	expect(clientLines(lab).some((line) => /^\S+ IDLE$/.test(line))).toBe(true);
});
