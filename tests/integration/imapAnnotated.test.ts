/**
 * A recorded IMAP session explained line by line (issue 19): the real server (server/imap/)
 * records what crossed the wire, the recorder's ImapAnnotator explains each event as it is
 * stored. The client is raw (exact bytes): a LOGIN whose password is a literal, SELECT, a FETCH
 * of two literals, a STORE, IDLE seeing a message delivered over SMTP, LOGOUT.
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

async function deliver(lab: Lab, subject: string): Promise<void> {
	const script = `
import smtplib, sys
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as mx:
    mx.sendmail('carol@example.org', ['alice@example.com'], ('Subject: ' + sys.argv[2] + '\\r\\n\\r\\nthe body text\\r\\n').encode())
`;
	await run('/usr/bin/python3', ['-c', script, String(lab.sandbox.port('mx')), subject]);
}

async function session(lab: Lab): Promise<void> {
	const client = await RawImap.open(lab, 'imaps');
	clients.push(client);
	client.send('a1 LOGIN {5}\r\n');
	await client.line();
	client.send('alice {10}\r\n');
	await client.line();
	client.send('wonderland\r\n');
	await client.until('a1');
	await client.command('a2', 'SELECT INBOX');
	await client.command('a3', 'FETCH 1 (FLAGS BODY.PEEK[HEADER] BODY.PEEK[TEXT])');
	await client.command('a4', 'STORE 1 +FLAGS (\\Flagged)');
	client.send('a5 IDLE\r\n');
	await client.line();
	await deliver(lab, 'while idling');
	expect(await client.line()).toBe('* 2 EXISTS');
	client.send('DONE\r\n');
	await client.until('a5');
	await client.command('a6', 'LOGOUT');
	await client.closed;
}

const recorded = (lab: Lab) =>
	[...lab.store.sessions.values()].find(
		(s) => s.summary.protocol === 'imap' && s.summary.endedAt !== null
	);

/** Each event as [who, title, state after]; the SMTP delivery's events are not the IMAP session's. */
const view = (lab: Lab) =>
	recorded(lab)!.events.map((e) => [e.dir, e.annotation.title, e.annotation.stateAfter]);

it('every line of a recorded IMAP session is explained, and no explanation holds the password', async () => {
	const lab = await startQuickLab();
	labs.push(lab);
	await deliver(lab, 'first');
	await session(lab);
	await until(() => recorded(lab) !== undefined);
	const events = recorded(lab)!.events;
	const lines = view(lab);
	const at = (text: RegExp) => events.findIndex((e) => text.test(e.text));
	const title = (i: number) => lines[i][1];

	expect(lines[0]).toEqual(['system', 'Connection opened', 'imap-connected']);
	// imaps: TLS from the first byte, so the greeting comes after the handshake.
	expect(lines.find(([, t]) => t === 'Greeting')![2]).toBe('imap-not-authenticated');
	// The password's literal, and the announcement of it, are masked and explained as a literal.
	expect(title(at(/^a1 LOGIN \{5\}$/))).toBe('LOGIN — user name and password');
	expect(title(at(/^a1 LOGIN \{5\}$/) + 1)).toBe('+ — send the literal');
	expect(lines[at(/^a1 OK/)]).toEqual(['server', 'OK to LOGIN', 'imap-authenticated']);
	expect(lines[at(/^a2 OK/)]).toEqual(['server', 'OK to SELECT', 'imap-selected']);
	// The FETCH: its line announcing BODY[HEADER], the content, the rest announcing BODY[TEXT],
	// the content, ")".
	const fetch = at(/^\* 1 FETCH \(FLAGS/);
	expect(lines.slice(fetch, fetch + 5).map(([, t]) => t)).toEqual([
		'FETCH of message 1',
		'Content of BODY[HEADER]',
		'FETCH of message 1, continued',
		'Content of BODY[TEXT]',
		'End of FETCH of message 1'
	]);
	expect(events[fetch + 1].annotation.notes!.join(' ')).toContain('Subject: first');
	expect(title(at(/^\* 1 FETCH \(FLAGS \(\\Flagged/))).toBe('FETCH of message 1');
	expect(title(at(/^\+ idling/))).toBe('+ — idling');
	const exists = at(/^\* 2 EXISTS$/);
	expect(events[exists].annotation.notes).toContain('Up from 1: 1 new message(s) arrived.');
	expect(title(at(/^DONE$/))).toBe('DONE — end IDLE');
	expect(lines[at(/^\* BYE/)]).toEqual(['server', 'BYE', 'imap-logout']);
	expect(lines.at(-1)).toEqual(['system', 'Connection closed', 'imap-closed']);
	// Nothing the annotator could not place.
	expect(lines.filter(([, t]) => /^Unknown command|^Not an IMAP response/.test(String(t)))).toEqual(
		[]
	);
	expect(JSON.stringify(events.map((e) => e.annotation))).not.toContain('wonderland');
});
