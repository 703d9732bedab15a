/**
 * Raw-socket helpers shared by the SMTP-side integration tests: open a session on a listener,
 * walk it to the state a test needs (EHLO, STARTTLS, AUTH), send a message, and find what the
 * lab recorded for it. Built on the harness's RawSmtp; nothing here knows the expected replies.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { DEFAULTS, type LabConfig } from '../../server/config';
import type { Lab, LabOptions } from '../../server/lab';
import { loadTlsMaterial } from '../../server/tls/certificate';
import type { StoredSession } from '../../server/store/labStore';
import { listenerRow } from '../../src/lib/listeners';
import type { ListenerName } from '../../src/lib/messages';
import { ports, RawSmtp, startTestLab, until } from './harness';

let certificate: Promise<Pick<LabConfig, 'tlsCert' | 'tlsKey'>> | undefined;

/**
 * startTestLab with one certificate per test file, given as TLS_CERT/TLS_KEY files: generating
 * a fresh RSA key for every lab costs about half a second.
 */
export async function startQuickLab(
	overrides: Partial<LabConfig> = {},
	options: LabOptions = {}
): Promise<Lab> {
	certificate ??= loadTlsMaterial(null, null, DEFAULTS.serverName).then((material) => {
		const dir = mkdtempSync(join(tmpdir(), 'smtp-lab-test-'));
		process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
		writeFileSync(join(dir, 'cert.pem'), material.cert);
		writeFileSync(join(dir, 'key.pem'), material.key);
		return { tlsCert: join(dir, 'cert.pem'), tlsKey: join(dir, 'key.pem') };
	});
	return startTestLab({ ...(await certificate), ...overrides }, options);
}

export interface Opened {
	c: RawSmtp;
	/** The lab's id for this session (the newest session right after the greeting). */
	id: string;
	greeting: string[];
}

/** Connects to a listener (implicit TLS for submissions) and reads the greeting. */
export async function open(lab: Lab, listener: ListenerName): Promise<Opened> {
	const before = new Set(lab.store.sessions.keys());
	const c = await RawSmtp.connect(ports(lab)[listener], listenerRow(listener).tls === 'implicit');
	const greeting = await c.reply();
	const id = [...lab.store.sessions.keys()].find((key) => !before.has(key));
	if (!id) throw new Error(`no session recorded for the connection: ${greeting.join(' | ')}`);
	return { c, id, greeting };
}

/** Sends a command and returns every line of its reply. */
export async function lines(c: RawSmtp, line: string): Promise<string[]> {
	c.send(line + '\r\n');
	return c.reply();
}

export async function ehlo(c: RawSmtp, name = 'client.example.test'): Promise<string[]> {
	return lines(c, `EHLO ${name}`);
}

/** STARTTLS, expecting 220, then the handshake. */
export async function startTls(c: RawSmtp): Promise<void> {
	const reply = await c.command('STARTTLS');
	if (!reply.startsWith('220')) throw new Error(`STARTTLS refused: ${reply}`);
	await c.startTls();
}

export function plain(user: string, password: string): string {
	return Buffer.from(`\u0000${user}\u0000${password}`).toString('base64');
}

/**
 * A session ready for MAIL FROM: EHLO on mx; EHLO, STARTTLS, EHLO, AUTH PLAIN on submission;
 * EHLO and AUTH on submissions.
 */
export async function ready(
	lab: Lab,
	listener: ListenerName,
	account: [string, string] = ['alice', 'wonderland']
): Promise<Opened> {
	const opened = await open(lab, listener);
	await ehlo(opened.c);
	if (listener === 'submission') {
		await startTls(opened.c);
		await ehlo(opened.c);
	}
	if (listener !== 'mx') {
		const reply = await opened.c.command(`AUTH PLAIN ${plain(...account)}`);
		if (!reply.startsWith('235')) throw new Error(`AUTH failed: ${reply}`);
	}
	return opened;
}

/** RFC 5321 §4.5.2: the client doubles a leading dot on every line of the content. */
export function dotStuff(content: string): string {
	return content.replace(/(^|\r\n)\./g, '$1..');
}

export interface Transaction {
	mail: string;
	rcpt: string[];
	/** The reply to DATA (354 when the content was sent), or null when DATA was never sent. */
	data: string | null;
	/** The reply after the content's final dot. */
	end: string | null;
	/** The message id from "Queued as <id>", when the message was accepted. */
	messageId: string | null;
}

/**
 * One mail transaction. `content` is the message as the client means it (CRLF lines, ending
 * in CRLF); it is dot-stuffed on the wire here.
 */
export async function transaction(
	c: RawSmtp,
	from: string,
	to: string[],
	content: string,
	mailParams = ''
): Promise<Transaction> {
	const mail = await c.command(`MAIL FROM:<${from}>${mailParams ? ' ' + mailParams : ''}`);
	const rcpt: string[] = [];
	for (const address of to)
		rcpt.push(await c.command(`RCPT TO:${address.startsWith('<') ? address : `<${address}>`}`));
	if (!rcpt.some((r) => r.startsWith('250')))
		return { mail, rcpt, data: null, end: null, messageId: null };
	const data = await c.command('DATA');
	if (!data.startsWith('354')) return { mail, rcpt, data, end: null, messageId: null };
	c.send(dotStuff(content) + '.\r\n');
	const end = (await c.reply()).at(-1) ?? '';
	return { mail, rcpt, data, end, messageId: queuedId(end) };
}

export function queuedId(reply: string): string | null {
	return /Queued as ([A-Za-z0-9_-]+)/.exec(reply)?.[1] ?? null;
}

export function storedSession(lab: Lab, id: string): StoredSession {
	const stored = lab.store.sessions.get(id);
	if (!stored) throw new Error(`session ${id} is not in the store`);
	return stored;
}

/** Resolves when the recorder has marked the session ended. */
export async function ended(lab: Lab, id: string, timeoutMs = 5000): Promise<StoredSession> {
	await until(() => lab.store.sessions.get(id)?.summary.endedAt != null, timeoutMs);
	return storedSession(lab, id);
}

/** A small, valid message with CRLF line endings. */
export function message(subject: string, body = 'Hello from the tests.\r\n'): string {
	return `From: <sender@example.com>\r\nTo: <rcpt@example.com>\r\nSubject: ${subject}\r\n\r\n${body}`;
}

/** Sends one message to mx from another loopback address (127.0.0.2): a different client. */
export async function sendFromOtherAddress(lab: Lab, subject: string): Promise<string> {
	const transport = nodemailer.createTransport({
		host: '127.0.0.1',
		port: ports(lab).mx,
		localAddress: '127.0.0.2',
		ignoreTLS: true
	});
	const info = await transport.sendMail({
		envelope: { from: 'a@example.com', to: ['b@example.com'] },
		raw: message(subject)
	});
	transport.close();
	return info.response;
}
