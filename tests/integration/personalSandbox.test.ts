/**
 * The personal sandbox /connect shows (issue 13): a mail program outside the browser logs in with
 * the owner's personal credentials, or sends to the owner's personal domain on mx, and what it
 * carries is that owner's — in VISIBILITY=private nobody else sees it. The shared accounts log in
 * from outside the browser only in open mode. The client is Debian's Python smtplib; the login
 * and domain are what the /connect page's server load hands the page; the lists are the API's.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { Viewer } from '../../server/owners/visibility';
import type { MessageSummary, SessionSummary } from '../../src/lib/messages';
import { GET as listMessages } from '../../src/routes/api/messages/+server';
import { GET as messageDetail } from '../../src/routes/api/messages/[id]/+server';
import { GET as listSessions } from '../../src/routes/api/sessions/+server';
import { load as connectLoad } from '../../src/routes/connect/+page.server';
import { until } from './harness';
import { callRoute } from './routeCall';
import { startQuickLab } from './smtpSession';

const run = promisify(execFile);

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

/** A browser of its own: a fresh owner cookie, as the site's hooks would read it. */
function newVisitor(lab: Lab): Viewer {
	return { ownerId: lab.owners.signer.issueOwner().id, operator: false };
}

/** What /connect's server load gives the page for `viewer`, and the headers it set. */
async function connectPage(viewer: Viewer) {
	const headers: Record<string, string> = {};
	const data = await (connectLoad as (event: unknown) => unknown)({
		// A visitor that came back with its cookie (a first request's is tests/e2e/personalSandbox.spec.ts's).
		locals: { viewer, knownOwner: true },
		setHeaders: (set: Record<string, string>) => Object.assign(headers, set)
	});
	const { personal, visibility } = data as {
		personal: { user: string; password: string; domain: string };
		visibility: string;
	};
	return { personal, visibility, headers };
}

/**
 * Runs a Python smtplib script with `PORT_MX`, `PORT_SUBMISSION`, `USER`, `PASSWORD` and `DOMAIN`
 * in its environment; returns what it printed.
 */
async function smtplib(
	lab: Lab,
	script: string,
	env: { USER?: string; PASSWORD?: string; DOMAIN?: string } = {}
): Promise<string> {
	const { stdout } = await run('/usr/bin/python3', ['-c', script], {
		env: {
			PORT_MX: String(lab.sandbox.port('mx')),
			PORT_SUBMISSION: String(lab.sandbox.port('submission')),
			...env
		}
	});
	return stdout;
}

const SUBMIT = `
import os, smtplib, ssl
from email.message import EmailMessage
def message(to, subject):
    m = EmailMessage()
    m['From'] = 'me@' + os.environ['DOMAIN']
    m['To'] = to
    m['Subject'] = subject
    m.set_content('Sent with my personal login.')
    return m
with smtplib.SMTP('127.0.0.1', int(os.environ['PORT_SUBMISSION'])) as smtp:
    smtp.starttls(context=ssl._create_unverified_context())
    smtp.login(os.environ['USER'], os.environ['PASSWORD'])
    smtp.send_message(message('someone@' + os.environ['DOMAIN'], 'to my own domain'))
    smtp.send_message(message('bob@example.com', 'to bob'))
`;

/** Logs in on submission with USER/PASSWORD and prints the reply code and text. */
const LOGIN = `
import os, smtplib, ssl
with smtplib.SMTP('127.0.0.1', int(os.environ['PORT_SUBMISSION'])) as smtp:
    smtp.starttls(context=ssl._create_unverified_context())
    try:
        code, text = smtp.login(os.environ['USER'], os.environ['PASSWORD'])
    except smtplib.SMTPAuthenticationError as e:
        code, text = e.smtp_code, e.smtp_error
    print(code, text.decode())
`;

const MX = `
import os, smtplib
with smtplib.SMTP('127.0.0.1', int(os.environ['PORT_MX'])) as smtp:
    smtp.sendmail('someone@example.net', ['x@' + os.environ['DOMAIN']],
        b'Subject: from the outside\\r\\n\\r\\nTo your personal domain.\\r\\n')
`;

async function messagesOf(viewer: Viewer): Promise<MessageSummary[]> {
	const response = await callRoute(listMessages, {}, viewer);
	return ((await response.json()) as { messages: MessageSummary[] }).messages;
}

async function sessionsOf(viewer: Viewer): Promise<SessionSummary[]> {
	const response = await callRoute(listSessions, {}, viewer);
	return ((await response.json()) as { sessions: SessionSummary[] }).sessions;
}

describe('the personal sandbox /connect shows', () => {
	it('is made for the visitor, kept out of shared caches, and the same on the next visit', async () => {
		lab = await startQuickLab({ visibility: 'private' });
		const visitor = newVisitor(lab);
		const first = await connectPage(visitor);
		expect(first.headers['cache-control']).toBe('private, no-store');
		expect(first.visibility).toBe('private');
		expect(first.personal.user).toMatch(/^[a-z]+-[a-z]+-\d+$/);
		expect(first.personal.domain).toBe(`${first.personal.user}.test`);
		expect(first.personal.password.length).toBeGreaterThanOrEqual(16);
		expect((await connectPage(visitor)).personal).toEqual(first.personal);
		const other = (await connectPage(newVisitor(lab))).personal;
		expect(other.user).not.toBe(first.personal.user);
		expect(other.password).not.toBe(first.personal.password);
	});

	it('private: mail submitted with the personal login (to the own domain and to bob@example.com) is the owner’s, unseen by another visitor', async () => {
		lab = await startQuickLab({ visibility: 'private' });
		const owner = newVisitor(lab);
		const stranger = newVisitor(lab);
		const { personal } = await connectPage(owner);
		await smtplib(lab, SUBMIT, {
			USER: personal.user,
			PASSWORD: personal.password,
			DOMAIN: personal.domain
		});
		await until(() => lab!.store.messages.size === 2);

		const mine = await messagesOf(owner);
		expect(mine.map((m) => m.subject).sort()).toEqual(['to bob', 'to my own domain']);
		expect(mine.map((m) => m.authUser)).toEqual([personal.user, personal.user]);
		const sessions = await sessionsOf(owner);
		expect(sessions.map((s) => s.authUser)).toEqual([personal.user]);

		expect(await messagesOf(stranger)).toEqual([]);
		expect(await sessionsOf(stranger)).toEqual([]);
		for (const { id } of mine)
			expect((await callRoute(messageDetail, { id }, stranger)).status).toBe(404);
	});

	it('private: the shared account alice gets 535 5.7.8 from a mail program, and the personal login is accepted', async () => {
		lab = await startQuickLab({ visibility: 'private' });
		const { personal } = await connectPage(newVisitor(lab));
		const alice = await smtplib(lab, LOGIN, { USER: 'alice', PASSWORD: 'wonderland' });
		expect(alice).toMatch(/^535 5\.7\.8 Shared accounts log in only in the lab in your browser/);
		const own = await smtplib(lab, LOGIN, { USER: personal.user, PASSWORD: personal.password });
		expect(own).toMatch(/^235 2\.7\.0/);
	});

	it('open: the shared account alice logs in from a mail program', async () => {
		lab = await startQuickLab();
		expect((await connectPage(newVisitor(lab))).visibility).toBe('open');
		const alice = await smtplib(lab, LOGIN, { USER: 'alice', PASSWORD: 'wonderland' });
		expect(alice).toMatch(/^235 2\.7\.0/);
	});

	it('private: mx mail to an address at the personal domain is that owner’s', async () => {
		lab = await startQuickLab({ visibility: 'private' });
		const owner = newVisitor(lab);
		const stranger = newVisitor(lab);
		const { personal } = await connectPage(owner);
		await smtplib(lab, MX, { DOMAIN: personal.domain });
		await until(() => lab!.store.messages.size === 1);

		const mine = await messagesOf(owner);
		expect(mine.map((m) => [m.listener, m.subject])).toEqual([['mx', 'from the outside']]);
		expect(mine[0].envelope.rcptTo.map((r) => r.address)).toEqual([`x@${personal.domain}`]);
		expect((await sessionsOf(owner)).map((s) => s.listener)).toEqual(['mx']);
		expect(await messagesOf(stranger)).toEqual([]);
		expect(await sessionsOf(stranger)).toEqual([]);
	});
});
