/**
 * Issue 2 §3: what the session recorder stores for a session seen over real sockets: the event
 * shape, multi-line replies, the DATA event, system events, masked credentials and how bytes
 * that are not printable UTF-8 are shown.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { SessionEvent } from '../../src/lib/messages';
import {
	ehlo,
	ended,
	open,
	plain,
	ready,
	startQuickLab,
	startTls,
	storedSession,
	transaction
} from './smtpSession';

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

const DIRECTIONS = ['client', 'server', 'system'];

function checkShape(events: SessionEvent[]): void {
	expect(events.length).toBeGreaterThan(0);
	events.forEach((event, i) => {
		expect(event.seq).toBe(i + 1);
		expect(typeof event.at).toBe('number');
		if (i > 0) expect(event.at).toBeGreaterThanOrEqual(events[i - 1].at);
		expect(DIRECTIONS).toContain(event.dir);
		expect(typeof event.text).toBe('string');
		expect(Array.isArray(event.anomalies)).toBe(true);
		expect(typeof event.annotation.title).toBe('string');
		expect(typeof event.annotation.summary).toBe('string');
		// A line is stored without its line ending; only DATA content keeps its inner newlines.
		if (event.messageId === undefined) expect(event.text).not.toMatch(/[\r\n]/);
	});
}

describe('a whole session on submission', () => {
	it('has ordered, well-formed events with system events for connect, TLS, AUTH and disconnect', async () => {
		lab = await startQuickLab();
		const { c, id } = await open(lab, 'submission');
		await ehlo(c);
		await startTls(c);
		await ehlo(c);
		expect(await c.command(`AUTH PLAIN ${plain('alice', 'wonderland')}`)).toMatch(/^235 /);
		const content = 'Subject: recorded\r\n\r\n.hidden dot\r\nline two\r\n';
		const t = await transaction(c, 'alice@example.com', ['bob@example.com'], content);
		expect(t.end).toMatch(/^250 /);
		expect(await c.command('QUIT')).toMatch(/^221 /);
		const session = await ended(lab, id);
		const events = session.events;
		checkShape(events);

		const kinds = events.filter((e) => e.dir === 'system').map((e) => e.kind);
		expect(kinds[0]).toBe('connect');
		expect(events[0].dir).toBe('system');
		expect(kinds).toContain('tls');
		expect(kinds).toContain('auth');
		expect(kinds.at(-1)).toBe('disconnect');
		expect(events.at(-1)!.kind).toBe('disconnect');
		// TLS start names the protocol and cipher the session really uses.
		const tlsEvent = events.find((e) => e.kind === 'tls')!;
		expect(tlsEvent.text).toContain(session.summary.tls!.protocol);
		expect(tlsEvent.text).toContain(session.summary.tls!.cipher);
		expect(session.summary.tls!.protocol).toMatch(/^TLSv1\.[23]$/);
		// TLS starts after the 220 to STARTTLS and before the next EHLO.
		const starttls = events.findIndex((e) => e.dir === 'client' && e.text === 'STARTTLS');
		const tlsAt = events.indexOf(tlsEvent);
		expect(tlsAt).toBeGreaterThan(starttls);
		expect(events[starttls + 1].text).toMatch(/^220 /);
		expect(events.slice(tlsAt).find((e) => e.dir === 'client')!.text).toMatch(/^EHLO /);
		const authEvent = events.find((e) => e.kind === 'auth')!;
		expect(authEvent.text).toContain('alice');

		// The DATA content: one event carrying the stored message's id, then the "." line.
		const dataAt = events.findIndex((e) => e.messageId !== undefined);
		const dataEvent = events[dataAt];
		expect(dataEvent.dir).toBe('client');
		expect(dataEvent.messageId).toBe(t.messageId);
		expect(lab.store.messages.get(dataEvent.messageId!)).toBeDefined();
		expect(events.filter((e) => e.messageId !== undefined)).toHaveLength(1);
		expect(events[dataAt - 1].text).toMatch(/^354 /);
		expect(events[dataAt + 1]).toMatchObject({ dir: 'client', text: '.' });
		expect(events[dataAt + 2].text).toMatch(/^250 /);
		// Shown as sent (still stuffed), stored un-stuffed.
		expect(dataEvent.text).toContain('..hidden dot');
		expect(dataEvent.anomalies).toContain('dot-stuffed');
		expect(lab.store.messages.get(t.messageId!)!.raw.toString()).toBe(content);
		expect(session.summary.messageIds).toEqual([t.messageId]);
	});

	it('gives the lines of one multi-line reply one replyId, and each reply its own', async () => {
		lab = await startQuickLab();
		const { c, id } = await open(lab, 'mx');
		const reply = await ehlo(c);
		expect(reply.length).toBeGreaterThan(3);
		await c.command('NOOP');
		const events = storedSession(lab, id).events.filter((e) => e.dir === 'server');
		const ehloEvents = events.filter((e) => reply.includes(e.text));
		expect(ehloEvents.map((e) => e.text)).toEqual(reply);
		const ids = new Set(ehloEvents.map((e) => e.replyId));
		expect(ids.size).toBe(1);
		expect(typeof ehloEvents[0].replyId).toBe('number');
		const others = events.filter((e) => !reply.includes(e.text)).map((e) => e.replyId);
		expect(others).toHaveLength(2); // the greeting and the NOOP's reply
		for (const other of others) expect(ids.has(other)).toBe(false);
		expect(new Set(others).size).toBe(2);
		c.close();
	});
});

describe('credentials', () => {
	const SECRETS = [
		'wonderland',
		plain('alice', 'wonderland'),
		Buffer.from('wonderland').toString('base64'),
		// The base64 of the password alone, as it appears inside a PLAIN blob, without padding.
		Buffer.from('wonderland').toString('base64').replace(/=+$/, '')
	];

	function leaks(events: SessionEvent[]): string[] {
		const found: string[] = [];
		for (const event of events) {
			const shown = event.text + JSON.stringify(event.annotation);
			for (const secret of SECRETS)
				if (shown.includes(secret)) found.push(`${event.seq}: ${event.text}`);
		}
		return found;
	}

	it('masks AUTH PLAIN with an initial response, and keeps the real line aside for its owner', async () => {
		lab = await startQuickLab();
		const { c, id } = await ready(lab, 'submission');
		c.close();
		const session = await ended(lab, id);
		expect(leaks(session.events)).toEqual([]);
		const authLine = session.events.find((e) => /^AUTH PLAIN/i.test(e.text))!;
		expect(authLine.anomalies).toContain('credentials-masked');
		expect(session.secrets.get(authLine.seq)?.text).toBe(
			`AUTH PLAIN ${plain('alice', 'wonderland')}`
		);
	});

	it('masks AUTH LOGIN answers and a wrong password too', async () => {
		lab = await startQuickLab();
		const { c, id } = await open(lab, 'submissions');
		await ehlo(c);
		expect(await c.command('AUTH LOGIN')).toMatch(/^334 /);
		expect(await c.command(Buffer.from('alice').toString('base64'))).toMatch(/^334 /);
		expect(await c.command(Buffer.from('wonderlan').toString('base64'))).toMatch(/^535 /);
		expect(await c.command('AUTH PLAIN')).toMatch(/^334/);
		expect(await c.command(plain('alice', 'wonderland'))).toMatch(/^235 /);
		c.close();
		const session = await ended(lab, id);
		expect(leaks(session.events)).toEqual([]);
		expect(session.events.map((e) => e.text).join('\n')).not.toContain(
			Buffer.from('wonderlan').toString('base64')
		);
		const masked = session.events.filter((e) => e.anomalies.includes('credentials-masked'));
		// The two LOGIN answers and the PLAIN answer; the bare AUTH commands carry nothing secret.
		expect(masked).toHaveLength(3);
		expect([...session.secrets.values()].map((s) => s.text)).toContain(
			plain('alice', 'wonderland')
		);
	});

	it('masks credentials pipelined in the same packet as AUTH LOGIN', async () => {
		lab = await startQuickLab();
		const { c, id } = await open(lab, 'submissions');
		await ehlo(c);
		c.send(
			`AUTH LOGIN\r\n${Buffer.from('alice').toString('base64')}\r\n${Buffer.from('wonderland').toString('base64')}\r\n`
		);
		const replies = [await c.reply(), await c.reply(), await c.reply()].map((r) => r.at(-1));
		expect(replies[2]).toMatch(/^235 /);
		c.close();
		const session = await ended(lab, id);
		expect(leaks(session.events)).toEqual([]);
	});

	it('masks an AUTH line with a leading blank, though the server does not take it as AUTH', async () => {
		lab = await startQuickLab();
		const { c, id } = await open(lab, 'submissions');
		await ehlo(c);
		expect(await c.command(` AUTH PLAIN ${plain('alice', 'wonderland')}`)).toMatch(/^500 /);
		c.close();
		const session = await ended(lab, id);
		expect(leaks(session.events)).toEqual([]);
		const line = session.events.find((e) => e.dir === 'client' && /^ AUTH PLAIN /.test(e.text));
		expect(line?.anomalies).toContain('credentials-masked');
	});

	it('masks the base64 line typed after a refused "AUTH PLAIN =", and a verb after it not', async () => {
		lab = await startQuickLab();
		const { c, id } = await open(lab, 'submissions');
		await ehlo(c);
		expect(await c.command('AUTH PLAIN =')).toMatch(/^501 /);
		await c.command(plain('alice', 'wonderland'));
		expect(await c.command('NOOP')).toMatch(/^250 /);
		c.close();
		const session = await ended(lab, id);
		expect(leaks(session.events)).toEqual([]);
		expect(session.events.find((e) => e.text === 'NOOP')?.anomalies).toEqual([]);
	});

	it('masks credentials sent before TLS on submission, though they are refused', async () => {
		lab = await startQuickLab();
		const { c, id } = await open(lab, 'submission');
		await ehlo(c);
		expect(await c.command(`AUTH PLAIN ${plain('alice', 'wonderland')}`)).toMatch(/^530 /);
		// A refused AUTH LOGIN ends the exchange: the next command is shown, not masked.
		expect(await c.command('AUTH LOGIN')).toMatch(/^530 /);
		expect(await c.command('NOOP')).toMatch(/^250 /);
		c.close();
		const session = await ended(lab, id);
		expect(leaks(session.events)).toEqual([]);
		const noop = session.events.find((e) => e.dir === 'client' && e.text === 'NOOP');
		expect(noop?.anomalies).toEqual([]);
	});
});

describe('bytes shown as text', () => {
	it('keeps printable UTF-8 and shows control bytes and invalid UTF-8 as \\xNN', async () => {
		lab = await startQuickLab();
		const { c, id } = await ready(lab, 'mx');
		c.send(
			Buffer.concat([
				Buffer.from('NOOP é \x1b[31m red \x07 '),
				Buffer.from([0xff, 0xc3]),
				Buffer.from('\r\n')
			])
		);
		await c.reply();
		const noop = storedSession(lab, id).events.find(
			(e) => e.dir === 'client' && e.text.startsWith('NOOP')
		)!;
		expect(noop.text).toBe('NOOP é \\x1B[31m red \\x07 \\xFF\\xC3');
		expect(noop.anomalies).toContain('8bit-in-command');
		c.close();
	});

	it('shows escape sequences inside DATA as \\xNN too', async () => {
		lab = await startQuickLab();
		const { c, id } = await ready(lab, 'mx');
		const t = await transaction(
			c,
			'a@example.com',
			['b@example.com'],
			'Subject: x\r\n\r\n\x1b]52;c;aGk=\x07\r\n'
		);
		expect(t.end).toMatch(/^250 /);
		const data = storedSession(lab, id).events.find((e) => e.messageId === t.messageId)!;
		expect(data.text).not.toContain('\x1b');
		expect(data.text).not.toContain('\x07');
		expect(data.text).toContain('\\x1B]52;c;aGk=\\x07');
		c.close();
	});
});
