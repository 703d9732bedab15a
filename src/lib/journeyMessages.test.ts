import { describe, expect, it } from 'vitest';
import { isJourneyMessage } from './delivery/journeyMessage';
import { parseClientMessage, parseServerMessage, type ServerMessage } from './messages';

// The journey page's messages (issue 17) at the WebSocket boundary, both ways.
describe('watch-journey from a browser', () => {
	it('accepts a message id', () => {
		expect(parseClientMessage('{"type":"watch-journey","id":"Abc_12-3"}')).toEqual({
			ok: true,
			value: { type: 'watch-journey', id: 'Abc_12-3' }
		});
	});

	it.each([
		[{ type: 'watch-journey' }],
		[{ type: 'watch-journey', id: 7 }],
		[{ type: 'watch-journey', id: '../x' }],
		[{ type: 'watch-journey', id: 'a'.repeat(65) }]
	])('refuses %j with a reason', (message) => {
		expect(parseClientMessage(JSON.stringify(message))).toEqual({
			ok: false,
			error: '"id" must be a message id'
		});
	});
});

describe('journey from the server', () => {
	const clock = { now: 2, realNow: 1, scale: 1440 };
	const journey = { id: 'M1', legs: [{ id: 'L1', attempts: [] }] };

	it('passes the boundary, and the journey page takes a journey with its clock', () => {
		const message = { type: 'journey', journey, clock };
		const parsed = parseServerMessage(JSON.stringify(message));
		expect(parsed).toEqual({ ok: true, value: message });
		expect(isJourneyMessage(message as unknown as ServerMessage)).toBe(true);
	});

	it.each([
		[{ type: 'journey', clock }],
		[{ type: 'journey', journey: { id: 'M1', legs: {} }, clock }],
		[{ type: 'journey', journey: { id: 'M1', legs: [{ id: 'L1' }] }, clock }],
		[{ type: 'journey', journey }],
		[{ type: 'journey', journey, clock: { now: '2', realNow: 1, scale: 1 } }],
		[{ type: 'session', journey, clock }]
	])('the journey page refuses a malformed one: %j', (message) => {
		expect(isJourneyMessage(message as unknown as ServerMessage)).toBe(false);
	});
});
