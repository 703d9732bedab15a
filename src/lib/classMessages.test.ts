import { describe, expect, it } from 'vitest';
import { followClass, isWellFormedClassMessage } from './client/ClassChannel';
import type { LabSocket } from './client/LabSocket';
import {
	EXAMPLE_STEP_MAX,
	parseClientMessage,
	parseServerMessage,
	type ClassFollow,
	type ServerMessage
} from './messages';

// The class channel's messages (issue 15 phase 2) at the boundary, both ways.
describe('class messages from a browser', () => {
	it.each([
		[{ type: 'class-presence', sessionId: 'abc_123', example: null }],
		[{ type: 'class-presence', sessionId: null, example: { slug: 'first-message', step: 0 } }],
		[
			{
				type: 'class-presence',
				sessionId: null,
				example: { slug: 'ports', step: EXAMPLE_STEP_MAX }
			}
		],
		[{ type: 'follow-class' }],
		[{ type: 'watch-class' }],
		[{ type: 'watch-exercises' }],
		[{ type: 'spotlight', sessionId: 'S1' }],
		[{ type: 'spotlight', sessionId: null }]
	])('accepts %j', (message) => {
		expect(parseClientMessage(JSON.stringify(message))).toEqual({ ok: true, value: message });
	});

	it.each([
		[{ type: 'class-presence', example: null }, '"sessionId" must be a session id or null'],
		[
			{ type: 'class-presence', sessionId: 'a b', example: null },
			'"sessionId" must be a session id or null'
		],
		[
			{ type: 'class-presence', sessionId: 7, example: null },
			'"sessionId" must be a session id or null'
		],
		[{ type: 'class-presence', sessionId: null }, '"example" must be null'],
		[
			{ type: 'class-presence', sessionId: null, example: { slug: 'Ports', step: 1 } },
			'"example" must be null'
		],
		[
			{ type: 'class-presence', sessionId: null, example: { slug: '../x', step: 1 } },
			'"example" must be null'
		],
		[
			{ type: 'class-presence', sessionId: null, example: { slug: 'a'.repeat(41), step: 1 } },
			'"example" must be null'
		],
		[
			{ type: 'class-presence', sessionId: null, example: { slug: 'ports', step: -1 } },
			'"example" must be null'
		],
		[
			{ type: 'class-presence', sessionId: null, example: { slug: 'ports', step: 1.5 } },
			'"example" must be null'
		],
		[
			{
				type: 'class-presence',
				sessionId: null,
				example: { slug: 'ports', step: EXAMPLE_STEP_MAX + 1 }
			},
			'"example" must be null'
		],
		[{ type: 'class-presence', sessionId: null, example: ['ports', 1] }, '"example" must be null'],
		[{ type: 'spotlight' }, '"sessionId" must be a session id or null'],
		[{ type: 'spotlight', sessionId: 'x'.repeat(65) }, '"sessionId" must be a session id or null']
	])('refuses %j', (message, error) => {
		const parsed = parseClientMessage(JSON.stringify(message));
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.error).toContain(error);
	});

	it('keeps only the fields of the schema', () => {
		const parsed = parseClientMessage(
			JSON.stringify({ type: 'follow-class', teacher: true, sessionId: 'x' })
		);
		expect(parsed).toEqual({ ok: true, value: { type: 'follow-class' } });
	});
});

describe('class messages from the server', () => {
	const follow = {
		type: 'class-follow',
		teacher: { sessionId: 'T1', example: { slug: 'first-message', step: 2 } },
		spotlight: null,
		spotlightNickname: null
	};

	/** What the page's socket hands the class channel: parsed, as LabSocket parses it. */
	function received(message: object): ServerMessage {
		const parsed = parseServerMessage(JSON.stringify(message));
		if (!parsed.ok) throw new Error(parsed.error);
		return parsed.value;
	}

	it('accepts a class-follow, a class-roster and a class-exercises', () => {
		const roster = { type: 'class-roster', roster: [], spotlight: 'sess-1', handouts: [] };
		const exercises = {
			type: 'class-exercises',
			handouts: [{ exercise: 'rset-transaction', handedOutAt: 1 }],
			progress: []
		};
		for (const message of [follow, roster, exercises]) {
			expect(received(message)).toEqual(message);
			expect(isWellFormedClassMessage(received(message))).toBe(true);
		}
	});

	it('accepts a class-ended', () => {
		expect(parseServerMessage('{"type":"class-ended"}')).toEqual({
			ok: true,
			value: { type: 'class-ended' }
		});
	});

	// parseServerMessage, in /lab's first load, checks the type only; the class channel the shape.
	it.each([
		[{ ...follow, teacher: null }],
		[{ ...follow, teacher: { sessionId: 'bad id', example: null } }],
		[{ ...follow, teacher: { sessionId: null, example: { slug: 'x', step: 'two' } } }],
		[{ ...follow, spotlight: 3 }],
		[{ ...follow, spotlightNickname: 3 }],
		[{ type: 'class-roster', roster: {} }],
		[{ type: 'class-roster', roster: [], spotlight: null }],
		[{ type: 'class-exercises', handouts: [] }],
		[{ type: 'class-exercises', handouts: {}, progress: [] }]
	])('the class channel refuses a malformed %j', (message) => {
		expect(isWellFormedClassMessage(received(message))).toBe(false);
	});

	it('a follow view is told only the well-formed class-follow', () => {
		let deliver: (message: ServerMessage) => void = () => {};
		const socket = {
			onMessage(listener: (message: ServerMessage) => void) {
				deliver = listener;
				return () => {};
			},
			onStatus: () => () => {},
			send: () => true
		} as unknown as LabSocket;
		const told: ClassFollow[] = [];
		followClass(socket, (shown) => told.push(shown));
		deliver(received({ ...follow, spotlight: 3 }));
		deliver(received(follow));
		expect(told).toEqual([follow]);
	});
});
