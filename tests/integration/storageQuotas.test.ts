/**
 * Issue 13: quotas replace global eviction, over real sockets. A flood of one owner's personal
 * domain fills that owner's storage only (452 4.2.2 at RCPT, nothing deleted, another owner's
 * mail untouched); unclaimed mail and a sender's own copies have their quota too; past
 * MAX_DB_BYTES new mail is refused at MAIL (452 4.3.1), and the server keeps running. The floods
 * are sent by Python's smtplib (/usr/bin/python3), which raises on these replies as real mail
 * software does.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { personalDomain } from '../../server/owners/ownerNames';
import { ports, RawSmtp } from './harness';
import {
	ehlo,
	message,
	open,
	plain,
	ready,
	startQuickLab,
	storedSession,
	transaction
} from './smtpSession';

const run = promisify(execFile);

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

/** An owner of the lab with its personal domain (`quiet-otter-42.test`). */
function owner(lab: Lab, id: string): { id: string; domain: string } {
	const record = lab.owners.owner(id);
	return { id: record.id, domain: personalDomain(record.name) };
}

/** Bytes of the stored messages an owner has, counted from the messages themselves. */
function bytesOf(lab: Lab, ownerId: string): number {
	let sum = 0;
	for (const m of lab.store.messages.values())
		if (m.owners.includes(ownerId)) sum += m.raw.length + Buffer.byteLength(m.trace);
	return sum;
}

/** A message of about `size` bytes. */
function sized(subject: string, size: number): string {
	const head = `Subject: ${subject}\r\n\r\n`;
	return head + `${'x'.repeat(78)}\r\n`.repeat(Math.ceil((size - head.length) / 80));
}

/** The annotation title of the first recorded server line of a session that starts with `reply`. */
function titleOf(lab: Lab, sessionId: string, reply: string): string | undefined {
	return storedSession(lab, sessionId).events.find(
		(e) => e.dir === 'server' && e.text.startsWith(reply)
	)?.annotation.title;
}

/** Runs a Python script (stdin: nothing) and parses the one JSON line it prints. */
async function python<T>(script: string, ...args: (string | number)[]): Promise<T> {
	const { stdout } = await run('/usr/bin/python3', ['-c', script, ...args.map(String)]);
	return JSON.parse(stdout) as T;
}

interface FloodResult {
	sent: number;
	refusal: { code: number; text: string } | null;
}

/** Sends up to `count` messages of `size` bytes to one address, stopping at the first refusal. */
const FLOOD = `
import json, smtplib, sys
port, to, count, size = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sent, refusal = 0, None
with smtplib.SMTP('127.0.0.1', port) as smtp:
    for i in range(count):
        body = ('x' * 78 + '\\r\\n') * (size // 80)
        message = ('Subject: flood %d\\r\\n\\r\\n' % i + body).encode()
        try:
            smtp.sendmail('flood@example.net', [to], message)
            sent += 1
        except smtplib.SMTPRecipientsRefused as e:
            code, text = e.recipients[to]
            refusal = {'code': code, 'text': text.decode()}
            break
print(json.dumps({'sent': sent, 'refusal': refusal}))
`;

describe('MAX_STORED_BYTES_PER_OWNER: a full owner gets 452 4.2.2 at RCPT, nobody loses mail', () => {
	it("a flood of a victim's personal domain (smtplib) fills the victim's storage only: the victim's and another owner's mail stay", async () => {
		const QUOTA = 40_000;
		lab = await startQuickLab({ maxStoredBytesPerOwner: QUOTA });
		const victim = owner(lab, 'victim-owner');
		const other = owner(lab, 'other-owner');
		const { c } = await ready(lab, 'mx');
		const kept = [
			(await transaction(c, 'a@example.com', [`mail@${victim.domain}`], message('before')))
				.messageId!,
			(await transaction(c, 'a@example.com', [`mail@${other.domain}`], message('other'))).messageId!
		];
		const before = new Set(lab.store.sessions.keys());

		const flood = await python<FloodResult>(
			FLOOD,
			ports(lab).mx,
			`flood@${victim.domain}`,
			100,
			2000
		);

		expect(flood.refusal).not.toBeNull();
		expect(flood.refusal!.code).toBe(452);
		expect(flood.refusal!.text).toMatch(
			new RegExp(
				`^4\\.2\\.2 Storage full for the mailbox of ${victim.domain.replace(/\./g, '\\.')}: .*${QUOTA} bytes .*retries for days\\)$`
			)
		);
		expect(flood.sent).toBeGreaterThan(0);
		// Nothing was deleted: the victim's first message, every flood message accepted, the other's.
		for (const id of kept) expect(lab.store.messages.has(id)).toBe(true);
		const victims = [...lab.store.messages.values()].filter((m) => m.owners.includes(victim.id));
		expect(victims).toHaveLength(flood.sent + 1);
		// smtplib declares each message's size (SIZE=, RFC 1870): refused when the next would not
		// fit, not before; the last one taken did fit.
		const last = victims.at(-1)!;
		const used = bytesOf(lab, victim.id);
		expect(used + last.raw.length).toBeGreaterThan(QUOTA);
		expect(
			used - last.raw.length - Buffer.byteLength(last.trace) + last.raw.length
		).toBeLessThanOrEqual(QUOTA);
		// The other owner, and unclaimed mail, still get theirs.
		const after = await transaction(c, 'a@example.com', [`mail@${other.domain}`], message('still'));
		expect(after.end).toMatch(/^250 /);
		expect(await c.command(`MAIL FROM:<a@example.com> SIZE=${last.raw.length}`)).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<bob@example.com>')).toMatch(/^250 /);
		expect(await c.command(`RCPT TO:<again@${victim.domain}>`)).toMatch(/^452 4\.2\.2 /);
		c.close();
		// The recorded refusal reads as a full mailbox.
		const floodSession = [...lab.store.sessions.keys()].find((id) => !before.has(id))!;
		expect(titleOf(lab, floodSession, '452 4.2.2')).toBe('Mailbox full');
	});

	it('at its edge: a declared SIZE= that fits exactly is taken, one byte more is 452 4.2.2', async () => {
		const QUOTA = 20_000;
		lab = await startQuickLab({ maxStoredBytesPerOwner: QUOTA });
		const victim = owner(lab, 'victim-owner');
		const { c } = await ready(lab, 'mx');
		await transaction(c, 'a@example.com', [`mail@${victim.domain}`], message('first'));
		const room = QUOTA - bytesOf(lab, victim.id);
		expect(await c.command(`MAIL FROM:<a@example.com> SIZE=${room}`)).toMatch(/^250 /);
		expect(await c.command(`RCPT TO:<mail@${victim.domain}>`)).toMatch(/^250 /);
		expect(await c.command('RSET')).toMatch(/^250 /);
		expect(await c.command(`MAIL FROM:<a@example.com> SIZE=${room + 1}`)).toMatch(/^250 /);
		expect(await c.command(`RCPT TO:<mail@${victim.domain}>`)).toMatch(/^452 4\.2\.2 /);
		c.close();
	});

	it('unclaimed mail (to bob@example.com from a mail program) has its own quota and never blocks an owner', async () => {
		lab = await startQuickLab({ maxStoredBytesPerOwner: 10_000 });
		const victim = owner(lab, 'victim-owner');
		const { c } = await ready(lab, 'mx');
		let accepted = 0;
		let refusal = '';
		for (let i = 0; i < 10 && !refusal; i++) {
			const t = await transaction(c, 'a@example.com', ['bob@example.com'], sized(`u${i}`, 3000));
			if (t.end?.startsWith('250')) accepted++;
			else refusal = t.rcpt[0];
		}
		expect(await c.command('RSET')).toMatch(/^250 /);
		expect(refusal).toMatch(/^452 4\.2\.2 Storage full for unclaimed mail /);
		expect(accepted).toBeGreaterThan(0);
		expect(lab.store.messages.size).toBe(accepted);
		// An owner's domain is charged to the owner, who has room.
		expect(await c.command('MAIL FROM:<a@example.com>')).toMatch(/^250 /);
		expect(await c.command(`RCPT TO:<mail@${victim.domain}>`)).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<bob@example.com>')).toMatch(/^452 4\.2\.2 /);
		c.close();
	});

	it("a personal login whose own storage is full gets 452 4.2.2 for its own mail, annotated so; others' mail goes on", async () => {
		lab = await startQuickLab({ maxStoredBytesPerOwner: 8_000 });
		const sender = lab.owners.owner('sender-owner');
		const { c, id } = await open(lab, 'submissions');
		await ehlo(c);
		expect(await c.command(`AUTH PLAIN ${plain(sender.name, sender.password)}`)).toMatch(/^235 /);
		let refusal = '';
		for (let i = 0; i < 10 && !refusal; i++) {
			const t = await transaction(
				c,
				`${sender.name}@example.com`,
				['bob@example.com'],
				sized(`s${i}`, 3000)
			);
			if (!t.end?.startsWith('250')) refusal = t.rcpt[0];
		}
		expect(await c.command('RSET')).toMatch(/^250 /);
		expect(refusal).toMatch(/^452 4\.2\.2 Storage full for your own mail: /);
		c.close();
		expect(titleOf(lab, id, '452 4.2.2')).toBe('Your own storage is full');
		// Mail a mail program sends to the same address is unclaimed, which has room.
		const other = await ready(lab, 'mx');
		const t = await transaction(other.c, 'a@example.com', ['bob@example.com'], message('other'));
		expect(t.end).toMatch(/^250 /);
		other.c.close();
	});
});

describe('MAX_DB_BYTES: past the total, new mail gets 452 4.3.1 at MAIL; nothing is deleted', () => {
	it('a message that does not fit is refused at MAIL, one that fits is taken; once full, every MAIL is refused and the session goes on', async () => {
		// Transcripts count too: DATA events show at most 1 KiB of each message here.
		lab = await startQuickLab({ maxDbBytes: 100_000, maxDataEventBytes: 1024 });
		const { c, id } = await ready(lab, 'mx');
		const first = await transaction(c, 'a@example.com', ['b@example.com'], sized('first', 30_000));
		expect(first.end).toMatch(/^250 /);
		expect(await c.command('MAIL FROM:<a@example.com> SIZE=80000')).toMatch(
			/^452 4\.3\.1 Mail system full: .*100000 bytes \(MAX_DB_BYTES\).*retries for days\)$/
		);
		expect(await c.command('MAIL FROM:<a@example.com> SIZE=10000')).toMatch(/^250 /);
		expect(await c.command('RSET')).toMatch(/^250 /);
		const second = await transaction(
			c,
			'a@example.com',
			['b@example.com'],
			sized('second', 70_000)
		);
		expect(second.end).toMatch(/^250 /);
		expect(await c.command('MAIL FROM:<a@example.com>')).toMatch(/^452 4\.3\.1 /);
		// Refused, not made room for: both messages are kept.
		expect([...lab.store.messages.keys()]).toEqual([first.messageId, second.messageId]);
		expect(await c.command('NOOP')).toMatch(/^250 /);
		c.close();
		expect(titleOf(lab, id, '452 4.3.1')).toBe('No room now: mail system full');
	});

	it('a full disk (MAX_DB_BYTES=1): smtplib gets 452 4.3.1 at MAIL, and the server keeps serving', async () => {
		lab = await startQuickLab({ maxDbBytes: 1 });
		const script = `
import json, smtplib, sys
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as smtp:
    try:
        smtp.sendmail('a@example.com', ['b@example.com'], b'Subject: x\\r\\n\\r\\nhello\\r\\n')
        out = {'refused': None}
    except smtplib.SMTPSenderRefused as e:
        out = {'refused': {'code': e.smtp_code, 'text': e.smtp_error.decode()}}
    out['noop'] = smtp.noop()[0]
print(json.dumps(out))
`;
		type Result = { refused: { code: number; text: string } | null; noop: number };
		for (let attempt = 0; attempt < 2; attempt++) {
			const result = await python<Result>(script, ports(lab).mx);
			expect(result.refused?.code).toBe(452);
			expect(result.refused?.text).toMatch(/^4\.3\.1 Mail system full: /);
			expect(result.noop).toBe(250);
		}
		expect(lab.store.messages.size).toBe(0);
		const c = await RawSmtp.connect(ports(lab).submissions, true);
		expect((await c.reply()).at(-1)).toMatch(/^220 /);
		c.close();
	});
});
