/** An HTTP server with the lab's upgrade handler, as server/index.ts wires it, for bridge tests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Lab } from '../../server/lab';

export async function startWebServer(
	lab: Lab
): Promise<{ url: string; wsUrl: string; close(): Promise<void> }> {
	const server = http.createServer((_req, res) => res.writeHead(404).end());
	server.on('upgrade', (req, socket, head) => {
		if (!lab.handleUpgrade(req, socket, head)) socket.destroy();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		wsUrl: `ws://127.0.0.1:${port}/ws`,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
