/**
 * The door to the bridge: which HTTP upgrades become WebSockets. Only the exact path, and only
 * from a page of this site (Origin and Host, src/lib/server/siteOrigin.ts); anything else is
 * refused with an HTTP status before the upgrade, so no socket is ever opened for it.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { fromSiteOrigin } from '../../src/lib/server/siteOrigin';
import type { LabConfig } from '../config';

export const WS_PATH = '/ws';

export class UpgradeGate {
	readonly #wss: WebSocketServer;

	constructor(
		readonly config: LabConfig,
		readonly accepted: (ws: WebSocket, req: IncomingMessage) => void
	) {
		this.#wss = new WebSocketServer({
			noServer: true,
			maxPayload: config.wsMaxPayloadBytes,
			perMessageDeflate: false
		});
	}

	/** Handles an HTTP upgrade if it is ours; returns false for other paths (Vite's HMR socket). */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
		const rawPath = (req.url ?? '').split('?')[0];
		let decoded: string;
		try {
			decoded = decodeURIComponent(rawPath);
		} catch {
			decoded = rawPath;
		}
		if (rawPath !== WS_PATH && decoded !== WS_PATH && decoded.replace(/\/+$/, '') !== WS_PATH)
			return false;
		socket.on('error', () => undefined);
		// Only the exact path is served: an encoded or decorated path is refused, not normalised.
		if (rawPath !== WS_PATH) return this.#refuse(socket, 404, 'Not Found');
		if (!this.#originAllowed(req)) return this.#refuse(socket, 403, 'Forbidden');
		this.#wss.handleUpgrade(req, socket, head, (ws) => this.accepted(ws, req));
		return true;
	}

	close(): void {
		this.#wss.close();
	}

	#refuse(socket: Duplex, status: number, text: string): true {
		socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
		return true;
	}

	#originAllowed(req: IncomingMessage): boolean {
		const origin = req.headers.origin;
		if (!origin) return false;
		return fromSiteOrigin(origin, req.headers.host, this.config.origin, req.socket.localPort);
	}
}
