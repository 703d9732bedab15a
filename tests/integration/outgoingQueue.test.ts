/**
 * Issue 17, the outgoing queue over real sockets: a message submitted for remote sandbox domains
 * is split per destination server, looked up in the sandbox DNS, handed on by a real SMTP client
 * to each MX host (which records its own session and delivers with its own Received field),
 * retried on the queue's clock, failed over to a backup MX, and bounced when refused, looping or
 * given up. The lab's clock is a manual one: retries come when the test moves it, not by waiting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab';
import type { Journey } from '../../src/lib/delivery/journey';
import { ManualClock, until } from './harness';
import { message, ready, startQuickLab, transaction } from './smtpSession';

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

const SCALE = 1440;

async function start(overrides: Record<string, unknown> = {}) {
	const clock = new ManualClock();
	lab = await startQuickLab(
		{ queueTimeScale: SCALE, mailHostsPort: 0, dnsPort: 0, ...overrides },
		{ clock }
	);
	return { lab, clock };
}

/** Submits one message on submission (STARTTLS, AUTH as alice) and returns its id. */
async function submit(lab: Lab, to: string[], subject: string, mailParams = ''): Promise<string> {
	const { c } = await ready(lab, 'submission');
	const t = await transaction(c, 'alice@example.com', to, message(subject), mailParams);
	expect(t.end).toMatch(/^250 /);
	await c.command('QUIT');
	return t.messageId!;
}

function journeyOf(lab: Lab, id: string): Journey {
	const journey = lab.queue.journey(id);
	if (!journey) throw new Error(`no journey ${id}`);
	return journey;
}

const legOf = (journey: Journey, domain: string) => journey.legs.find((l) => l.domain === domain)!;

/** Moves the lab's clock by a simulated duration of the queue. */
const advanceSimulated = (clock: ManualClock, minutes: number) =>
	clock.advance((minutes * 60_000) / SCALE);

function storedText(lab: Lab, id: string): string {
	const stored = lab.store.messages.get(id)!;
	return stored.trace + stored.raw.toString('latin1');
}

describe('the split and the hops', () => {
	it('sends one copy per destination server, each hop a recorded session of that host', async () => {
		const { lab } = await start();
		const id = await submit(
			lab,
			['carol@north.test', 'dan@north.test', 'erin@south.test', 'bob@example.com'],
			'three ways'
		);
		await until(() => journeyOf(lab, id).legs.every((l) => l.state === 'delivered'));
		const journey = journeyOf(lab, id);
		expect(journey.local).toEqual(['bob@example.com']);
		expect(journey.legs.map((l) => [l.domain, l.recipients])).toEqual([
			['north.test', ['carol@north.test', 'dan@north.test']],
			['south.test', ['erin@south.test']]
		]);
		const north = legOf(journey, 'north.test');
		expect(north.attempts).toHaveLength(1);
		expect(north.attempts[0]).toMatchObject({ host: 'mx.north.test', outcome: 'delivered' });
		const south = legOf(journey, 'south.test');
		expect(['mx1.south.test', 'mx2.south.test']).toContain(south.attempts[0].host);

		// The hop is the host's own recorded session: its greeting, both RCPTs in one transaction.
		const session = lab.store.sessions.get(north.attempts[0].sessionId!)!;
		expect(session.summary).toMatchObject({
			host: 'mx.north.test',
			origin: 'queue',
			journeyId: id
		});
		const texts = session.events.map((e) => e.text);
		expect(session.events.find((e) => e.dir === 'server')?.text).toMatch(/^220 mx\.north\.test /);
		expect(texts.filter((t) => /^EHLO /i.test(t))[0]).toBe('EHLO out.smtp-lab.test');
		expect(texts.filter((t) => /^RCPT TO:/i.test(t))).toEqual([
			'RCPT TO:<carol@north.test>',
			'RCPT TO:<dan@north.test>'
		]);
		expect(texts.filter((t) => /^MAIL FROM:/i.test(t))).toHaveLength(1);
	});

	it('delivers with the full trace: Return-Path, then each hop’s Received field, newest first', async () => {
		const { lab } = await start();
		const id = await submit(lab, ['carol@north.test'], 'trace');
		await until(() => legOf(journeyOf(lab, id), 'north.test').state === 'delivered');
		const delivered = legOf(journeyOf(lab, id), 'north.test').deliveredMessageId!;
		const text = storedText(lab, delivered);
		const fields = text.split('\r\n\r\n')[0].split(/\r\n(?![ \t])/);
		expect(fields[0]).toBe('Return-Path: <alice@example.com>');
		// The MX hop's checks of SPF, DKIM and DMARC go above its Received (issue 20).
		expect(fields[1]).toMatch(/^Authentication-Results: mx\.north\.test;/);
		expect(fields[2]).toMatch(/^Received-SPF: /);
		expect(fields[3]).toMatch(
			/^Received: from out\.smtp-lab\.test \(\[127\.0\.0\.2\]\)\r\n\tby mx\.north\.test /
		);
		expect(fields[3]).toMatch(/for <carol@north\.test>;/);
		expect(fields[4]).toMatch(
			/^Received: from client\.example\.test \(\[127\.0\.0\.1\]\)\r\n\tby sandbox\.smtp-lab\.test /
		);
		expect(fields.filter((f) => f.startsWith('Return-Path:'))).toHaveLength(1);
		// The submitted copy is not final delivery: no Return-Path on it.
		expect(lab.store.messages.get(id)!.trace).not.toMatch(/Return-Path/);
		expect(lab.store.messages.get(delivered)!.summary.journeyId).toBe(id);
	});

	it('fails over from a primary MX that is down to the backup in the same try', async () => {
		const { lab } = await start();
		const id = await submit(lab, ['fay@backup.test'], 'backup');
		await until(() => legOf(journeyOf(lab, id), 'backup.test').state === 'delivered');
		const leg = legOf(journeyOf(lab, id), 'backup.test');
		expect(leg.route).toEqual([
			{ preference: 10, host: 'mx1.backup.test' },
			{ preference: 20, host: 'mx2.backup.test' }
		]);
		expect(leg.attempts.map((a) => [a.host, a.outcome])).toEqual([
			['mx1.backup.test', 'unreachable'],
			['mx2.backup.test', 'delivered']
		]);
		expect(leg.attempts[0].sessionId).toBeNull();
	});

	it('delivers to a domain with no MX at its own address (the implicit MX)', async () => {
		const { lab } = await start();
		const id = await submit(lab, ['gus@nomx.test'], 'implicit');
		await until(() => legOf(journeyOf(lab, id), 'nomx.test').state === 'delivered');
		const leg = legOf(journeyOf(lab, id), 'nomx.test');
		expect(leg.route).toEqual([{ preference: null, host: 'nomx.test' }]);
		expect(leg.attempts[0].host).toBe('nomx.test');
	});
});

describe('retries and bounces', () => {
	it('is greylisted on the first try and delivered on the retry 30 simulated minutes later', async () => {
		const { lab, clock } = await start();
		const id = await submit(lab, ['hal@greylist.test'], 'grey');
		await until(() => legOf(journeyOf(lab, id), 'greylist.test').attempts.length === 1);
		let leg = legOf(journeyOf(lab, id), 'greylist.test');
		expect(leg.attempts[0]).toMatchObject({ outcome: 'deferred' });
		expect(leg.attempts[0].reply).toMatch(/^451 4\.7\.1 /);
		await until(() => legOf(journeyOf(lab, id), 'greylist.test').state === 'queued');
		leg = legOf(journeyOf(lab, id), 'greylist.test');
		expect(leg.nextAttemptAt! - leg.attempts[0].simulatedAt).toBeGreaterThanOrEqual(30 * 60_000);
		advanceSimulated(clock, 29);
		expect(leg.attempts).toHaveLength(1);
		advanceSimulated(clock, 2);
		await until(() => legOf(journeyOf(lab, id), 'greylist.test').state === 'delivered');
		expect(leg.attempts.map((a) => a.outcome)).toEqual(['deferred', 'delivered']);
	});

	it('bounces a 5xx at once, naming the host and its reply', async () => {
		const { lab } = await start();
		const id = await submit(lab, ['unknown@north.test'], 'refused');
		await until(() => legOf(journeyOf(lab, id), 'north.test').state === 'bounced');
		const leg = legOf(journeyOf(lab, id), 'north.test');
		const bounce = storedText(lab, leg.bounceMessageId!);
		expect(bounce).toMatch(/^Return-Path: <>\r\n/);
		expect(bounce).toMatch(/\r\nTo: <alice@example\.com>\r\n/);
		expect(bounce).toMatch(
			/\r\nAction: failed\r\nStatus: 5\.1\.1\r\nRemote-MTA: dns; mx\.north\.test\r\nDiagnostic-Code: smtp; 550 5\.1\.1 /
		);
		expect(lab.store.messages.get(leg.bounceMessageId!)!.summary).toMatchObject({
			kind: 'bounce',
			reportsOn: id,
			journeyId: id
		});
	});

	it('retries a host that is down, sends a delay notice, and gives up with the last error', async () => {
		const { lab, clock } = await start({ queueMaxAgeHours: 12 });
		const id = await submit(lab, ['ivy@down.test'], 'down');
		const { c } = await ready(lab, 'submission');
		// NOTIFY=DELAY,FAILURE (RFC 3461 §4.1): the sender asks to hear of the delay too.
		const t = await transaction(
			c,
			'alice@example.com',
			['<ivy@down.test> NOTIFY=DELAY,FAILURE'],
			message('down, delay')
		);
		expect(t.end).toMatch(/^250 /);
		await c.command('QUIT');
		const delayed = t.messageId!;
		for (let minutes = 0; minutes < 13 * 60; minutes += 30) {
			advanceSimulated(clock, 30);
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		await until(() => legOf(journeyOf(lab, delayed), 'down.test').state === 'bounced');
		const leg = legOf(journeyOf(lab, delayed), 'down.test');
		// Tries at 0, 30 and 60 minutes, then every 2 or 3 hours; the next (15 h) is past the 12 h
		// give-up. The delay notice went with the first retry past 4 hours.
		expect(
			leg.attempts.map((a) => Math.round((a.simulatedAt - leg.attempts[0].simulatedAt) / 60_000))
		).toEqual([0, 30, 60, 180, 360, 540, 720]);
		expect(leg.attempts.every((a) => a.outcome === 'unreachable')).toBe(true);
		expect(leg.delayNoticeIds).toHaveLength(1);
		const notice = storedText(lab, leg.delayNoticeIds[0]);
		expect(notice).toMatch(/\r\nAction: delayed\r\nStatus: 4\.4\.1\r\n/);
		expect(notice).toMatch(/\r\nWill-Retry-Until: /);
		const bounce = storedText(lab, leg.bounceMessageId!);
		expect(bounce).toMatch(/\r\nAction: failed\r\nStatus: 4\.4\.1\r\n/);
		// The first message did not ask for NOTIFY=DELAY: a bounce only.
		const plain = legOf(journeyOf(lab, id), 'down.test');
		expect(plain.state).toBe('bounced');
		expect(plain.delayNoticeIds).toEqual([]);
	});

	it("fast-forwards one journey to its next try, and no other message's", async () => {
		const { lab } = await start();
		const first = await submit(lab, ['mia@greylist.test'], 'mine');
		const other = await submit(lab, ['ned@greylist.test'], 'someone else’s');
		for (const id of [first, other])
			await until(() => legOf(journeyOf(lab, id), 'greylist.test').state === 'queued');
		const skipped = lab.queue.fastForward(first);
		expect(skipped).toBeGreaterThan(29 * 60_000);
		// The greylisting host counts in the journey's time: the retry gets through.
		await until(() => legOf(journeyOf(lab, first), 'greylist.test').state === 'delivered');
		expect(journeyOf(lab, first).skippedMs).toBe(skipped);
		const untouched = legOf(journeyOf(lab, other), 'greylist.test');
		expect(untouched.attempts).toHaveLength(1);
		expect(untouched.state).toBe('queued');
		expect(journeyOf(lab, other).skippedMs).toBe(0);
		expect(lab.queue.fastForward(first)).toBeNull();
	});

	it('gives up at QUEUE_MAX_ATTEMPTS tries, well before QUEUE_MAX_AGE_HOURS', async () => {
		const { lab, clock } = await start({ queueMaxAttempts: 2 });
		const id = await submit(lab, ['oli@down.test'], 'two tries');
		await until(() => legOf(journeyOf(lab, id), 'down.test').state === 'queued');
		advanceSimulated(clock, 31);
		await until(() => legOf(journeyOf(lab, id), 'down.test').state === 'bounced');
		const leg = legOf(journeyOf(lab, id), 'down.test');
		expect(leg.attempts).toHaveLength(2);
		expect(leg.verdict).toMatch(/^Given up after 2 tries/);
	});

	it('makes at most QUEUE_CONCURRENCY tries at once', async () => {
		const { lab } = await start({ queueConcurrency: 1 });
		let most = 0;
		lab.queue.on('journey', () => (most = Math.max(most, lab.queue.tryingNow)));
		const id = await submit(
			lab,
			['pat@north.test', 'quin@south.test', 'ria@nomx.test'],
			'one by one'
		);
		await until(() => journeyOf(lab, id).legs.every((l) => l.state === 'delivered'));
		expect(most).toBe(1);
	});

	it('catches an MX that is this outgoing server itself before connecting', async () => {
		const { lab } = await start();
		const id = await submit(lab, ['joe@loop.test'], 'loop');
		await until(() => legOf(journeyOf(lab, id), 'loop.test').state === 'bounced');
		const leg = legOf(journeyOf(lab, id), 'loop.test');
		expect(leg.attempts).toEqual([]);
		expect(storedText(lab, leg.bounceMessageId!)).toMatch(/\r\nStatus: 5\.4\.6\r\n/);
	});

	it('never bounces a bounce: a message from <> that fails is dropped from the queue', async () => {
		const { lab } = await start();
		const { c } = await ready(lab, 'submission');
		const t = await transaction(c, '', ['unknown@north.test'], message('from null'));
		expect(t.end).toMatch(/^250 /);
		await c.command('QUIT');
		await until(() => legOf(journeyOf(lab, t.messageId!), 'north.test').state === 'bounced');
		expect(legOf(journeyOf(lab, t.messageId!), 'north.test').bounceMessageId).toBeNull();
	});
});

describe('across a restart', () => {
	it('keeps every journey, and takes up the deliveries still queued where they were', async () => {
		const dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-queue-'));
		try {
			let { lab, clock } = await start({ dataDir });
			const id = await submit(lab, ['kim@north.test', 'lee@down.test'], 'restart');
			await until(() => legOf(journeyOf(lab, id), 'north.test').state === 'delivered');
			await until(() => legOf(journeyOf(lab, id), 'down.test').state === 'queued');
			const before = structuredClone(journeyOf(lab, id));
			const savedClock = lab.queueClock.now();
			await lab.close();

			({ lab, clock } = await start({ dataDir }));
			const after = journeyOf(lab, id);
			expect(legOf(after, 'north.test')).toEqual(legOf(before, 'north.test'));
			const down = legOf(after, 'down.test');
			expect(down.attempts).toEqual(legOf(before, 'down.test').attempts);
			expect(down.state).toBe('queued');
			// The queue's time goes on from where it was: no try is made twice, none skipped.
			expect(lab.queueClock.now()).toBeGreaterThanOrEqual(savedClock);
			advanceSimulated(clock, 31);
			await until(() => legOf(journeyOf(lab, id), 'down.test').attempts.length === 2);
			expect(legOf(journeyOf(lab, id), 'down.test').attempts[1].outcome).toBe('unreachable');
		} finally {
			await lab?.close();
			lab = undefined;
			rmSync(dataDir, { recursive: true, force: true });
		}
	});
});
