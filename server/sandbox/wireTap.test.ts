import { describe, expect, it } from 'vitest';
import { WireTap } from './wireTap';

describe('WireTap at MAX_WIRE_RECORDS_PER_SESSION', () => {
	it('keeps exactly the limit, then counts what it no longer keeps', () => {
		const tap = new WireTap(3);
		tap.plaintext('server', 30);
		tap.plaintext('client', 19);
		// One chunk holding two record headers (RFC 8446 §5.1): the third and fourth entries.
		tap.ciphertext('client', Uint8Array.from([22, 3, 1, 0, 1, 0, 23, 3, 3, 0, 0]));
		expect(tap.records.map((r) => [r.dir, r.kind, r.tlsType, r.bytes])).toEqual([
			['server', 'plaintext', undefined, 30],
			['client', 'plaintext', undefined, 19],
			['client', 'tls', 'handshake', 1]
		]);
		expect(tap.dropped).toBe(1);
		tap.plaintext('server', 5);
		expect(tap.records).toHaveLength(3);
		expect(tap.dropped).toBe(2);
	});

	it('drops nothing while under the limit', () => {
		const tap = new WireTap(2);
		tap.plaintext('server', 30);
		tap.plaintext('client', 19);
		expect(tap.records).toHaveLength(2);
		expect(tap.dropped).toBe(0);
	});
});
