/**
 * A restart keeps every session and message (the durable store): mail sent by a real client
 * (Python's smtplib) to a lab with a DATA_DIR is answered byte for byte by a new lab started on
 * the same DATA_DIR, through the same API routes the permalinks read.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { RESTART_END_REASON } from '../../server/store/labStore';
import type { MessageDetail, MimePart } from '../../src/lib/messages';
import { GET as messageDetail } from '../../src/routes/api/messages/[id]/+server';
import { GET as messageEml } from '../../src/routes/api/messages/[id]/eml/+server';
import { GET as messagePart } from '../../src/routes/api/messages/[id]/parts/[part]/+server';
import { GET as messageRaw } from '../../src/routes/api/messages/[id]/raw/+server';
import { GET as sessionDetail } from '../../src/routes/api/sessions/[id]/+server';
import { GET as sessionTranscript } from '../../src/routes/api/sessions/[id]/transcript.txt/+server';
import { startTestLab, until } from './harness';
import { ehlo, open } from './smtpSession';
import { callRoute } from './routeCall';

const run = promisify(execFile);

let dataDir: string;
const labs: Lab[] = [];
beforeEach(() => {
	dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-restart-'));
});
afterEach(async () => {
	for (const lab of labs.splice(0)) await lab.close();
	rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<Lab> {
	const lab = await startTestLab({ dataDir });
	labs.push(lab);
	return lab;
}

// A multipart message with 8-bit text (BODY=8BITMIME) and a base64 attachment holding every byte.
const MESSAGE = Buffer.concat([
	Buffer.from(
		'From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: Caf\xe9 restart\r\n' +
			'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n' +
			'--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
		'latin1'
	),
	Buffer.from('Grüße, café ☕\r\n.leading dot survives\r\n'),
	Buffer.from(
		'--b1\r\nContent-Type: application/octet-stream; name="all.bin"\r\n' +
			'Content-Disposition: attachment; filename="all.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
			Buffer.from(Array.from({ length: 256 }, (_, i) => i))
				.toString('base64')
				.replace(/.{76}/g, '$&\r\n') +
			'\r\n--b1--\r\n'
	)
]);

/** Sends MESSAGE with /usr/bin/python3's smtplib: to mx, and through submission (STARTTLS, AUTH). */
async function sendWithSmtplib(lab: Lab): Promise<void> {
	const script = `
import smtplib, ssl, sys
message = sys.stdin.buffer.read()
with smtplib.SMTP('127.0.0.1', ${lab.sandbox.port('mx')}) as mx:
    mx.sendmail('alice@example.com', ['bob@example.com', 'bounce@example.com'], message, mail_options=['BODY=8BITMIME'])
with smtplib.SMTP('127.0.0.1', ${lab.sandbox.port('submission')}) as submission:
    submission.starttls(context=ssl._create_unverified_context())
    submission.login('alice', 'wonderland')
    submission.sendmail('alice@example.com', ['carol@example.org'], message, mail_options=['BODY=8BITMIME'])
`;
	const child = run('/usr/bin/python3', ['-c', script]);
	child.child.stdin!.end(MESSAGE);
	await child;
}

const call = callRoute;
const bytes = async (response: Response) => {
	expect(response.status).toBe(200);
	return Buffer.from(await response.arrayBuffer());
};
const leaves = (parts: MimePart[]): string[] =>
	parts.flatMap((p) => (p.children.length ? leaves(p.children) : [p.id]));

/** Everything the permalinks of a session and its messages answer, as the API serves it. */
async function permalinks(lab: Lab) {
	const answers: Record<string, unknown> = {};
	for (const { id } of lab.store.listSessions()) {
		answers[`/api/sessions/${id}`] = await (await call(sessionDetail, { id })).json();
		answers[`/api/sessions/${id}/transcript.txt`] = await bytes(
			await call(sessionTranscript, { id })
		);
	}
	for (const { id } of lab.store.listMessages()) {
		const detail = await (await call(messageDetail, { id })).json();
		answers[`/api/messages/${id}`] = detail;
		answers[`/api/messages/${id}/raw`] = await bytes(await call(messageRaw, { id }));
		answers[`/api/messages/${id}/eml`] = await bytes(await call(messageEml, { id }));
		for (const part of leaves((detail.message as MessageDetail).parts))
			answers[`/api/messages/${id}/parts/${part}`] = await bytes(
				await call(messagePart, { id, part })
			);
	}
	return answers;
}

it('a restart keeps every session and message: the permalinks answer the same bytes', async () => {
	const first = await start();
	await sendWithSmtplib(first);
	const live = await open(first, 'mx');
	await ehlo(live.c);
	// Two sessions by smtplib and the live one; the mail, its bounce, the submitted copy.
	await until(
		() =>
			first.store.messages.size === 3 &&
			first.store.listSessions().filter((s) => s.endedAt !== null).length === 2
	);
	const mail = first.store.listMessages().find((m) => m.kind === 'mail' && m.listener === 'mx')!;
	expect(first.store.messages.get(mail.id)!.raw.equals(MESSAGE)).toBe(true);
	const before = await permalinks(first);
	// Two parts in each copy of the mail, three in the bounce (RFC 3462 §1: text, status, headers).
	expect(Object.keys(before).filter((k) => k.includes('/parts/'))).toHaveLength(7);

	// The process dies with the session open: its last write is all the next start finds.
	await first.store.close();
	live.c.close();
	await first.close();
	labs.splice(0);

	const second = await start();
	const after = await permalinks(second);
	const liveUrl = `/api/sessions/${live.id}`;
	const others = (answers: Record<string, unknown>) =>
		Object.fromEntries(Object.entries(answers).filter(([url]) => !url.startsWith(liveUrl)));
	expect(others(after)).toEqual(others(before));
	const [liveBefore, liveAfter, liveText] = [
		before[liveUrl],
		after[liveUrl],
		after[`${liveUrl}/transcript.txt`]
	];
	expect((after[`/api/messages/${mail.id}/raw`] as Buffer).equals(MESSAGE)).toBe(true);

	// The session the restart cut is closed, saying so, its recorded lines kept.
	const cut = liveAfter as { session: { endReason: string }; events: { text: string }[] };
	expect(cut.session.endReason).toBe('the server restarted while this session was open');
	expect(cut.session.endReason).toBe(RESTART_END_REASON);
	const earlier = (liveBefore as { events: unknown[] }).events;
	expect(cut.events.slice(0, earlier.length)).toEqual(earlier);
	expect(cut.events.at(-1)!.text).toBe(`Session closed: ${RESTART_END_REASON}.`);
	expect(String(liveText)).toContain(RESTART_END_REASON);
}, 30_000);
