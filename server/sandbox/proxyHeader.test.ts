/**
 * The PROXY protocol v1 reader (proxyHeader.ts): every well-formed header of the specification's
 * §2.1, and every way a line can fail it, each written out by hand; then the reader on real
 * sockets (a header in pieces, what follows it left for the session, a silent or endless peer).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProxyHeader, readProxyHeader, type ProxyHeaderResult } from './proxyHeader';

const parse = (line: string) => parseProxyHeader(Buffer.from(line, 'latin1'));

describe('parseProxyHeader', () => {
	it('reads TCP4 and TCP6 headers: source, destination and both ports', () => {
		expect(parse('PROXY TCP4 192.0.2.7 127.0.0.1 51234 25\r\n')).toEqual({
			header: {
				family: 'TCP4',
				source: '192.0.2.7',
				destination: '127.0.0.1',
				sourcePort: 51234,
				destinationPort: 25
			}
		});
		expect(parse('PROXY TCP6 2001:DB8::7 ::1 0 65535\r\n')).toEqual({
			header: {
				family: 'TCP6',
				source: '2001:db8::7',
				destination: '::1',
				sourcePort: 0,
				destinationPort: 65535
			}
		});
		// nginx writes an IPv4 client of a dual-stack listener IPv4-mapped; sockets report it as IPv4.
		expect(parse('PROXY TCP6 ::ffff:192.0.2.8 ::1 1 2\r\n')).toMatchObject({
			header: { source: '192.0.2.8' }
		});
	});

	it('reads the longest lines §2.1 gives: 56 octets for TCP4, 104 for TCP6, 107 for UNKNOWN', () => {
		const v4 = 'PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n';
		const v6Address = 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';
		const v6 = `PROXY TCP6 ${v6Address} ${v6Address} 65535 65535\r\n`;
		const unknown = `PROXY UNKNOWN ${v6Address} ${v6Address} 65535 65535\r\n`;
		expect([v4.length, v6.length, unknown.length]).toEqual([56, 104, 107]);
		expect(parse(v4)).toMatchObject({ header: { source: '255.255.255.255' } });
		expect(parse(v6)).toMatchObject({ header: { source: v6Address } });
		expect(parse(unknown)).toEqual({ header: { family: 'UNKNOWN' } });
		expect(parse(`${unknown.slice(0, -2)}f\r\n`)).toEqual({
			error: 'longer than 107 bytes (§2.1)'
		});
	});

	it('UNKNOWN, short or followed by anything, means: use the connection itself', () => {
		expect(parse('PROXY UNKNOWN\r\n')).toEqual({ header: { family: 'UNKNOWN' } });
		expect(parse('PROXY UNKNOWN whatever 1 2\r\n')).toEqual({ header: { family: 'UNKNOWN' } });
	});

	it.each([
		['the wrong prefix', 'EHLO client.example\r\n', 'does not start with "PROXY " (§2.1)'],
		['lower case', 'proxy TCP4 192.0.2.7 127.0.0.1 1 2\r\n', 'does not start with "PROXY " (§2.1)'],
		// Version 2's binary signature starts \r\n: the reader hands over that first line.
		['a v2 signature', '\r\n', 'does not start with "PROXY " (§2.1)'],
		['LF alone', 'PROXY TCP4 192.0.2.7 127.0.0.1 1 2\n', 'does not end with CRLF (§2.1)'],
		[
			'CR inside',
			'PROXY TCP4 192.0.2.7\r127.0.0.1 1 2\r\n',
			'a lone CR or LF inside the line (§2.1)'
		],
		[
			'UDP4',
			'PROXY UDP4 192.0.2.7 127.0.0.1 1 2\r\n',
			'protocol "UDP4" is not TCP4, TCP6 or UNKNOWN (§2.1)'
		],
		[
			'UNKNOWN glued',
			'PROXY UNKNOWNX\r\n',
			'protocol "UNKNOWNX" is not TCP4, TCP6 or UNKNOWN (§2.1)'
		],
		[
			'two spaces',
			'PROXY TCP4  192.0.2.7 127.0.0.1 1 2\r\n',
			'5 fields after TCP4, not 4 separated by single spaces (§2.1)'
		],
		[
			'no ports',
			'PROXY TCP4 192.0.2.7 127.0.0.1\r\n',
			'2 fields after TCP4, not 4 separated by single spaces (§2.1)'
		],
		[
			'a trailing space',
			'PROXY TCP4 192.0.2.7 127.0.0.1 1 2 \r\n',
			'5 fields after TCP4, not 4 separated by single spaces (§2.1)'
		],
		[
			'an octet over 255',
			'PROXY TCP4 192.0.2.256 127.0.0.1 1 2\r\n',
			'source address is not TCP4 (§2.1)'
		],
		[
			'a heading zero',
			'PROXY TCP4 192.0.2.07 127.0.0.1 1 2\r\n',
			'source address is not TCP4 (§2.1)'
		],
		['a name', 'PROXY TCP4 client.example 127.0.0.1 1 2\r\n', 'source address is not TCP4 (§2.1)'],
		[
			'IPv6 under TCP4',
			'PROXY TCP4 2001:db8::7 127.0.0.1 1 2\r\n',
			'source address is not TCP4 (§2.1)'
		],
		[
			'IPv4 under TCP6',
			'PROXY TCP6 2001:db8::7 127.0.0.1 1 2\r\n',
			'destination address is not TCP6 (§2.1)'
		],
		['a zone index', 'PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n', 'source address is not TCP6 (§2.1)'],
		[
			'nine IPv6 groups',
			'PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2\r\n',
			'source address is not TCP6 (§2.1)'
		],
		[
			'port 65536',
			'PROXY TCP4 192.0.2.7 127.0.0.1 65536 25\r\n',
			'source port is not a number 0–65535 without heading zeroes (§2.1)'
		],
		[
			'port 025',
			'PROXY TCP4 192.0.2.7 127.0.0.1 1 025\r\n',
			'destination port is not a number 0–65535 without heading zeroes (§2.1)'
		],
		[
			'a signed port',
			'PROXY TCP4 192.0.2.7 127.0.0.1 +1 25\r\n',
			'source port is not a number 0–65535 without heading zeroes (§2.1)'
		],
		[
			'a hex port',
			'PROXY TCP4 192.0.2.7 127.0.0.1 0x19 25\r\n',
			'source port is not a number 0–65535 without heading zeroes (§2.1)'
		]
	])('refuses %s', (_what, line, error) => {
		expect(parse(line)).toEqual({ error });
	});
});

describe('readProxyHeader on a real socket', () => {
	const servers: net.Server[] = [];
	afterEach(() => {
		for (const server of servers.splice(0)) server.close();
	});

	/** A server that reads a header off each accepted socket, then everything after it. */
	async function exchange(
		send: (client: net.Socket) => void,
		timeoutMs = 3000
	): Promise<{ result: ProxyHeaderResult; rest: string; closed: boolean }> {
		let settle!: (value: { result: ProxyHeaderResult; rest: string; closed: boolean }) => void;
		const done = new Promise<{ result: ProxyHeaderResult; rest: string; closed: boolean }>(
			(resolve) => (settle = resolve)
		);
		const server = net.createServer((socket) => {
			void readProxyHeader(socket, timeoutMs).then((result) => {
				if ('error' in result) {
					settle({ result, rest: '', closed: socket.destroyed || socket.readableEnded });
					socket.destroy();
					return;
				}
				let rest = '';
				// As a session does: a 'data' listener added after the header was read.
				socket.on('data', (chunk: Buffer) => (rest += chunk.toString('latin1')));
				socket.once('end', () => {
					settle({ result, rest, closed: true });
					socket.end();
				});
			});
		});
		servers.push(server);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
		client.on('error', () => undefined);
		await new Promise<void>((resolve) => client.once('connect', () => resolve()));
		send(client);
		return done;
	}

	it('leaves what follows the header, sent in the same packet, to the session', async () => {
		const { result, rest } = await exchange((client) =>
			client.end('PROXY TCP4 192.0.2.7 127.0.0.1 51234 25\r\nEHLO client.example\r\n')
		);
		expect(result).toMatchObject({ header: { source: '192.0.2.7', sourcePort: 51234 } });
		expect(rest).toBe('EHLO client.example\r\n');
	});

	it('waits for a header that comes in pieces', async () => {
		const { result, rest } = await exchange((client) => {
			client.write('PROXY TCP4 192.0.2.');
			setTimeout(() => client.write('7 127.0.0.1 51234 25\r'), 20);
			setTimeout(() => client.end('\nQUIT\r\n'), 40);
		});
		expect(result).toMatchObject({ header: { source: '192.0.2.7' } });
		expect(rest).toBe('QUIT\r\n');
	});

	it('gives up at 107 octets without LF, whatever comes later', async () => {
		const { result } = await exchange((client) => client.write('PROXY UNKNOWN '.padEnd(107, 'f')));
		expect(result).toEqual({ error: 'no CRLF within the first 107 bytes (§2.1)' });
	});

	it('a peer that sends nothing is given up after the timeout; one that leaves, at once', async () => {
		expect((await exchange(() => undefined, 300)).result).toEqual({
			error: 'no header within 0.3 s (§2)'
		});
		expect((await exchange((client) => client.end('PROXY TCP4'))).result).toEqual({
			error: 'the connection ended before a complete header (§2)'
		});
	});
});
