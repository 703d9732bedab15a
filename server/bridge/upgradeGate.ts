/**
 * The door to the bridge: which HTTP upgrades become WebSockets. Only the exact path, only from a
 * page of this site (Origin and Host, src/lib/server/siteOrigin.ts), and at most
 * MAX_WS_PER_ADDRESS open at once from one client address (server/clientAddress.ts); anything
 * else is refused with an HTTP status before the upgrade, so no socket is ever opened for it.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { fromSiteOrigin } from '../../src/lib/server/siteOrigin';
import type { ClientAddressRule } from '../clientAddress';
import type { LabConfig } from '../config';

export const WS_PATH = '/ws';

export class UpgradeGate {
	readonly #wss: WebSocketServer;
	/** Open WebSockets per client address. */
	readonly #open = new Map<string, number>();

	constructor(
		readonly config: LabConfig,
		readonly clientAddress: ClientAddressRule,
		readonly accepted: (ws: WebSocket, req: IncomingMessage, address: string) => void
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
		const address = this.clientAddress.of(req);
		const open = this.#open.get(address) ?? 0;
		if (open >= this.config.maxWsPerAddress)
			return this.#refuse(
				socket,
				429,
				'Too Many Requests',
				`too many WebSocket connections from ${address}: at most ${this.config.maxWsPerAddress} at once (MAX_WS_PER_ADDRESS); close other tabs and try again`
			);
		this.#open.set(address, open + 1);
		const release = () => {
			const left = (this.#open.get(address) ?? 1) - 1;
			if (left > 0) this.#open.set(address, left);
			else this.#open.delete(address);
		};
		// The slot is taken before the handshake, so a burst of upgrades cannot slip past the limit.
		socket.once('close', release);
		this.#wss.handleUpgrade(req, socket, head, (ws) => this.accepted(ws, req, address));
		return true;
	}

	close(): void {
		this.#wss.close();
	}

	#refuse(socket: Duplex, status: number, text: string, error?: string): true {
		if (error === undefined) {
			socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
			return true;
		}
		const body = JSON.stringify({ error });
		socket.end(
			`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
				`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
		);
		return true;
	}

	#originAllowed(req: IncomingMessage): boolean {
		const origin = req.headers.origin;
		if (!origin) return false;
		return fromSiteOrigin(origin, req.headers.host, this.config.origin, req.socket.localPort);
	}
}
