/**
 * The message-level IMAP commands (issue 19, server/imap/messageCommands.ts) with a client
 * nobody here wrote: Python's imaplib. FETCH reads a message byte-exact (the message API's .eml
 * bytes), BODYSTRUCTURE and ENVELOPE as written by hand from the message, a body fetch sets
 * \Seen and records a read (RFC 3501 §6.4.5), PEEK does not; STORE's flags survive a restart
 * with the same UIDVALIDITY and UID (§2.3.1.1); EXPUNGE removes; SEARCH (§6.4.4) with CHARSET
 * and [BADCHARSET]; COPY and APPEND to a missing mailbox get [TRYCREATE] (§6.4.7, §6.3.11).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { GET as eml } from '../../src/routes/api/messages/[id]/eml/+server';
import { until } from './harness';
import { callRoute } from './routeCall';
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
 * Runs imaplib against the lab: `body` is Python with `c` logged in as alice (STARTTLS on the
 * imap listener, or TLS from the start on imaps), `b64(x)` and `s(x)` for the answers, and `out`
 * a dict printed as JSON at the end.
 */
async function imaplib(
	lab: Lab,
	body: string,
	listener: 'imap' | 'imaps' = 'imap'
): Promise<Record<string, unknown>> {
	const script = `
import base64, imaplib, json, ssl, sys
ctx = ssl._create_unverified_context()
port = int(sys.argv[1])
if sys.argv[2] == 'imaps':
    c = imaplib.IMAP4_SSL('127.0.0.1', port, ssl_context=ctx)
else:
    c = imaplib.IMAP4('127.0.0.1', port)
    c.starttls(ssl_context=ctx)
c.login('alice', 'wonderland')
out = {}
def b64(x): return base64.b64encode(x).decode()
def s(x): return x.decode() if isinstance(x, bytes) else [s(i) for i in x] if isinstance(x, (list, tuple)) else x
${body}
c.logout()
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

async function emlOf(id: string): Promise<Buffer> {
	return Buffer.from(await (await callRoute(eml, { id })).arrayBuffer());
}

// Part 1's body: "Hello Alice," (12) CRLF "the report is attached." (23) = 37 octets, 2 lines
// (the CRLF before "--b1" belongs to the delimiter, RFC 2046 §5.1.1). Part 2's: "JVBERi0xLjQK",
// 12 octets, no lines (not TEXT).
const REPORT = Buffer.from(
	[
		'From: Carol <carol@example.org>',
		'To: alice@example.com',
		'Subject: report',
		'Message-ID: <r1@example.org>',
		'Date: Tue, 1 Dec 2026 10:00:00 +0000',
		'MIME-Version: 1.0',
		'Content-Type: multipart/mixed; boundary="b1"',
		'',
		'--b1',
		'Content-Type: text/plain; charset=utf-8',
		'',
		'Hello Alice,',
		'the report is attached.',
		'--b1',
		'Content-Type: application/pdf; name=r.pdf',
		'Content-Transfer-Encoding: base64',
		'Content-Disposition: attachment; filename=r.pdf',
		'',
		'JVBERi0xLjQK',
		'--b1--',
		''
	].join('\r\n')
);

it('imaplib fetches byte-exact, reads BODYSTRUCTURE and ENVELOPE, and only a body fetch without PEEK sets \\Seen', async () => {
	const lab = await start();
	const id = await deliver(lab, REPORT);
	const out = await imaplib(
		lab,
		`
out['select'] = s(c.select('INBOX')[1])
typ, data = c.fetch('1', '(UID RFC822.SIZE BODY.PEEK[])')
out['peekHead'] = s(data[0][0]); out['peek'] = b64(data[0][1]); out['peekTail'] = s(data[1])
out['afterPeek'] = s(c.fetch('1', '(FLAGS)')[1])
out['structure'] = s(c.fetch('1', '(BODYSTRUCTURE)')[1])
out['body'] = s(c.fetch('1', '(BODY)')[1])
out['envelope'] = s(c.fetch('1', '(ENVELOPE)')[1])
typ, data = c.fetch('1', '(BODY[1])')
out['part1Head'] = s(data[0][0]); out['part1'] = s(data[0][1]); out['part1Tail'] = s(data[1])
out['afterRead'] = s(c.fetch('1', '(FLAGS)')[1])
out['search'] = s(c.search(None, 'UNSEEN')[1]) + s(c.search(None, 'SEEN SUBJECT "REPORT"')[1])
out['uidSearch'] = s(c.uid('SEARCH', None, 'ALL')[1])
out['utf8'] = s(c.search('UTF-8', 'BODY', 'Alice')[1])
out['badCharset'] = s(c.search('KOI8-R', 'ALL'))
`
	);
	const bytes = await emlOf(id);
	expect(out.select).toEqual(['1']);
	// Byte-exact: what the message API serves as the .eml, its size counted the same.
	const uid = /^1 \(UID (\d+) /.exec(out.peekHead as string)?.[1];
	expect(out.peekHead).toBe(`1 (UID ${uid} RFC822.SIZE ${bytes.length} BODY[] {${bytes.length}}`);
	expect(Buffer.from(out.peek as string, 'base64').equals(bytes)).toBe(true);
	expect(out.peekTail).toBe(')');
	expect(out.afterPeek).toEqual(['1 (FLAGS (\\Recent))']);
	expect(out.structure).toEqual([
		'1 (BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "7BIT" 37 2 NIL NIL NIL NIL)' +
			'("application" "pdf" ("name" "r.pdf") NIL NIL "base64" 12 NIL ("attachment" ("filename" "r.pdf")) NIL NIL)' +
			' "mixed" ("boundary" "b1") NIL NIL NIL))'
	]);
	expect(out.body).toEqual([
		'1 (BODY (("text" "plain" ("charset" "utf-8") NIL NIL "7BIT" 37 2)' +
			'("application" "pdf" ("name" "r.pdf") NIL NIL "base64" 12) "mixed"))'
	]);
	expect(out.envelope).toEqual([
		'1 (ENVELOPE ("Tue, 1 Dec 2026 10:00:00 +0000" "report" ' +
			'(("Carol" NIL "carol" "example.org")) (("Carol" NIL "carol" "example.org")) ' +
			'(("Carol" NIL "carol" "example.org")) ((NIL NIL "alice" "example.com")) ' +
			'NIL NIL NIL "<r1@example.org>"))'
	]);
	// BODY[1] without PEEK: the part's octets, and the \Seen it set (§6.4.5).
	expect(out.part1Head).toBe('1 (BODY[1] {37}');
	expect(out.part1).toBe('Hello Alice,\r\nthe report is attached.');
	expect(out.part1Tail).toBe(' FLAGS (\\Seen \\Recent))');
	expect(out.afterRead).toEqual(['1 (FLAGS (\\Seen \\Recent))']);
	expect(out.search).toEqual(['', '1']);
	expect(out.uidSearch).toEqual([uid]);
	expect(out.utf8).toEqual(['1']);
	expect(out.badCharset).toEqual([
		'NO',
		['[BADCHARSET (US-ASCII UTF-8)] Charset KOI8-R is not supported: search in US-ASCII or UTF-8']
	]);
	// One read recorded, by the FETCH that set \Seen; the body went to the transcript as content.
	const stored = lab.store.messages.get(id)!;
	expect(stored.summary.readerActs?.map((a) => [a.act, a.protocol, a.command])).toEqual([
		['read', 'imap', 'FETCH']
	]);
	const session = [...lab.store.sessions.values()].find((s) => s.summary.protocol === 'imap')!;
	await until(() => session.summary.endedAt !== null);
	const content = session.events.filter((e) => e.messageId === id);
	expect(content.length).toBe(2);
});

it('flags set by STORE survive a restart with the same UIDVALIDITY and UID; EXPUNGE removes a \\Deleted message', async () => {
	const dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-imapfetch-'));
	dirs.push(dataDir);
	let lab = await start({ dataDir });
	const id = await deliver(lab, REPORT);
	const first = await imaplib(
		lab,
		`
c.select('INBOX')
out['validity'] = s(c.response('UIDVALIDITY')[1])
out['store'] = s(c.store('1', '+FLAGS', '(\\\\Flagged \\\\Answered)')[1])
out['silent'] = s(c.store('1', '-FLAGS.SILENT', '(\\\\Answered)')[1])
out['uid'] = s(c.uid('STORE', '1:*', '+FLAGS', '(\\\\Seen)')[1])
`,
		'imaps'
	);
	expect(first.store).toEqual(['1 (FLAGS (\\Answered \\Flagged \\Recent))']);
	expect(first.silent).toEqual([null]);
	const uid = /UID (\d+)/.exec((first.uid as string[])[0])?.[1];
	expect(first.uid).toEqual([`1 (FLAGS (\\Seen \\Flagged \\Recent) UID ${uid})`]);
	await lab.close();
	labs.splice(labs.indexOf(lab), 1);
	lab = await start({ dataDir });
	const second = await imaplib(
		lab,
		`
c.select('INBOX')
out['validity'] = s(c.response('UIDVALIDITY')[1])
out['flags'] = s(c.uid('FETCH', '1:*', '(FLAGS)')[1])
out['deleted'] = s(c.store('1', '+FLAGS.SILENT', '(\\\\Deleted)')[1])
out['expunge'] = s(c.expunge()[1])
out['all'] = s(c.search(None, 'ALL')[1])
`
	);
	expect(first.validity).toEqual([expect.stringMatching(/^[1-9]\d*$/)]);
	expect(second.validity).toEqual(first.validity);
	expect(second.flags).toEqual([`1 (FLAGS (\\Seen \\Flagged) UID ${uid})`]);
	expect(second.expunge).toEqual(['1']);
	expect(second.all).toEqual(['']);
	expect(lab.store.messages.get(id)!.summary.readerActs?.map((a) => [a.act, a.command])).toEqual([
		['removed', 'EXPUNGE']
	]);
});

it('COPY and APPEND to a mailbox that does not exist get [TRYCREATE]; after CREATE they work, byte-exact', async () => {
	const lab = await start();
	const id = await deliver(lab, REPORT);
	const appended = 'From: alice@example.com\r\nSubject: draft\r\n\r\nNot sent yet.\r\n';
	const out = await imaplib(
		lab,
		`
c.select('INBOX')
out['copyMissing'] = s(c.copy('1', 'Archive'))
out['appendMissing'] = s(c.append('Drafts', None, None, b'Subject: x\\r\\n\\r\\ny\\r\\n'))
c.create('Archive')
out['copy'] = s(c.copy('1', 'Archive'))
out['uidCopy'] = s(c.uid('COPY', '1:*', 'Archive')[0])
out['append'] = s(c.append('Sent', '(\\\\Seen)', '"17-Jul-1996 02:44:25 -0700"', ${JSON.stringify(appended)}.encode()))
out['archived'] = s(c.select('Archive')[1])
typ, data = c.fetch('2', '(BODY.PEEK[])'); out['archivedCopy'] = b64(data[0][1])
c.select('Sent')
typ, data = c.fetch('1', '(FLAGS INTERNALDATE BODY.PEEK[])')
out['sentHead'] = s(data[0][0]); out['sent'] = s(data[0][1])
`
	);
	expect(out.copyMissing).toEqual([
		'NO',
		['[TRYCREATE] COPY refused: no mailbox named "Archive"; CREATE it, then try again']
	]);
	expect(out.appendMissing).toEqual([
		'NO',
		['[TRYCREATE] APPEND refused: no mailbox named "Drafts"; CREATE it, then try again']
	]);
	expect(out.copy).toEqual(['OK', ['COPY completed: 1 copied to Archive']]);
	expect(out.uidCopy).toBe('OK');
	expect(out.archived).toEqual(['2']);
	expect(Buffer.from(out.archivedCopy as string, 'base64').equals(await emlOf(id))).toBe(true);
	expect(out.append).toEqual([
		'OK',
		[`APPEND completed: ${appended.length} octets stored in Sent`]
	]);
	// The date-time given, written in +0000 (§2.3.3); the flags given, and \Recent for this session.
	expect(out.sentHead).toBe(
		`1 (FLAGS (\\Seen \\Recent) INTERNALDATE "17-Jul-1996 09:44:25 +0000" BODY[] {${appended.length}}`
	);
	expect(out.sent).toBe(appended);
});

it('APPEND takes a message of exactly IMAP_MAX_LITERAL_BYTES and refuses one octet more before it is sent (RFC 3501 §7.5)', async () => {
	const lab = await start({ imapMaxLiteralBytes: 100 });
	// "Subject: edge" CRLF CRLF (17 octets), a line of x's and its CRLF: `octets` in all.
	const message = (octets: number) => `Subject: edge\r\n\r\n${'x'.repeat(octets - 19)}\r\n`;
	const out = await imaplib(
		lab,
		`
out['fits'] = s(c.append('Sent', None, None, ${JSON.stringify(message(100))}.encode()))
try:
    out['over'] = s(c.append('Sent', None, None, ${JSON.stringify(message(101))}.encode()))
except Exception as e:
    out['over'] = str(e)
c.select('Sent')
out['sizes'] = s(c.fetch('1:*', '(RFC822.SIZE)')[1])
`
	);
	expect(out.fits).toEqual(['OK', ['APPEND completed: 100 octets stored in Sent']]);
	expect(out.over).toEqual([
		'NO',
		[
			"literal of 101 octets is larger than this server's limit of 100; do not send it (RFC 3501 section 7.5)"
		]
	]);
	expect(out.sizes).toEqual(['1 (RFC822.SIZE 100)']);
});

it('a reader taking 4 KB at a time gets two 900 KB messages byte-exact from one FETCH', async () => {
	const lab = await start();
	// Two messages of about 900 KB (MAX_MESSAGE_BYTES is 1 MiB): 12,000 lines of 74 octets.
	const large = (n: number) =>
		Buffer.from(
			`Subject: large ${n}\r\n\r\n` +
				Array.from(
					{ length: 12_000 },
					(_, i) => `${n} ${String(i).padStart(5, '0')} ${'x'.repeat(64)}\r\n`
				).join('')
		);
	const ids = [await deliver(lab, large(1)), await deliver(lab, large(2))];
	// A reader that takes 4 KB at a time and pauses between reads, so the server's writes meet a
	// full socket (what the test checks is only the bytes, never how long they took).
	const script = `
import socket, ssl, sys, time, base64, json
ctx = ssl._create_unverified_context()
s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))))
def read_until(tag):
    data = b''
    while True:
        chunk = s.recv(4096)
        if not chunk:
            return data
        data += chunk
        time.sleep(0.0005)
        if data.endswith(b'\\r\\n'):
            i = data.rfind(b'\\r\\n', 0, len(data) - 2)
            if data[i + 2 if i >= 0 else 0:].startswith(tag + b' '):
                return data
read_until(b'*')
s.sendall(b'l LOGIN alice wonderland\\r\\n'); read_until(b'l')
s.sendall(b's SELECT INBOX\\r\\n'); read_until(b's')
s.sendall(b'f FETCH 1:2 BODY.PEEK[]\\r\\n'); data = read_until(b'f')
s.sendall(b'o LOGOUT\\r\\n'); read_until(b'o')
print(base64.b64encode(data).decode())
`;
	const { stdout } = await run(
		'/usr/bin/python3',
		['-c', script, String(lab.sandbox.port('imaps'))],
		{
			maxBuffer: 16 * 1024 * 1024
		}
	);
	const data = Buffer.from(stdout.trim(), 'base64');
	const [first, second] = await Promise.all(ids.map(emlOf));
	const expected = Buffer.concat([
		Buffer.from(`* 1 FETCH (BODY[] {${first.length}}\r\n`),
		first,
		Buffer.from(`)\r\n* 2 FETCH (BODY[] {${second.length}}\r\n`),
		second,
		Buffer.from(')\r\nf OK FETCH completed\r\n')
	]);
	expect(data.length).toBe(expected.length);
	expect(data.equals(expected)).toBe(true);
}, 60_000);
