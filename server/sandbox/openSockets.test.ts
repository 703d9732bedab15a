import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenSockets } from './openSockets';

const clients: net.Socket[] = [];
afterEach(() => {
	for (const c of clients.splice(0)) c.destroy();
});

/** Accepts `count` connections; resolves with the accepted sockets. */
async function accept(count: number): Promise<net.Socket[]> {
	const accepted: net.Socket[] = [];
	let server!: net.Server;
	const all = new Promise<void>((resolve) => {
		server = net.createServer((socket) => {
			accepted.push(socket);
			if (accepted.length === count) resolve();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	for (let i = 0; i < count; i++) clients.push(net.connect(port, '127.0.0.1'));
	await all;
	// No more connections; it finishes closing once the accepted sockets have.
	server.close();
	return accepted;
}

function closed(socket: net.Socket): Promise<unknown> {
	return socket.destroyed ? Promise.resolve() : new Promise((r) => socket.once('close', r));
}

const ROUNDS = 10;
const PER_ROUND = 50;

describe('OpenSockets', () => {
	it('stays within twice the open sockets (plus 64) when closed sockets lost their listeners, as STARTTLS upgrades leave them', async () => {
		const open = new OpenSockets();
		for (let round = 0; round < ROUNDS; round++) {
			const sockets = await accept(PER_ROUND);
			for (const socket of sockets) open.add(socket);
			// smtp-server's upgrade removes every listener from the socket; later it closes.
			await Promise.all(
				sockets.map((socket) => {
					socket.removeAllListeners();
					socket.destroy();
					return closed(socket);
				})
			);
		}
		// Without the sweep every one of the 500 would still be held.
		expect(open.size).toBeLessThanOrEqual(2 * PER_ROUND + 64);
	});

	it('destroys the sockets still open', async () => {
		const open = new OpenSockets();
		const sockets = await accept(3);
		for (const socket of sockets) open.add(socket);
		const allClosed = Promise.all(sockets.map(closed));
		open.destroyAll();
		await allClosed;
		expect(sockets.every((s) => s.destroyed)).toBe(true);
		expect(open.size).toBe(0);
	});
});
