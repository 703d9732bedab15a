import { describe, expect, test } from 'vitest';
import type { Journey, JourneyAttempt, JourneyLeg } from '../delivery/journey';
import type { MessageSummary, SessionEvent } from '../messages';
import { EXAMPLES } from './catalogue';
import type { AuthenticationReport } from '../auth/report';
import {
	checkReplies,
	checkVerdict,
	chunk,
	dotStuffMessage,
	fastForwardKey,
	fill,
	hopReply,
	formatExpected,
	heardUntagged,
	imapStatus,
	journeyProgress,
	INPUT_CHUNK_CHARS,
	messageNumberIn,
	oversizeMessage,
	pop3RepliesIn,
	pop3Status,
	repliesIn,
	stepInput,
	stepProgress,
	verdictMessage
} from './runner';
import type { ExpectedLeg, ExpectedVerdict, RunContext, Step } from './types';

const ctx: RunContext = {
	run: 'abc123',
	greylistSeconds: 1,
	maxMessageBytes: 1024 * 1024,
	messages: { message: 'Subject: x\r\n\r\n.hidden\r\nend' },
	facts: { pictureBytes: 42 }
};

let seq = 0;
const server = (text: string): SessionEvent => ({
	seq: ++seq,
	at: 0,
	dir: 'server',
	text,
	anomalies: [],
	annotation: { title: '', summary: '' }
});

describe('runner', () => {
	test('fill: run tag, settings and facts; unknown names stay', () => {
		expect(fill('{run} {greylistSeconds} {sizeOverLimit} {pictureBytes} {nope}', ctx)).toBe(
			'abc123 1 1048577 42 {nope}'
		);
	});

	// [message, wire] — RFC 5321 §4.5.2: a leading "." gets one more.
	const stuffing: [string, string][] = [
		['a\r\n.\r\nb', 'a\r\n..\r\nb\r\n'],
		['.first', '..first\r\n'],
		['mid.dle\n...x', 'mid.dle\r\n....x\r\n']
	];
	test.each(stuffing)('dotStuffMessage(%j)', (message, wire) =>
		expect(dotStuffMessage(message)).toBe(wire)
	);

	test('data steps end with CRLF.CRLF; raw bytes go as written', () => {
		const step = { kind: 'data', id: 'message', message: { kind: 'compose' } } as unknown as Step;
		expect(stepInput(step, ctx).join('')).toBe('Subject: x\r\n\r\n..hidden\r\nend\r\n.\r\n');
		const raw = { kind: 'data', id: 'r', message: { kind: 'raw', bytes: 'a\n.\r\n' } } as Step;
		expect(stepInput(raw, ctx)).toEqual(['a\n.\r\n']);
	});

	test('an oversized message passes the limit and is cut into pieces the bridge accepts', () => {
		const message = oversizeMessage('big', ctx.maxMessageBytes);
		expect(message.length).toBeGreaterThan(ctx.maxMessageBytes);
		const pieces = chunk(message);
		expect(pieces.every((p) => p.length <= INPUT_CHUNK_CHARS)).toBe(true);
		expect(pieces.join('')).toBe(message);
	});

	test('replies: multi-line replies are one, enhanced codes read from the final line', () => {
		const replies = repliesIn([
			server('250-sandbox Nice to meet you'),
			server('250 SIZE 1048576'),
			server('550 5.1.1 No such mailbox'),
			server('354 End data with <CR><LF>.<CR><LF>')
		]);
		expect(replies.map((r) => [r.code, r.enhanced, r.lines.length])).toEqual([
			[250, null, 2],
			[550, '5.1.1', 1],
			[354, null, 1]
		]);
		expect(
			checkReplies(
				[
					{ code: 250, enhanced: null },
					{ code: 550, enhanced: '5.1.2' }
				],
				replies
			).map((c) => c.ok)
		).toEqual([true, false]);
	});

	test('replies: only RFC 5321 §4.2 reply lines end a reply ("600 x", "250x" do not)', () => {
		const replies = repliesIn([server('600 x'), server('250x'), server('250 OK')]);
		expect(replies.map((r) => [r.code, r.lines.length])).toEqual([[250, 3]]);
	});

	test('STARTTLS is done only when the TLS handshake is recorded', () => {
		const step = { kind: 'send', lines: ['STARTTLS'], expect: [{ code: 220 }] } as unknown as Step;
		const ready = server('220 2.0.0 Ready to start TLS');
		expect(stepProgress(step, [ready]).done).toBe(false);
		const tls: SessionEvent = { ...server('TLS'), dir: 'system', kind: 'tls' };
		expect(stepProgress(step, [ready, tls]).done).toBe(true);
	});

	test('POP3: a RETR step is done at its "." line, not at its +OK (RFC 1939 §3)', () => {
		const step = {
			kind: 'send',
			lines: ['RETR 2'],
			expect: [{ status: '+OK' }]
		} as unknown as Step;
		const retr: SessionEvent = { ...server('RETR 2'), dir: 'client' };
		const events = [retr, server('+OK 300 octets'), server('Subject: x\r\n\r\n..\r\n')];
		expect(stepProgress(step, events, 'pop3').done).toBe(false);
		const progress = stepProgress(step, [...events, server('.')], 'pop3');
		expect(progress.done).toBe(true);
		expect(progress.replies.map(formatExpected)).toEqual(['+OK']);
		expect(progress.replies[0].lines).toEqual(['+OK 300 octets', 'Subject: x\r\n\r\n..\r\n', '.']);
	});

	test('POP3: STLS is done only when the TLS handshake is recorded (RFC 2595 §4)', () => {
		const step = { kind: 'send', lines: ['STLS'], expect: [{ status: '+OK' }] } as unknown as Step;
		const events = [{ ...server('STLS'), dir: 'client' as const }, server('+OK Begin TLS')];
		expect(stepProgress(step, events, 'pop3').done).toBe(false);
		const tls: SessionEvent = { ...server('TLS'), dir: 'system', kind: 'tls' };
		expect(stepProgress(step, [...events, tls], 'pop3').done).toBe(true);
	});

	test('IMAP: a step ends at its tagged completion; STARTTLS waits for the handshake (RFC 3501 §6.2.1)', () => {
		const client = (text: string): SessionEvent => ({ ...server(text), dir: 'client' });
		const step = {
			kind: 'send',
			lines: ['a2 STARTTLS'],
			expect: [{ imap: 'OK' }]
		} as unknown as Step;
		const events = [client('a2 STARTTLS'), server('a2 OK Begin TLS negotiation now')];
		expect(stepProgress(step, events, 'imap').done).toBe(false);
		const tls: SessionEvent = { ...server('TLS'), dir: 'system', kind: 'tls' };
		expect(stepProgress(step, [...events, tls], 'imap').done).toBe(true);
		const select = [
			client('a5 SELECT INBOX'),
			server('* 3 EXISTS'),
			server('a5 OK [READ-WRITE] done')
		];
		expect(stepProgress(step, select.slice(0, 2), 'imap').done).toBe(false);
		expect(stepProgress(step, select, 'imap').replies.map(formatExpected)).toEqual([
			'OK [READ-WRITE]'
		]);
	});

	test('IMAP status and response code name (RFC 3501 §7.1, §7.5); untagged news heard (RFC 2177 §3)', () => {
		// [status line, as the check reads it]
		const rows: [string, string][] = [
			['* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready', 'OK [CAPABILITY]'],
			['a3 NO [TRYCREATE] no such mailbox', 'NO [TRYCREATE]'],
			['a4 BAD unknown command', 'BAD'],
			['+ idling', '+']
		];
		for (const [line, read] of rows) expect(formatExpected(imapStatus(line)), line).toBe(read);
		expect(heardUntagged([server('* 4 EXISTS')], 'EXISTS')).toBe(true);
		expect(heardUntagged([server('* 4 RECENT'), server('* OK EXISTS')], 'EXISTS')).toBe(false);
	});

	test('POP3 status and response code (RFC 1939 §3, RFC 2449 §8) are checked as the script says', () => {
		// [status line, as the check reads it]
		const rows: [string, string][] = [
			['+OK 2 320', '+OK'],
			['-ERR [IN-USE] maildrop locked', '-ERR [IN-USE]'],
			['-ERR [SYS/TEMP] try later', '-ERR [SYS/TEMP]'],
			['-ERR no such message', '-ERR'],
			['+ ', '+']
		];
		for (const [line, read] of rows) expect(formatExpected(pop3Status(line)), line).toBe(read);
		const observed = pop3RepliesIn([server('-ERR [IN-USE] locked')]);
		const [wrong, right] = [
			checkReplies([{ status: '+OK', responseCode: null }], observed),
			checkReplies([{ status: '-ERR', responseCode: 'IN-USE' }], observed)
		];
		expect([wrong[0].ok, right[0].ok]).toEqual([false, true]);
	});

	test('a UIDL listing gives the number of the message with that unique id (RFC 1939 §7)', () => {
		const replies = pop3RepliesIn([
			{ ...server('UIDL'), dir: 'client' },
			server('+OK'),
			server('1 m-older'),
			server('2 m-ours'),
			server('.')
		]);
		expect(messageNumberIn(replies, 'm-ours')).toBe('2');
		expect(messageNumberIn(replies, 'm-older')).toBe('1');
		expect(messageNumberIn(replies, 'm-other')).toBeNull();
	});

	test('every example declares one expected reply per command it sends', () => {
		for (const example of EXAMPLES)
			for (const step of example.steps) {
				if (step.kind === 'send') expect(step.expect, step.id).toHaveLength(step.lines.length);
				if (step.kind === 'open' || step.kind === 'data') expect(step.expect).toHaveLength(1);
				if (step.kind === 'wait' || step.kind === 'journey' || step.kind === 'auth')
					expect(step.expect).toHaveLength(0);
			}
	});
});

/** A journey written by hand, as the queue would have it at one moment. */
function leg(domain: string, state: JourneyLeg['state'], replies: [string, string][]): JourneyLeg {
	const attempts: JourneyAttempt[] = replies.map(([host, reply], i) => ({
		number: i + 1,
		at: 0,
		simulatedAt: 0,
		host,
		address: '127.0.0.9',
		port: 2526,
		sessionId: null,
		outcome: reply.startsWith('250')
			? 'delivered'
			: reply.startsWith('4')
				? 'deferred'
				: reply.startsWith('5')
					? 'refused'
					: 'unreachable',
		reply,
		recipients: []
	}));
	return {
		id: `leg-${domain}`,
		domain,
		recipients: [`dan@${domain}`],
		state,
		lookupIds: [],
		route: [],
		attempts,
		nextAttemptAt: state === 'queued' ? 1_800_000 : null,
		deliveredMessageId: null,
		bounceMessageId: null,
		delayNoticeIds: [],
		verdict: null
	};
}
const journey = (...legs: JourneyLeg[]): Journey => ({
	id: 'm1',
	sessionId: 's1',
	from: 'alice@example.com',
	subject: 'x',
	queuedAt: 0,
	simulatedQueuedAt: 0,
	giveUpAt: 1e9,
	skippedMs: 0,
	legs,
	outbox: [],
	local: []
});
const greylisted = {
	host: 'mx.greylist.test',
	outcome: 'deferred',
	reply: { code: 451, enhanced: '4.7.1' }
} as const;
const accepted = {
	host: 'mx.greylist.test',
	outcome: 'delivered',
	reply: { code: 250, enhanced: '2.0.0' }
} as const;
const journeyStep = (
	legs: Extract<Step, { kind: 'journey' }>['legs'],
	fastForward = false
): Step => ({
	kind: 'journey',
	id: 'hops',
	title: '',
	narration: '',
	rfc: [],
	expect: [],
	legs,
	fastForward
});

describe('journey steps', () => {
	test('hopReply reads code and enhanced code; a connection error has none', () => {
		expect(hopReply('451 4.7.1 Greylisted, try again later')).toEqual({
			code: 451,
			enhanced: '4.7.1'
		});
		expect(hopReply('250 Accepted')).toEqual({ code: 250, enhanced: null });
		expect(hopReply('connect ECONNREFUSED 127.0.0.7:2526')).toBeNull();
	});

	test('waits while a try is under way, then checks the tries in order', () => {
		const step = journeyStep([{ domain: 'greylist.test', tries: [greylisted] }]);
		// The try is recorded while the leg still says 'sending': not settled yet.
		const sending = journey(
			leg('greylist.test', 'sending', [['mx.greylist.test', '451 4.7.1 Greylisted']])
		);
		expect(journeyProgress(step, sending).done).toBe(false);
		const queued = journey(
			leg('greylist.test', 'queued', [['mx.greylist.test', '451 4.7.1 Greylisted']])
		);
		expect(journeyProgress(step, queued)).toMatchObject({ done: true, checks: [{ ok: true }] });
		// The same moment, but the host answered with another code: done, and not ok.
		const other = journey(leg('greylist.test', 'queued', [['mx.greylist.test', '450 4.2.0 Busy']]));
		expect(journeyProgress(step, other)).toMatchObject({ done: true, checks: [{ ok: false }] });
	});

	test('waits for the expected state; a finished leg in another state ends the wait, not ok', () => {
		const step = journeyStep([
			{ domain: 'greylist.test', tries: [greylisted, accepted], state: 'delivered' }
		]);
		const once = journey(
			leg('greylist.test', 'queued', [['mx.greylist.test', '451 4.7.1 Greylisted']])
		);
		expect(journeyProgress(step, once).done).toBe(false);
		const twice = journey(
			leg('greylist.test', 'delivered', [
				['mx.greylist.test', '451 4.7.1 Greylisted'],
				['mx.greylist.test', '250 2.0.0 Accepted']
			])
		);
		expect(journeyProgress(step, twice)).toMatchObject({ done: true, checks: [{ ok: true }] });
		const bounced = journey(
			leg('greylist.test', 'bounced', [['mx.greylist.test', '550 5.1.1 No such user']])
		);
		expect(journeyProgress(step, bounced)).toMatchObject({ done: true, checks: [{ ok: false }] });
	});

	test('no connection is a try without a reply; the host must be the one expected', () => {
		const unreachable = { host: 'mx1.backup.test', outcome: 'unreachable', reply: null } as const;
		const step = journeyStep([
			{
				domain: 'backup.test',
				tries: [unreachable, { ...accepted, host: 'mx2.backup.test' }],
				state: 'delivered'
			}
		]);
		const failover = leg('backup.test', 'delivered', [
			['mx1.backup.test', 'connect ECONNREFUSED 127.0.0.8:2526'],
			['mx2.backup.test', '250 2.0.0 Accepted']
		]);
		expect(journeyProgress(step, journey(failover)).checks[0].ok).toBe(true);
		const swapped = leg('backup.test', 'delivered', [
			['mx2.backup.test', 'connect ECONNREFUSED 127.0.0.9:2526'],
			['mx1.backup.test', '250 2.0.0 Accepted']
		]);
		expect(journeyProgress(step, journey(swapped)).checks[0].ok).toBe(false);
	});

	test('the journey must have exactly the expected legs: a missing one and an extra one fail', () => {
		const north: ExpectedLeg = {
			domain: 'north.test',
			tries: [{ ...accepted, host: 'mx.north.test' }],
			state: 'delivered'
		};
		const delivered = leg('north.test', 'delivered', [['mx.north.test', '250 2.0.0 Accepted']]);
		const step = journeyStep([north, { domain: 'south.test', tries: [], state: 'delivered' }]);
		const missing = journeyProgress(step, journey(delivered));
		expect(missing.done).toBe(true);
		expect(
			missing.checks.map((c) => [c.expected?.domain ?? null, c.observed?.domain ?? null, c.ok])
		).toEqual([
			['north.test', 'north.test', true],
			['south.test', null, false]
		]);
		const extra = journeyProgress(
			journeyStep([north]),
			journey(delivered, leg('nullmx.test', 'bounced', []))
		);
		expect(
			extra.checks.map((c) => [c.expected?.domain ?? null, c.observed?.domain ?? null, c.ok])
		).toEqual([
			['north.test', 'north.test', true],
			[null, 'nullmx.test', false]
		]);
	});

	test('fast-forward: only when the step asks, is not done, and a leg waits; one key per wait', () => {
		const down = { host: 'mx.down.test', outcome: 'unreachable', reply: null } as const;
		const refused = 'connect ECONNREFUSED 127.0.0.7:2526';
		const after = (n: number, state: JourneyLeg['state'] = 'queued') =>
			journey(
				leg(
					'down.test',
					state,
					Array.from({ length: n }, () => ['mx.down.test', refused] as [string, string])
				)
			);
		const step = journeyStep([{ domain: 'down.test', tries: [down, down, down] }], true);
		expect(fastForwardKey(step, after(1))).toBe('leg-down.test:1');
		expect(fastForwardKey(step, after(2))).toBe('leg-down.test:2');
		// Being tried now: nothing waits.
		expect(fastForwardKey(step, after(2, 'sending'))).toBeNull();
		// Done: three tries made.
		expect(fastForwardKey(step, after(3))).toBeNull();
		// The step does not ask for it.
		expect(
			fastForwardKey(journeyStep([{ domain: 'down.test', tries: [down, down, down] }]), after(1))
		).toBeNull();
	});
});

/** A stored message with an MX's report, written by hand: only what an auth step reads. */
function checked(
	id: string,
	where: { sessionId?: string; journeyId?: string },
	authservId: string | null,
	results: { spf: string; dkim: string[]; dmarc: string | null; action: string },
	receivedAt = 1,
	recipient = 'dan@north.test'
): MessageSummary {
	const authentication = authservId
		? ({
				authservId,
				spf: { result: results.spf },
				dkim: results.dkim.map((result) => ({ result })),
				dmarc: results.dmarc === null ? null : { result: results.dmarc },
				decision: { action: results.action }
			} as unknown as AuthenticationReport)
		: undefined;
	return {
		id,
		sessionId: where.sessionId ?? null,
		journeyId: where.journeyId,
		receivedAt,
		recipients: [{ address: recipient, outcome: 'delivered', reply: '250' }],
		authentication
	} as unknown as MessageSummary;
}

describe('auth steps', () => {
	const pass = { spf: 'pass', dkim: ['pass'], dmarc: 'none', action: 'inbox' };
	const atNorth: ExpectedVerdict = {
		host: 'mx.north.test',
		recipient: 'dan@north.test',
		spf: 'pass',
		dkim: 'pass',
		dmarc: 'none',
		action: 'inbox'
	};
	const run = { sessionIds: ['s-mine'], messageIds: ['m-submitted'] };

	test('finds the copy the named host checked on this run’s journey, the newest one', () => {
		const messages = [
			checked('m-submitted', { sessionId: 's-mine', journeyId: 'm-submitted' }, null, pass),
			checked('m-other-run', { journeyId: 'm-someone-else' }, 'mx.north.test', pass, 9),
			checked('m-south', { journeyId: 'm-submitted' }, 'mx1.south.test', pass, 5),
			checked('m-first', { journeyId: 'm-submitted' }, 'mx.north.test', pass, 2),
			checked('m-second', { journeyId: 'm-submitted' }, 'mx.north.test', pass, 3),
			checked('m-bob', { journeyId: 'm-submitted' }, 'mx.north.test', pass, 4, 'bob@north.test')
		];
		expect(verdictMessage(atNorth, messages, run)?.id).toBe('m-second');
		expect(verdictMessage({ ...atNorth, recipient: 'DAN@north.test' }, messages, run)?.id).toBe(
			'm-second'
		);
		expect(verdictMessage(atNorth, messages.slice(0, 3), run)).toBeNull();
	});

	test('without a host: the copy stored in one of this run’s own sessions', () => {
		const atOwnMx: ExpectedVerdict = { ...atNorth, host: undefined };
		const messages = [
			checked('m-elsewhere', { sessionId: 's-other' }, 'sandbox.smtp-lab.test', pass, 5),
			checked('m-hop', { journeyId: 'm-submitted' }, 'mx.north.test', pass, 4),
			checked('m-spoofed', { sessionId: 's-mine' }, 'sandbox.smtp-lab.test', pass, 3)
		];
		expect(verdictMessage(atOwnMx, messages, run)?.id).toBe('m-spoofed');
	});

	test('each result is compared; no signature reads dkim=none, no report is no check', () => {
		const refused = checked('m', {}, 'x', {
			spf: 'fail',
			dkim: [],
			dmarc: 'none',
			action: 'reject'
		}).authentication;
		const expected: ExpectedVerdict = {
			recipient: 'bob@example.com',
			spf: 'fail',
			dkim: 'none',
			dmarc: 'none',
			action: 'reject'
		};
		expect(checkVerdict(expected, refused).map((c) => [c.what, c.observed, c.ok])).toEqual([
			['spf', 'fail', true],
			['dkim', 'none', true],
			['dmarc', 'none', true],
			['action', 'reject', true]
		]);
		// The first signature decides; a missing DMARC check reads as none.
		const broken = checked('m', {}, 'x', {
			spf: 'pass',
			dkim: ['neutral', 'pass'],
			dmarc: null,
			action: 'inbox'
		}).authentication;
		expect(checkVerdict(expected, broken).map((c) => [c.observed, c.ok])).toEqual([
			['pass', false],
			['neutral', false],
			['none', true],
			['inbox', false]
		]);
		expect(checkVerdict(expected, undefined).map((c) => [c.observed, c.ok])).toEqual([
			[null, false],
			[null, false],
			[null, false],
			[null, false]
		]);
	});
});
