/**
 * Attaches the lab (SMTP listeners + WebSocket bridge) to `vite dev` and `vite preview`, so
 * `npm run dev` has the same /ws and listeners as production. The lab is closed when Vite's
 * server closes (Vite re-runs configureServer on restart; a lab left open would hold its ports).
 */
import type { Server as HttpServer } from 'node:http';
import type { Plugin } from 'vite';
import { readConfig } from './config';
import { startLab, type Lab } from './lab';
import { operatorTokenNotice } from './owners/operatorNotice';
import { ownHostsNotice } from '../src/lib/server/siteOrigin';

/** Vite calls configureServer again on every restart; the notice is said once. */
let noticeGiven = false;

function attach(httpServer: HttpServer | null): void {
	if (!httpServer) return;
	let lab: Lab | null = null;
	const config = readConfig();
	const listening = new Promise<number | null>((resolve) =>
		httpServer.once('listening', () => {
			const address = httpServer.address();
			resolve(typeof address === 'object' && address ? address.port : null);
		})
	);
	void listening.then((port) => {
		if (config.origin || noticeGiven || port === null) return;
		noticeGiven = true;
		console.warn(`SMTP Lab: ${ownHostsNotice(port)}`);
	});
	const ready = startLab(config).then(
		(started) => (lab = started),
		(error: Error) => {
			console.error(`SMTP Lab: ${error.message}`);
			return null;
		}
	);
	// A token this start made is said once both the lab and the site's port are known.
	void Promise.all([ready, listening]).then(([started, port]) => {
		if (!started?.newOperatorToken || port === null) return;
		const site = config.origin ?? `http://localhost:${port}`;
		console.log(operatorTokenNotice(started.newOperatorToken, config.dataDir, site));
	});
	httpServer.on('upgrade', (req, socket, head) => {
		// Leave every upgrade that is not ours (Vite's hot-reload socket) alone.
		lab?.handleUpgrade(req, socket, head);
	});
	httpServer.once('close', () => void ready.then(() => lab?.close()));
}

export function labDevPlugin(): Plugin {
	return {
		name: 'smtp-lab',
		configureServer(server) {
			// Vitest loads this config too; its tests start their own labs on port 0.
			if (process.env.VITEST) return;
			attach(server.httpServer as HttpServer | null);
		},
		configurePreviewServer(server) {
			attach(server.httpServer as HttpServer);
		}
	};
}
