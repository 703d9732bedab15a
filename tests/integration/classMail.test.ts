/**
 * Issue 15: a student's address is a mailbox and their submission login. A real client (Python's
 * smtplib) sends to `nickname@code.class.test` on mx, and logs in on submission with that address
 * and the student's personal password; what it sends and receives is the student's (private mode:
 * the student sees it, another student does not). Unknown nicknames and domains of no live class
 * are refused at RCPT with their enhanced codes (RFC 3463 §3.2 X.1.1, X.1.2).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { Viewer } from '../../server/owners/visibility';
import { GET as messageDetail } from '../../src/routes/api/messages/[id]/+server';
import { GET as sessionDetail } from '../../src/routes/api/sessions/[id]/+server';
import { callRoute } from './routeCall';
import { ended, startQuickLab } from './smtpSession';

const run = promisify(execFile);

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

/** Runs a Python script that prints one JSON line, and returns what it printed. */
async function python<T>(script: string): Promise<T> {
	const { stdout } = await run('/usr/bin/python3', ['-c', script]);
	return JSON.parse(stdout) as T;
}

const viewerOf = (ownerId: string): Viewer => ({ ownerId, operator: false });

async function classWithStudents(lab: Lab) {
	const teacher = viewerOf(lab.owners.signer.issueOwner().id);
	const room = lab.classes.create(teacher, 'Mail');
	const ana = lab.classes.join(viewerOf(lab.owners.signer.issueOwner().id), room.code, 'Ana');
	const bob = lab.classes.join(viewerOf(lab.owners.signer.issueOwner().id), room.code, 'bob');
	return { room, ana, bob, domain: `${room.code.toLowerCase()}.class.test` };
}

const status = async (response: Response | Promise<Response>) => (await response).status;

it('mail to a student’s address is delivered and theirs; unknown nicknames and class domains are refused at RCPT', async () => {
	lab = await startQuickLab({ visibility: 'private' });
	const { room, ana, bob, domain } = await classWithStudents(lab);
	const replies = await python<Record<string, [number, string]>>(`
import json, smtplib
out = {}
with smtplib.SMTP('127.0.0.1', ${lab.sandbox.port('mx')}) as s:
    s.ehlo('client.example')
    s.mail('teacher@example.com')
    for name, rcpt in [('student', 'ANA@${room.code}.Class.Test'), ('unknown', 'nobody@${domain}'), ('ended', 'ana@aaaaaa.class.test')]:
        code, text = s.rcpt(rcpt)
        out[name] = [code, text.decode()]
    code, text = s.data(b'Subject: for Ana\\r\\n\\r\\nhello\\r\\n')
    out['data'] = [code, text.decode()]
print(json.dumps(out))
`);
	expect(replies.student[0]).toBe(250);
	expect(replies.unknown).toEqual([
		550,
		`5.1.1 No student of class ${room.code} is called nobody: a class address is <nickname>@${domain}`
	]);
	expect(replies.ended).toEqual([
		550,
		'5.1.2 No class has the domain aaaaaa.class.test: the class ended, or its code is mistyped'
	]);
	expect(replies.data[0]).toBe(250);
	const messageId = /Queued as ([A-Za-z0-9_-]+)/.exec(replies.data[1])![1];
	const message = lab.store.messages.get(messageId)!;
	expect(message.owners).toEqual([ana.ownerId]);
	expect(await status(callRoute(messageDetail, { id: messageId }, viewerOf(ana.ownerId)))).toBe(
		200
	);
	expect(await status(callRoute(messageDetail, { id: messageId }, viewerOf(bob.ownerId)))).toBe(
		404
	);
	const sessionId = message.summary.sessionId!;
	await ended(lab, sessionId);
	expect(lab.store.sessions.get(sessionId)!.owners).toEqual([ana.ownerId]);
});

it('AUTH on submission with a student’s address and password makes the session and its mail the student’s', async () => {
	lab = await startQuickLab({ visibility: 'private' });
	const { room, ana, bob } = await classWithStudents(lab);
	const password = lab.store.owners.get(ana.ownerId)!.password;
	const result = await python<{ wrong: number; login: number; queued: string }>(`
import json, smtplib, ssl
out = {}
context = ssl._create_unverified_context()
with smtplib.SMTP('127.0.0.1', ${lab.sandbox.port('submission')}) as s:
    s.starttls(context=context)
    try:
        s.login('ana@${room.code.toLowerCase()}.class.test', '${password}x')
    except smtplib.SMTPAuthenticationError as e:
        out['wrong'] = e.smtp_code
with smtplib.SMTP('127.0.0.1', ${lab.sandbox.port('submission')}) as s:
    s.starttls(context=context)
    out['login'] = s.login('Ana@${room.code}.class.test', '${password}')[0]
    s.mail('ana@${room.code.toLowerCase()}.class.test')
    s.rcpt('someone@example.org')
    out['queued'] = s.data(b'Subject: from Ana\\r\\n\\r\\nhello\\r\\n')[1].decode()
print(json.dumps(out))
`);
	expect(result.wrong).toBe(535);
	expect(result.login).toBe(235);
	const messageId = /Queued as ([A-Za-z0-9_-]+)/.exec(result.queued)![1];
	const message = lab.store.messages.get(messageId)!;
	expect(message.owners).toEqual([ana.ownerId]);
	const sessionId = message.summary.sessionId!;
	await ended(lab, sessionId);
	expect(await status(callRoute(sessionDetail, { id: sessionId }, viewerOf(ana.ownerId)))).toBe(
		200
	);
	expect(await status(callRoute(sessionDetail, { id: sessionId }, viewerOf(bob.ownerId)))).toBe(
		404
	);
	// The teacher sees the class's mail.
	expect(
		await status(callRoute(messageDetail, { id: messageId }, viewerOf(room.teacherOwnerId)))
	).toBe(200);
});

it('mail to a student’s address counts against the student’s storage (MAX_STORED_BYTES_PER_OWNER), not the unclaimed pool', async () => {
	lab = await startQuickLab({ maxStoredBytesPerOwner: 0 });
	const { domain } = await classWithStudents(lab);
	const reply = await python<[number, string]>(`
import json, smtplib
with smtplib.SMTP('127.0.0.1', ${lab.sandbox.port('mx')}) as s:
    s.ehlo('client.example')
    s.mail('someone@example.net')
    code, text = s.rcpt('ana@${domain}')
    print(json.dumps([code, text.decode()]))
`);
	expect(reply[0]).toBe(452);
	expect(reply[1]).toMatch(
		new RegExp(`^4\\.2\\.2 Storage full for the mailbox of ana@${domain}: `)
	);
});
