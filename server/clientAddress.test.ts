import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ClientAddressRule, forwardedAddress } from './clientAddress';

/** A request as the rule sees it: the socket's address and the headers. */
function request(remoteAddress: string, forwardedFor?: string): IncomingMessage {
	return {
		socket: { remoteAddress },
		headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }
	} as unknown as IncomingMessage;
}

describe('forwardedAddress: the Nth address from the right of X-Forwarded-For', () => {
	it('one proxy: the address it appended, whatever the client wrote before it', () => {
		expect(forwardedAddress('198.51.100.7', 1)).toBe('198.51.100.7');
		expect(forwardedAddress('1.1.1.1, forged, 198.51.100.7', 1)).toBe('198.51.100.7');
	});

	it('two proxies: the address the outer one saw, second from the right', () => {
		expect(forwardedAddress('10.9.9.9, 203.0.113.5, 192.0.2.1', 2)).toBe('203.0.113.5');
		expect(forwardedAddress('2001:db8::5,192.0.2.1', 2)).toBe('2001:db8::5');
	});

	it('IPv4-mapped IPv6 is written as plain IPv4', () => {
		expect(forwardedAddress('::ffff:203.0.113.5', 1)).toBe('203.0.113.5');
	});

	it('repeated headers count as one list (Node joins them)', () => {
		expect(forwardedAddress(['203.0.113.5', '192.0.2.1'], 2)).toBe('203.0.113.5');
	});

	it('too few addresses, no header, or a trusted entry that is not an address: null', () => {
		expect(forwardedAddress('192.0.2.1', 2)).toBeNull();
		expect(forwardedAddress(undefined, 1)).toBeNull();
		expect(forwardedAddress('', 1)).toBeNull();
		expect(forwardedAddress('203.0.113.5, not-an-address', 1)).toBeNull();
		expect(forwardedAddress('not-an-address, 192.0.2.1', 2)).toBeNull();
		expect(forwardedAddress('192.0.2.1:4711', 1)).toBeNull();
	});
});

describe('ClientAddressRule', () => {
	it('without TRUST_PROXY the header is ignored: the socket address', () => {
		const rule = new ClientAddressRule(0, () => {
			throw new Error('nothing to say');
		});
		expect(rule.of(request('::ffff:127.0.0.1', '203.0.113.5'))).toBe('127.0.0.1');
		expect(rule.of(request('127.0.0.1', 'garbage'))).toBe('127.0.0.1');
	});

	it('with TRUST_PROXY the forwarded address', () => {
		const rule = new ClientAddressRule(1);
		expect(rule.of(request('127.0.0.1', '203.0.113.5'))).toBe('203.0.113.5');
	});

	it('a malformed header with TRUST_PROXY: the socket address, and one log line at most', () => {
		const said: string[] = [];
		const rule = new ClientAddressRule(2, (line) => said.push(line));
		expect(rule.of(request('127.0.0.1', '203.0.113.5'))).toBe('127.0.0.1');
		expect(rule.of(request('127.0.0.1'))).toBe('127.0.0.1');
		expect(said).toHaveLength(1);
		expect(said[0]).toContain('TRUST_PROXY=2');
		expect(said[0]).toContain('"203.0.113.5"');
		expect(said[0]).toContain('using 127.0.0.1 instead');
	});
});
