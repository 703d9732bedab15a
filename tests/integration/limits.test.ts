/**
 * Issue 2 §2, limits: each one at its edge, over real sockets. The limit is set through the
 * lab's configuration and probed at exactly the limit and one past it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import { ManualClock, ports, RawSmtp, until } from './harness';
import {
	ended,
	lines,
	message,
	open,
	ready,
	sendFromOtherAddress,
	startQuickLab,
	storedSession,
	transaction
} from './smtpSession';

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

/** A message of exactly `size` bytes (CRLF line endings, ending in CRLF). */
function sized(size: number): string {
	const head = 'Subject: sized\r\n\r\n';
	const body = 'x'.repeat(size - head.length - 2) + '\r\n';
	const content = head + body;
	expect(Buffer.byteLength(content)).toBe(size);
	return content;
}

describe('maxMessageBytes', () => {
	const LIMIT = 2000;

	it('accepts exactly the limit, refuses one byte more with 552 5.3.4, keeps nothing of it', async () => {
		lab = await startQuickLab({ maxMessageBytes: LIMIT });
		const { c } = await ready(lab, 'mx');
		const atLimit = await transaction(c, 'a@example.com', ['b@example.com'], sized(LIMIT));
		expect(atLimit.end).toMatch(/^250 /);
		expect(lab.store.messages.get(atLimit.messageId!)!.raw.length).toBe(LIMIT);

		const over = await transaction(c, 'a@example.com', ['b@example.com'], sized(LIMIT + 1));
		expect(over.end).toMatch(/^552 5\.3\.4 /);
		expect(lab.store.messages.size).toBe(1);

		// The session goes on: the next message is accepted.
		const next = await transaction(c, 'a@example.com', ['b@example.com'], message('after'));
		expect(next.end).toMatch(/^250 /);
		expect(lab.store.messages.size).toBe(2);
		c.close();
	});

	it('with SIZE=: the limit passes MAIL, one more gets 552 5.3.4 before DATA', async () => {
		lab = await startQuickLab({ maxMessageBytes: LIMIT });
		const { c } = await ready(lab, 'mx');
		expect(await c.command(`MAIL FROM:<a@example.com> SIZE=${LIMIT + 1}`)).toMatch(/^552 5\.3\.4 /);
		const declared = await transaction(
			c,
			'a@example.com',
			['b@example.com'],
			sized(LIMIT),
			`SIZE=${LIMIT}`
		);
		expect(declared.mail).toMatch(/^250 /);
		expect(declared.end).toMatch(/^250 /);
		// A client that declares less than it sends is still cut off at the limit.
		const lying = await transaction(
			c,
			'a@example.com',
			['b@example.com'],
			sized(LIMIT + 1),
			'SIZE=100'
		);
		expect(lying.mail).toMatch(/^250 /);
		expect(lying.end).toMatch(/^552 5\.3\.4 /);
		expect([...lab.store.messages.keys()]).toEqual([declared.messageId]);
		c.close();
	});
});

describe('maxRecipients', () => {
	it('accepts the RFC 5321 minimum of 100 recipients by default, and 452 4.5.3 for the 101st', async () => {
		lab = await startQuickLab();
		expect(lab.config.maxRecipients).toBe(100);
		const { c } = await ready(lab, 'mx');
		expect(await c.command('MAIL FROM:<a@example.com>')).toMatch(/^250 /);
		// Pipelined (RFC 2920): all RCPTs in one write, then every reply in order.
		c.send(Array.from({ length: 101 }, (_, i) => `RCPT TO:<r${i}@example.com>\r\n`).join(''));
		const replies: string[] = [];
		for (let i = 0; i < 101; i++) replies.push((await c.reply()).at(-1)!);
		expect(replies.slice(0, 100).every((r) => r.startsWith('250 '))).toBe(true);
		expect(replies[100]).toMatch(/^452 4\.5\.3 /);
		expect(await c.command('DATA')).toMatch(/^354 /);
		const end = (await lines(c, 'Subject: many\r\n\r\nhi\r\n.')).at(-1)!;
		expect(end).toMatch(/^250 /);
		const stored = [...lab.store.messages.values()][0];
		expect(stored.summary.envelope.rcptTo).toHaveLength(100);
		c.close();
	});

	it('a smaller configured limit holds at its edge', async () => {
		lab = await startQuickLab({ maxRecipients: 3 });
		const { c } = await ready(lab, 'mx');
		await c.command('MAIL FROM:<a@example.com>');
		for (const r of ['b', 'c', 'd'])
			expect(await c.command(`RCPT TO:<${r}@example.com>`)).toMatch(/^250 /);
		expect(await c.command('RCPT TO:<e@example.com>')).toMatch(/^452 4\.5\.3 /);
		c.close();
	});
});

describe('sessions', () => {
	it('maxSessions: the N+1th connection gets 421 4.7.0 and is not recorded; the others go on', async () => {
		lab = await startQuickLab({ maxSessions: 2 });
		const first = await ready(lab, 'mx');
		const second = await ready(lab, 'submissions');
		const third = await RawSmtp.connect(ports(lab).submission);
		const refused = await third.reply();
		expect(refused.at(-1)).toMatch(/^421 4\.7\.0 /);
		await third.closed;
		expect(lab.store.sessions.size).toBe(2);
		// The two admitted sessions are unaffected.
		const t = await transaction(first.c, 'a@example.com', ['b@example.com'], message('first'));
		expect(t.end).toMatch(/^250 /);
		expect(await second.c.command('NOOP')).toMatch(/^250 /);
		// A slot frees when a session ends.
		first.c.close();
		await ended(lab, first.id);
		const fourth = await open(lab, 'mx');
		expect(fourth.greeting[0]).toMatch(/^220 /);
		second.c.close();
		fourth.c.close();
	});

	it('maxSessionsPerAddress: the excess from one address gets 421 4.7.0, another address is unaffected', async () => {
		lab = await startQuickLab({ maxSessionsPerAddress: 2 });
		const held = [await open(lab, 'mx'), await open(lab, 'mx')];
		const excess = await RawSmtp.connect(ports(lab).mx);
		expect((await excess.reply()).at(-1)).toMatch(/^421 4\.7\.0 /);
		await excess.closed;

		// Another client address (127.0.0.2 is loopback too) still gets in and delivers.
		expect(await sendFromOtherAddress(lab, 'from another address')).toMatch(/^250 /);
		const other = lab.store.listSessions().find((s) => s.clientAddress === '127.0.0.2');
		expect(other).toBeDefined();
		for (const { c } of held) expect(await c.command('NOOP')).toMatch(/^250 /);
		held.forEach(({ c }) => c.close());
	});

	it('idleTimeoutSeconds: 421 after the idle time; the session is recorded as ended by timeout', async () => {
		lab = await startQuickLab({ idleTimeoutSeconds: 1 });
		const { c, id } = await ready(lab, 'mx');
		const started = Date.now();
		const reply = await c.reply(3000);
		expect(reply.at(-1)).toMatch(/^421 /);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		await c.closed;
		const session = await ended(lab, id);
		expect(session.summary.endReason).toMatch(/idle|timeout/i);
		const last = session.events.at(-1)!;
		expect(last.dir).toBe('system');
		expect(last.kind).toBe('timeout');
	});

	it('maxSessionSeconds: 421 at the lifetime cap, even for a client that keeps talking', async () => {
		const clock = new ManualClock();
		lab = await startQuickLab({ maxSessionSeconds: 30, idleTimeoutSeconds: 60 }, { clock });
		const { c, id } = await ready(lab, 'mx');
		// Talking all along, up to one millisecond before the cap: never idle, still served.
		for (const step of [10_000, 10_000, 9_999]) {
			clock.advance(step);
			expect(await c.command('NOOP')).toMatch(/^250 /);
		}
		clock.advance(1);
		expect((await c.reply()).at(-1)).toMatch(/^421 4\.4\.2 .*30 seconds/);
		await c.closed;
		const session = await ended(lab, id);
		expect(session.summary.endReason).toMatch(/lifetime/i);
	});
});

describe('the bounded store', () => {
	it('maxEventsPerSession: stops recording with a final "truncated" event; the session goes on', async () => {
		lab = await startQuickLab({ maxEventsPerSession: 12 });
		const { c, id } = await open(lab, 'mx');
		for (let i = 0; i < 10; i++) expect(await c.command('NOOP')).toMatch(/^250 /);
		const session = storedSession(lab, id);
		expect(session.events).toHaveLength(12);
		expect(session.summary.truncated).toBe(true);
		expect(session.summary.eventCount).toBe(12);
		const last = session.events.at(-1)!;
		expect(last).toMatchObject({ seq: 12, dir: 'system', kind: 'truncated' });
		expect(last.anomalies).toContain('truncated');
		expect(session.events.slice(0, -1).every((e) => e.kind !== 'truncated')).toBe(true);
		// The end of the session is still noted in its summary.
		c.close();
		await until(() => session.summary.endedAt !== null);
		expect(session.events).toHaveLength(12);
	});

	it('maxDataEventBytes: a DATA event shows whole lines up to the limit, the mailbox keeps every byte', async () => {
		lab = await startQuickLab({ maxDataEventBytes: 1024 });
		const { c, id } = await open(lab, 'mx');
		await lines(c, 'EHLO client.example.test');
		const line = 'x'.repeat(98) + '\r\n'; // 100 octets a line
		const fits = 'Subject: fits\r\n\r\n' + line.repeat(10); // 1017 octets: under the limit
		const long = 'Subject: long\r\n\r\n' + line.repeat(30) + '.after the cut\r\n';
		const first = await transaction(c, 'alice@example.com', ['bob@example.com'], fits);
		const second = await transaction(c, 'alice@example.com', ['bob@example.com'], long);
		const dataEvents = storedSession(lab, id).events.filter((e) => e.messageId);
		expect(dataEvents).toHaveLength(2);
		const [whole, cut] = dataEvents;
		expect(whole.anomalies).not.toContain('truncated');
		expect(whole.text).toBe(fits.replace(/\r\n/g, '\n'));
		expect(cut.anomalies).toContain('truncated');
		// Cut after the last whole line that fits: 17 octets of header and blank line + 10 lines.
		expect(cut.text).toBe(long.slice(0, 17 + 10 * 100).replace(/\r\n/g, '\n'));
		// Anomalies are still found in the whole message (the stuffed line is past the cut).
		expect(cut.anomalies).toContain('dot-stuffed');
		// 3,034 bytes on the wire: the last line went out dot-stuffed.
		expect(cut.annotation.notes?.join(' ')).toMatch(/first 1,017 of 3,034 bytes/);
		expect(lab.store.messages.get(first.messageId!)!.raw.toString()).toBe(fits);
		expect(lab.store.messages.get(second.messageId!)!.raw.toString()).toBe(long);
		c.close();
	});
});
