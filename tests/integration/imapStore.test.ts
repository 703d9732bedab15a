/**
 * The IMAP store (issue 19, server/mailboxes/imapFolders.ts, folderView.ts) over the real store,
 * a real SQLite file and real clients sending the mail (Python's smtplib; POP3 through Python's
 * poplib): folders, UIDs and UIDVALIDITY (RFC 3501 §2.3.1.1), flags and \Recent (§2.3.2),
 * STORE's modes (§6.4.6), EXPUNGE's numbering (§7.4.1), COPY (§6.4.7), APPEND (§6.3.11),
 * CREATE / DELETE / RENAME (§6.3.3–§6.3.5), SUBSCRIBE (§6.3.6), INBOX shared with POP3, and the
 * named limits at their edges.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { ReadAccount, ReaderActBy } from '../../server/mailboxes/mailboxes';
import type { FolderView } from '../../server/mailboxes/folderView';
import type { ImapRefusal } from '../../server/mailboxes/imapFolders';
import { until } from './harness';
import { startQuickLab } from './smtpSession';

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

/** Closes the lab (its database written) and starts another on the same data directory. */
async function restart(lab: Lab, dataDir: string): Promise<Lab> {
	await lab.close();
	labs.splice(labs.indexOf(lab), 1);
	return start({ dataDir });
}

function newDataDir(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-imapstore-'));
	dirs.push(dir);
	return dir;
}

function messageBytes(subject: string): Buffer {
	return Buffer.from(
		`From: Carol <carol@example.org>\r\nTo: readers@example.com\r\nSubject: ${subject}\r\n\r\nHello, reader.\r\n`
	);
}

/** Sends each message with smtplib to the mx listener, in order; their ids. */
async function sendToMx(lab: Lab, rcpt: string, ...subjects: string[]): Promise<string[]> {
	const ids: string[] = [];
	for (const subject of subjects) {
		const bytes = messageBytes(subject);
		const script = `
import smtplib, sys
with smtplib.SMTP('127.0.0.1', ${lab.sandbox.port('mx')}) as mx:
    mx.sendmail('carol@example.org', [${JSON.stringify(rcpt)}], sys.stdin.buffer.read())
`;
		const child = run('/usr/bin/python3', ['-c', script]);
		child.child.stdin!.end(bytes);
		await child;
		let id: string | undefined;
		await until(() => {
			id = [...lab.store.messages.values()].find((m) => m.raw.equals(bytes))?.summary.id;
			return id !== undefined;
		});
		ids.push(id!);
	}
	return ids;
}

function login(lab: Lab, user: string, password: string, browserOwner: string | null = null) {
	const answer = lab.mailboxes.resolveReadLogin(user, password, {
		browser: browserOwner !== null,
		ownerId: browserOwner
	});
	if (!('account' in answer)) throw new Error(`refused: ${answer.refusal}`);
	return answer.account;
}

const by = (command: string, sessionId = 'imap-session-in-a-test'): ReaderActBy => ({
	sessionId,
	at: Date.parse('2026-12-01T21:30:00Z'),
	protocol: 'imap',
	command
});

function opened(lab: Lab, account: ReadAccount, name: string, readOnly = false): FolderView {
	const view = lab.mailboxes.imap.open(account, name, readOnly);
	if ('refusal' in view) throw new Error(`refused: ${view.refusal}`);
	return view;
}

function ok<T extends object>(answer: T | ImapRefusal): T {
	if ('refusal' in answer) throw new Error(`refused: ${answer.refusal}`);
	return answer;
}

/** STORE, refusals thrown: [uid, flags] of each entry it changed. */
function store(
	view: FolderView,
	uids: number[],
	flags: string[],
	mode: Parameters<FolderView['store']>[2]
): [number, string[]][] {
	const changed = view.store(uids, flags, mode);
	if ('refusal' in changed) throw new Error(`refused: ${changed.refusal}`);
	return changed.map((e) => [e.uid, e.flags]);
}

const subjectsOf = (lab: Lab, view: FolderView) =>
	view.uids.map((uid) => lab.store.messages.get(view.entry(uid)!.messageId)!.summary.subject);

it('every account has INBOX (\\Noinferiors), Sent and Junk; INBOX in any case; UIDs ascend in arrival order', async () => {
	const lab = await start();
	const alice = login(lab, 'alice', 'wonderland');
	await sendToMx(lab, 'alice@example.com', 'one', 'two', 'three');
	expect(lab.mailboxes.imap.list(alice)).toEqual([
		{ name: 'INBOX', attributes: ['\\Noinferiors'], subscribed: false },
		{ name: 'Junk', attributes: [], subscribed: false },
		{ name: 'Sent', attributes: [], subscribed: false }
	]);
	const status = ok(lab.mailboxes.imap.status(alice, 'Inbox'));
	expect(status).toMatchObject({ messages: 3, recent: 3, uidNext: 4, unseen: 3 });
	const view = opened(lab, alice, 'inbox');
	expect(view.uidValidity).toBe(status.uidValidity);
	expect(view.name).toBe('INBOX');
	expect(view.uids).toEqual([1, 2, 3]);
	expect(view.uidNext).toBe(4);
	expect(subjectsOf(lab, view)).toEqual(['one', 'two', 'three']);
	expect(view.seqOf(2)).toBe(2);
	expect(view.uidAt(3)).toBe(3);
	expect(view.seqOf(4)).toBe(0);
	expect(view.uidValidity).toBeGreaterThan(0);
	expect(view.uidValidity).toBeLessThan(2 ** 32);
	// Bob's INBOX is his own numbering.
	expect(opened(lab, login(lab, 'bob', 'builder'), 'INBOX').uids).toEqual([]);
}, 30_000);

it('UIDs, UIDVALIDITY, flags and subscriptions survive a restart (the SQLite file); new mail continues the numbering', async () => {
	const dataDir = newDataDir();
	const first = await start({ dataDir });
	const alice = login(first, 'alice', 'wonderland');
	await sendToMx(first, 'alice@example.com', 'one', 'two');
	const view = opened(first, alice, 'INBOX');
	store(view, [2], ['\\Flagged', '\\Answered'], 'add');
	ok(first.mailboxes.imap.create(alice, 'Archive/2026'));
	ok(first.mailboxes.imap.subscribe(alice, 'Archive/2026'));
	expect(ok(view.copy([1], 'Archive/2026')).uids).toEqual([1]);
	const validity = view.uidValidity;
	const archiveValidity = ok(first.mailboxes.imap.status(alice, 'Archive/2026')).uidValidity;

	const second = await restart(first, dataDir);
	const again = login(second, 'alice', 'wonderland');
	const inbox = opened(second, again, 'INBOX');
	expect(inbox.uidValidity).toBe(validity);
	expect(inbox.uids).toEqual([1, 2]);
	expect(subjectsOf(second, inbox)).toEqual(['one', 'two']);
	expect(inbox.entry(2)!.flags).toEqual(['\\Answered', '\\Flagged']);
	expect(inbox.entry(1)!.flags).toEqual([]);
	expect(second.mailboxes.imap.list(again).map((f) => [f.name, f.subscribed])).toEqual([
		['INBOX', false],
		['Archive', false],
		['Archive/2026', true],
		['Junk', false],
		['Sent', false]
	]);
	const archive = opened(second, again, 'Archive/2026');
	expect(archive.uidValidity).toBe(archiveValidity);
	expect(subjectsOf(second, archive)).toEqual(['one']);
	await sendToMx(second, 'alice@example.com', 'three');
	expect(inbox.sync()).toMatchObject({ expunged: [], exists: 3 });
	expect(inbox.uids).toEqual([1, 2, 3]);
}, 40_000);

it('DELETE then CREATE of a name gives a new UIDVALIDITY (§2.3.1.1); a folder with inferiors becomes \\Noselect (§6.3.4); system folders stay', async () => {
	const lab = await start();
	const imap = lab.mailboxes.imap;
	const alice = login(lab, 'alice', 'wonderland');
	// A trailing delimiter declares a parent-to-be; missing superiors are created (§6.3.3).
	expect(imap.create(alice, 'Projects/')).toEqual({ name: 'Projects' });
	expect(imap.create(alice, 'Projects')).toEqual({ refusal: 'exists' });
	expect(imap.create(alice, 'Work/Old/2025')).toEqual({ name: 'Work/Old/2025' });
	expect(imap.list(alice).map((f) => f.name)).toEqual([
		'INBOX',
		'Junk',
		'Projects',
		'Sent',
		'Work',
		'Work/Old',
		'Work/Old/2025'
	]);
	const before = ok(imap.status(alice, 'Projects')).uidValidity;
	expect(imap.delete(alice, 'Projects')).toEqual({ name: 'Projects' });
	expect(imap.status(alice, 'Projects')).toEqual({ refusal: 'noSuchFolder' });
	ok(imap.create(alice, 'Projects'));
	expect(ok(imap.status(alice, 'Projects')).uidValidity).toBeGreaterThan(before);

	// Work has inferiors: its name stays, \Noselect, and a second DELETE is an error.
	expect(imap.delete(alice, 'Work')).toEqual({ name: 'Work' });
	expect(imap.list(alice).find((f) => f.name === 'Work')!.attributes).toEqual(['\\Noselect']);
	expect(imap.open(alice, 'Work', false)).toEqual({ refusal: 'noselect' });
	expect(imap.delete(alice, 'Work')).toEqual({ refusal: 'noselect' });
	// CREATE makes it a mailbox again, a new one.
	const kept = ok(imap.status(alice, 'Work/Old')).uidValidity;
	expect(imap.create(alice, 'Work')).toEqual({ name: 'Work' });
	expect(imap.list(alice).find((f) => f.name === 'Work')!.attributes).toEqual([]);
	expect(ok(imap.status(alice, 'Work')).uidValidity).toBeGreaterThan(kept);
	expect(imap.create(alice, 'Work')).toEqual({ refusal: 'exists' });

	for (const name of ['INBOX', 'inbox', 'Sent', 'Junk'])
		expect(imap.delete(alice, name)).toEqual({ refusal: 'systemFolder' });
	expect(imap.create(alice, 'INBOX')).toEqual({ refusal: 'systemFolder' });
	for (const under of ['INBOX/child', 'inbox/child', 'Inbox/a/b'])
		expect(imap.create(alice, under)).toEqual({ refusal: 'noinferiors' });
	expect(imap.rename(alice, 'Projects', 'inbox/Projects', by('RENAME'))).toEqual({
		refusal: 'noinferiors'
	});
	for (const bad of ['', 'a//b', '/lead', 'star*', 'per%cent'])
		expect(imap.create(alice, bad)).toEqual({ refusal: 'badName' });
	expect(imap.delete(alice, 'Nowhere')).toEqual({ refusal: 'noSuchFolder' });
}, 30_000);

it('RENAME carries inferiors and keeps UIDs (§6.3.5); renaming INBOX moves its messages and empties it for POP3 too', async () => {
	const lab = await start();
	const imap = lab.mailboxes.imap;
	const alice = login(lab, 'alice', 'wonderland');
	await sendToMx(lab, 'alice@example.com', 'one', 'two');
	ok(imap.create(alice, 'Work/Old'));
	const inbox = opened(lab, alice, 'INBOX');
	ok(inbox.copy([2], 'Work/Old'));
	const validity = ok(imap.status(alice, 'Work/Old')).uidValidity;
	expect(imap.rename(alice, 'Work', 'Jobs/Past', by('RENAME'))).toEqual({ name: 'Jobs/Past' });
	expect(imap.list(alice).map((f) => f.name)).toEqual([
		'INBOX',
		'Jobs',
		'Jobs/Past',
		'Jobs/Past/Old',
		'Junk',
		'Sent'
	]);
	const moved = opened(lab, alice, 'Jobs/Past/Old');
	expect(moved.uidValidity).toBe(validity);
	expect(subjectsOf(lab, moved)).toEqual(['two']);
	expect(imap.rename(alice, 'Jobs', 'Jobs/Inner', by('RENAME'))).toEqual({ refusal: 'intoItself' });
	expect(imap.rename(alice, 'Sent', 'Outbox', by('RENAME'))).toEqual({ refusal: 'systemFolder' });
	expect(imap.rename(alice, 'Jobs', 'Junk', by('RENAME'))).toEqual({ refusal: 'exists' });
	expect(imap.rename(alice, 'Nowhere', 'Else', by('RENAME'))).toEqual({ refusal: 'noSuchFolder' });

	expect(imap.rename(alice, 'inbox', 'Old mail', by('RENAME'))).toEqual({ name: 'Old mail' });
	expect(subjectsOf(lab, opened(lab, alice, 'Old mail'))).toEqual(['one', 'two']);
	expect(inbox.sync().expunged).toEqual([1, 1]);
	expect(opened(lab, alice, 'INBOX').uids).toEqual([]);
	expect(lab.mailboxes.list(alice, 'INBOX')).toEqual([]);
	// New mail arrives in INBOX as before.
	await sendToMx(lab, 'alice@example.com', 'three');
	expect(subjectsOf(lab, opened(lab, alice, 'INBOX'))).toEqual(['three']);
}, 30_000);

it("STORE's modes (§6.4.6) keep only PERMANENTFLAGS; \\Recent goes to the first SELECT only (§2.3.2); EXAMINE changes nothing", async () => {
	const lab = await start();
	const alice = login(lab, 'alice', 'wonderland');
	await sendToMx(lab, 'alice@example.com', 'one', 'two');
	const examined = opened(lab, alice, 'INBOX', true);
	// EXAMINE shows them recent without taking that from the session that selects next.
	expect(examined.recent).toBe(2);
	expect(examined.entry(1)!.flags).toEqual(['\\Recent']);
	expect(ok(lab.mailboxes.imap.status(alice, 'INBOX')).recent).toBe(2);
	const first = opened(lab, alice, 'INBOX');
	expect(first.recent).toBe(2);
	expect(first.entry(1)!.flags).toEqual(['\\Recent']);
	const second = opened(lab, alice, 'INBOX');
	expect(second.recent).toBe(0);
	expect(ok(lab.mailboxes.imap.status(alice, 'INBOX')).recent).toBe(0);
	expect(examined.recent).toBe(0);

	expect(store(first, [1, 2], ['\\Seen', '\\Deleted'], 'replace')).toEqual([
		[1, ['\\Seen', '\\Deleted', '\\Recent']],
		[2, ['\\Seen', '\\Deleted', '\\Recent']]
	]);
	expect(store(first, [1], ['\\Deleted', '$Label', '\\Recent'], 'remove')).toEqual([
		[1, ['\\Seen', '\\Recent']]
	]);
	// Adding what is there already changes nothing; keywords and \Recent are not kept (§7.1).
	expect(store(first, [1], ['\\seen', '$Label', '\\Recent'], 'add')).toEqual([]);
	expect(store(first, [2], ['\\Flagged'], 'add')).toEqual([
		[2, ['\\Seen', '\\Flagged', '\\Deleted', '\\Recent']]
	]);
	// The other session hears of both changes at its next sync, in sequence order.
	expect(second.sync().flags.map((e) => [e.seq, e.flags])).toEqual([
		[1, ['\\Seen']],
		[2, ['\\Seen', '\\Flagged', '\\Deleted']]
	]);
	expect(examined.store([1], ['\\Flagged'], 'add')).toEqual({ refusal: 'readOnly' });
	expect(examined.expunge(by('EXPUNGE'))).toEqual({ refusal: 'readOnly' });
}, 30_000);

it('EXPUNGE numbers each message relative to the state after the one before (§7.4.1: 3, 4, 7, 11 of 11 → 3, 3, 5, 8), for this session and the others', async () => {
	const lab = await start();
	const alice = login(lab, 'alice', 'wonderland');
	const subjects = Array.from({ length: 11 }, (_, i) => `m${i + 1}`);
	await sendToMx(lab, 'alice@example.com', ...subjects);
	const session = opened(lab, alice, 'INBOX');
	const watcher = opened(lab, alice, 'INBOX');
	let told = 0;
	watcher.on('change', () => told++);
	store(session, [3, 4, 7, 11], ['\\Deleted'], 'add');
	expect(session.expunge(by('EXPUNGE'))).toEqual([3, 3, 5, 8]);
	expect(session.uids).toEqual([1, 2, 5, 6, 8, 9, 10]);
	expect(told).toBeGreaterThan(0);
	// The watcher's map holds them until it syncs (§7.4.1: never during FETCH, STORE, SEARCH).
	expect(watcher.exists).toBe(11);
	expect(watcher.sync()).toEqual({ expunged: [3, 3, 5, 8], exists: null, recent: null, flags: [] });
	expect(watcher.uids).toEqual(session.uids);
	// Each expunged INBOX copy is removed from the mailbox as POP3's QUIT would, once.
	const removed = [3, 4, 7, 11].map((n) => lab.store.messages.get(idOf(lab, `m${n}`))!);
	for (const stored of removed)
		expect(stored.summary.readerActs).toEqual([
			{ act: 'removed', mailbox: 'alice', ...by('EXPUNGE') }
		]);
	expect(lab.mailboxes.list(alice, 'INBOX').length).toBe(7);
	expect(session.expunge(by('EXPUNGE'))).toEqual([]);
}, 40_000);

function idOf(lab: Lab, subject: string): string {
	return [...lab.store.messages.values()].find((m) => m.summary.subject === subject)!.summary.id;
}

it('COPY keeps flags and internal dates with new UIDs in the target (§6.4.7); APPEND stores the bytes as given, counted by the quotas (§6.3.11)', async () => {
	const lab = await start();
	const imap = lab.mailboxes.imap;
	const owner = lab.owners.owner(lab.owners.signer.issueOwner().id);
	const me = login(lab, owner.name, owner.password);
	const domain = me.mailbox;
	await sendToMx(lab, `me@${domain}`, 'one', 'two');
	const inbox = opened(lab, me, 'INBOX');
	store(inbox, [2], ['\\Flagged'], 'add');
	expect(inbox.copy([1, 2], 'Keep')).toEqual({ refusal: 'noSuchFolder' });
	ok(imap.create(me, 'Keep'));
	const copied = ok(inbox.copy([2, 1], 'Keep'));
	expect(copied.uids).toEqual([1, 2]);
	expect(copied.sourceUids).toEqual([2, 1]);
	const keep = opened(lab, me, 'Keep');
	expect(keep.uids.map((uid) => keep.entry(uid)!.flags)).toEqual([
		['\\Flagged', '\\Recent'],
		['\\Recent']
	]);
	expect(keep.entry(1)!.internalDate).toBe(inbox.entry(2)!.internalDate);
	expect(keep.content(1)!.equals(inbox.content(2)!)).toBe(true);
	// Expunging a copy removes that entry only: INBOX keeps its message, POP3 still lists it.
	store(keep, [1], ['\\Deleted'], 'add');
	expect(keep.expunge(by('EXPUNGE'))).toEqual([1]);
	expect(inbox.sync().expunged).toEqual([]);
	expect(lab.mailboxes.list(me, 'INBOX').length).toBe(2);

	const bytes = Buffer.from('From: me\r\nSubject: draft\r\n\r\nbare\nline, kept as sent\r\n');
	const usedBefore = lab.store.usage.ofOwner(owner.id);
	const date = Date.parse('2026-11-30T08:00:00Z');
	const appended = ok(imap.append(me, 'Sent', bytes, ['\\Seen', '\\Draft', '$Later'], date));
	const sent = opened(lab, me, 'Sent');
	expect(appended).toEqual({ uidValidity: sent.uidValidity, uid: 1 });
	const entry = sent.entry(1)!;
	expect(entry.flags).toEqual(['\\Seen', '\\Draft', '\\Recent']);
	expect(entry.internalDate).toBe(date);
	const stored = lab.store.messages.get(entry.messageId)!;
	expect(stored.raw.equals(bytes)).toBe(true);
	expect(stored.owners).toEqual([owner.id]);
	expect(stored.summary).toMatchObject({ kind: 'mail', sessionId: null, subject: 'draft' });
	expect(lab.store.usage.ofOwner(owner.id)).toBe(usedBefore + bytes.length);
	expect(imap.append(me, 'Nowhere', bytes, [], null)).toEqual({ refusal: 'noSuchFolder' });
}, 30_000);

it('POP3 and IMAP share INBOX: poplib DELE+QUIT expunges it from a selected IMAP session; an IMAP EXPUNGE is gone from POP3', async () => {
	const lab = await start();
	const alice = login(lab, 'alice', 'wonderland');
	await sendToMx(lab, 'alice@example.com', 'one', 'two', 'three');
	const session = opened(lab, alice, 'INBOX');
	let told = 0;
	session.on('change', () => told++);
	// poplib: argv[2] 'dele N' deletes message N and quits; 'list' prints the scan listing.
	const script = `
import poplib, ssl, sys, json
c = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ssl._create_unverified_context())
c.user('alice'); c.pass_('wonderland')
if sys.argv[2] == 'list': print(json.dumps([line.decode() for line in c.list()[1]]))
else: c.dele(int(sys.argv[2].split()[1]))
c.quit()
`;
	const poplib = async (what: string) =>
		(await run('/usr/bin/python3', ['-c', script, String(lab.sandbox.port('pop3s')), what])).stdout;
	await poplib('dele 2');
	// Told by the store's event, as IDLE needs: no IMAP or POP3 command read the folder since.
	expect(told).toBeGreaterThan(0);
	expect(session.sync()).toMatchObject({ expunged: [2], exists: null });
	expect(subjectsOf(lab, session)).toEqual(['one', 'three']);
	expect(lab.store.messages.get(idOf(lab, 'two'))!.summary.readerActs).toMatchObject([
		{ act: 'removed', mailbox: 'alice', protocol: 'pop3', command: 'QUIT' }
	]);
	expect(JSON.parse(await poplib('list'))).toHaveLength(2);

	store(session, [1], ['\\Deleted'], 'add');
	expect(session.expunge(by('EXPUNGE'))).toEqual([1]);
	expect(JSON.parse(await poplib('list'))).toHaveLength(1);
	expect(lab.mailboxes.list(alice, 'INBOX').map((e) => e.messageId)).toEqual([idOf(lab, 'three')]);
}, 40_000);

it('a body fetch (not PEEK) sets \\Seen and records one read per session and command; in EXAMINE it records the read only (§6.4.5, §6.3.2)', async () => {
	const lab = await start();
	const alice = login(lab, 'alice', 'wonderland');
	const [id] = await sendToMx(lab, 'alice@example.com', 'one');
	const examined = opened(lab, alice, 'INBOX', true);
	expect(examined.markRead(1, by('FETCH', 'examining'))).toBe(false);
	expect(examined.entry(1)!.flags).toEqual(['\\Recent']);
	const session = opened(lab, alice, 'INBOX');
	expect(session.markRead(1, by('FETCH'))).toBe(true);
	expect(session.markRead(1, by('FETCH'))).toBe(false);
	expect(session.entry(1)!.flags).toEqual(['\\Seen', '\\Recent']);
	expect(lab.store.messages.get(id)!.summary.readerActs).toEqual([
		{ act: 'read', mailbox: 'alice', ...by('FETCH', 'examining') },
		{ act: 'read', mailbox: 'alice', ...by('FETCH') }
	]);
	expect(examined.sync().flags.map((e) => e.flags)).toEqual([['\\Seen']]);
}, 30_000);

it('in VISIBILITY=private each browser owner has its own folders for a shared account, and its INBOX lists only what it may see', async () => {
	const lab = await start({ visibility: 'private' });
	const imap = lab.mailboxes.imap;
	const ownerA = lab.owners.owner(lab.owners.signer.issueOwner().id);
	const ownerB = lab.owners.signer.issueOwner().id;
	await sendToMx(lab, 'alice@example.com', 'unclaimed');
	const script = `
import smtplib, ssl, sys
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as s:
    s.starttls(context=ssl._create_unverified_context())
    s.login(sys.argv[2], sys.argv[3])
    s.sendmail('me@example.com', ['alice@example.com'], b'Subject: mine\\r\\n\\r\\nhi\\r\\n')
`;
	await run('/usr/bin/python3', [
		'-c',
		script,
		String(lab.sandbox.port('submission')),
		ownerA.name,
		ownerA.password
	]);
	await until(() => [...lab.store.messages.values()].some((m) => m.summary.subject === 'mine'));
	const aliceOfA = login(lab, 'alice', 'wonderland', ownerA.id);
	const aliceOfB = login(lab, 'alice', 'wonderland', ownerB);
	expect(subjectsOf(lab, opened(lab, aliceOfA, 'INBOX'))).toEqual(['mine']);
	expect(subjectsOf(lab, opened(lab, aliceOfB, 'INBOX'))).toEqual([]);
	ok(imap.create(aliceOfA, 'Private/Notes'));
	expect(imap.list(aliceOfB).map((f) => f.name)).toEqual(['INBOX', 'Junk', 'Sent']);
	expect(imap.status(aliceOfB, 'Private/Notes')).toEqual({ refusal: 'noSuchFolder' });
}, 40_000);

it('IMAP_MAX_FOLDERS_PER_ACCOUNT, IMAP_MAX_MESSAGES_PER_FOLDER and IMAP_MAX_FOLDER_NAME_BYTES hold at their edges', async () => {
	const lab = await start({
		imapMaxFoldersPerAccount: 5,
		imapMaxMessagesPerFolder: 2,
		imapMaxFolderNameBytes: 8
	});
	const imap = lab.mailboxes.imap;
	const alice = login(lab, 'alice', 'wonderland');
	// Three system folders: room for two more, and a create that needs three makes none.
	expect(imap.create(alice, 'a/b/c')).toEqual({ refusal: 'tooManyFolders', limit: 5 });
	expect(imap.list(alice)).toHaveLength(3);
	ok(imap.create(alice, 'a/b'));
	expect(imap.create(alice, 'c')).toEqual({ refusal: 'tooManyFolders', limit: 5 });
	expect(imap.delete(alice, 'a/b')).toEqual({ name: 'a/b' });
	// UTF-8 octets: 'Größe12' is 9.
	expect(imap.create(alice, '12345678')).toEqual({ name: '12345678' });
	expect(imap.create(alice, 'Größe12')).toEqual({ refusal: 'nameTooLong', limit: 8 });

	await sendToMx(lab, 'alice@example.com', 'one', 'two', 'three');
	const inbox = opened(lab, alice, 'INBOX');
	expect(inbox.copy([1, 2, 3], '12345678')).toEqual({ refusal: 'folderFull', limit: 2 });
	expect(ok(inbox.copy([1, 2], '12345678')).uids).toEqual([1, 2]);
	expect(imap.append(alice, '12345678', Buffer.from('Subject: x\r\n\r\n'), [], null)).toEqual({
		refusal: 'folderFull',
		limit: 2
	});
	// Delivery is bounded by the storage quotas, not by this limit.
	expect(inbox.exists).toBe(3);
	// Subscriptions outlive their folders (§6.3.6), so they are bounded too.
	for (const name of ['INBOX', 'Sent', 'Junk', 'a', '12345678'])
		expect(imap.subscribe(alice, name)).toEqual({ name });
	ok(imap.delete(alice, '12345678'));
	ok(imap.create(alice, 'b'));
	expect(imap.subscribe(alice, 'b')).toEqual({ refusal: 'tooManyFolders', limit: 5 });
	expect(imap.subscribed(alice).map((f) => [f.name, f.attributes])).toContainEqual([
		'12345678',
		['\\Noselect']
	]);
}, 40_000);

it('APPEND past MAX_STORED_BYTES_PER_OWNER is refused and stores nothing', async () => {
	const lab = await start({ maxStoredBytesPerOwner: 1000 });
	const owner = lab.owners.owner(lab.owners.signer.issueOwner().id);
	const me = login(lab, owner.name, owner.password);
	const fits = Buffer.alloc(1000, 'a');
	const count = lab.store.messages.size;
	expect(lab.mailboxes.imap.append(me, 'INBOX', Buffer.alloc(1001, 'a'), [], null)).toEqual({
		refusal: 'ownerStorageFull',
		limit: 1000
	});
	expect(lab.store.messages.size).toBe(count);
	expect(ok(lab.mailboxes.imap.append(me, 'INBOX', fits, [], null)).uid).toBe(1);
	expect(lab.mailboxes.imap.append(me, 'INBOX', Buffer.from('x'), [], null)).toEqual({
		refusal: 'ownerStorageFull',
		limit: 1000
	});
}, 30_000);

it('a message APPENDed to INBOX is in the POP3 maildrop too: poplib RETRs its bytes and DELE+QUIT expunges it from IMAP', async () => {
	const lab = await start();
	const alice = login(lab, 'alice', 'wonderland');
	const bytes = Buffer.from('From: alice@example.com\r\nSubject: filed by hand\r\n\r\nkept\r\n');
	expect(ok(lab.mailboxes.imap.append(alice, 'INBOX', bytes, [], null)).uid).toBe(1);
	const session = opened(lab, alice, 'INBOX');
	const script = `
import poplib, ssl, sys, json
c = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ssl._create_unverified_context())
c.user('alice'); c.pass_('wonderland')
listed = [line.decode() for line in c.list()[1]]
body = b''.join(line + b'\\r\\n' for line in c.retr(1)[1]).decode()
c.dele(1)
c.quit()
print(json.dumps({'listed': listed, 'body': body}))
`;
	const { stdout } = await run('/usr/bin/python3', [
		'-c',
		script,
		String(lab.sandbox.port('pop3s'))
	]);
	expect(JSON.parse(stdout)).toEqual({ listed: [`1 ${bytes.length}`], body: bytes.toString() });
	expect(session.sync().expunged).toEqual([1]);
	expect(opened(lab, alice, 'INBOX').uids).toEqual([]);
}, 30_000);

it('a message gone from the lab (its last owner deleted it, the operator cleared mail) leaves every folder and every session', async () => {
	const lab = await start();
	const owner = lab.owners.owner(lab.owners.signer.issueOwner().id);
	const me = login(lab, owner.name, owner.password);
	const bytes = Buffer.from('Subject: mine\r\n\r\nmine\r\n');
	ok(lab.mailboxes.imap.append(me, 'INBOX', bytes, [], null));
	ok(lab.mailboxes.imap.append(me, 'INBOX', bytes, [], null));
	const inbox = opened(lab, me, 'INBOX');
	ok(lab.mailboxes.imap.create(me, 'Keep'));
	ok(inbox.copy([1, 2], 'Keep'));
	const keep = opened(lab, me, 'Keep');
	expect(lab.store.releaseMessage(inbox.entry(1)!.messageId, owner.id)).toBe(true);
	expect(inbox.sync().expunged).toEqual([1]);
	expect(keep.sync().expunged).toEqual([1]);
	lab.store.clearMessages();
	expect(inbox.sync().expunged).toEqual([1]);
	expect(keep.sync().expunged).toEqual([1]);
	expect(ok(lab.mailboxes.imap.status(me, 'Keep'))).toMatchObject({ messages: 0, uidNext: 3 });
}, 30_000);

it('new mail reaches selected sessions at once (IDLE, RFC 2177): a change event, then EXISTS, with \\Recent for the session selected first (§2.3.2)', async () => {
	const lab = await start();
	const alice = login(lab, 'alice', 'wonderland');
	await sendToMx(lab, 'alice@example.com', 'one');
	const first = opened(lab, alice, 'INBOX');
	const second = opened(lab, alice, 'INBOX');
	const examined = opened(lab, alice, 'INBOX', true);
	let told = 0;
	second.on('change', () => told++);
	await sendToMx(lab, 'alice@example.com', 'two');
	expect(told).toBe(1);
	expect(first.sync()).toEqual({ expunged: [], exists: 2, recent: 2, flags: [] });
	expect(second.sync()).toEqual({ expunged: [], exists: 2, recent: 0, flags: [] });
	expect(examined.sync()).toEqual({ expunged: [], exists: 2, recent: 0, flags: [] });
	expect(second.sync()).toEqual({ expunged: [], exists: null, recent: null, flags: [] });
	expect(subjectsOf(lab, second)).toEqual(['one', 'two']);
}, 30_000);
