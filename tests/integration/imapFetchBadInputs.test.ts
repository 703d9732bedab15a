/**
 * Edges of the message-level IMAP commands over a raw socket (exact bytes both ways): a message
 * number past the last is BAD (RFC 3501 §9 seq-number) while an unknown UID is silently left out
 * and "n:*" still names the last message (§6.4.8); a part the message lacks is NIL and a partial
 * past the end an empty string (§6.4.5); STORE in an EXAMINEd mailbox is NO (§6.3.2); a
 * SEARCH of no match is a bare "* SEARCH" (§7.2.5). The session goes on after each.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { until } from './harness';
import { RawImap } from './imapClient';
import { startQuickLab } from './smtpSession';

const run = promisify(execFile);

const labs: Lab[] = [];
const clients: RawImap[] = [];
afterEach(async () => {
	for (const c of clients.splice(0)) c.socket.destroy();
	for (const lab of labs.splice(0)) await lab.close();
});

// 'Subject: one' CRLF (14) CRLF (2) 'Hi' CRLF (4) = 20 octets.
const MESSAGE = Buffer.from('Subject: one\r\n\r\nHi\r\n');

async function labWithOneMessage(): Promise<Lab> {
	const lab = await startQuickLab();
	labs.push(lab);
	const script = `
import smtplib, sys
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as mx:
    mx.sendmail('carol@example.org', ['alice@example.com'], sys.stdin.buffer.read())
`;
	const child = run('/usr/bin/python3', ['-c', script, String(lab.sandbox.port('mx'))]);
	child.child.stdin!.end(MESSAGE);
	await child;
	await until(() => [...lab.store.messages.values()].some((m) => m.raw.equals(MESSAGE)));
	return lab;
}

async function loggedIn(lab: Lab): Promise<RawImap> {
	const c = await RawImap.open(lab, 'imaps');
	clients.push(c);
	await c.command('l', 'LOGIN alice wonderland');
	return c;
}

it('sequence numbers must exist, UIDs need not; missing parts are NIL, a partial past the end is empty', async () => {
	const lab = await labWithOneMessage();
	const c = await loggedIn(lab);
	await c.command('s', 'SELECT INBOX');
	const [uidLine] = await c.command('u', 'FETCH 1 UID');
	const uid = Number(/UID (\d+)/.exec(uidLine)?.[1]);
	expect(await c.command('a1', 'FETCH 2 FLAGS')).toEqual([
		'a1 BAD no message 2: the mailbox has 1 (use UIDs, or NOOP to see new ones; RFC 3501 section 9 seq-number)'
	]);
	expect(await c.command('a2', 'FETCH 1:* FLAGS')).toEqual([
		'* 1 FETCH (FLAGS (\\Recent))',
		'a2 OK FETCH completed'
	]);
	expect(await c.command('a3', `UID FETCH ${uid + 1} FLAGS`)).toEqual([
		'a3 OK UID FETCH completed'
	]);
	expect(await c.command('a4', `UID FETCH ${uid + 5}:* FLAGS`)).toEqual([
		`* 1 FETCH (FLAGS (\\Recent) UID ${uid})`,
		'a4 OK UID FETCH completed'
	]);
	expect(await c.command('a5', 'FETCH 1 (BODY.PEEK[2] BODY.PEEK[1.HEADER])')).toEqual([
		'* 1 FETCH (BODY[2] NIL BODY[1.HEADER] NIL)',
		'a5 OK FETCH completed'
	]);
	// The message as delivered has trace fields on top, so its text is "Hi" CRLF: 4 octets.
	expect(await c.command('a6', 'FETCH 1 BODY.PEEK[TEXT]<4.10>')).toEqual([
		'* 1 FETCH (BODY[TEXT]<4> {0}\r\n)',
		'a6 OK FETCH completed'
	]);
	expect(await c.command('a9', 'FETCH 1 BODY.PEEK[TEXT]<1.2>')).toEqual([
		'* 1 FETCH (BODY[TEXT]<1> {2}\r\ni\r)',
		'a9 OK FETCH completed'
	]);
	expect(await c.command('a7', 'SEARCH DELETED')).toEqual(['* SEARCH', 'a7 OK SEARCH completed']);
	expect(await c.command('a8', 'NOOP')).toEqual(['a8 OK NOOP completed']);
});

it('STORE in a mailbox opened with EXAMINE is NO, and a body fetch there does not set \\Seen', async () => {
	const lab = await labWithOneMessage();
	const c = await loggedIn(lab);
	await c.command('e', 'EXAMINE INBOX');
	expect(await c.command('a1', 'STORE 1 +FLAGS (\\Seen)')).toEqual([
		'a1 NO STORE refused: the mailbox is open read-only (EXAMINE); SELECT it to change it'
	]);
	const [fetched] = await c.command('a2', 'FETCH 1 (BODY[TEXT] FLAGS)');
	// Whatever \Recent says (the store decides it for EXAMINE), \Seen is not among the flags.
	expect(fetched).toMatch(/^\* 1 FETCH \(BODY\[TEXT\] \{4\}\r\nHi\r\n FLAGS \((\\Recent)?\)\)$/);
});

it('a message another session expunged is answered NO until this session hears of it (RFC 3501 §7.4.1)', async () => {
	const lab = await labWithOneMessage();
	const reader = await loggedIn(lab);
	const remover = await loggedIn(lab);
	await reader.command('s', 'SELECT INBOX');
	await remover.command('s', 'SELECT INBOX');
	await remover.command('d', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
	await remover.command('x', 'EXPUNGE');
	// No EXPUNGE response during FETCH (§7.4.1): message 1 still exists for this session.
	expect(await reader.command('a1', 'FETCH 1 BODY.PEEK[]')).toEqual([
		'a1 NO FETCH answered for the rest: messages asked for and expunged by another session: 1 (the next NOOP reports them)'
	]);
	const noop = await reader.command('a2', 'NOOP');
	expect(noop).toContain('* 1 EXPUNGE');
	expect(await reader.command('a3', 'FETCH 1 FLAGS')).toEqual([
		'a3 BAD no message 1: the mailbox is empty (RFC 3501 section 9 seq-number)'
	]);
});
