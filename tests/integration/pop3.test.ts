/**
 * The POP3 listeners (issue 18, server/pop3/) with a client nobody here wrote: Python's poplib.
 * It logs in after STLS, reads a message byte-exact (the submitted bytes after the trace fields
 * the message API shows), and deletes only at QUIT in the TRANSACTION state: RSET undoes, a
 * dropped connection removes nothing. No password before TLS; pop3s speaks TLS from the first
 * byte. The session is recorded with protocol 'pop3', annotated, and its password masked.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { MessageDetail } from '../../src/lib/messages';
import type { WireView } from '../../src/lib/wire/wireRecords';
import { GET as sessionWire } from '../../src/routes/api/sessions/[id]/wire/+server';
import { GET as messageDetail } from '../../src/routes/api/messages/[id]/+server';
import { GET as sessionList } from '../../src/routes/api/sessions/+server';
import { until } from './harness';
import { callRoute } from './routeCall';
import { startQuickLab } from './smtpSession';

const run = promisify(execFile);

const labs: Lab[] = [];
afterEach(async () => {
	for (const lab of labs.splice(0)) await lab.close();
});

async function start(overrides: Parameters<typeof startQuickLab>[0] = {}): Promise<Lab> {
	const lab = await startQuickLab(overrides);
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

/**
 * Runs poplib against the lab: `body` is Python with `c` connected (POP3 on the pop3 listener,
 * or POP3_SSL on pop3s), `ctx` an SSL context trusting the sandbox's self-signed certificate
 * for this test, and `out` a dict printed as JSON at the end.
 */
async function poplib(
	lab: Lab,
	body: string,
	listener: 'pop3' | 'pop3s' = 'pop3'
): Promise<Record<string, unknown>> {
	const script = `
import base64, json, poplib, ssl, sys
ctx = ssl._create_unverified_context()
port = int(sys.argv[1])
c = poplib.POP3_SSL('127.0.0.1', port, context=ctx) if sys.argv[2] == 'pop3s' else poplib.POP3('127.0.0.1', port)
out = {}
def b64(lines): return base64.b64encode(b''.join(l + b'\\r\\n' for l in lines)).decode()
${body}
print(json.dumps(out))
`;
	const { stdout } = await run('/usr/bin/python3', [
		'-c',
		script,
		String(lab.sandbox.port(listener)),
		listener
	]);
	return JSON.parse(stdout) as Record<string, unknown>;
}

const alice = () => ({ account: 'alice', password: 'wonderland' });

function aliceInbox(lab: Lab): string[] {
	const answer = lab.mailboxes.resolveReadLogin('alice', 'wonderland', {
		browser: false,
		ownerId: null
	});
	if (!('account' in answer)) throw new Error('alice refused');
	return lab.mailboxes.list(answer.account, 'INBOX').map((entry) => entry.messageId);
}

/** Lines beginning with "." (stuffed on the wire, RFC 1939 §3), a lone "..", a bare CR. */
const SUBMITTED = Buffer.from(
	'From: Carol <carol@example.org>\r\nTo: alice@example.com\r\nSubject: dots\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nnot the end\r\nlast line\r\n'
);

it('poplib logs in after STLS, reads the message byte-exact, and DELE + QUIT removes it', async () => {
	const lab = await start();
	const id = await deliver(lab, SUBMITTED);
	const { account, password } = alice();
	const out = await poplib(
		lab,
		`
out['capaBefore'] = sorted(c.capa().keys())
c.stls(context=ctx)
out['capaAfter'] = sorted(c.capa().keys())
c.user('${account}')
out['pass'] = c.pass_('${password}').decode()
out['stat'] = list(c.stat())
out['uidl'] = c.uidl()[1][0].decode()
resp, lines, octets = c.retr(1)
out['retr'] = b64(lines)
resp, lines, octets = c.top(1, 1)
out['top'] = b64(lines)
c.dele(1)
out['quit'] = c.quit().decode()
`
	);
	expect(out.capaBefore).toEqual(
		[
			'AUTH-RESP-CODE',
			'EXPIRE',
			'IMPLEMENTATION',
			'PIPELINING',
			'RESP-CODES',
			'STLS',
			'TOP',
			'UIDL'
		].sort()
	);
	expect(out.capaAfter).toEqual(
		[
			'AUTH-RESP-CODE',
			'EXPIRE',
			'IMPLEMENTATION',
			'PIPELINING',
			'RESP-CODES',
			'SASL',
			'TOP',
			'UIDL',
			'USER'
		].sort()
	);
	expect(out.pass).toBe(
		"+OK alice's maildrop has 1 messages (" + (out.stat as number[])[1] + ' octets)'
	);
	expect(out.uidl).toBe(`1 ${id}`);
	// What poplib read (its lines un-stuffed, CRLF put back): the trace fields the message API
	// shows, then exactly the submitted bytes.
	const retr = Buffer.from(out.retr as string, 'base64');
	const { message } = (await (await callRoute(messageDetail, { id })).json()) as {
		message: MessageDetail;
	};
	const trace = retr.subarray(0, retr.length - SUBMITTED.length).toString();
	expect(retr.subarray(retr.length - SUBMITTED.length).equals(SUBMITTED)).toBe(true);
	const unfold = (text: string) => text.replace(/\r?\n[\t ]+/g, ' ');
	// RFC 5321 §4.4, and the mx listener's checks above its Received (issue 20).
	expect(message.traceFields.map((f) => f.name)).toEqual([
		'Return-Path',
		'Authentication-Results',
		'Received-SPF',
		'Received'
	]);
	expect(unfold(trace)).toBe(
		message.traceFields.map((f) => `${f.name}: ${unfold(f.value)}\r\n`).join('')
	);
	expect((out.stat as number[])[1]).toBe(retr.length);
	// TOP 1 1: the header, the blank line, one line of the body.
	const top = Buffer.from(out.top as string, 'base64').toString();
	expect(top).toBe(`${trace}${SUBMITTED.toString().split('\r\n\r\n')[0]}\r\n\r\n.leading dot\r\n`);
	expect(out.quit).toMatch(/^\+OK .*\(1 messages removed, 0 left\)$/);
	expect(aliceInbox(lab)).toEqual([]);
	// The message itself stays, and says the reader removed it.
	expect(lab.store.messages.get(id)!.summary.readerActs?.map((a) => [a.act, a.command])).toEqual([
		['read', 'RETR'],
		['read', 'TOP'],
		['removed', 'QUIT']
	]);
});

it('DELE then RSET then QUIT keeps the message; DELE then a dropped connection keeps it too', async () => {
	const lab = await start();
	const id = await deliver(lab, SUBMITTED);
	const { account, password } = alice();
	const reset = await poplib(
		lab,
		`
c.stls(context=ctx); c.user('${account}'); c.pass_('${password}')
out['dele'] = c.dele(1).decode()
out['statAfterDele'] = list(c.stat())
out['rset'] = c.rset().decode()
out['quit'] = c.quit().decode()
`
	);
	expect(reset.dele).toMatch(/^\+OK message 1 deleted/);
	expect(reset.statAfterDele).toEqual([0, 0]);
	expect(reset.rset).toMatch(/^\+OK maildrop has 1 messages/);
	expect(reset.quit).toMatch(/\(0 messages removed, 1 left\)$/);
	expect(aliceInbox(lab)).toEqual([id]);

	await poplib(
		lab,
		`
c.stls(context=ctx); c.user('${account}'); c.pass_('${password}')
c.dele(1)
c.sock.close()
`
	);
	// The server sees the close, ends the session (no UPDATE state: RFC 1939 §6) and unlocks.
	await until(() => [...lab.store.sessions.values()].every((s) => s.summary.endedAt !== null));
	expect(aliceInbox(lab)).toEqual([id]);
	const dropped = [...lab.store.sessions.values()].at(-1)!;
	expect(dropped.summary.endReason).toBe('Connection closed');
	// The maildrop was unlocked: a new session logs in.
	const again = await poplib(
		lab,
		`c.stls(context=ctx); c.user('${account}'); out['pass'] = c.pass_('${password}').decode(); c.quit()`
	);
	expect(again.pass).toMatch(/has 1 messages/);
});

it('USER, PASS and AUTH before STLS are refused with an explaining -ERR [AUTH]', async () => {
	const lab = await start();
	const out = await poplib(
		lab,
		`
for name, call in [('user', lambda: c.user('alice')), ('pass', lambda: c.pass_('wonderland')), ('auth', lambda: c._shortcmd('AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ='))]:
    try:
        call(); out[name] = 'accepted'
    except poplib.error_proto as e:
        out[name] = e.args[0].decode()
c.quit()
`
	);
	for (const verb of ['USER', 'PASS', 'AUTH'])
		expect(out[verb.toLowerCase()]).toBe(
			`-ERR [AUTH] ${verb} refused before TLS: anyone on the path could read the password. Send STLS first, then log in`
		);
});

it('READ_ALLOW_PLAINTEXT=true lists USER and SASL before STLS and takes the password', async () => {
	const lab = await start({ readAllowPlaintext: true });
	const out = await poplib(
		lab,
		`out['capa'] = sorted(c.capa().keys()); c.user('alice'); out['pass'] = c.pass_('wonderland').decode(); c.quit()`
	);
	expect(out.capa).toEqual(expect.arrayContaining(['STLS', 'USER', 'SASL']));
	expect(out.pass).toMatch(/^\+OK alice's maildrop/);
});

it('pop3s speaks TLS from the first byte: poplib.POP3_SSL logs in and lists', async () => {
	const lab = await start();
	await deliver(lab, SUBMITTED);
	const out = await poplib(
		lab,
		`
out['welcome'] = c.getwelcome().decode()
out['capa'] = sorted(c.capa().keys())
c.user('alice'); c.pass_('wonderland')
out['list'] = [l.decode() for l in c.list()[1]]
c.quit()
`,
		'pop3s'
	);
	expect(out.welcome).toMatch(/^\+OK .* POP3 ready over TLS/);
	expect(out.capa).not.toContain('STLS');
	expect(out.capa).toContain('USER');
	expect((out.list as string[]).length).toBe(1);
});

it('the session is recorded with protocol pop3, annotated, and PASS masked for others', async () => {
	const lab = await start();
	await poplib(
		lab,
		`c.stls(context=ctx); c.user('alice'); c.pass_('wonderland'); c.stat(); c.quit()`
	);
	await until(() => [...lab.store.sessions.values()].some((s) => s.summary.endedAt !== null));
	const body = (await (await callRoute(sessionList)).json()) as {
		sessions: { id: string; protocol: string; listener: string }[];
	};
	const listed = body.sessions.find((s) => s.listener === 'pop3');
	expect(listed?.protocol).toBe('pop3');
	const stored = lab.store.sessions.get(listed!.id)!;
	const texts = stored.events.map((e) => e.text);
	expect(texts).toContain('STLS');
	expect(texts).toContain('+OK Begin TLS negotiation');
	const pass = stored.events.find((e) => e.text.startsWith('PASS'))!;
	expect(pass.text).not.toContain('wonderland');
	expect(pass.anomalies).toContain('credentials-masked');
	expect(pass.annotation.summary).toMatch(
		/^Carries a password \(PASS, or an AUTH PLAIN response\)/
	);
	expect(JSON.stringify(stored.events)).not.toContain('wonderland');
	// Pop3Annotator explains each line (src/lib/pop3): the STAT and its +OK have titles of their own.
	const stat = stored.events.find((e) => e.text === 'STAT')!;
	expect(stat.annotation.title).toMatch(/STAT/);
	expect(
		stored.events.find((e) => e.dir === 'server' && e.text.startsWith('+OK 0 0'))
	).toBeDefined();
});

it('a POP3 session kept in the database is explained the same after a restart', async () => {
	const dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-pop3-'));
	try {
		const first = await startQuickLab({ dataDir });
		await deliver(first, SUBMITTED);
		await poplib(
			first,
			`c.stls(context=ctx); c.user('alice'); c.pass_('wonderland'); c.capa(); c.list(); c.retr(1); c.quit()`
		);
		const ended = (lab: Lab) =>
			[...lab.store.sessions.values()].find(
				(s) => s.summary.protocol === 'pop3' && s.summary.endedAt !== null
			);
		await until(() => ended(first) !== undefined);
		const view = (lab: Lab) =>
			ended(lab)!.events.map((e) => [
				e.dir,
				e.text,
				e.annotation.title,
				e.annotation.stateBefore,
				e.annotation.stateAfter
			]);
		const before = view(first);
		expect(before.some(([, , title]) => /RETR/.test(String(title)))).toBe(true);
		await first.close();
		const second = await start({ dataDir });
		expect(ended(second)!.summary.protocol).toBe('pop3');
		expect(view(second)).toEqual(before);
	} finally {
		rmSync(dataDir, { recursive: true, force: true });
	}
});

it('the wire tap sees a POP3 session as an eavesdropper would: plaintext up to STLS, then only TLS records', async () => {
	const lab = await start();
	await poplib(
		lab,
		`c.stls(context=ctx); c.user('alice'); c.pass_('wonderland'); c.stat(); c.quit()`
	);
	const session = [...lab.store.sessions.values()].find((s) => s.summary.listener === 'pop3')!;
	await until(() => session.summary.endedAt !== null);
	const { records } = (await (
		await callRoute(sessionWire, { id: session.summary.id })
	).json()) as WireView;
	const firstTls = records.findIndex((r) => r.kind === 'tls');
	expect(firstTls).toBeGreaterThan(0);
	expect(records.slice(0, firstTls).every((r) => r.kind === 'plaintext')).toBe(true);
	expect(records.slice(firstTls).every((r) => r.kind === 'tls')).toBe(true);
	// The client's readable bytes are exactly CAPA (poplib's stls() asks first) and STLS: USER,
	// PASS and STAT went encrypted.
	const clientPlain = records.filter((r) => r.dir === 'client' && r.kind === 'plaintext');
	expect(clientPlain.reduce((sum, r) => sum + r.bytes, 0)).toBe('CAPA\r\nSTLS\r\n'.length);
	expect(records.some((r) => r.dir === 'client' && r.tlsType === 'handshake')).toBe(true);
});

it('CAPA announces EXPIRE: the whole days RETENTION_HOURS (and a class, CLASS_RETENTION_DAYS) keep mail', async () => {
	const week = await start();
	expect((await poplib(week, `out['expire'] = c.capa()['EXPIRE']; c.quit()`)).expire).toEqual([
		'7'
	]);
	const short = await start({ retentionHours: 50 });
	expect((await poplib(short, `out['expire'] = c.capa()['EXPIRE']; c.quit()`)).expire).toEqual([
		'2'
	]);
	const classes = await start({ classRetentionDays: 1 });
	expect((await poplib(classes, `out['expire'] = c.capa()['EXPIRE']; c.quit()`)).expire).toEqual([
		'1'
	]);
});
