/**
 * Issue 16, "the teacher can send to all": `class@<code>.class.test` is the class-wide address.
 * A real client (Python's smtplib) sends to it; the teacher's mail (AUTH on submission with the
 * teacher's personal login) reaches every current student, each as its owner, so it is in each
 * student's /mailbox (GET /api/messages as that student). Anyone else is refused at RCPT with
 * 550 5.7.2 (RFC 3463 §3.8 X.7.2: not authorized to send to the mailing list). No student may
 * take "class" as a nickname.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { Viewer } from '../../server/owners/visibility';
import type { MessageSummary } from '../../src/lib/messages';
import { POST as join } from '../../src/routes/api/classes/[code]/students/+server';
import { GET as messageList } from '../../src/routes/api/messages/+server';
import { classRoute } from './classRoutes';
import { OWNER_COOKIE } from '../../src/lib/server/cookieNames';
import { callRoute } from './routeCall';
import { startQuickLab } from './smtpSession';
import { startWebServer } from './webServer';
import { BridgeClient, isType } from './wsClient';

const run = promisify(execFile);

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

async function python<T>(script: string): Promise<T> {
	const { stdout } = await run('/usr/bin/python3', ['-c', script]);
	return JSON.parse(stdout) as T;
}

const viewerOf = (ownerId: string): Viewer => ({ ownerId, operator: false });
const newViewer = (lab: Lab) => viewerOf(lab.owners.signer.issueOwner().id);

/** A class with the students named; its teacher's personal login made like /connect shows it. */
function classOf(lab: Lab, nicknames: string[]) {
	const teacher = newViewer(lab);
	const room = lab.classes.create(teacher, 'Mail');
	const students = nicknames.map((nickname) =>
		lab.classes.join(newViewer(lab), room.code, nickname)
	);
	const login = lab.store.owners.get(teacher.ownerId)!;
	return { room, teacher, students, login, domain: `${room.code.toLowerCase()}.class.test` };
}

/** Logs in on submission (STARTTLS, then AUTH), sends one message; the replies at RCPT and DATA. */
function submit(lab: Lab, user: string, password: string, rcpt: string) {
	return python<{ rcpt: [number, string]; data?: [number, string] }>(`
import json, smtplib, ssl
out = {}
with smtplib.SMTP('127.0.0.1', ${lab.sandbox.port('submission')}) as s:
    s.starttls(context=ssl._create_unverified_context())
    s.login('${user}', '${password}')
    s.mail('${user.includes('@') ? user : 'teacher@example.com'}')
    code, text = s.rcpt('${rcpt}')
    out['rcpt'] = [code, text.decode()]
    if code == 250:
        code, text = s.data(b'Subject: to all\\r\\n\\r\\nHomework: send me a bounce.\\r\\n')
        out['data'] = [code, text.decode()]
print(json.dumps(out))
`);
}

const queuedId = (reply: [number, string] | undefined) =>
	/Queued as ([A-Za-z0-9_-]+)/.exec(reply?.[1] ?? '')![1];

async function mailboxOf(viewer: Viewer): Promise<string[]> {
	const response = await callRoute(messageList, {}, viewer);
	const { messages } = (await response.json()) as { messages: MessageSummary[] };
	return messages.map((m) => m.id);
}

it('the teacher’s mail to class@ reaches every student’s mailbox, each as its owner', async () => {
	lab = await startQuickLab({ visibility: 'private' });
	const { teacher, students, login, domain } = classOf(lab, ['Ana', 'bob']);
	const outsider = newViewer(lab);
	const reply = await submit(lab, login.name, login.password, `CLASS@${domain.toUpperCase()}`);
	expect(reply.rcpt[0]).toBe(250);
	expect(reply.data?.[0]).toBe(250);
	const id = queuedId(reply.data);
	expect([...lab.store.messages.get(id)!.owners].sort()).toEqual(
		[teacher.ownerId, students[0].ownerId, students[1].ownerId].sort()
	);
	for (const viewer of [...students.map((s) => viewerOf(s.ownerId)), teacher])
		expect(await mailboxOf(viewer)).toContain(id);
	expect(await mailboxOf(outsider)).not.toContain(id);
});

it('a student’s RCPT TO class@ is refused with 550 5.7.2, and so is an outsider’s', async () => {
	lab = await startQuickLab({ visibility: 'private' });
	const { room, students, domain } = classOf(lab, ['Ana']);
	const ana = lab.store.owners.get(students[0].ownerId)!;
	const refusal = `5.7.2 Only the class's teacher may send to class@${domain}: it reaches every student (the teacher logs in with their personal login, or sends from their own browser)`;
	const student = await submit(lab, `ana@${domain}`, ana.password, `class@${domain}`);
	expect(student.rcpt).toEqual([550, refusal]);
	const outsider = await python<[number, string]>(`
import json, smtplib
with smtplib.SMTP('127.0.0.1', ${lab.sandbox.port('mx')}) as s:
    s.ehlo('client.example')
    s.mail('someone@example.net')
    code, text = s.rcpt('Class@${room.code}.class.test')
    print(json.dumps([code, text.decode()]))
`);
	expect(outsider).toEqual([550, refusal]);
});

it('the teacher’s mail to class@ of a class with no students is accepted and kept as the teacher’s', async () => {
	lab = await startQuickLab({ visibility: 'private' });
	const { teacher, login, domain } = classOf(lab, []);
	const reply = await submit(lab, login.name, login.password, `class@${domain}`);
	expect(reply.rcpt[0]).toBe(250);
	const id = queuedId(reply.data);
	expect(lab.store.messages.get(id)!.owners).toEqual([teacher.ownerId]);
	expect(lab.store.messages.get(id)!.summary).toMatchObject({
		recipients: [{ address: `class@${domain}`, outcome: 'delivered' }]
	});
});

it('no student may take the nickname "class", in any case', async () => {
	lab = await startQuickLab();
	const { room } = classOf(lab, []);
	for (const nickname of ['class', 'CLASS', 'Class']) {
		const answer = await classRoute(join, {
			viewer: newViewer(lab),
			params: { code: room.code },
			body: { nickname }
		});
		expect(answer.status).toBe(400);
		expect(answer.json.error).toBe(
			'"class" is taken by the class itself: mail to class@ reaches every student. Choose another nickname.'
		);
	}
	expect(lab.store.studentsOf(room.id)).toEqual([]);
});

it('the teacher’s mail to class@ counts against each student’s storage (MAX_STORED_BYTES_PER_OWNER)', async () => {
	lab = await startQuickLab({ maxStoredBytesPerOwner: 0 });
	const { login, domain } = classOf(lab, ['Ana']);
	const reply = await submit(lab, login.name, login.password, `class@${domain}`);
	expect(reply.rcpt[0]).toBe(452);
	expect(reply.rcpt[1]).toMatch(
		new RegExp(`^4\\.2\\.2 Storage full for the mailbox of class@${domain}: `)
	);
});

it('a session the teacher’s browser opened in the lab may send to class@; one a student’s browser opened may not', async () => {
	lab = await startQuickLab({ visibility: 'private' });
	const web = await startWebServer(lab);
	const teacher = lab.owners.signer.issueOwner();
	const ana = lab.owners.signer.issueOwner();
	const room = lab.classes.create(viewerOf(teacher.id), 'Mail');
	lab.classes.join(viewerOf(ana.id), room.code, 'Ana');
	/** The reply to RCPT TO class@ in an mx session opened by the browser with this cookie. */
	async function rcptFromBrowser(cookie: string): Promise<string> {
		const page = await BridgeClient.connect(web.wsUrl, {
			headers: { cookie: `${OWNER_COOKIE}=${cookie}` }
		});
		try {
			page.send({ type: 'open', listener: 'mx' });
			const { session } = await page.next(isType('opened'));
			await page.reply(session.id, /^220 /);
			for (const [line, reply] of [
				['EHLO desk.example', /^250 /],
				['MAIL FROM:<teacher@example.com>', /^250 /]
			] as const) {
				const from = page.received.length;
				page.send({ type: 'input', data: `${line}\r\n` });
				await page.reply(session.id, reply, 5000, from);
			}
			const from = page.received.length;
			page.send({
				type: 'input',
				data: `RCPT TO:<class@${room.code.toLowerCase()}.class.test>\r\n`
			});
			return (await page.reply(session.id, /^\d{3} /, 5000, from)).event.text;
		} finally {
			page.close();
		}
	}
	try {
		expect(await rcptFromBrowser(teacher.cookie)).toMatch(/^250 /);
		expect(await rcptFromBrowser(ana.cookie)).toMatch(/^550 5\.7\.2 /);
	} finally {
		await web.close();
	}
});
