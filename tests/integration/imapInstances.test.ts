/**
 * Issue 21: IMAP folders (server/mailboxes/imapFolders.ts) across two instances on one
 * PostgreSQL (a private cluster, tests/postgresCluster.ts), read by imapflow over real sockets.
 * A client that moves to the other instance sees exactly the UIDVALIDITY, UIDs, flags and folders
 * it saw (RFC 3501 §2.3.1.1: UIDs persist, unique and ascending); mail arriving afterwards gets
 * the next UID on both; an instance that does not serve the account neither writes an old copy of
 * its folders over a newer one nor numbers mail the serving instance numbers too.
 */
import { deserialize } from 'node:v8';
import type { ImapFlow } from 'imapflow';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { StoreBatch } from '../../server/store/persistence';
import { aliceImapFlow, RawImap } from './imapClient';
import { usePostgresDatabase } from '../postgresCluster';
import { until } from './harness';
import { message, ready, startQuickLab, transaction } from './smtpSession';

const database = usePostgresDatabase();
const labs: Lab[] = [];
const clients: (ImapFlow | RawImap)[] = [];

afterEach(async () => {
	for (const client of clients.splice(0))
		if (client instanceof RawImap) client.socket.destroy();
		else client.close();
	for (const lab of labs.splice(0)) await lab.close();
});

async function instance(): Promise<Lab> {
	const lab = await startQuickLab({ databaseUrl: database.url, pgPollMs: 50, pgPeerCheckMs: 100 });
	labs.push(lab);
	return lab;
}

/** Mail for alice@example.com (the IMAP account alice) through the lab's mx listener: its id. */
async function deliver(lab: Lab, subject: string): Promise<string> {
	const { c } = await ready(lab, 'mx');
	const sent = await transaction(c, 'carol@example.org', ['alice@example.com'], message(subject));
	await c.command('QUIT');
	expect(sent.end).toMatch(/^250 /);
	return sent.messageId!;
}

/** A logged-in imapflow client of alice on the lab's IMAP listener. */
async function login(lab: Lab): Promise<ImapFlow> {
	const flow = aliceImapFlow(lab.sandbox.port('imap'));
	clients.push(flow);
	await flow.connect();
	return flow;
}

interface FolderSeen {
	uidValidity: number;
	uidNext: number;
	/** UID → [the message's Subject, its flags]. */
	messages: Record<number, [string, string[]]>;
}

/**
 * What SELECT and a UID FETCH of every message show of a folder; \Recent left out: it is one
 * session's (RFC 3501 §2.3.2), not the folder's.
 */
async function folder(flow: ImapFlow, name: string): Promise<FolderSeen> {
	const box = await flow.mailboxOpen(name);
	const messages: FolderSeen['messages'] = {};
	if (box.exists)
		for await (const m of flow.fetch('1:*', { uid: true, flags: true, envelope: true }))
			messages[m.uid] = [
				m.envelope?.subject ?? '',
				[...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort()
			];
	return { uidValidity: Number(box.uidValidity), uidNext: box.uidNext, messages };
}

/** The INBOX record of alice's space as the lab holds it: UID → message id. */
function inboxUids(lab: Lab): Record<number, string> {
	const inbox = [...lab.store.imapFolders.values()].find(
		(r) => r.space === 'alice' && r.name === 'INBOX'
	);
	return Object.fromEntries((inbox?.entries ?? []).map((e) => [e.uid, e.messageId]));
}

/** The newest change's id in the shared change log. */
async function lastChange(): Promise<number> {
	return Number((await database.sql('SELECT coalesce(max(id), 0) AS id FROM store_changes'))[0].id);
}

/** How many batches logged after change `after` wrote alice's INBOX. */
async function inboxWrites(after: number): Promise<number> {
	const rows = await database.sql('SELECT batch FROM store_changes WHERE id > $1', [after]);
	return rows.filter((row) =>
		(deserialize(row.batch as Buffer) as StoreBatch).imapFolders.some(
			(r) => r.space === 'alice' && r.name === 'INBOX'
		)
	).length;
}

/** Both labs hold the same folders of alice (the other's batches applied). */
function sameFolders(a: Lab, b: Lab): boolean {
	const of = (lab: Lab) =>
		JSON.stringify(
			[...lab.store.imapFolders.values()]
				.filter((r) => r.space === 'alice')
				.map((r) => [r.id, r.name, r.uidNext, r.entries.map((e) => [e.uid, e.flags, e.recent])])
				.sort()
		);
	return of(a) === of(b);
}

describe('IMAP folders on two instances', () => {
	it('a client moving from A to B sees the same UIDVALIDITY, UIDs, flags and folders; new mail via B gets the next UID on both', async () => {
		const a = await instance();
		const b = await instance();
		await deliver(a, 'first');
		const onA = await login(a);
		const inboxOnA = await folder(onA, 'INBOX');
		expect(inboxOnA.messages).toEqual({ 1: ['first', []] });
		await onA.messageFlagsAdd('1', ['\\Seen'], { uid: true });
		await onA.mailboxCreate('Kept');
		await onA.messageCopy('1', 'Kept', { uid: true });
		const keptOnA = await folder(onA, 'Kept');
		await onA.logout();
		await until(() => sameFolders(a, b));

		const onB = await login(b);
		expect((await onB.list()).map((l) => l.path).sort()).toEqual(['INBOX', 'Junk', 'Kept', 'Sent']);
		expect(await folder(onB, 'INBOX')).toEqual({
			uidValidity: inboxOnA.uidValidity,
			uidNext: 2,
			messages: { 1: ['first', ['\\Seen']] }
		});
		expect(await folder(onB, 'Kept')).toEqual({
			uidValidity: keptOnA.uidValidity,
			uidNext: 2,
			messages: { 1: ['first', ['\\Seen']] }
		});
		await onB.logout();

		const mark = await lastChange();
		await deliver(b, 'second');
		await until(() => sameFolders(a, b));
		await a.store.flush();
		// Written once, by B: A had B's INBOX before it heard of the message, so numbered nothing.
		expect(await inboxWrites(mark)).toBe(1);
		const expected = {
			uidValidity: inboxOnA.uidValidity,
			uidNext: 3,
			messages: { 1: ['first', ['\\Seen']], 2: ['second', []] }
		};
		const againOnB = await login(b);
		expect(await folder(againOnB, 'INBOX')).toEqual(expected);
		await againOnB.logout();
		await until(() => sameFolders(a, b));
		const againOnA = await login(a);
		expect(await folder(againOnA, 'INBOX')).toEqual(expected);
		await againOnA.logout();
	}, 60_000);

	it('an instance holding an older record does not write it over the newer one when it sweeps a deleted message', async () => {
		const a = await instance();
		await deliver(a, 'first');
		const second = await deliver(a, 'second');
		const first = await login(a);
		expect(Object.keys((await folder(first, 'INBOX')).messages)).toEqual(['1', '2']);
		await first.logout();
		await a.store.flush();
		// B loads A's INBOX as it is now: UIDs 1 and 2, no flags.
		const b = await instance();
		expect(Object.keys(inboxUids(b))).toEqual(['1', '2']);

		const later = await login(a);
		await later.mailboxOpen('INBOX');
		await later.messageDelete('2', { uid: true });
		await later.messageFlagsAdd('1', ['\\Seen'], { uid: true });
		await later.logout();
		await until(() => sameFolders(a, b));
		// Retention on B deletes the message A expunged: B's sweep must not bring back its old copy.
		b.store.expire([], [second]);
		await until(() => !a.store.messages.has(second));
		await b.store.flush();
		await a.store.flush();

		const expected = { uidNext: 3, messages: { 1: ['first', ['\\Seen']] } };
		const c = await instance();
		for (const lab of [c, b, a]) {
			const flow = await login(lab);
			expect(await folder(flow, 'INBOX')).toMatchObject(expected);
			await flow.logout();
		}
	}, 60_000);

	it('mail arriving on both at once is numbered by the instance serving the account only: no UID names two messages', async () => {
		const a = await instance();
		const b = await instance();
		const first = await deliver(a, 'first');
		const onA = await login(a);
		await onA.mailboxOpen('INBOX');
		await onA.logout();
		await until(() => sameFolders(a, b));
		// The client was on B once (a failover), then back on A, which changes a flag.
		const onB = await login(b);
		await onB.mailboxOpen('INBOX');
		await onB.logout();
		const backOnA = await login(a);
		await backOnA.mailboxOpen('INBOX');
		await backOnA.messageFlagsAdd('1', ['\\Seen'], { uid: true });
		await backOnA.logout();
		await until(() => sameFolders(a, b));

		// No batch reaches the other instance until both messages are in: they arrive "at once".
		const blocker = new pg.Client({ connectionString: database.url });
		await blocker.connect();
		let second: string;
		let third: string;
		try {
			await blocker.query('BEGIN');
			await blocker.query('LOCK TABLE store_changes IN ACCESS EXCLUSIVE MODE');
			second = await deliver(a, 'second');
			third = await deliver(b, 'third');
			expect(inboxUids(a)).toEqual({ 1: first, 2: second });
			expect(inboxUids(b)).toEqual({ 1: first });
		} finally {
			await blocker.query('COMMIT');
			await blocker.end();
		}
		await until(() => Object.keys(inboxUids(a)).length === 3 && sameFolders(a, b));
		expect(inboxUids(b)).toEqual({ 1: first, 2: second, 3: third });
		const expected = {
			uidNext: 4,
			messages: { 1: ['first', ['\\Seen']], 2: ['second', []], 3: ['third', []] }
		};
		for (const lab of [a, b]) {
			const flow = await login(lab);
			expect(await folder(flow, 'INBOX')).toMatchObject(expected);
			await flow.logout();
		}
	}, 60_000);

	it('a folder A renames, creates or deletes is renamed, created or deleted on B', async () => {
		const a = await instance();
		const b = await instance();
		await deliver(a, 'first');
		const onA = await login(a);
		await onA.mailboxCreate('Old');
		await onA.mailboxCreate('Gone');
		await onA.mailboxOpen('INBOX');
		await onA.messageCopy('1', 'Old', { uid: true });
		const old = (await folder(onA, 'Old')).uidValidity;
		await until(() => sameFolders(a, b));
		// B holds Old and Gone now; A renames the one and deletes the other.
		await onA.mailboxRename('Old', 'New');
		await onA.mailboxDelete('Gone');
		await onA.mailboxCreate('Fresh');
		const fresh = (await folder(onA, 'Fresh')).uidValidity;
		await onA.logout();
		await until(() => sameFolders(a, b));

		const onB = await login(b);
		expect((await onB.list()).map((l) => l.path).sort()).toEqual([
			'Fresh',
			'INBOX',
			'Junk',
			'New',
			'Sent'
		]);
		expect(await folder(onB, 'New')).toEqual({
			uidValidity: old,
			uidNext: 2,
			messages: { 1: ['first', []] }
		});
		expect(await folder(onB, 'Fresh')).toEqual({
			uidValidity: fresh,
			uidNext: 1,
			messages: {}
		});
		await onB.logout();
	}, 60_000);

	it('a session on B with INBOX selected is told of A’s changes as of another session’s: FETCH FLAGS, EXPUNGE, EXISTS', async () => {
		const a = await instance();
		const b = await instance();
		await deliver(a, 'first');
		await deliver(a, 'second');
		const onA = await login(a);
		await onA.mailboxOpen('INBOX');
		await until(() => sameFolders(a, b));

		const onB = await RawImap.open(b, 'imaps');
		clients.push(onB);
		await onB.command('b1', 'LOGIN alice wonderland');
		expect(await onB.command('b2', 'SELECT INBOX')).toContain('* 2 EXISTS');
		onB.send('b3 IDLE\r\n');
		expect(await onB.line()).toBe('+ idling');
		await onA.messageFlagsAdd('1', ['\\Seen'], { uid: true });
		expect(await onB.line()).toBe('* 1 FETCH (FLAGS (\\Seen))');
		await onA.messageFlagsAdd('2', ['\\Deleted'], { uid: true });
		expect(await onB.line()).toBe('* 2 FETCH (FLAGS (\\Deleted))');
		await onA.messageDelete('2', { uid: true });
		expect(await onB.line()).toBe('* 2 EXPUNGE');
		await deliver(a, 'third');
		// \Recent is A's session's: it had INBOX open where the message arrived, and a message is
		// recent in one session only (RFC 3501 §2.3.2).
		expect([await onB.line(), await onB.line()]).toEqual(['* 2 EXISTS', '* 0 RECENT']);
		onB.send('DONE\r\n');
		expect(await onB.line()).toBe('b3 OK IDLE terminated');
		expect(await onB.command('b4', 'UID FETCH 1:* (FLAGS)')).toEqual([
			'* 1 FETCH (FLAGS (\\Seen) UID 1)',
			'* 2 FETCH (FLAGS () UID 3)',
			'b4 OK UID FETCH completed'
		]);
		await onA.logout();
		// With no session on A, the next message is B's session's \Recent, and no longer recent
		// on A: a session there gets it without \Recent.
		onB.send('b5 IDLE\r\n');
		expect(await onB.line()).toBe('+ idling');
		await deliver(a, 'fourth');
		expect([await onB.line(), await onB.line()]).toEqual(['* 3 EXISTS', '* 1 RECENT']);
		onB.send('DONE\r\n');
		expect(await onB.line()).toBe('b5 OK IDLE terminated');
		await until(() => sameFolders(a, b));
		const laterOnA = await RawImap.open(a, 'imaps');
		clients.push(laterOnA);
		await laterOnA.command('a1', 'LOGIN alice wonderland');
		const selected = await laterOnA.command('a2', 'SELECT INBOX');
		expect(selected).toContain('* 3 EXISTS');
		expect(selected).toContain('* 0 RECENT');
	}, 60_000);

	it('an instance started later sweeps nothing of the folders it loaded while another serves them', async () => {
		const a = await instance();
		const first = await deliver(a, 'first');
		const second = await deliver(a, 'second');
		const onA = await login(a);
		await onA.mailboxOpen('INBOX');
		await onA.logout();
		await a.store.flush();
		const b = await instance();
		expect(inboxUids(b)).toEqual({ 1: first, 2: second });

		// A numbers new mail while retention on B deletes an old message, neither told of the other.
		const blocker = new pg.Client({ connectionString: database.url });
		await blocker.connect();
		let third: string;
		try {
			await blocker.query('BEGIN');
			await blocker.query('LOCK TABLE store_changes IN ACCESS EXCLUSIVE MODE');
			third = await deliver(a, 'third');
			b.store.expire([], [first]);
		} finally {
			await blocker.query('COMMIT');
			await blocker.end();
		}
		await until(() => !a.store.messages.has(first) && sameFolders(a, b));
		expect(inboxUids(a)).toEqual({ 2: second, 3: third });
		const c = await instance();
		const onC = await login(c);
		expect(await folder(onC, 'INBOX')).toMatchObject({
			uidNext: 4,
			messages: { 2: ['second', []], 3: ['third', []] }
		});
		await onC.logout();
	}, 60_000);
});
