/**
 * The IMAP listeners (issue 19, server/imap/) with a client nobody here wrote: Python's imaplib.
 * No password before TLS (CAPABILITY says LOGINDISABLED, LOGIN gets NO); starttls() then login;
 * imaps speaks TLS from the first byte; the mailbox commands LIST, LSUB, CREATE, RENAME,
 * DELETE, SUBSCRIBE, STATUS, SELECT and EXAMINE as imaplib sends them; IDLE sees a message
 * delivered over SMTP while it waits. The session is recorded with protocol 'imap' and its
 * password masked.
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
	for (const client of clients.splice(0)) client.socket.destroy();
	for (const lab of labs.splice(0)) await lab.close();
});

async function start(overrides: Parameters<typeof startQuickLab>[0] = {}): Promise<Lab> {
	const lab = await startQuickLab(overrides);
	labs.push(lab);
	return lab;
}

/**
 * Runs imaplib against the lab: `body` is Python with `c` connected (IMAP4 on the imap listener,
 * or IMAP4_SSL on imaps), `ctx` an SSL context that accepts the sandbox's self-signed
 * certificate, and `out` a dict printed as JSON at the end; `s(x)` decodes imaplib's bytes.
 */
async function imaplib(
	lab: Lab,
	body: string,
	listener: 'imap' | 'imaps' = 'imap'
): Promise<Record<string, unknown>> {
	const script = `
import imaplib, json, ssl, sys
ctx = ssl._create_unverified_context()
port = int(sys.argv[1])
c = imaplib.IMAP4_SSL('127.0.0.1', port, ssl_context=ctx) if sys.argv[2] == 'imaps' else imaplib.IMAP4('127.0.0.1', port)
out = {}
def s(x):
    if isinstance(x, bytes): return x.decode('latin1')
    if isinstance(x, (list, tuple)): return [s(i) for i in x]
    return x
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

it('imaplib: LOGINDISABLED before TLS and LOGIN refused; starttls() then login; capabilities after TLS', async () => {
	const lab = await start();
	const out = await imaplib(
		lab,
		`
out['before'] = sorted(s(list(c.capabilities)))
try:
    c.login('alice', 'wonderland')
    out['plainLogin'] = 'accepted'
except imaplib.IMAP4.error as e:
    out['plainLogin'] = str(e)
out['state'] = c.state
c.starttls(ssl_context=ctx)
out['after'] = sorted(s(list(c.capabilities)))
out['login'] = s(c.login('alice', 'wonderland'))
out['state2'] = c.state
out['logout'] = s(c.logout())
`
	);
	expect(out.before).toEqual(['IMAP4REV1', 'LOGINDISABLED', 'STARTTLS']);
	expect(out.plainLogin).toMatch(/LOGIN refused before TLS/);
	expect(out.state).toBe('NONAUTH');
	// No IMAP4rev2 (RFC 9051 would have to be implemented whole), no STARTTLS inside TLS.
	expect(out.after).toEqual(['AUTH=PLAIN', 'ENABLE', 'IDLE', 'IMAP4REV1', 'UNSELECT']);
	expect(out.login).toEqual(['OK', ['alice logged in']]);
	expect(out.state2).toBe('AUTH');
	expect(out.logout).toEqual(['BYE', ['sandbox.smtp-lab.test logging out']]);

	const [stored] = [...lab.store.sessions.values()].filter((s) => s.summary.listener === 'imap');
	expect(stored.summary.protocol).toBe('imap');
	expect(stored.summary.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
	const logins = stored.events.filter((e) => e.dir === 'client' && / LOGIN /i.test(e.text));
	expect(logins).toHaveLength(2);
	for (const line of logins) {
		expect(line.text).not.toContain('wonderland');
		expect(line.text).toMatch(/ LOGIN alice /);
	}
});

it('imaplib on imaps: TLS from the first byte, AUTHENTICATE PLAIN, and the mailbox commands', async () => {
	const lab = await start();
	const out = await imaplib(
		lab,
		`
out['caps'] = sorted(s(list(c.capabilities)))
out['auth'] = s(c.authenticate('PLAIN', lambda _: b'\\0alice\\0wonderland'))
out['list0'] = s(c.list())
out['create'] = s(c.create('Projects/2026'))
out['createAgain'] = s(c.create('Projects/2026'))
out['rename'] = s(c.rename('Projects', 'Archive'))
out['list1'] = s(c.list('""', '*'))
out['percent'] = s(c.list('""', '%'))
out['under'] = s(c.list('Archive/', '%'))
out['subscribe'] = s(c.subscribe('Archive/2026'))
out['lsub'] = s(c.lsub())
out['status'] = s(c.status('INBOX', '(MESSAGES RECENT UIDNEXT UNSEEN)'))
out['statusMissing'] = s(c.status('Nowhere', '(MESSAGES)'))
out['examine'] = s(c.select('Sent', readonly=True))
out['examineCode'] = s(c.response('READ-ONLY'))
out['select'] = s(c.select('INBOX'))
out['selectCodes'] = [s(c.response(k)) for k in ('READ-WRITE', 'PERMANENTFLAGS', 'UIDNEXT')]
out['close'] = s(c.close())
out['deleteInbox'] = s(c.delete('INBOX'))
out['delete'] = s(c.delete('Archive/2026'))
out['list2'] = s(c.list())
c.logout()
`,
		'imaps'
	);
	expect(out.caps).toEqual(['AUTH=PLAIN', 'ENABLE', 'IDLE', 'IMAP4REV1', 'UNSELECT']);
	expect(out.auth).toEqual(['OK', ['alice authenticated (PLAIN)']]);
	expect(out.list0).toEqual([
		'OK',
		['(\\Noinferiors) "/" "INBOX"', '() "/" "Junk"', '() "/" "Sent"']
	]);
	expect(out.create).toEqual(['OK', ['CREATE completed']]);
	expect(out.createAgain).toEqual([
		'NO',
		['CREATE: a mailbox named "Projects/2026" already exists']
	]);
	expect(out.rename).toEqual(['OK', ['RENAME completed']]);
	// RFC 3501 §6.3.5: the inferiors move with it.
	expect(out.list1).toEqual([
		'OK',
		[
			'(\\Noinferiors) "/" "INBOX"',
			'() "/" "Archive"',
			'() "/" "Archive/2026"',
			'() "/" "Junk"',
			'() "/" "Sent"'
		]
	]);
	// "%" stops at the delimiter (§6.3.8).
	expect(out.percent).toEqual([
		'OK',
		['(\\Noinferiors) "/" "INBOX"', '() "/" "Archive"', '() "/" "Junk"', '() "/" "Sent"']
	]);
	expect(out.under).toEqual(['OK', ['() "/" "Archive/2026"']]);
	expect(out.subscribe).toEqual(['OK', ['SUBSCRIBE completed']]);
	expect(out.lsub).toEqual(['OK', ['() "/" "Archive/2026"']]);
	expect(out.status).toEqual(['OK', ['"INBOX" (MESSAGES 0 RECENT 0 UIDNEXT 1 UNSEEN 0)']]);
	expect((out.statusMissing as [string, string[]])[0]).toBe('NO');
	expect(out.examine).toEqual(['OK', ['0']]);
	expect(out.examineCode).toEqual(['READ-ONLY', ['']]);
	expect(out.select).toEqual(['OK', ['0']]);
	expect(out.selectCodes).toEqual([
		['READ-WRITE', ['']],
		['PERMANENTFLAGS', ['(\\Seen \\Answered \\Flagged \\Deleted \\Draft)']],
		['UIDNEXT', ['1']]
	]);
	expect((out.close as [string])[0]).toBe('OK');
	expect((out.deleteInbox as [string])[0]).toBe('NO');
	expect(out.delete).toEqual(['OK', ['DELETE completed']]);
	expect(out.list2).toEqual([
		'OK',
		['(\\Noinferiors) "/" "INBOX"', '() "/" "Archive"', '() "/" "Junk"', '() "/" "Sent"']
	]);
	const stored = [...lab.store.sessions.values()].find((s) => s.summary.listener === 'imaps')!;
	const plain = stored.events.findIndex((e) => /AUTHENTICATE PLAIN$/i.test(e.text));
	expect(plain).toBeGreaterThan(-1);
	// The SASL answer after "+ " is a credential: masked for everyone but its owner.
	const answer = stored.events.slice(plain + 1).find((e) => e.dir === 'client')!;
	expect(answer.text).not.toContain(Buffer.from('\0alice\0wonderland').toString('base64'));
});

it('IDLE: a message delivered over SMTP while the session idles arrives as * EXISTS; DONE ends it', async () => {
	const lab = await start();
	const client = await RawImap.open(lab, 'imaps');
	clients.push(client);
	await client.command('a1', 'LOGIN alice wonderland');
	expect(await client.command('a2', 'SELECT INBOX')).toContain('* 0 EXISTS');
	client.send('a3 IDLE\r\n');
	expect(await client.line()).toBe('+ idling');
	const script = `
import smtplib, sys
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as mx:
    mx.sendmail('carol@example.org', ['alice@example.com'], b'Subject: while idling\\r\\n\\r\\nhello\\r\\n')
`;
	await run('/usr/bin/python3', ['-c', script, String(lab.sandbox.port('mx'))]);
	// RFC 2177 §3: the server sends untagged responses as changes happen, no command needed.
	expect(await client.line()).toBe('* 1 EXISTS');
	expect(await client.line()).toBe('* 1 RECENT');
	// Another session flags it: the idling one hears of it as an untagged FETCH (§7.4.2).
	const other = await RawImap.open(lab, 'imaps');
	clients.push(other);
	await other.command('b1', 'LOGIN alice wonderland');
	await other.command('b2', 'SELECT INBOX');
	expect((await other.command('b3', 'STORE 1 +FLAGS (\\Flagged)')).at(-1)).toMatch(/^b3 OK/);
	expect(await client.line()).toMatch(/^\* 1 FETCH \(FLAGS \([^)]*\\Flagged[^)]*\)\)$/);
	client.send('DONE\r\n');
	expect(await client.line()).toBe('a3 OK IDLE terminated');
	const fetched = await client.command('a4', 'FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
	expect(fetched.join('\n')).toContain('Subject: while idling');
	await until(() =>
		[...lab.store.sessions.values()].some((s) => s.events.some((e) => e.text === 'DONE'))
	);
});

it('recorded as it crossed the wire: a LOGIN password sent as a literal is masked, and each literal of a FETCH is content', async () => {
	const lab = await start();
	const script = `
import smtplib, sys
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as mx:
    mx.sendmail('carol@example.org', ['alice@example.com'], b'Subject: two literals\\r\\n\\r\\nthe body text\\r\\n')
`;
	await run('/usr/bin/python3', ['-c', script, String(lab.sandbox.port('mx'))]);
	const client = await RawImap.open(lab, 'imaps');
	clients.push(client);
	// RFC 3501 §4.3: a literal may carry any astring, the password included.
	client.send('a1 LOGIN {5}\r\n');
	expect(await client.line()).toBe('+ Ready for the literal');
	client.send('alice {10}\r\n');
	expect(await client.line()).toBe('+ Ready for the literal');
	client.send('wonderland\r\n');
	expect(await client.line()).toBe('a1 OK alice logged in');
	await client.command('a2', 'SELECT INBOX');
	const fetched = await client.command('a3', 'FETCH 1 (BODY.PEEK[HEADER] BODY.PEEK[TEXT])');
	expect(fetched.at(-1)).toMatch(/^a3 OK/);
	await client.command('a4', 'LOGOUT');
	await client.closed;

	const stored = [...lab.store.sessions.values()].find((s) => s.summary.listener === 'imaps')!;
	await until(() => stored.events.some((e) => e.text.startsWith('a4 OK')));
	expect(stored.events.filter((e) => e.text.includes('wonderland'))).toEqual([]);
	const client1 = stored.events.filter((e) => e.dir === 'client').map((e) => e.text);
	// The password's announcement is masked too: its length is a hint worth hiding.
	expect(client1[0]).toBe('a1 LOGIN {5}');
	expect(client1[1]).toMatch(/^alice •+ \(hidden/);
	expect(client1[2]).toMatch(/^•+ \(hidden/);
	const contents = stored.events.filter((e) => e.messageId);
	expect(contents).toHaveLength(2);
	expect(contents[0].text).toContain('Subject: two literals');
	expect(contents[1].text).toContain('the body text');
	const after = (event: (typeof contents)[number]) =>
		stored.events[stored.events.indexOf(event) + 1].text;
	expect(after(contents[0])).toMatch(/^ BODY\[TEXT\] \{\d+\}$/);
	expect(after(contents[1])).toBe(')');
});

it('untagged updates: a POP3 removal reaches a selected IMAP session as * 1 EXPUNGE at NOOP, not during FETCH (RFC 3501 §7.4.1)', async () => {
	const lab = await start();
	const script = `
import smtplib, sys
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as mx:
    mx.sendmail('carol@example.org', ['alice@example.com'], b'Subject: one\\r\\n\\r\\nbody\\r\\n')
`;
	await run('/usr/bin/python3', ['-c', script, String(lab.sandbox.port('mx'))]);
	const client = await RawImap.open(lab, 'imaps');
	clients.push(client);
	await client.command('a1', 'LOGIN alice wonderland');
	expect(await client.command('a2', 'SELECT INBOX')).toContain('* 1 EXISTS');
	const pop = `
import poplib, ssl, sys
c = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ssl._create_unverified_context())
c.user('alice'); c.pass_('wonderland'); c.dele(1); c.quit()
`;
	await run('/usr/bin/python3', ['-c', pop, String(lab.sandbox.port('pop3s'))]);
	// The client's sequence numbers must not move under a FETCH: no EXPUNGE in its answer.
	const fetched = await client.command('a3', 'FETCH 1 FLAGS');
	expect(fetched.some((line) => /^\* \d+ EXPUNGE$/.test(line))).toBe(false);
	expect(await client.command('a4', 'NOOP')).toEqual(['* 1 EXPUNGE', 'a4 OK NOOP completed']);
	expect(await client.command('a5', 'NOOP')).toEqual(['a5 OK NOOP completed']);
});

it('EXPUNGE reports * n EXPUNGE, CLOSE removes \\Deleted messages silently (§6.4.2), UNSELECT removes nothing (RFC 3691)', async () => {
	const lab = await start();
	const script = `
import smtplib, sys
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as mx:
    for n in range(3):
        mx.sendmail('carol@example.org', ['alice@example.com'], b'Subject: number %d\\r\\n\\r\\nbody\\r\\n' % n)
`;
	await run('/usr/bin/python3', ['-c', script, String(lab.sandbox.port('mx'))]);
	const client = await RawImap.open(lab, 'imaps');
	clients.push(client);
	await client.command('a1', 'LOGIN alice wonderland');
	expect(await client.command('a2', 'SELECT INBOX')).toContain('* 3 EXISTS');
	await client.command('a3', 'STORE 1:3 +FLAGS.SILENT (\\Deleted)');
	// UNSELECT leaves the mailbox as it is.
	expect(await client.command('a4', 'UNSELECT')).toEqual([
		'a4 OK UNSELECT completed: nothing was removed'
	]);
	expect(await client.command('a5', 'SELECT INBOX')).toContain('* 3 EXISTS');
	await client.command('a6', 'STORE 1:3 -FLAGS.SILENT (\\Deleted)');
	await client.command('a7', 'STORE 2 +FLAGS.SILENT (\\Deleted)');
	// §7.4.1: message 2 goes, and the client is told its number.
	expect(await client.command('a8', 'EXPUNGE')).toEqual(['* 2 EXPUNGE', 'a8 OK EXPUNGE completed']);
	await client.command('a9', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
	// CLOSE: no untagged EXPUNGE, and the session leaves the selected state.
	expect(await client.command('b1', 'CLOSE')).toEqual([
		'b1 OK CLOSE completed: messages marked \\Deleted were removed without EXPUNGE responses'
	]);
	expect(await client.command('b2', 'FETCH 1 FLAGS')).toEqual([
		expect.stringMatching(/^b2 BAD FETCH is valid only in the selected state/)
	]);
	expect(await client.command('b3', 'STATUS INBOX (MESSAGES)')).toEqual([
		'* STATUS "INBOX" (MESSAGES 1)',
		'b3 OK STATUS completed'
	]);
});
