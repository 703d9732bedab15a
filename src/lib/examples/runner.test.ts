import { describe, expect, test } from 'vitest';
import type { SessionEvent } from '../messages';
import { EXAMPLES } from './catalogue';
import {
	checkReplies,
	chunk,
	dotStuffMessage,
	fill,
	INPUT_CHUNK_CHARS,
	oversizeMessage,
	repliesIn,
	stepInput,
	stepProgress
} from './runner';
import type { RunContext, Step } from './types';

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

	test('every example declares one expected reply per command it sends', () => {
		for (const example of EXAMPLES)
			for (const step of example.steps) {
				if (step.kind === 'send') expect(step.expect, step.id).toHaveLength(step.lines.length);
				if (step.kind === 'open' || step.kind === 'data') expect(step.expect).toHaveLength(1);
				if (step.kind === 'wait') expect(step.expect).toHaveLength(0);
			}
	});
});
