import { describe, expect, it } from 'vitest';
import net from 'node:net';
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

/** A connected pair of real TCP sockets: the server's accepted one and the client's. */
async function socketPair(): Promise<{ accepted: net.Socket; client: net.Socket; close(): void }> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
	const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
	await new Promise<void>((resolve) => client.once('connect', resolve));
	return {
		accepted: await accepted,
		client,
		close: () => {
			client.destroy();
			server.close();
		}
	};
}

describe('WireTap on a real socket', () => {
	it('counts reads as the client’s and writes as the server’s; corked writes leave as one', async () => {
		const { accepted, client, close } = await socketPair();
		const tap = new WireTap(10);
		tap.countPlaintext(accepted);
		accepted.cork();
		accepted.write('250-one\r\n');
		accepted.write('250 two\r\n');
		accepted.uncork();
		accepted.write('220 ready\r\n');
		client.write('EHLO x\r\n');
		await new Promise<void>((resolve) => accepted.once('data', () => resolve()));
		expect(tap.records.map((r) => [r.dir, r.kind, r.bytes])).toEqual([
			['server', 'plaintext', 18],
			['server', 'plaintext', 11],
			['client', 'plaintext', 8]
		]);
		close();
	});

	it('stops counting plaintext once TLS runs over its carrier; destroying the socket destroys the carrier', async () => {
		const { accepted, client, close } = await socketPair();
		const tap = new WireTap(10);
		tap.countPlaintext(accepted);
		accepted.removeAllListeners('data');
		const carrier = tap.carrier(accepted);
		carrier.write(Uint8Array.from([22, 3, 3, 0, 2, 1, 2]));
		const read = new Promise<Buffer>((resolve) => carrier.once('data', resolve));
		client.write(Uint8Array.from([23, 3, 3, 0, 1, 9]));
		expect([...(await read)]).toEqual([23, 3, 3, 0, 1, 9]);
		expect(tap.records.map((r) => [r.dir, r.kind, r.tlsType, r.bytes])).toEqual([
			['server', 'tls', 'handshake', 2],
			['client', 'tls', 'application_data', 1]
		]);
		const closed = new Promise<void>((resolve) => carrier.once('close', () => resolve()));
		accepted.destroy();
		await closed;
		expect(carrier.destroyed).toBe(true);
		close();
	});
});
