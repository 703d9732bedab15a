/**
 * The browsers connected to the bridge: each one's rate limit and schema check on what it sends,
 * and the batching of what it is sent. A dead peer is found by the heartbeat; one that does not
 * read what it is sent is dropped, never buffered without bound (W6).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import {
	parseClientMessage,
	type ClientMessage,
	type ServerMessage,
	type SessionEvent
} from '../../src/lib/messages';
import type { Clock } from '../clock';
import type { LabConfig } from '../config';
import type { Viewer } from '../owners/visibility';

/**
 * How long what a client watches (other sessions' lines, list changes) is gathered before it is
 * written: one display frame at 60 Hz, so no page can show the difference. A busy sandbox then
 * costs one write per frame per watcher instead of one per line (see bench/). A client's own
 * session and the replies to its requests are written at the end of the tick.
 */
export const WATCHER_FLUSH_MS = 16;
/** Watched messages written per turn of the event loop (see Peer#flushFrame). */
export const WATCHER_FLUSH_SLICE = 32;

/** When a message leaves: at the end of this tick, or with the next frame of watched lines. */
export type SendTiming = 'tick' | 'frame';

export interface PeerHandlers {
	/** A message that passed the rate limit and the schema. */
	message(peer: Peer, message: ClientMessage): void;
	/** The peer's socket closed. */
	gone(peer: Peer): void;
}

/** One connected browser. */
export class Peer {
	readonly #ws: WebSocket;
	/** The upgraded TCP socket under the WebSocket, corked while frames are gathered for one write. */
	readonly #socket: Duplex;
	#corked = false;
	/** Bytes written since the socket was corked: still held by us, not by a slow peer. */
	#corkedBytes = 0;
	/** A flush is due at the end of this tick (replies to this client, its own session). */
	#flushThisTick = false;
	/** What the client watches, serialised, gathered for WATCHER_FLUSH_MS. */
	#queue: (string | Buffer)[] = [];
	#flushTimer: NodeJS.Timeout | null = null;
	/** The queue is being written a slice per turn of the event loop. */
	#slicing = false;
	/** Answered the last ping. */
	#alive = true;
	#tokens: number;
	#lastRefill: number;

	constructor(
		ws: WebSocket,
		req: IncomingMessage,
		/** The client's address (server/clientAddress.ts: the socket's, or the proxy's word). */
		readonly address: string,
		/** Who the browser is (its owner cookie at the upgrade): what it may see. */
		readonly viewer: Viewer,
		readonly config: LabConfig,
		readonly clock: Clock,
		handlers: PeerHandlers
	) {
		this.#ws = ws;
		this.#socket = req.socket;
		this.#tokens = config.wsMessagesPerSecond;
		this.#lastRefill = clock.now();
		ws.on('pong', () => (this.#alive = true));
		ws.on('error', () => undefined);
		ws.on('message', (data, isBinary) => {
			if (!this.#takeToken())
				return this.send({
					type: 'error',
					message: `rate limit: at most ${config.wsMessagesPerSecond} messages a second`
				});
			if (isBinary)
				return this.send({
					type: 'error',
					message: 'binary frames are not accepted; send JSON text'
				});
			const parsed = parseClientMessage(data.toString());
			if (!parsed.ok) return this.send({ type: 'error', message: parsed.error });
			handlers.message(this, parsed.value);
		});
		ws.on('close', () => {
			if (this.#flushTimer) clearTimeout(this.#flushTimer);
			handlers.gone(this);
		});
	}

	send(message: ServerMessage): void {
		this.sendSerialised(JSON.stringify(message));
	}

	sendEvent(sessionId: string, event: SessionEvent): void {
		this.send({ type: 'event', sessionId, event });
	}

	/**
	 * Writes a serialised message: at the end of this tick (`tick`), or gathered with the other
	 * lines the client watches for WATCHER_FLUSH_MS (`frame`). A consumer that cannot keep up is
	 * dropped, never buffered without bound (W6).
	 */
	sendSerialised(payload: string | Buffer, when: SendTiming = 'tick'): void {
		if (this.#ws.readyState !== this.#ws.OPEN) return;
		// Bytes still corked are ours to write: only older bytes mean the peer is not reading.
		if (this.#ws.bufferedAmount - this.#corkedBytes > this.config.wsMaxBufferedBytes) {
			this.#ws.terminate();
			return;
		}
		if (when === 'frame') {
			this.#queue.push(payload);
			if (!this.#flushTimer && !this.#slicing)
				this.#flushTimer = setTimeout(() => this.#flushFrame(), WATCHER_FLUSH_MS);
			return;
		}
		// Frames written while the socket is corked leave in one write: a syscall (and a wake-up
		// of the peer) per frame cost more than the frames themselves.
		this.#cork();
		this.#writeQueued(Infinity);
		this.#write(payload);
		if (this.#flushThisTick) return;
		this.#flushThisTick = true;
		process.nextTick(() => {
			this.#flushThisTick = false;
			this.#uncork();
		});
	}

	/** Ends a peer that did not answer the last ping, and pings a live one again. */
	beat(): void {
		if (!this.#alive) {
			this.#ws.terminate();
			return;
		}
		this.#alive = false;
		this.#ws.ping();
	}

	/** Closes with `code`; a peer that does not finish the closing handshake is cut off. */
	close(code: number, reason: string): Promise<void> {
		return new Promise<void>((resolve) => {
			const cutOff = setTimeout(() => this.#ws.terminate(), 1000);
			this.#ws.once('close', () => {
				clearTimeout(cutOff);
				resolve();
			});
			this.#ws.close(code, reason);
		});
	}

	#takeToken(): boolean {
		const rate = this.config.wsMessagesPerSecond;
		const now = this.clock.now();
		this.#tokens = Math.min(rate, this.#tokens + ((now - this.#lastRefill) / 1000) * rate);
		this.#lastRefill = now;
		if (this.#tokens < 1) return false;
		this.#tokens -= 1;
		return true;
	}

	/**
	 * Writes what the client watches, WATCHER_FLUSH_SLICE messages per turn of the event loop:
	 * between slices the server reads its sockets, so an SMTP reply never waits for a long frame.
	 */
	#flushFrame(): void {
		this.#flushTimer = null;
		this.#slicing = false;
		if (this.#ws.readyState !== this.#ws.OPEN) return;
		this.#cork();
		this.#writeQueued(WATCHER_FLUSH_SLICE);
		this.#uncork();
		if (!this.#queue.length) return;
		this.#slicing = true;
		setImmediate(() => this.#flushFrame());
	}

	#cork(): void {
		if (this.#corked) return;
		this.#corked = true;
		this.#socket.cork();
	}

	#uncork(): void {
		if (!this.#corked) return;
		this.#corked = false;
		this.#corkedBytes = 0;
		this.#socket.uncork();
	}

	/** The oldest gathered messages go out first, so a client gets messages in the order sent. */
	#writeQueued(count: number): void {
		if (!this.#queue.length) return;
		const batch = this.#queue.splice(0, count);
		if (!this.#queue.length && this.#flushTimer) {
			clearTimeout(this.#flushTimer);
			this.#flushTimer = null;
		}
		for (const payload of batch) this.#write(payload);
	}

	#write(payload: string | Buffer): void {
		const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
		this.#corkedBytes += bytes.length;
		this.#ws.send(bytes, { binary: false });
	}
}

/** The connected browsers, and the heartbeat that finds the dead ones. */
export class Peers {
	readonly connected = new Set<Peer>();
	readonly #heartbeat: NodeJS.Timeout;

	constructor(
		readonly config: LabConfig,
		readonly clock: Clock,
		readonly handlers: PeerHandlers
	) {
		this.#heartbeat = setInterval(
			() => this.connected.forEach((peer) => peer.beat()),
			config.wsHeartbeatSeconds * 1000
		);
		this.#heartbeat.unref();
	}

	accept(ws: WebSocket, req: IncomingMessage, address: string, viewer: Viewer): Peer {
		const peer = new Peer(ws, req, address, viewer, this.config, this.clock, {
			message: this.handlers.message,
			gone: (gone) => {
				this.connected.delete(gone);
				this.handlers.gone(gone);
			}
		});
		this.connected.add(peer);
		return peer;
	}

	/** Says 1001 "going away" to every browser (they reconnect when the server is back). */
	async close(): Promise<void> {
		clearInterval(this.#heartbeat);
		await Promise.all([...this.connected].map((peer) => peer.close(1001, 'server shutting down')));
	}
}
