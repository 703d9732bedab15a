/**
 * The read side's accounts and mailboxes (issue 18, server/mailboxes/), over the real store and
 * real clients: mail sent by Python's smtplib is in the INBOX of the account each recipient
 * belongs to (shared, personal, class), with the octet size a POP3 LIST would give and a UID that
 * survives a restart; a read and a per-mailbox removal are recorded, written to the database and
 * still there after a restart; in VISIBILITY=private only personal and class logins work outside
 * the browser.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { ReadAccount } from '../../server/mailboxes/mailboxes';
import type { Viewer } from '../../server/owners/visibility';
import { personalDomain } from '../../server/owners/ownerNames';
import type { MessageDetail } from '../../src/lib/messages';
import { GET as messageDetail } from '../../src/routes/api/messages/[id]/+server';
import { GET as messageEml } from '../../src/routes/api/messages/[id]/eml/+server';
import { RawSmtp, until } from './harness';
import { callRoute } from './routeCall';
import { message, ready, startQuickLab, transaction } from './smtpSession';

const run = promisify(execFile);

const labs: Lab[] = [];
const dirs: string[] = [];
afterEach(async () => {
	for (const lab of labs.splice(0)) await lab.close();
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(overrides: Parameters<typeof startQuickLab>[0] = {}): Promise<Lab> {
	const lab = await startQuickLab(overrides);
	labs.push(lab);
	return lab;
}

function newDataDir(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-mailboxes-'));
	dirs.push(dir);
	return dir;
}

const viewerOf = (ownerId: string): Viewer => ({ ownerId, operator: false });

/** The message as submitted, CRLF throughout; a unique subject finds it in the store. */
function messageBytes(subject: string, body = 'Hello, reader.\r\n'): Buffer {
	return Buffer.from(
		`From: Carol <carol@example.org>\r\nTo: readers@example.com\r\nSubject: ${subject}\r\n\r\n${body}`
	);
}

/** Sends `bytes` with smtplib to the mx listener (no login), to the recipients given. */
async function sendToMx(lab: Lab, rcpts: string[], bytes: Buffer): Promise<string> {
	const script = `
import smtplib, sys
with smtplib.SMTP('127.0.0.1', ${lab.sandbox.port('mx')}) as mx:
    mx.sendmail('carol@example.org', ${JSON.stringify(rcpts)}, sys.stdin.buffer.read())
`;
	const child = run('/usr/bin/python3', ['-c', script]);
	child.child.stdin!.end(bytes);
	await child;
	return storedWith(lab, bytes);
}

/** Submits `bytes` with smtplib (STARTTLS, AUTH) as `user`. */
async function submit(
	lab: Lab,
	user: string,
	password: string,
	bytes: Buffer,
	rcpt = 'dave@example.net'
): Promise<string> {
	const script = `
import smtplib, ssl, sys
with smtplib.SMTP('127.0.0.1', ${lab.sandbox.port('submission')}) as s:
    s.starttls(context=ssl._create_unverified_context())
    s.login(${JSON.stringify(user)}, ${JSON.stringify(password)})
    s.sendmail('alice@example.com', [${JSON.stringify(rcpt)}], sys.stdin.buffer.read())
`;
	const child = run('/usr/bin/python3', ['-c', script]);
	child.child.stdin!.end(bytes);
	await child;
	return storedWith(lab, bytes);
}

/**
 * The message stored with these bytes: as sent, or after the DKIM-Signature submission puts on
 * mail from the sandbox's domains (issue 20).
 */
async function storedWith(lab: Lab, bytes: Buffer): Promise<string> {
	const carries = (raw: Buffer) =>
		raw.equals(bytes) ||
		(raw.subarray(raw.length - bytes.length).equals(bytes) &&
			raw.subarray(0, 'DKIM-Signature:'.length).toString() === 'DKIM-Signature:');
	let id: string | undefined;
	await until(() => {
		id = [...lab.store.messages.values()].find((m) => carries(m.raw))?.summary.id;
		return id !== undefined;
	});
	return id!;
}

function login(lab: Lab, user: string, password: string, browserOwner: string | null = null) {
	const answer = lab.mailboxes.resolveReadLogin(user, password, {
		browser: browserOwner !== null,
		ownerId: browserOwner
	});
	if (!('account' in answer)) throw new Error(`refused: ${answer.refusal}`);
	return answer.account;
}

const inbox = (lab: Lab, account: ReadAccount) =>
	lab.mailboxes.list(account, 'INBOX').map((entry) => entry.messageId);

const act = (command: string, sessionId = 'pop3-session-in-a-test') => ({
	sessionId,
	at: Date.parse('2026-12-01T21:00:00Z'),
	protocol: 'pop3' as const,
	command
});

it('each kind of login reads its own mailbox: shared at the sandbox domains, personal, class', async () => {
	const lab = await start();
	const owner = lab.owners.owner(lab.owners.signer.issueOwner().id);
	const domain = personalDomain(owner.name);
	const teacher = viewerOf(lab.owners.signer.issueOwner().id);
	const room = lab.classes.create(teacher, 'Readers');
	const student = lab.classes.join(viewerOf(lab.owners.signer.issueOwner().id), room.code, 'Ana');
	const studentAddress = `ana@${room.code.toLowerCase()}.class.test`;
	const studentPassword = lab.store.owners.get(student.ownerId)!.password;

	const toAlice = await sendToMx(lab, ['ALICE@Example.NET'], messageBytes('for alice'));
	const toBob = await sendToMx(lab, ['bob@example.org'], messageBytes('for bob'));
	const toOwner = await sendToMx(lab, [`someone@${domain}`], messageBytes('for the owner'));
	const toAna = await sendToMx(lab, [studentAddress], messageBytes('for ana'));
	// Not a mailbox of anyone's: refused at RCPT, so never delivered.
	const toNobody = await sendToMx(
		lab,
		['alice@example.com', 'unknown@example.com'],
		messageBytes('two')
	);

	expect(inbox(lab, login(lab, 'alice', 'wonderland'))).toEqual([toAlice, toNobody]);
	expect(inbox(lab, login(lab, 'bob', 'builder'))).toEqual([toBob]);
	expect(inbox(lab, login(lab, owner.name, owner.password))).toEqual([toOwner]);
	expect(inbox(lab, login(lab, studentAddress.toUpperCase(), studentPassword))).toEqual([toAna]);

	expect(login(lab, owner.name, owner.password)).toMatchObject({
		kind: 'personal',
		mailbox: domain,
		ownerId: owner.id
	});
	expect(
		lab.mailboxes.resolveReadLogin('alice', 'builder', { browser: false, ownerId: null })
	).toEqual({ refusal: 'badCredentials' });
	expect(
		lab.mailboxes.resolveReadLogin(owner.name, 'wonderland', { browser: false, ownerId: null })
	).toEqual({ refusal: 'badCredentials' });
	// Junk stays empty until email authentication files mail there.
	expect(lab.mailboxes.list(login(lab, 'alice', 'wonderland'), 'Junk')).toEqual([]);
}, 30_000);

it('a class login reads the class-wide mail that was delivered while it was in the class', async () => {
	const lab = await start();
	const teacher = lab.owners.signer.issueOwner().id;
	const room = lab.classes.create(viewerOf(teacher), 'Readers');
	const domain = `${room.code.toLowerCase()}.class.test`;
	const join = (nickname: string) => {
		const student = lab.classes.join(
			viewerOf(lab.owners.signer.issueOwner().id),
			room.code,
			nickname
		);
		return login(lab, `${nickname}@${domain}`, lab.store.owners.get(student.ownerId)!.password);
	};
	const ana = join('ana');
	const teacherLogin = lab.store.owners.get(teacher) ?? lab.owners.owner(teacher);
	const { c } = await ready(lab, 'submission', [teacherLogin.name, teacherLogin.password]);
	const t = await transaction(
		c,
		`teacher@${teacherLogin.name}.test`,
		[`class@${domain}`],
		message('to all')
	);
	c.close();
	const toAll = t.messageId!;
	await until(() => lab.store.messages.has(toAll));
	// Ben joined after the class-wide mail went out: it was never his.
	const ben = join('ben');
	expect(inbox(lab, ana)).toEqual([toAll]);
	expect(inbox(lab, ben)).toEqual([]);
	expect(ana.label).toBe(`ana@${domain} and class@${domain}`);
}, 30_000);

it('Sent holds what the login submitted', async () => {
	const lab = await start();
	const sent = await submit(lab, 'bob', 'builder', messageBytes('sent by bob'));
	await sendToMx(lab, ['bob@example.com'], messageBytes('to bob'));
	expect(lab.mailboxes.list(login(lab, 'bob', 'builder'), 'Sent').map((e) => e.messageId)).toEqual([
		sent
	]);
	expect(lab.mailboxes.list(login(lab, 'alice', 'wonderland'), 'Sent')).toEqual([]);
}, 30_000);

it('in VISIBILITY=private a shared account logs in only in the browser, and sees what that browser may', async () => {
	const lab = await start({ visibility: 'private' });
	const owner = lab.owners.owner(lab.owners.signer.issueOwner().id);
	expect(
		lab.mailboxes.resolveReadLogin('alice', 'wonderland', { browser: false, ownerId: null })
	).toEqual({ refusal: 'sharedAccountInBrowserOnly' });
	expect(login(lab, owner.name, owner.password).kind).toBe('personal');

	// Mail to alice from the mx listener is nobody's: the browser's owner may not see it.
	await sendToMx(lab, ['alice@example.com'], messageBytes('unclaimed'));
	const browserOwner = lab.owners.signer.issueOwner().id;
	expect(inbox(lab, login(lab, 'alice', 'wonderland', browserOwner))).toEqual([]);
	// Alice's mail the owner submitted with their personal login is theirs to read.
	const mine = await submit(
		lab,
		owner.name,
		owner.password,
		messageBytes('mine'),
		'alice@example.com'
	);
	expect(inbox(lab, login(lab, 'alice', 'wonderland', owner.id))).toEqual([mine]);
	expect(inbox(lab, login(lab, 'alice', 'wonderland', browserOwner))).toEqual([]);
}, 30_000);

it("sizes are the download's exact octets: the trace fields the message API shows, then the submitted bytes with CRLF", async () => {
	const lab = await start();
	const account = login(lab, 'alice', 'wonderland');
	const submitted = messageBytes(
		'sized',
		'Gr\u00fc\u00dfe \u2615\r\n..a stuffed dot\r\nlast line\r\n'
	);
	const id = await sendToMx(lab, ['alice@example.com'], submitted);

	const detail = (await (await callRoute(messageDetail, { id })).json()) as {
		message: MessageDetail;
	};
	// RFC 5321 §4.4, and the mx listener's checks above its Received (issue 20).
	expect(detail.message.traceFields.map((f) => f.name)).toEqual([
		'Return-Path',
		'Authentication-Results',
		'Received-SPF',
		'Received'
	]);
	const eml = Buffer.from(await (await callRoute(messageEml, { id })).arrayBuffer());
	expect(eml.subarray(eml.length - submitted.length).equals(submitted)).toBe(true);
	const trace = eml.subarray(0, eml.length - submitted.length).toString();
	expect(trace).toMatch(
		/^Return-Path: <carol@example\.org>\r\nAuthentication-Results: sandbox\.smtp-lab\.test;[^]*\r\nReceived: from /
	);
	const expected = Buffer.concat([Buffer.from(trace), submitted]);

	const [entry] = lab.mailboxes.list(account, 'INBOX');
	expect(entry).toMatchObject({ messageId: id, uid: id, size: expected.length });
	expect(lab.mailboxes.content(account, id)!.equals(expected)).toBe(true);
	expect(lab.mailboxes.content(login(lab, 'bob', 'builder'), id)).toBeNull();
}, 30_000);

it('a message that arrived with bare LF line ends downloads with CRLF, its size counting them', async () => {
	const lab = await start();
	const account = login(lab, 'alice', 'wonderland');
	const c = await RawSmtp.connect(lab.sandbox.port('mx'));
	await c.reply();
	for (const line of [
		'EHLO client.test',
		'MAIL FROM:<carol@example.org>',
		'RCPT TO:<alice@example.com>',
		'DATA'
	])
		await c.command(line);
	// Bare LFs (RFC 5321 §2.3.8 forbids them, servers meet them): the store keeps what arrived.
	const sent = 'Subject: bare\n\nline one\nline two\r\n';
	expect(await c.command(`${sent}.`)).toMatch(/^250 /);
	c.close();
	const id = await storedWith(lab, Buffer.from(sent));
	const trace = lab.store.messages.get(id)!.trace;
	const expected = Buffer.from(`${trace}Subject: bare\r\n\r\nline one\r\nline two\r\n`);
	expect(lab.mailboxes.content(account, id)!.equals(expected)).toBe(true);
	expect(lab.mailboxes.list(account, 'INBOX')[0].size).toBe(expected.length);
}, 30_000);

it('a removal is per mailbox and, with reads, survives a restart in the database; UIDs stay', async () => {
	const dataDir = newDataDir();
	const first = await start({ dataDir });
	const both = await sendToMx(
		first,
		['alice@example.com', 'bob@example.com'],
		messageBytes('both')
	);
	const aliceOnly = await sendToMx(first, ['alice@example.net'], messageBytes('alice only'));
	const alice = login(first, 'alice', 'wonderland');
	const bob = login(first, 'bob', 'builder');
	const uidsBefore = first.mailboxes.list(alice, 'INBOX').map((e) => e.uid);

	expect(first.mailboxes.recordRead(alice, both, act('RETR'))).toBe(true);
	// Fetched again in the same session: nothing new to tell (nor to store).
	expect(first.mailboxes.recordRead(alice, both, act('RETR'))).toBe(true);
	expect(first.store.messages.get(both)!.summary.readerActs).toHaveLength(1);
	expect(first.mailboxes.remove(alice, [both, 'not-a-message'], act('DELE'))).toEqual([both]);
	expect(inbox(first, alice)).toEqual([aliceOnly]);
	expect(inbox(first, bob)).toEqual([both]);
	expect(first.mailboxes.content(alice, both)).toBeNull();
	// Removed once is removed: a second removal and a read of it are refused.
	expect(first.mailboxes.remove(alice, [both], act('DELE'))).toEqual([]);
	expect(first.mailboxes.recordRead(alice, both, act('RETR'))).toBe(false);
	await first.close();
	labs.splice(0);

	const second = await start({ dataDir });
	const aliceAgain = login(second, 'alice', 'wonderland');
	expect(inbox(second, aliceAgain)).toEqual([aliceOnly]);
	expect(inbox(second, login(second, 'bob', 'builder'))).toEqual([both]);
	expect(second.mailboxes.list(aliceAgain, 'INBOX').map((e) => e.uid)).toEqual(
		uidsBefore.filter((uid) => uid !== both)
	);
	// The message stays, saying what its readers did.
	const detail = (await (await callRoute(messageDetail, { id: both })).json()) as {
		message: MessageDetail;
	};
	expect(detail.message.readerActs).toEqual([
		{ act: 'read', mailbox: 'alice', ...act('RETR') },
		{ act: 'removed', mailbox: 'alice', ...act('DELE') }
	]);
}, 30_000);
