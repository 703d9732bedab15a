import { describe, expect, it } from 'vitest';
import { parseClientMessage, parseServerMessage } from './messages';

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

	it('passes a journey with its clock', () => {
		const message = { type: 'journey', journey, clock };
		expect(parseServerMessage(JSON.stringify(message))).toEqual({ ok: true, value: message });
	});

	it.each([
		[{ type: 'journey', clock }],
		[{ type: 'journey', journey: { id: 'M1', legs: {} }, clock }],
		[{ type: 'journey', journey: { id: 'M1', legs: [{ id: 'L1' }] }, clock }],
		[{ type: 'journey', journey }],
		[{ type: 'journey', journey, clock: { now: '2', realNow: 1, scale: 1 } }]
	])('refuses a malformed one: %j', (message) => {
		expect(parseServerMessage(JSON.stringify(message))).toEqual({
			ok: false,
			error: 'malformed journey'
		});
	});
});
