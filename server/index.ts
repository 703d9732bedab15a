/**
 * Production entry: SvelteKit's adapter-node handler behind our own HTTP server, with the lab's
 * WebSocket bridge on /ws and the SMTP listeners. Built to build/server/index.js.
 */
import http from 'node:http';
import { CLIENT_ADDRESS_HEADER } from './clientAddress';
import { readConfig, ConfigError } from './config';
import { startLab, PortInUseError } from './lab';
import { operatorTokenNotice } from './owners/operatorNotice';
import { StorageError } from './store/persistence';
import { ownHostsNotice } from '../src/lib/server/siteOrigin';

async function main(): Promise<void> {
	const config = readConfig();
	if (config.origin && !process.env.ORIGIN) process.env.ORIGIN = config.origin;
	// SvelteKit's getClientAddress reads the address the lab's rule chose (TRUST_PROXY), never a
	// header of the client's: the header is set on every request below, overwriting any sent.
	process.env.ADDRESS_HEADER = CLIENT_ADDRESS_HEADER;
	const lab = await startLab(config, {
		// Its journeys and sessions are another instance's now: a fresh start joins again (systemd
		// restarts the unit), rather than run on beside the one that took its place.
		onTakenOver: () => {
			console.error(
				'SMTP Lab: another instance took this one’s place while it was cut off from the database; stopping (start it again to rejoin).'
			);
			void stop(1);
		}
	});
	const { handler } = (await import(new URL('../handler.js', import.meta.url).href)) as {
		handler: http.RequestListener;
	};
	const server = http.createServer((req, res) => {
		req.headers[CLIENT_ADDRESS_HEADER] = lab.clientAddress.of(req);
		handler(req, res);
	});
	server.on('upgrade', (req, socket, head) => {
		if (!lab.handleUpgrade(req, socket, head)) socket.destroy();
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) =>
			reject(
				error.code === 'EADDRINUSE'
					? new PortInUseError(
							`Port ${config.port} (the web site) is already in use: set PORT to a free port, e.g. PORT=${config.port + 1}.`
						)
					: error
			)
		);
		server.listen(config.port, config.host, () => resolve());
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : config.port;
	const ports = lab
		.listeners()
		.map((l) => `${l.name} ${l.port} (stands for ${l.standsFor})`)
		.join(', ');
	const localUrl = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
	// The URL and the ports come last, where a reader of the terminal looks.
	if (!config.origin) console.warn(`SMTP Lab: ${ownHostsNotice(port)}`);
	if (lab.newOperatorToken)
		console.log(
			operatorTokenNotice(lab.newOperatorToken, config.dataDir, config.origin ?? localUrl)
		);
	console.log(`SMTP Lab listening on ${localUrl} — mail: ${ports}`);

	let stopping = false;
	async function stop(code = 0) {
		if (stopping) return;
		stopping = true;
		server.close();
		await lab.close();
		server.closeAllConnections();
		process.exit(code);
	}
	process.on('SIGTERM', () => void stop());
	process.on('SIGINT', () => void stop());
}

main().catch((error: Error) => {
	// One clear line for the errors a user can fix; a stack only for real bugs.
	if (
		error instanceof PortInUseError ||
		error instanceof ConfigError ||
		error instanceof StorageError
	)
		console.error(`SMTP Lab: ${error.message}`);
	else console.error(error);
	process.exit(1);
});
