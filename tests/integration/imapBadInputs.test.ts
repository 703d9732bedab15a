/**
 * Bad input on the IMAP listeners (issue 19, in the style of pop3BadInputs.test.ts), over raw
 * sockets: literal announcements that are malformed or over IMAP_MAX_LITERAL_BYTES (refused at
 * the "{n}", before a single octet is sent: RFC 3501 §7.5), lines at IMAP_MAX_LINE_BYTES's edge,
 * commands in the wrong state (§3, §6), unbalanced parentheses, pipelined garbage, plaintext sent
 * after STARTTLS (discarded, never a command inside TLS), a TLS handshake where a command was
 * expected, AUTHENTICATE's cancel and bad base64, failed log-ins at IMAP_MAX_FAILED_LOGINS, and
 * the autologout (§5.4) at its edge. Each gets a tagged BAD/NO (or "* BAD" without a tag) with
 * an explanation, or the documented BYE; the server and other sessions go on.
 */
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { until } from './harness';
import { RawImap } from './imapClient';
import { startQuickLab } from './smtpSession';

const labs: Lab[] = [];
const clients: RawImap[] = [];
afterEach(async () => {
	for (const client of clients.splice(0)) client.socket.destroy();
	for (const lab of labs.splice(0)) await lab.close();
});

async function start(overrides: Parameters<typeof startQuickLab>[0] = {}): Promise<Lab> {
	const lab = await startQuickLab(overrides);
	labs.push(lab);
	return lab;
}

async function open(lab: Lab, listener: 'imap' | 'imaps' = 'imaps'): Promise<RawImap> {
	const client = await RawImap.open(lab, listener);
	clients.push(client);
	return client;
}

async function loggedIn(lab: Lab): Promise<RawImap> {
	const client = await open(lab);
	expect(await client.command('in', 'LOGIN alice wonderland')).toEqual(['in OK alice logged in']);
	return client;
}

it('a literal over IMAP_MAX_LITERAL_BYTES is refused at its announcement; one at the limit is read', async () => {
	const lab = await start({ imapMaxLiteralBytes: 100 });
	const client = await open(lab);
	client.send('a1 LOGIN {5}\r\n');
	expect(await client.line()).toBe('+ Ready for the literal');
	client.send('alice {100}\r\n');
	expect(await client.line()).toBe('+ Ready for the literal');
	client.send(`${'x'.repeat(100)}\r\n`);
	expect(await client.line()).toBe('a1 NO Invalid user name or password');
	// One octet more: NO at once, no "+", so the client sends none of it (§7.5).
	client.send('a2 LOGIN alice {101}\r\n');
	expect(await client.line()).toBe(
		"a2 NO literal of 101 octets is larger than this server's limit of 100; do not send it (RFC 3501 section 7.5)"
	);
	client.send('a3 APPEND INBOX {99999999999}\r\n');
	expect(await client.line()).toMatch(/^a3 NO literal of 99999999999 octets is larger/);
	// Announcements that are no literal: the grammar's explanation, tagged.
	expect(await client.command('a4', 'LOGIN alice {abc}')).toEqual([
		expect.stringMatching(/^a4 BAD .+/)
	]);
	client.send('a5 LOGIN alice {5+}\r\nsecre\r\n');
	expect(await client.line()).toMatch(/^a5 BAD "\{n\+\}" is a non-synchronizing literal/);
	// An unknown command is refused before its literal is asked for.
	client.send('a6 BLURDYBLOOP {10}\r\n');
	expect(await client.line()).toMatch(/^a6 BAD unknown command BLURDYBLOOP/);
	expect(await client.command('a7', 'NOOP')).toEqual(['a7 OK NOOP completed']);
	// Recorded: the refused announcement, so its NO answers a command in the transcript.
	const stored = [...lab.store.sessions.values()].find((s) => s.summary.listener === 'imaps')!;
	await until(() => stored.events.some((e) => e.text.startsWith('a7 OK')));
	const texts = stored.events.map((e) => e.text);
	const refusedAt = texts.indexOf('a3 APPEND INBOX {99999999999}');
	expect(refusedAt).toBeGreaterThan(-1);
	expect(texts.slice(refusedAt + 1).find((t) => t.startsWith('a3 '))).toMatch(/^a3 NO literal/);
});

it('before TLS a LOGIN announcing a literal is refused at once, so the password is never sent in plaintext', async () => {
	const lab = await start();
	const client = await open(lab, 'imap');
	client.send('a1 LOGIN alice {10}\r\n');
	// NO instead of "+": the client does not send the literal (RFC 3501 §7.5, §6.2.3).
	expect(await client.line()).toBe(
		'a1 NO LOGIN refused before TLS: anyone on the path could read the password. Send STARTTLS first, then log in'
	);
	expect(await client.command('a2', 'NOOP')).toEqual(['a2 OK NOOP completed']);
});

it('IMAP_MAX_LINE_BYTES: a line of exactly the limit is read, one octet more is refused', async () => {
	const lab = await start({ imapMaxLineBytes: 100 });
	const client = await open(lab);
	const head = 'a1 LOGIN alice ';
	expect(await client.command('a1', `LOGIN alice ${'p'.repeat(100 - head.length)}`)).toEqual([
		'a1 NO Invalid user name or password'
	]);
	expect(await client.command('a2', `LOGIN alice ${'p'.repeat(101 - head.length)}`)).toEqual([
		expect.stringMatching(
			/^a2 BAD command line of 101\+ octets is longer than this server's limit of 100/
		)
	]);
	// A flood without a line end is refused once and kept nowhere.
	client.send('a3 NOOP ' + 'z'.repeat(50_000));
	expect(await client.line()).toMatch(/^a3 BAD command line of \d+\+ octets is longer/);
	client.send('\r\n');
	expect(await client.command('a4', 'NOOP')).toEqual(['a4 OK NOOP completed']);
	// The refused LOGIN is recorded up to its password, which is masked like any other.
	const stored = [...lab.store.sessions.values()].find((s) => s.summary.listener === 'imaps')!;
	await until(() => stored.events.some((e) => e.text.startsWith('a4 OK')));
	const refused = stored.events.filter((e) => e.text.startsWith('a2 LOGIN'));
	expect(refused).toHaveLength(1);
	expect(refused[0].text).toMatch(/^a2 LOGIN alice •+ \(hidden/);
	expect(stored.events.some((e) => e.text.startsWith('a3 NOOP zzz'))).toBe(true);
});

it('commands in the wrong state each get a tagged BAD naming the state', async () => {
	const lab = await start();
	const client = await open(lab);
	expect(await client.command('a1', 'SELECT INBOX')).toEqual([
		'a1 BAD SELECT is valid only after logging in (the authenticated or selected state); log in with LOGIN or AUTHENTICATE first'
	]);
	expect(await client.command('a2', 'FETCH 1 FLAGS')).toEqual([
		expect.stringMatching(/^a2 BAD FETCH is valid only after logging in/)
	]);
	// imaps: TLS is on from the first byte.
	expect(await client.command('a3', 'STARTTLS')).toEqual([
		'a3 BAD TLS is already active: STARTTLS is offered only before TLS'
	]);
	expect(await client.command('a4', 'IDLE')).toEqual([
		expect.stringMatching(/^a4 BAD IDLE is valid only after logging in/)
	]);
	await client.command('a5', 'LOGIN alice wonderland');
	expect(await client.command('a6', 'LOGIN alice wonderland')).toEqual([
		'a6 BAD LOGIN is valid only in the not authenticated state: this session is already logged in'
	]);
	expect(await client.command('a7', 'EXPUNGE')).toEqual([
		'a7 BAD EXPUNGE is valid only in the selected state: SELECT or EXAMINE a mailbox first'
	]);
	expect(await client.command('a8', 'CLOSE')).toEqual([
		'a8 BAD CLOSE is valid only in the selected state: SELECT or EXAMINE a mailbox first'
	]);
	await client.command('a9', 'EXAMINE INBOX');
	expect(await client.command('b1', 'ENABLE CONDSTORE')).toEqual([
		'b1 BAD ENABLE is valid only in the authenticated state, before a mailbox is selected: CLOSE or UNSELECT first'
	]);
	expect(await client.command('b2', 'EXPUNGE')).toEqual([
		'b2 NO EXPUNGE refused: the mailbox is open read-only (EXAMINE); SELECT it to change it'
	]);
	expect(await client.command('b3', 'UNSELECT')).toEqual([
		'b3 OK UNSELECT completed: nothing was removed'
	]);
	expect(await client.command('b4', 'ENABLE CONDSTORE')).toEqual([
		'* ENABLED',
		'b4 OK ENABLE completed'
	]);
});

it('unbalanced parentheses and pipelined garbage: one explained BAD each, in order, while another session reads on', async () => {
	const lab = await start();
	const client = await loggedIn(lab);
	const other = await loggedIn(lab);
	expect(await client.command('p1', 'STATUS INBOX (MESSAGES')).toEqual([
		expect.stringMatching(/^p1 BAD .*\)/)
	]);
	expect(await client.command('p2', 'STATUS INBOX (MESSAGES))')).toEqual([
		expect.stringMatching(/^p2 BAD unexpected text after the STATUS command's arguments/)
	]);
	const garbage = [
		'\0\0\0',
		'g1 \xff\xfe NOOP',
		'',
		')))',
		'* NOOP',
		'g2 NOOP',
		'g3 LIST "" ((',
		'g4 SELECT',
		'EHLO example.org',
		'g5 NOOP'
	];
	client.send(Buffer.from(garbage.map((line) => `${line}\r\n`).join(''), 'latin1'));
	const otherList = other.command('o1', 'LIST "" "*"');
	const answers: string[] = [];
	for (let i = 0; i < garbage.length; i++) answers.push(await client.line());
	expect(answers).toEqual([
		expect.stringMatching(/^\* BAD .+/),
		expect.stringMatching(/^g1 BAD .+/),
		expect.stringMatching(/^\* BAD empty line: a command starts with a tag/),
		expect.stringMatching(/^\* BAD .+/),
		expect.stringMatching(/^\* BAD .+/),
		'g2 OK NOOP completed',
		expect.stringMatching(/^g3 BAD .+/),
		expect.stringMatching(/^g4 BAD .+/),
		expect.stringMatching(/^EHLO BAD unknown command EXAMPLE\.ORG/),
		'g5 OK NOOP completed'
	]);
	expect((await otherList).at(-1)).toBe('o1 OK LIST completed');
	expect(await client.command('z', 'NOOP')).toEqual(['z OK NOOP completed']);
	// Recorded as display text: the NULs and 8-bit octets shown as \xNN, never as themselves.
	const lines = () =>
		[...lab.store.sessions.values()].flatMap((s) => s.events.filter((e) => e.dir === 'client'));
	await until(() => lines().some((e) => e.text === 'z NOOP'));
	expect(lines().map((e) => e.text)).toEqual(
		expect.arrayContaining(['\\x00\\x00\\x00', 'g1 \\xFF\\xFE NOOP'])
	);
	expect(lines().some((e) => /[\0\xff]/.test(e.text))).toBe(false);
});

it('plaintext pipelined after STARTTLS is discarded, never read as a command inside TLS', async () => {
	const lab = await start();
	const client = await open(lab, 'imap');
	client.send('s1 STARTTLS\r\nx1 LOGIN alice wonderland\r\n');
	expect(await client.line()).toBe('s1 OK Begin TLS negotiation now');
	const secure = tls.connect({ socket: client.socket, rejectUnauthorized: false });
	await new Promise((resolve) => secure.once('secureConnect', resolve));
	const inside = new RawImap(secure);
	clients.push(inside);
	// Still not logged in: x1 was never read.
	expect(await inside.command('y1', 'SELECT INBOX')).toEqual([
		expect.stringMatching(/^y1 BAD SELECT is valid only after logging in/)
	]);
	expect(await inside.command('y2', 'LOGIN alice wonderland')).toEqual(['y2 OK alice logged in']);
	const stored = [...lab.store.sessions.values()].find((s) => s.summary.listener === 'imap')!;
	expect(stored.events.some((e) => /bytes sent in plaintext after STARTTLS/.test(e.text))).toBe(
		true
	);
	expect(stored.events.some((e) => e.text.startsWith('x1'))).toBe(false);
});

it('a TLS ClientHello on the STARTTLS port gets * BYE naming the imaps port; later in a session it is a bad line; the listener goes on', async () => {
	const lab = await start();
	// The bytes a client configured for implicit TLS sends first, caught on a socket of our own.
	const catcher = net.createServer();
	await new Promise<void>((resolve) => catcher.listen(0, '127.0.0.1', resolve));
	const caught = new Promise<Buffer>((resolve) =>
		catcher.once('connection', (socket) => socket.once('data', resolve))
	);
	const address = catcher.address() as net.AddressInfo;
	const hello = tls.connect({ port: address.port, host: '127.0.0.1', rejectUnauthorized: false });
	hello.on('error', () => undefined);
	const clientHello = await caught;
	hello.destroy();
	catcher.close();
	const client = await open(lab, 'imap');
	client.send(clientHello);
	// Its ClientHello holds no line end: told at once rather than left waiting for one.
	expect(await client.line()).toBe(
		"* BYE That was a TLS handshake, but this port starts in plaintext and upgrades with STARTTLS; for TLS from the first byte connect to the imaps port (993 in the real world; /connect gives this lab's ports)"
	);
	await client.closed;
	// Later, inside a session, the same bytes are only a bad line (or part of one).
	const later = await open(lab, 'imap');
	expect(await later.command('a0', 'NOOP')).toEqual(['a0 OK NOOP completed']);
	later.send(Buffer.concat([clientHello, Buffer.from('\r\na1 NOOP\r\n')]));
	const answers = await later.until('a1');
	expect(answers.length).toBeGreaterThan(1);
	for (const line of answers.slice(0, -1)) expect(line).toMatch(/^(\* BAD|\S+ BAD) .+/);
	expect(answers.at(-1)).toBe('a1 OK NOOP completed');
	const next = await open(lab, 'imap');
	expect(next.greeting).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\]/);
});

it('AUTHENTICATE: unknown mechanism NO, "*" cancels, bad base64 and malformed PLAIN refused', async () => {
	const lab = await start();
	const client = await open(lab);
	expect(await client.command('a1', 'AUTHENTICATE CRAM-MD5')).toEqual([
		'a1 NO Unsupported authentication mechanism CRAM-MD5: this server offers AUTH=PLAIN'
	]);
	client.send('a2 AUTHENTICATE PLAIN\r\n');
	expect(await client.line()).toBe('+ ');
	client.send('*\r\n');
	expect(await client.line()).toBe('a2 BAD AUTHENTICATE cancelled by the client ("*")');
	client.send('a3 AUTHENTICATE PLAIN\r\n');
	expect(await client.line()).toBe('+ ');
	client.send('not base64!\r\n');
	expect(await client.line()).toMatch(/^a3 BAD Not base64/);
	client.send('a4 AUTHENTICATE PLAIN\r\n');
	expect(await client.line()).toBe('+ ');
	client.send(`${Buffer.from('alice wonderland').toString('base64')}\r\n`);
	expect(await client.line()).toMatch(/^a4 NO Malformed PLAIN response/);
	client.send('a5 AUTHENTICATE PLAIN\r\n');
	expect(await client.line()).toBe('+ ');
	client.send(`${Buffer.from('\0alice\0wonderland').toString('base64')}\r\n`);
	expect(await client.line()).toBe('a5 OK alice authenticated (PLAIN)');
});

it('IMAP_MAX_FAILED_LOGINS=2: the second failure gets NO, then * BYE and the close', async () => {
	const lab = await start({ imapMaxFailedLogins: 2 });
	const client = await open(lab);
	expect(await client.command('a1', 'LOGIN alice wrong')).toEqual([
		'a1 NO Invalid user name or password'
	]);
	expect(await client.command('a2', 'LOGIN alice wrong')).toEqual([
		'a2 NO Invalid user name or password'
	]);
	expect(await client.line()).toBe(
		'* BYE 2 failed log-ins: closing the connection (IMAP_MAX_FAILED_LOGINS)'
	);
	await client.closed;
});

it('IMAP_IDLE_TIMEOUT_SECONDS=1: silence logs the session out with * BYE, not before a second', async () => {
	const lab = await start({ imapIdleTimeoutSeconds: 1 });
	const client = await loggedIn(lab);
	const answered = Date.now();
	expect(await client.line()).toBe(
		'* BYE Autologout: no command for 1 s (IMAP_IDLE_TIMEOUT_SECONDS)'
	);
	// A lower bound only: timers never fire early.
	expect(Date.now() - answered).toBeGreaterThanOrEqual(950);
	await client.closed;
	const stored = () =>
		[...lab.store.sessions.values()].find((s) => s.summary.listener === 'imaps')!.summary;
	await until(() => stored().endReason !== null);
	expect(stored().endReason).toMatch(/^Autologout: no command for 1 s/);
});

it('the shared session limits answer in IMAP: MAX_SESSIONS refuses with a * BYE greeting, MAX_SESSION_SECONDS ends with * BYE', async () => {
	const lab = await start({ maxSessions: 1, maxSessionSeconds: 1 });
	const first = await loggedIn(lab);
	// RFC 3501 §7.1.5: BYE as the greeting, then the close.
	const refused = await open(lab, 'imap');
	expect(refused.greeting).toBe('* BYE Too many sessions on the sandbox, try again later');
	await refused.closed;
	expect(await first.line()).toBe('* BYE Session lifetime of 1 seconds reached, closing');
	await first.closed;
});

it('READ_ALLOW_PLAINTEXT=true: no LOGINDISABLED, AUTH=PLAIN offered before TLS, and LOGIN is taken in plaintext', async () => {
	const lab = await start({ readAllowPlaintext: true });
	const client = await open(lab, 'imap');
	expect(await client.command('c', 'CAPABILITY')).toEqual([
		'* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN IDLE UNSELECT ENABLE',
		'c OK CAPABILITY completed'
	]);
	expect(await client.command('l', 'LOGIN alice wonderland')).toEqual(['l OK alice logged in']);
});

it('VISIBILITY=private: a mail program logging in with a shared account gets NO; a personal login opens its mailbox and the session becomes its owner’s', async () => {
	const lab = await start({ visibility: 'private' });
	const owner = lab.owners.owner(lab.owners.signer.issueOwner().id);
	const client = await open(lab);
	expect(await client.command('a1', 'LOGIN alice wonderland')).toEqual([
		'a1 NO Shared accounts log in only in the lab in your browser on this server: use your personal login from the Connect page'
	]);
	expect(await client.command('a2', `LOGIN ${owner.name} ${owner.password}`)).toEqual([
		`a2 OK ${owner.name} logged in`
	]);
	const session = [...lab.store.sessions.values()].find((s) => s.summary.listener === 'imaps')!;
	await until(() => session.owners.includes(owner.id));
	expect(session.summary.authUser).toBe(owner.name);
});
