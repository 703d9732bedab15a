/**
 * Bad input on the POP3 listeners (issue 18, in the style of badInputs.smtp.test.ts): over-long
 * lines at POP3_MAX_LINE_BYTES's edge, commands in the wrong state, pipelined garbage, plaintext
 * sent after STLS before the handshake (discarded, never a command inside TLS), a huge RETR to a
 * reader that stops reading (backpressure, not a buffered copy), unknown commands, failed
 * log-ins at POP3_MAX_FAILED_LOGINS, a maildrop in use, SASL PLAIN's edge cases and the idle
 * timeout. Each gets a clear -ERR or the documented close; the server and other sessions go on.
 */
import { execFile } from 'node:child_process';
import net from 'node:net';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { ManualClock, until } from './harness';
import { startQuickLab } from './smtpSession';

const run = promisify(execFile);

const labs: Lab[] = [];
const clients: Pop3Client[] = [];
afterEach(async () => {
	for (const client of clients.splice(0)) client.socket.destroy();
	for (const lab of labs.splice(0)) await lab.close();
});

async function start(overrides: Parameters<typeof startQuickLab>[0] = {}): Promise<Lab> {
	const lab = await startQuickLab(overrides);
	labs.push(lab);
	return lab;
}

/** A raw POP3 client: exact bytes out, lines in. */
class Pop3Client {
	lines: string[] = [];
	greeting = '';
	#buffer = Buffer.alloc(0);
	#waiters: (() => void)[] = [];
	closed: Promise<void>;

	constructor(public socket: net.Socket) {
		this.#listen(socket);
		this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
		socket.on('error', () => undefined);
	}

	static async open(lab: Lab, listener: 'pop3' | 'pop3s'): Promise<Pop3Client> {
		const port = lab.sandbox.port(listener);
		const socket =
			listener === 'pop3s'
				? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
				: net.connect({ port, host: '127.0.0.1' });
		await new Promise((resolve) =>
			socket.once(listener === 'pop3s' ? 'secureConnect' : 'connect', resolve)
		);
		const client = new Pop3Client(socket);
		clients.push(client);
		client.greeting = await client.line();
		return client;
	}

	#listen(socket: net.Socket): void {
		socket.on('data', (chunk: Buffer) => {
			this.#buffer = Buffer.concat([this.#buffer, chunk]);
			let at: number;
			while ((at = this.#buffer.indexOf('\r\n')) >= 0) {
				this.lines.push(this.#buffer.subarray(0, at).toString('latin1'));
				this.#buffer = this.#buffer.subarray(at + 2);
			}
			this.#waiters.splice(0).forEach((w) => w());
		});
		socket.once('close', () => this.#waiters.splice(0).forEach((w) => w()));
	}

	send(data: string | Buffer): void {
		this.socket.write(data);
	}

	async line(): Promise<string> {
		while (!this.lines.length) {
			if (this.socket.destroyed) throw new Error('connection closed');
			await new Promise<void>((resolve) => this.#waiters.push(resolve));
		}
		return this.lines.shift()!;
	}

	/** Lines up to and including a lone ".". */
	async multiLine(): Promise<string[]> {
		const lines: string[] = [];
		for (;;) {
			const line = await this.line();
			lines.push(line);
			if (line === '.') return lines;
		}
	}

	async command(line: string): Promise<string> {
		this.send(`${line}\r\n`);
		return this.line();
	}

	async startTls(): Promise<void> {
		const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false });
		await new Promise((resolve) => secure.once('secureConnect', resolve));
		secure.on('error', () => undefined);
		this.socket = secure;
		this.#listen(secure);
	}
}

async function deliver(lab: Lab, bytes: Buffer): Promise<void> {
	const script = `
import smtplib, sys
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as mx:
    mx.sendmail('carol@example.org', ['alice@example.com'], sys.stdin.buffer.read())
`;
	const child = run('/usr/bin/python3', ['-c', script, String(lab.sandbox.port('mx'))]);
	child.child.stdin!.end(bytes);
	await child;
	await until(() => [...lab.store.messages.values()].some((m) => m.raw.equals(bytes)));
}

async function logIn(client: Pop3Client): Promise<string> {
	expect(await client.command('USER alice')).toMatch(/^\+OK/);
	return client.command('PASS wonderland');
}

it('a command line of POP3_MAX_LINE_BYTES is read; one octet more is refused and the session goes on', async () => {
	const lab = await start();
	const client = await Pop3Client.open(lab, 'pop3');
	// 253 + CRLF = 255 octets (RFC 2449 §4): read, and answered as the unknown command it is.
	expect(await client.command('X'.repeat(253))).toMatch(/^-ERR Unknown command X{40}:/);
	expect(await client.command('X'.repeat(254))).toBe(
		'-ERR Command line too long: at most 255 octets with its CRLF (RFC 2449 section 4); the line was ignored'
	);
	// A flood without any line end costs nothing and is refused once it ends.
	client.send('Y'.repeat(100_000));
	expect(await client.command('')).toMatch(/^-ERR Command line too long/);
	client.send('CAPA\r\n');
	expect(await client.multiLine()).toContain('STLS');

	const wider = await start({ pop3MaxLineBytes: 300 });
	const other = await Pop3Client.open(wider, 'pop3');
	expect(await other.command('X'.repeat(254))).toMatch(/^-ERR Unknown command/);
	expect(await other.command('X'.repeat(299))).toMatch(/^-ERR Command line too long: at most 300/);
});

it('commands in the wrong state get an -ERR that says which state they need', async () => {
	const lab = await start();
	const client = await Pop3Client.open(lab, 'pop3s');
	for (const command of ['STAT', 'LIST', 'RETR 1', 'DELE 1', 'RSET', 'NOOP', 'UIDL', 'TOP 1 0'])
		expect(await client.command(command)).toBe(
			`-ERR ${command.split(' ')[0]} needs a logged-in session (TRANSACTION state): log in with USER and PASS or AUTH first`
		);
	expect(await client.command('PASS wonderland')).toBe(
		'-ERR Send USER first: PASS must come right after an accepted USER'
	);
	expect(await client.command('STLS')).toBe('-ERR Command not permitted when TLS active');
	expect(await logIn(client)).toMatch(/^\+OK alice's maildrop has 0 messages/);
	for (const command of ['USER bob', 'PASS builder', 'AUTH PLAIN'])
		expect(await client.command(command)).toBe(
			`-ERR ${command.split(' ')[0]} is permitted only in the AUTHORIZATION state, and this session is logged in`
		);
	expect(await client.command('RETR 1')).toBe(
		'-ERR No such message: the maildrop has 0 messages, numbered from 1'
	);
	expect(await client.command('RETR one')).toBe('-ERR Syntax: RETR msg');
	expect(await client.command('FROB')).toBe(
		'-ERR Unknown command FROB: this server knows CAPA, STLS, USER, PASS, AUTH, STAT, LIST, UIDL, TOP, RETR, DELE, RSET, NOOP and QUIT'
	);
	expect(await client.command('NOOP')).toBe('+OK');
});

it('pipelined garbage gets one -ERR per line, in order; another session meanwhile loses nothing', async () => {
	const lab = await start();
	await deliver(lab, Buffer.from('Subject: kept\r\n\r\nstill here\r\n'));
	const reader = await Pop3Client.open(lab, 'pop3s');
	expect(await logIn(reader)).toMatch(/has 1 messages/);
	const garbage = await Pop3Client.open(lab, 'pop3');
	const lines = [
		'',
		'\u0000\u0001\u0002',
		'\u00ff\u00fe HELO',
		'MAIL FROM:<x@y>',
		...Array.from({ length: 40 }, (_, i) => `junk ${i}`)
	];
	garbage.send(Buffer.from(lines.map((l) => `${l}\r\n`).join('') + 'CAPA\r\nQUIT\r\n', 'latin1'));
	for (let i = 0; i < lines.length; i++)
		expect(await garbage.line()).toMatch(/^-ERR Unknown command /);
	expect((await garbage.multiLine())[0]).toBe('+OK Capability list follows');
	expect(await garbage.line()).toMatch(/^\+OK .* signing off \(nothing removed/);
	await garbage.closed;
	expect(await reader.command('STAT')).toMatch(/^\+OK 1 \d+$/);
	reader.send('RETR 1\r\n');
	expect((await reader.multiLine()).slice(-3)).toEqual(['', 'still here', '.']);
});

it('plaintext sent after STLS before the handshake is discarded, not read inside TLS', async () => {
	const lab = await start();
	const client = await Pop3Client.open(lab, 'pop3');
	// The injection: USER rides in the same segment as STLS (the STARTTLS injection class).
	client.send('STLS\r\nUSER alice\r\n');
	expect(await client.line()).toBe('+OK Begin TLS negotiation');
	await client.startTls();
	// Had USER been read inside TLS, PASS would log in.
	expect(await client.command('PASS wonderland')).toBe(
		'-ERR Send USER first: PASS must come right after an accepted USER'
	);
	const session = [...lab.store.sessions.values()].find((s) => s.summary.listener === 'pop3')!;
	await until(() => session.events.some((e) => e.text.includes('were discarded by the server')));
	expect(session.events.find((e) => e.text.includes('discarded'))!.text).toMatch(
		/^12 bytes sent in plaintext after STLS/
	);
});

it('a huge RETR to a reader that stops reading is written as it drains: the server holds one chunk, not the message', async () => {
	const lab = await start({ readAllowPlaintext: true, maxMessageBytes: 16 * 1024 * 1024 });
	const line = `${'.'.repeat(3)}${'m'.repeat(70)}\r\n`;
	// ~8 MB, every line dot-led: more than the kernel's socket buffers on both ends take
	// (tcp_wmem's 4 MiB at most here), so a reader that stops reading stops the writer.
	const big = Buffer.from(`Subject: big\r\n\r\n${line.repeat(110_000)}`);
	await deliver(lab, big);
	const client = await Pop3Client.open(lab, 'pop3');
	// Whether the server's side of this connection had to wait for 'drain', and the most it
	// ever had queued in memory.
	let serverBlocked = false;
	let mostQueued = 0;
	const write = net.Socket.prototype.write;
	net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
		const written = (write as (...a: unknown[]) => boolean).apply(this, args);
		if (this.remotePort === client.socket.localPort) {
			serverBlocked ||= !written;
			mostQueued = Math.max(mostQueued, this.writableLength);
		}
		return written;
	} as typeof write;
	try {
		expect(await logIn(client)).toMatch(/has 1 messages/);
		client.socket.pause();
		client.send('RETR 1\r\n');
		// The reader reads nothing: the server's buffer fills and it waits for 'drain'.
		await until(() => serverBlocked);
		// Meanwhile the server answers others.
		const other = await Pop3Client.open(lab, 'pop3s');
		expect(await other.command('CAPA')).toBe('+OK Capability list follows');
		client.socket.resume();
		const lines = await client.multiLine();
		expect(lines[0]).toMatch(/^\+OK \d+ octets$/);
		// Byte-stuffed on the wire (RFC 1939 §3): each "..." line came as "....".
		expect(lines.filter((l) => l === `....${'m'.repeat(70)}`).length).toBe(110_000);
	} finally {
		net.Socket.prototype.write = write;
	}
	// At most a chunk (64 KiB, stuffed) and a status line were ever queued, never megabytes.
	expect(mostQueued).toBeLessThan(big.length / 4);
});

it('POP3_MAX_FAILED_LOGINS: the last failed log-in closes the session; [IN-USE] when the maildrop is open', async () => {
	const lab = await start({ pop3MaxFailedLogins: 2 });
	const client = await Pop3Client.open(lab, 'pop3s');
	await client.command('USER alice');
	expect(await client.command('PASS wrong')).toBe('-ERR [AUTH] Invalid user name or password');
	await client.command('USER alice');
	expect(await client.command('PASS wrong again')).toBe(
		'-ERR [AUTH] Invalid user name or password; 2 failed log-ins in this session (POP3_MAX_FAILED_LOGINS), so the server closes the connection'
	);
	await client.closed;

	const first = await Pop3Client.open(lab, 'pop3s');
	expect(await logIn(first)).toMatch(/^\+OK/);
	const second = await Pop3Client.open(lab, 'pop3s');
	expect(await logIn(second)).toBe(
		'-ERR [IN-USE] The log-in is right, but this maildrop is open in another POP3 session; try again once that session ends'
	);
	await first.command('QUIT');
	await first.closed;
	await until(() => [...lab.store.sessions.values()].filter((s) => s.summary.endedAt).length >= 2);
	expect(await second.command('PASS wonderland')).toBe(
		'-ERR Send USER first: PASS must come right after an accepted USER'
	);
	expect(await logIn(second)).toMatch(/^\+OK alice's maildrop/);
});

it('POP3_LOGIN_DELAY_SECONDS: CAPA announces LOGIN-DELAY, a log-in too soon gets [LOGIN-DELAY] at PASS (not USER), one after the delay goes ahead (RFC 2449 §6.5, §8.1.1)', async () => {
	const clock = new ManualClock();
	const delayed = await startQuickLab({ pop3LoginDelaySeconds: 900 }, { clock });
	labs.push(delayed);
	const first = await Pop3Client.open(delayed, 'pop3s');
	first.send('CAPA\r\n');
	expect(await first.multiLine()).toContain('LOGIN-DELAY 900');
	expect(await logIn(first)).toMatch(/^\+OK/);
	await first.command('QUIT');
	clock.advance(899_000);
	const second = await Pop3Client.open(delayed, 'pop3s');
	expect(await second.command('USER alice')).toMatch(/^\+OK/);
	expect(await second.command('PASS wonderland')).toBe(
		'-ERR [LOGIN-DELAY] The log-in is right, but this maildrop logged in 899 s ago and may log in again only 900 s after its last log-in (POP3_LOGIN_DELAY_SECONDS, announced in CAPA); try again in 1 s'
	);
	// Another maildrop is not held back.
	expect(await second.command('USER bob')).toMatch(/^\+OK/);
	expect(await second.command('PASS builder')).toMatch(/^\+OK bob's maildrop/);
	clock.advance(1_000);
	const third = await Pop3Client.open(delayed, 'pop3s');
	expect(await logIn(third)).toMatch(/^\+OK alice's maildrop/);
	// Without the setting (the default 0), nothing is announced.
	const plain = await start();
	const other = await Pop3Client.open(plain, 'pop3s');
	other.send('CAPA\r\n');
	expect((await other.multiLine()).join('\n')).not.toContain('LOGIN-DELAY');
});

it('AUTH PLAIN: initial response, a continuation, "*" cancels, a malformed answer is refused', async () => {
	const lab = await start();
	const plain = (s: string) => Buffer.from(s).toString('base64');
	const client = await Pop3Client.open(lab, 'pop3s');
	expect(await client.command('AUTH CRAM-MD5')).toBe(
		'-ERR Unsupported SASL mechanism CRAM-MD5: this server offers PLAIN (see CAPA)'
	);
	expect(await client.command('AUTH PLAIN')).toBe('+ ');
	expect(await client.command('*')).toBe('-ERR Authentication cancelled by the client ("*")');
	expect(await client.command(`AUTH PLAIN ${plain('alice\0wonderland')}`)).toBe(
		'-ERR Not a PLAIN response: it is base64 of [authorization id] NUL user NUL password'
	);
	expect(await client.command(`AUTH PLAIN ${plain('bob\0alice\0wonderland')}`)).toMatch(
		/^-ERR \[AUTH\] Acting as another user is not allowed/
	);
	expect(await client.command('AUTH PLAIN')).toBe('+ ');
	expect(await client.command(plain('\0alice\0wonderland'))).toMatch(/^\+OK alice's maildrop/);
	await client.command('QUIT');
	const session = [...lab.store.sessions.values()].find((s) => s.summary.authUser === 'alice')!;
	await until(() => session.summary.endedAt !== null);
	expect(JSON.stringify(session.events)).not.toContain(plain('\0alice\0wonderland'));

	const initial = await Pop3Client.open(lab, 'pop3s');
	expect(await initial.command(`AUTH PLAIN ${plain('\0alice\0wonderland')}`)).toMatch(
		/^\+OK alice's maildrop/
	);
});

it('POP3_IDLE_TIMEOUT_SECONDS closes a silent session without a response and removes nothing', async () => {
	const lab = await start({ pop3IdleTimeoutSeconds: 1 });
	await deliver(lab, Buffer.from('Subject: marked\r\n\r\nbody\r\n'));
	const client = await Pop3Client.open(lab, 'pop3s');
	await logIn(client);
	expect(await client.command('DELE 1')).toMatch(/^\+OK message 1 deleted/);
	const lastActivity = Date.now();
	await client.closed;
	// Not before the setting's second of silence (timers never fire early); no response sent.
	expect(Date.now() - lastActivity).toBeGreaterThanOrEqual(990);
	expect(client.lines).toEqual([]);
	const session = [...lab.store.sessions.values()].find((s) => s.summary.listener === 'pop3s')!;
	await until(() => session.summary.endedAt !== null);
	expect(session.summary.endReason).toMatch(/^Idle timeout: no command for 1 s/);
	const again = await Pop3Client.open(lab, 'pop3s');
	expect(await logIn(again)).toMatch(/has 1 messages/);
});

it('the shared session limits answer in POP3: MAX_SESSIONS and MAX_SESSION_SECONDS are -ERR [SYS/TEMP]', async () => {
	const lab = await start({ maxSessions: 1, maxSessionSeconds: 1 });
	await deliver(lab, Buffer.from('Subject: kept\r\n\r\nbody\r\n'));
	const first = await Pop3Client.open(lab, 'pop3s');
	const refused = await Pop3Client.open(lab, 'pop3');
	expect(refused.greeting).toBe(
		'-ERR [SYS/TEMP] Too many sessions on the sandbox, try again later'
	);
	await refused.closed;
	expect(await logIn(first)).toMatch(/has 1 messages/);
	expect(await first.command('DELE 1')).toMatch(/^\+OK/);
	// The lifetime ends it as a shutdown would: a response, then the close; no UPDATE state.
	expect(await first.line()).toBe('-ERR [SYS/TEMP] Session lifetime of 1 seconds reached, closing');
	await first.closed;
	await until(() => lab.sandbox.sessions.size === 0);
	const again = await Pop3Client.open(lab, 'pop3s');
	expect(await logIn(again)).toMatch(/has 1 messages/);
});

it('TLS where plaintext is expected: a ClientHello on the pop3 port and STLS in the middle of a line get -ERR, and the server goes on', async () => {
	const lab = await start();
	// A client speaking implicit TLS to the STLS port: its handshake is no POP3 command.
	const wrong = tls.connect({
		port: lab.sandbox.port('pop3'),
		host: '127.0.0.1',
		rejectUnauthorized: false
	});
	const failed = await new Promise<Error>((resolve) => wrong.once('error', resolve));
	expect(failed.message).toMatch(/wrong version number|packet length too long|ECONNRESET/i);
	wrong.destroy();
	// STLS only as a whole line: "RETR 1 STLS" and " STLS" are not it, and the session stays plain.
	const client = await Pop3Client.open(lab, 'pop3');
	expect(await client.command('US STLS')).toMatch(/^-ERR Unknown command US:/);
	expect(await client.command('STLS now')).toBe('-ERR Syntax: STLS');
	expect(await client.command('STLS')).toBe('+OK Begin TLS negotiation');
	await client.startTls();
	expect(await client.command('CAPA')).toBe('+OK Capability list follows');
	const other = await Pop3Client.open(lab, 'pop3s');
	expect(other.greeting).toMatch(/^\+OK .* POP3 ready over TLS/);
});

it('VISIBILITY=private: a mail program logs in with a personal login, not a shared account; the session becomes its owner’s', async () => {
	const lab = await start({ visibility: 'private' });
	const owner = lab.owners.owner(lab.owners.signer.issueOwner().id);
	const client = await Pop3Client.open(lab, 'pop3s');
	expect(await logIn(client)).toBe(
		'-ERR [AUTH] Shared accounts log in only in the lab in your browser on this server: use your personal login from the Connect page'
	);
	await client.command(`USER ${owner.name}`);
	expect(await client.command(`PASS ${owner.password}`)).toBe(
		`+OK ${owner.name}'s maildrop has 0 messages (0 octets)`
	);
	const session = [...lab.store.sessions.values()].find((s) => s.summary.listener === 'pop3s')!;
	await until(() => session.owners.includes(owner.id));
	expect(session.summary.authUser).toBe(owner.name);
});

it('a message the lab deleted during the session (the operator cleared the mail) is -ERR [SYS/PERM] at RETR', async () => {
	const lab = await start();
	await deliver(lab, Buffer.from('Subject: cleared\r\n\r\nbody\r\n'));
	const client = await Pop3Client.open(lab, 'pop3s');
	expect(await logIn(client)).toMatch(/has 1 messages/);
	lab.store.clearMessages();
	expect(await client.command('RETR 1')).toBe(
		'-ERR [SYS/PERM] Message 1 is no longer stored (removed by the lab since this session began)'
	);
	expect(await client.command('DELE 1')).toMatch(/^\+OK message 1 deleted/);
	expect(await client.command('QUIT')).toMatch(/\(0 messages removed, 0 left\)$/);
});

it('PIPELINING (RFC 2449 §6.6): commands sent at once are answered in turn, in order', async () => {
	const lab = await start();
	await deliver(lab, Buffer.from('Subject: one\r\n\r\n.first\r\n'));
	const client = await Pop3Client.open(lab, 'pop3s');
	client.send('CAPA\r\n');
	expect(await client.multiLine()).toContain('PIPELINING');
	client.send(
		'USER alice\r\nPASS wonderland\r\nSTAT\r\nLIST\r\nUIDL 1\r\nRETR 1\r\nDELE 1\r\nNOOP\r\nRSET\r\nQUIT\r\n'
	);
	expect(await client.line()).toMatch(/^\+OK alice: now send PASS/);
	expect(await client.line()).toMatch(/^\+OK alice's maildrop has 1 messages/);
	expect(await client.line()).toMatch(/^\+OK 1 \d+$/);
	expect(await client.multiLine()).toEqual([
		expect.stringMatching(/^\+OK 1 messages/),
		expect.stringMatching(/^1 \d+$/),
		'.'
	]);
	expect(await client.line()).toMatch(/^\+OK 1 \S+$/);
	expect((await client.multiLine()).slice(-3)).toEqual(['', '..first', '.']);
	expect(await client.line()).toMatch(/^\+OK message 1 deleted/);
	expect(await client.line()).toBe('+OK');
	expect(await client.line()).toMatch(/^\+OK maildrop has 1 messages/);
	expect(await client.line()).toMatch(/\(0 messages removed, 1 left\)$/);
});
