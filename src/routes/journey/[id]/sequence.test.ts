import { describe, expect, it } from 'vitest';
import type { Journey, JourneyAttempt, JourneyLeg } from '$lib/delivery/journey';
import { formatDuration, journeySequence } from './sequence';

// Journeys written by hand, as the queue would leave them: what the page draws for each.
const T0 = Date.UTC(2026, 11, 1, 18, 0, 0);

function attempt(over: Partial<JourneyAttempt> & Pick<JourneyAttempt, 'number'>): JourneyAttempt {
	return {
		at: T0 + over.number * 1000,
		simulatedAt: T0 + over.number * 1_800_000,
		host: 'mx.greylist.test',
		address: '127.0.0.11',
		port: 2526,
		sessionId: `S${over.number}`,
		outcome: 'delivered',
		reply: '250 2.0.0 Accepted',
		recipients: [],
		...over
	};
}

function leg(over: Partial<JourneyLeg> & Pick<JourneyLeg, 'id' | 'domain'>): JourneyLeg {
	return {
		recipients: [`someone@${over.domain}`],
		state: 'delivered',
		lookupIds: [],
		route: [{ preference: 10, host: `mx.${over.domain}` }],
		attempts: [],
		nextAttemptAt: null,
		deliveredMessageId: null,
		bounceMessageId: null,
		delayNoticeIds: [],
		verdict: null,
		...over
	};
}

function journey(legs: JourneyLeg[], over: Partial<Journey> = {}): Journey {
	return {
		id: 'M1',
		sessionId: 'SUB1',
		from: 'alice@example.com',
		subject: 'Hello',
		queuedAt: T0,
		simulatedQueuedAt: T0,
		giveUpAt: T0 + 120 * 3_600_000,
		skippedMs: 0,
		legs,
		outbox: [],
		local: [],
		...over
	};
}

const north = leg({
	id: 'LN',
	domain: 'north.test',
	recipients: ['carol@north.test'],
	lookupIds: ['D1', 'D2'],
	attempts: [attempt({ number: 1, host: 'mx.north.test', address: '127.0.0.3', sessionId: 'HN1' })],
	deliveredMessageId: 'CN'
});
const greylistWaiting = leg({
	id: 'LG',
	domain: 'greylist.test',
	recipients: ['dan@greylist.test'],
	state: 'queued',
	lookupIds: ['D3'],
	attempts: [
		attempt({ number: 1, outcome: 'deferred', reply: '451 4.7.1 Greylisted, try again later' })
	],
	nextAttemptAt: T0 + 1_800_000
});

describe('journeySequence', () => {
	it('draws the head once and one lane per leg, each with its lookup, tries, mailbox and reading', () => {
		const drawn = journeySequence(
			journey([north, greylistWaiting], {
				outbox: ['friend@elsewhere.example'],
				local: ['bob@example.com']
			})
		);
		expect(drawn.head.map((s) => [s.kind, s.from, s.to])).toEqual([
			['submit', 'Mail program', 'Submission server'],
			['accept', 'Submission server', 'out.smtp-lab.test'],
			['queue', 'out.smtp-lab.test', 'out.smtp-lab.test']
		]);
		expect(drawn.head[0].links).toEqual([
			{ href: '/sessions/SUB1', label: 'The submission session' }
		]);
		expect(drawn.head[0].lines).toEqual([
			'MAIL FROM:<alice@example.com>',
			'RCPT TO:<bob@example.com>',
			'RCPT TO:<carol@north.test>',
			'RCPT TO:<dan@greylist.test>',
			'RCPT TO:<friend@elsewhere.example>',
			'Subject: Hello'
		]);
		expect(drawn.head[1].lines).toEqual([
			'2 recipients queued for 2 destinations',
			'Delivered where it arrived (the sandbox’s own domains): bob@example.com',
			'Outside the sandbox, kept in the outbox, never sent and never looked up: friend@elsewhere.example'
		]);
		expect(drawn.head[2].title).toBe('Split into 2 deliveries');
		expect(drawn.head[2].links).toEqual([
			{ href: '#leg-LN', label: 'north.test' },
			{ href: '#leg-LG', label: 'greylist.test' }
		]);

		const [northLane, greyLane] = drawn.lanes;
		expect(northLane.anchor).toBe('leg-LN');
		expect(northLane.steps.map((s) => [s.anchor, s.kind, s.tone])).toEqual([
			['lookup-LN', 'lookup', 'done'],
			['attempt-LN-1', 'attempt', 'done'],
			['mailbox-LN', 'mailbox', 'done'],
			['reading-LN', 'reading', 'future']
		]);
		expect(northLane.steps[0].links).toEqual([
			{ href: '/dns#lookup-D1', label: 'Lookup 1' },
			{ href: '/dns#lookup-D2', label: 'Lookup 2' }
		]);
		expect(northLane.steps[0].lines).toEqual(['MX 10 mx.north.test']);
		expect(northLane.steps[1]).toMatchObject({
			from: 'out.smtp-lab.test',
			to: 'mx.north.test',
			title: 'Try 1: delivered',
			lines: ['mx.north.test (127.0.0.3 port 2526)', '250 2.0.0 Accepted'],
			links: [{ href: '/sessions/HN1', label: 'mx.north.test’s session' }],
			at: { real: T0 + 1000, simulated: T0 + 1_800_000 }
		});
		expect(northLane.steps[2]).toMatchObject({
			from: 'mx.north.test',
			to: 'Mailbox',
			links: [
				{ href: '/mailbox/CN', label: 'The delivered copy' },
				{ href: '/mailbox/CN/authentication', label: 'Its SPF, DKIM and DMARC checks' }
			]
		});

		expect(greyLane.steps.map((s) => [s.anchor, s.kind, s.tone])).toEqual([
			['lookup-LG', 'lookup', 'done'],
			['attempt-LG-1', 'attempt', 'waiting'],
			['next-LG', 'next', 'pending'],
			['reading-LG', 'reading', 'future']
		]);
		expect(greyLane.steps[1].title).toBe('Try 1: deferred, will retry');
		expect(greyLane.steps[1].lines[1]).toBe('451 4.7.1 Greylisted, try again later');
		expect(greyLane.steps[2].title).toBe('Try 2: waiting');
	});

	it('once the greylisted retry is accepted: two tries, then the mailbox', () => {
		const delivered = leg({
			...greylistWaiting,
			state: 'delivered',
			nextAttemptAt: null,
			attempts: [...greylistWaiting.attempts, attempt({ number: 2 })],
			deliveredMessageId: 'CG'
		});
		const [lane] = journeySequence(journey([delivered])).lanes;
		expect(lane.steps.map((s) => s.anchor)).toEqual([
			'lookup-LG',
			'attempt-LG-1',
			'attempt-LG-2',
			'mailbox-LG',
			'reading-LG'
		]);
		expect(lane.steps[2].title).toBe('Try 2: delivered');
		expect(lane.steps[3].from).toBe('mx.greylist.test');
	});

	it('a refused leg ends in its bounce, linked, after any delay notice', () => {
		const refused = leg({
			id: 'LS',
			domain: 'south.test',
			state: 'bounced',
			attempts: [
				attempt({
					number: 1,
					host: 'mx1.south.test',
					outcome: 'refused',
					reply: '550 5.1.1 No such user here'
				})
			],
			delayNoticeIds: ['DN1'],
			bounceMessageId: 'B1'
		});
		const [lane] = journeySequence(journey([refused])).lanes;
		expect(lane.steps.map((s) => [s.kind, s.tone])).toEqual([
			['lookup', 'done'],
			['attempt', 'failed'],
			['delay', 'waiting'],
			['bounce', 'failed'],
			['reading', 'future']
		]);
		expect(lane.steps[2].links).toEqual([{ href: '/mailbox/DN1', label: 'The delay notice' }]);
		expect(lane.steps[3]).toMatchObject({
			to: 'Sender’s mailbox',
			title: 'Bounced to the sender',
			links: [{ href: '/mailbox/B1', label: 'The bounce' }]
		});
		expect(lane.steps[3].explains?.rfc).toContainEqual({ rfc: 5321, section: '4.2.1' });
	});

	it('a null MX: the lookup finds nothing to try and the leg bounces without a try', () => {
		const nullMx = leg({
			id: 'LX',
			domain: 'nullmx.test',
			state: 'bounced',
			route: [],
			bounceMessageId: 'B2',
			verdict: 'nullmx.test publishes a null MX ("0 ."): nothing was tried (RFC 7505 §3).'
		});
		const [lane] = journeySequence(journey([nullMx])).lanes;
		expect(lane.steps.map((s) => [s.kind, s.tone])).toEqual([
			['lookup', 'failed'],
			['bounce', 'failed'],
			['reading', 'future']
		]);
		expect(lane.steps[0].lines).toEqual(['No exchanger to try']);
		// No try to cite: the verdict carries its own RFC.
		expect(lane.steps[1].explains).toBeNull();
	});

	it('the journey ends at its readers: each read and removal of a copy, with its session', () => {
		const read = (messageId: string, act: 'read' | 'removed', command: string, at: number) => ({
			messageId,
			act,
			mailbox: 'alice',
			sessionId: `P-${messageId}`,
			at: T0 + at,
			protocol: 'pop3' as const,
			command
		});
		const drawn = journeySequence(
			journey([north, { ...greylistWaiting, id: 'LB', state: 'bounced', bounceMessageId: 'B1' }], {
				local: ['alice@example.com'],
				reads: [
					read('M1', 'read', 'RETR', 1000),
					read('M1', 'removed', 'QUIT', 2000),
					read('B1', 'read', 'TOP', 3000)
				]
			})
		);
		expect(drawn.local).toEqual([
			expect.objectContaining({
				anchor: 'reading-local',
				from: 'Mailbox',
				to: 'Mail reader',
				title: 'Deleted by the reader',
				tone: 'done',
				lines: [
					'2026-12-01 18:00:01 UTC: read over POP3 (RETR), the copy in alice@example.com, .net, .org',
					'2026-12-01 18:00:02 UTC: deleted by the reader over POP3 (QUIT), the copy in alice@example.com, .net, .org'
				],
				links: [
					{ href: '/sessions/P-M1', label: 'The reading session' },
					{ href: '/mailbox/M1', label: 'What its readers did' }
				]
			})
		]);
		expect(drawn.local[0].explains?.rfc).toContainEqual({ rfc: 1939, section: '6' });
		const [northLane, bouncedLane] = drawn.lanes;
		// The north.test copy was not read; the bounce, in the sender's mailbox, was.
		expect(northLane.steps.at(-1)).toMatchObject({ title: 'Not read yet', tone: 'future' });
		expect(bouncedLane.steps.at(-1)).toMatchObject({
			from: 'Sender’s mailbox',
			title: 'Read by the reader',
			tone: 'done',
			links: [
				{ href: '/sessions/P-B1', label: 'The reading session' },
				{ href: '/mailbox/B1', label: 'What its readers did' }
			]
		});
		expect(journeySequence(journey([north])).local).toEqual([]);
	});

	it('a copy read and expunged over IMAP names IMAP and its sections (RFC 3501 §6.4.5, §6.4.3)', () => {
		const imapAct = (act: 'read' | 'removed', command: string, at: number) => ({
			messageId: 'M1',
			act,
			mailbox: 'alice',
			sessionId: 'I-M1',
			at: T0 + at,
			protocol: 'imap' as const,
			command
		});
		const [reading] = journeySequence(
			journey([north], {
				local: ['alice@example.com'],
				reads: [imapAct('read', 'FETCH', 1000), imapAct('removed', 'EXPUNGE', 2000)]
			})
		).local;
		expect(reading.lines).toEqual([
			'2026-12-01 18:00:01 UTC: read over IMAP (FETCH), the copy in alice@example.com, .net, .org',
			'2026-12-01 18:00:02 UTC: deleted by the reader over IMAP (EXPUNGE), the copy in alice@example.com, .net, .org'
		]);
		expect(reading.title).toBe('Deleted by the reader');
		expect(reading.explains?.rfc).toContainEqual({ rfc: 3501, section: '6.4.3' });
		expect(reading.explains?.text).toMatch(/\\Deleted/);
	});

	it('an implicit MX is drawn as the domain’s address record', () => {
		const implicit = leg({
			id: 'LI',
			domain: 'nomx.test',
			route: [{ preference: null, host: 'nomx.test' }],
			state: 'sending'
		});
		const [lane] = journeySequence(journey([implicit])).lanes;
		expect(lane.steps[0].lines).toEqual(['no MX: the address of nomx.test']);
		expect(lane.steps[0].explains?.text).toMatch(/^No MX record/);
		expect(lane.steps[1]).toMatchObject({ kind: 'next', title: 'Try 1: under way' });
	});

	it('names each recipient’s reply when the recipients of one try fared differently', () => {
		const mixed = leg({
			id: 'LM',
			domain: 'north.test',
			recipients: ['carol@north.test', 'full@north.test'],
			state: 'queued',
			attempts: [
				attempt({
					number: 1,
					host: 'mx.north.test',
					outcome: 'deferred',
					reply: '250 2.0.0 Accepted',
					recipients: [
						{ address: 'carol@north.test', reply: '250 2.1.5 OK' },
						{ address: 'full@north.test', reply: '452 4.2.2 Mailbox full' }
					]
				}),
				attempt({
					number: 2,
					host: 'mx.north.test',
					recipients: [{ address: 'full@north.test', reply: '250 2.0.0 Accepted' }]
				})
			]
		});
		const [lane] = journeySequence(journey([mixed])).lanes;
		expect(lane.steps[1].lines).toEqual([
			'mx.north.test (127.0.0.11 port 2526)',
			'250 2.0.0 Accepted',
			'carol@north.test: 250 2.1.5 OK',
			'full@north.test: 452 4.2.2 Mailbox full'
		]);
		// All alike: the reply once.
		expect(lane.steps[2].lines).toEqual([
			'mx.north.test (127.0.0.11 port 2526)',
			'250 2.0.0 Accepted'
		]);
	});

	it('a loop caught before connecting: its best MX is the outgoing server, the bounce says why', () => {
		const loop = leg({
			id: 'LL',
			domain: 'loop.test',
			state: 'bounced',
			route: [{ preference: 10, host: 'out.smtp-lab.test' }],
			bounceMessageId: 'B3'
		});
		const [lane] = journeySequence(journey([loop])).lanes;
		expect(lane.steps.map((s) => s.kind)).toEqual(['lookup', 'bounce', 'reading']);
		expect(lane.steps[1].explains?.rfc).toContainEqual({ rfc: 5321, section: '5.1' });
		expect(lane.steps[1].explains?.text).toMatch(/loop/);
		// Nothing reached a mailbox but the bounce: that is what there is to read.
		expect(lane.steps[2].from).toBe('Sender’s mailbox');
	});

	it('a mailing list’s leg is drawn from the list’s host, starting at its new message, and is not part of the split', () => {
		const toList = leg({
			id: 'LL',
			domain: 'list.test',
			recipients: ['learners@list.test'],
			attempts: [attempt({ number: 1, host: 'mx.list.test', address: '127.0.0.12' })],
			deliveredMessageId: 'CL'
		});
		const resent = leg({
			id: 'LR',
			domain: 'north.test',
			recipients: ['ann@north.test', 'ben@north.test'],
			state: 'bounced',
			attempts: [
				attempt({
					number: 1,
					host: 'mx.north.test',
					address: '127.0.0.3',
					outcome: 'refused',
					reply: '550 5.1.1 No such mailbox here'
				})
			],
			bounceMessageId: 'B1',
			resent: {
				by: 'mx.list.test',
				address: '127.0.0.12',
				messageId: 'NEW',
				from: 'learners-bounces@list.test'
			}
		});
		const drawn = journeySequence(journey([toList, resent]));
		const split = drawn.head.find((s) => s.anchor === 'split')!;
		expect(split.title).toBe('Split into 1 delivery');
		expect(split.lines).toEqual(['list.test: learners@list.test']);
		expect(drawn.head.find((s) => s.anchor === 'submit')!.lines).toContain(
			'RCPT TO:<learners@list.test>'
		);
		expect(drawn.head.find((s) => s.anchor === 'submit')!.lines).not.toContain(
			'RCPT TO:<ann@north.test>'
		);
		const lane = drawn.lanes[1];
		expect(lane.heading).toBe(
			'north.test — ann@north.test, ben@north.test (re-sent by mx.list.test)'
		);
		expect(lane.steps.map((s) => [s.kind, s.from, s.to])).toEqual([
			['resend', 'mx.list.test', 'mx.list.test'],
			['lookup', 'mx.list.test', 'Sandbox DNS'],
			['attempt', 'mx.list.test', 'mx.north.test'],
			['bounce', 'mx.list.test', 'Sender’s mailbox'],
			['reading', 'Sender’s mailbox', 'Mail reader']
		]);
		expect(lane.steps[0].lines).toEqual([
			'From mx.list.test (127.0.0.12), MAIL FROM:<learners-bounces@list.test>',
			'RCPT TO:<ann@north.test>',
			'RCPT TO:<ben@north.test>'
		]);
		expect(lane.steps[0].links).toEqual([{ href: '/mailbox/NEW', label: 'The new message' }]);
		expect(lane.steps[0].explains?.rfc).toContainEqual({ rfc: 5321, section: '3.9.2' });
		// The bounce goes to the list's envelope sender, not the author (RFC 5321 §3.9.2).
		expect(lane.steps[3].lines).toEqual(['To learners-bounces@list.test, from <>']);
	});

	it('a journey a list started (a post sent straight to its host) begins where the list took it', () => {
		const resent = leg({
			id: 'LR',
			domain: 'north.test',
			recipients: ['ann@north.test', 'ben@north.test'],
			resent: {
				by: 'mx.list.test',
				address: '127.0.0.12',
				messageId: 'M1',
				from: 'learners-bounces@list.test'
			}
		});
		const drawn = journeySequence(
			journey([resent], { sessionId: 'LS1', from: 'learners-bounces@list.test' })
		);
		expect(drawn.head.map((s) => [s.anchor, s.from, s.to, s.title])).toEqual([
			['posted', 'Mail program', 'mx.list.test', 'Posted to the list at mx.list.test']
		]);
		expect(drawn.head[0].links).toEqual([
			{ href: '/sessions/LS1', label: 'The session at mx.list.test' }
		]);
		expect(drawn.lanes.map((l) => l.steps[0].kind)).toEqual(['resend']);
	});

	it('a bounce about a null sender is explained, not linked', () => {
		const failed = leg({ id: 'LD', domain: 'down.test', state: 'bounced' });
		const [lane] = journeySequence(journey([failed], { from: '' })).lanes;
		expect(lane.steps.find((s) => s.kind === 'bounce')).toMatchObject({
			title: 'Failed: no bounce sent',
			links: []
		});
	});
});

describe('formatDuration', () => {
	it.each([
		[0, 'seconds', '0 s'],
		[14_900, 'seconds', '14 s'],
		[400, 'seconds', 'under a second'],
		[65_000, 'seconds', '1 min 5 s'],
		[30 * 60_000, 'minutes', '30 min'],
		[30 * 60_000 + 59_000, 'minutes', '30 min'],
		[150 * 60_000, 'minutes', '2 h 30 min'],
		[3 * 3_600_000 + 5000, 'seconds', '3 h'],
		[28 * 3_600_000 + 20 * 60_000, 'minutes', '1 d 4 h'],
		[30_000, 'minutes', 'under a minute'],
		[-5000, 'seconds', '0 s']
	] as const)('%i ms in %s: %s', (ms, unit, said) => {
		expect(formatDuration(ms, unit)).toBe(said);
	});
});
