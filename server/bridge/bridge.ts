/**
 * The WebSocket bridge at /ws: browsers open real SMTP sessions through it, watch any session
 * live, and follow the lists of sessions and messages. Messages are validated against the
 * shared schema (src/lib/messages.ts); a bad one gets an `error` reply and the socket stays up.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
	parseClientMessage,
	type ClientMessage,
	type ListenerName,
	type MessageSummary,
	type ServerMessage,
	type SessionEvent,
	type SessionSummary
} from '../../src/lib/messages';
import { fromSiteOrigin } from '../../src/lib/server/siteOrigin';
import { SessionAnnotator } from '../../src/lib/smtp/annotate';
import { listenersByName } from '../../src/lib/smtp/systemEvents';
import type { Clock } from '../clock';
import type { LabConfig } from '../config';
import type { ClientAddressRegistry } from '../sandbox/clientAddresses';
import type { LabStore } from '../store/labStore';
import { LoopbackSession, type LoopbackTarget } from './loopbackSession';
import { refusalReason } from './refusals';

export const WS_PATH = '/ws';
/** Longest `input` accepted in one message: more than a screenful of pasted SMTP. */
export const MAX_INPUT_CHARS = 16 * 1024;
/**
 * How long what a client watches (other sessions' lines, list changes) is gathered before it is
 * written: one display frame at 60 Hz, so no page can show the difference. A busy sandbox then
 * costs one write per frame per watcher instead of one per line (see bench/). A client's own
 * session and the replies to its requests are written at the end of the tick.
 */
export const WATCHER_FLUSH_MS = 16;
/** Watched messages written per turn of the event loop (see #flushFrame). */
export const WATCHER_FLUSH_SLICE = 32;

export interface BridgeDeps {
	config: LabConfig;
	clock: Clock;
	store: LabStore;
	clients: ClientAddressRegistry;
	target: (listener: ListenerName) => LoopbackTarget;
}

interface Client {
	ws: WebSocket;
	/** The upgraded TCP socket under `ws`, corked while frames are gathered for one write. */
	socket: Duplex;
	corked: boolean;
	/** Bytes written since the socket was corked: still held by us, not by a slow peer. */
	corkedBytes: number;
	/** A flush is due at the end of this tick (replies to this client, its own session). */
	flushThisTick: boolean;
	/** What the client watches, serialised, gathered for WATCHER_FLUSH_MS. */
	queue: (string | Buffer)[];
	flushTimer: NodeJS.Timeout | null;
	/** The queue is being written a slice per turn of the event loop. */
	slicing: boolean;
	address: string;
	alive: boolean;
	tokens: number;
	lastRefill: number;
	owned: LoopbackSession | null;
	watching: Set<string>;
	watchAll: boolean;
}

export class Bridge {
	readonly wss: WebSocketServer;
	readonly clients = new Set<Client>();
	/** Live browser sessions by session id, including ones waiting for their browser to return. */
	readonly sessions = new Map<string, LoopbackSession>();
	#owners = new Map<string, Client>();
	#watchers = new Map<string, Set<Client>>();
	#heartbeat: NodeJS.Timeout;
	#unsubscribe: () => void;

	constructor(readonly deps: BridgeDeps) {
		this.wss = new WebSocketServer({
			noServer: true,
			maxPayload: deps.config.wsMaxPayloadBytes,
			perMessageDeflate: false
		});
		this.#heartbeat = setInterval(() => this.#beat(), deps.config.wsHeartbeatSeconds * 1000);
		this.#heartbeat.unref();
		this.#unsubscribe = this.#follow(deps.store);
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
		this.wss.handleUpgrade(req, socket, head, (ws) => this.#connected(ws, req));
		return true;
	}

	/** Says 1001 "going away" to every browser (they reconnect when the server is back). */
	async close(): Promise<void> {
		clearInterval(this.#heartbeat);
		this.#unsubscribe();
		for (const session of this.sessions.values()) session.close();
		const gone = [...this.clients].map(
			(client) => new Promise<void>((resolve) => client.ws.once('close', () => resolve()))
		);
		for (const client of this.clients) client.ws.close(1001, 'server shutting down');
		// A peer that does not finish the closing handshake is cut off.
		const timer = setTimeout(() => this.clients.forEach((client) => client.ws.terminate()), 1000);
		await Promise.all(gone);
		clearTimeout(timer);
		this.wss.close();
	}

	#refuse(socket: Duplex, status: number, text: string): true {
		socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
		return true;
	}

	#originAllowed(req: IncomingMessage): boolean {
		const origin = req.headers.origin;
		if (!origin) return false;
		return fromSiteOrigin(origin, req.headers.host, this.deps.config.origin, req.socket.localPort);
	}

	#connected(ws: WebSocket, req: IncomingMessage): void {
		const client: Client = {
			ws,
			socket: req.socket,
			corked: false,
			corkedBytes: 0,
			flushThisTick: false,
			queue: [],
			flushTimer: null,
			slicing: false,
			address: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
			alive: true,
			tokens: this.deps.config.wsMessagesPerSecond,
			lastRefill: this.deps.clock.now(),
			owned: null,
			watching: new Set(),
			watchAll: false
		};
		this.clients.add(client);
		ws.on('pong', () => (client.alive = true));
		ws.on('error', () => undefined);
		ws.on('message', (data, isBinary) => {
			if (!this.#takeToken(client))
				return this.#send(client, {
					type: 'error',
					message: `rate limit: at most ${this.deps.config.wsMessagesPerSecond} messages a second`
				});
			if (isBinary)
				return this.#send(client, {
					type: 'error',
					message: 'binary frames are not accepted; send JSON text'
				});
			const parsed = parseClientMessage(data.toString());
			if (!parsed.ok) return this.#send(client, { type: 'error', message: parsed.error });
			this.#handle(client, parsed.value);
		});
		ws.on('close', () => this.#gone(client));
	}

	#takeToken(client: Client): boolean {
		const rate = this.deps.config.wsMessagesPerSecond;
		const now = this.deps.clock.now();
		client.tokens = Math.min(rate, client.tokens + ((now - client.lastRefill) / 1000) * rate);
		client.lastRefill = now;
		if (client.tokens < 1) return false;
		client.tokens -= 1;
		return true;
	}

	#handle(client: Client, message: ClientMessage): void {
		switch (message.type) {
			case 'open':
				return this.#open(client, message.listener);
			case 'input':
				if (!client.owned || client.owned.closed)
					return this.#send(client, {
						type: 'error',
						message: 'no open session: send {"type":"open"} first'
					});
				if (message.data.length > MAX_INPUT_CHARS)
					return this.#send(client, {
						type: 'error',
						message: `input too long: at most ${MAX_INPUT_CHARS} characters per message`
					});
				return client.owned.write(message.data);
			case 'close':
				client.owned?.close();
				return;
			case 'resume':
				return this.#resume(client, message.sessionId, message.resumeToken);
			case 'watch':
				return this.#watch(client, message.sessionId, message.since ?? 0);
			case 'unwatch':
				client.watching.delete(message.sessionId);
				this.#watchers.get(message.sessionId)?.delete(client);
				return;
			case 'watch-all':
				client.watchAll = true;
				return this.#send(client, {
					type: 'snapshot',
					sessions: this.deps.store.listSessions(),
					messages: this.deps.store.listMessages()
				});
		}
	}

	#open(client: Client, listener: ListenerName): void {
		if (client.owned && !client.owned.closed)
			return this.#send(client, {
				type: 'error',
				message: 'this page already has an open session: close it first'
			});
		const session = new LoopbackSession(
			listener,
			client.address,
			this.deps.target(listener),
			this.deps.clients
		);
		this.sessions.set(session.id, session);
		this.#attach(client, session);
		const stopWaiting = this.#whenRecorded(session.id, (summary) => {
			if (client.owned === session)
				this.#send(client, { type: 'opened', session: summary, resumeToken: session.resumeToken });
		});
		session.onGreeting((reply) => {
			// The sandbox records a session before it greets it: one it refused is never recorded.
			if (this.deps.store.sessions.has(session.id)) return;
			stopWaiting();
			this.#refused(session, reply);
		});
		session.onClose(() => {
			stopWaiting();
			const stored = this.deps.store.sessions.get(session.id);
			// A recorded session is forgotten when the store records its end (#follow), whose
			// `closed` tells the owner why.
			if (stored?.summary.endedAt === null) return;
			this.#forget(session, stored ? null : 'connection closed');
		});
	}

	/** Calls `then` with the session's summary once the sandbox records it; returns the cancel. */
	#whenRecorded(sessionId: string, then: (summary: SessionSummary) => void): () => void {
		const existing = this.deps.store.sessions.get(sessionId);
		if (existing) {
			then(existing.summary);
			return () => undefined;
		}
		const stop = () => this.deps.store.off('session', onSession);
		const onSession = (summary: SessionSummary) => {
			if (summary.id !== sessionId) return;
			stop();
			then(summary);
		};
		this.deps.store.on('session', onSession);
		return stop;
	}

	/**
	 * The sandbox answered the connection with `reply` (421 at MAX_SESSIONS or
	 * MAX_SESSIONS_PER_ADDRESS) and closed it, without recording it: the bridge tells the page
	 * itself, as a session of one annotated line, and why, and what to do.
	 */
	#refused(session: LoopbackSession, reply: string): void {
		const owner = this.#owners.get(session.id);
		this.#forget(session, null);
		session.close();
		if (!owner) return;
		const reason = refusalReason(reply, this.deps.config);
		const at = Date.now();
		const summary: SessionSummary = {
			id: session.id,
			listener: session.listener,
			standsFor: listenersByName.get(session.listener)?.port ?? 0,
			origin: 'browser',
			clientAddress: session.browserAddress,
			startedAt: at,
			endedAt: at,
			endReason: reason,
			tls: null,
			authUser: null,
			messageIds: [],
			eventCount: 1,
			truncated: false
		};
		const annotation = new SessionAnnotator({ listener: session.listener }).annotate({
			dir: 'server',
			text: reply
		});
		this.#send(owner, { type: 'opened', session: summary, resumeToken: session.resumeToken });
		this.#sendEvent(owner, session.id, {
			seq: 1,
			at,
			dir: 'server',
			text: reply,
			anomalies: [],
			annotation
		});
		this.#send(owner, { type: 'closed', sessionId: session.id, reason });
	}

	/** The session is over: no page owns it any more. An unrecorded one is closed with `reason`. */
	#forget(session: LoopbackSession, reason: string | null): void {
		if (this.sessions.get(session.id) !== session) return;
		this.sessions.delete(session.id);
		const owner = this.#owners.get(session.id);
		this.#owners.delete(session.id);
		if (!owner || owner.owned !== session) return;
		owner.owned = null;
		if (reason) this.#send(owner, { type: 'closed', sessionId: session.id, reason });
	}

	#attach(client: Client, session: LoopbackSession): void {
		const previous = this.#owners.get(session.id);
		if (previous && previous !== client) {
			previous.owned = null;
			this.#send(previous, {
				type: 'closed',
				sessionId: session.id,
				reason: 'resumed in another page'
			});
		}
		if (session.graceTimer) clearTimeout(session.graceTimer);
		session.graceTimer = null;
		client.owned = session;
		this.#owners.set(session.id, client);
	}

	#resume(client: Client, sessionId: string, token: string): void {
		const session = this.sessions.get(sessionId);
		if (!session || session.closed || !session.matches(token))
			return this.#send(client, {
				type: 'error',
				message: 'cannot resume: the session has ended or the token is wrong'
			});
		if (client.owned && client.owned !== session && !client.owned.closed)
			return this.#send(client, {
				type: 'error',
				message: 'this page already has an open session: close it first'
			});
		this.#attach(client, session);
		const stored = this.deps.store.sessions.get(sessionId);
		if (!stored) return;
		this.#send(client, {
			type: 'opened',
			session: stored.summary,
			resumeToken: session.resumeToken
		});
		// Replay the whole session (owner view): the page rebuilds its view from seq 1.
		for (const event of stored.events)
			this.#sendEvent(client, sessionId, this.#ownerView(sessionId, event));
	}

	#watch(client: Client, sessionId: string, since: number): void {
		const stored = this.deps.store.sessions.get(sessionId);
		if (!stored)
			return this.#send(client, { type: 'error', message: `unknown session ${sessionId}` });
		client.watching.add(sessionId);
		let set = this.#watchers.get(sessionId);
		if (!set) this.#watchers.set(sessionId, (set = new Set()));
		set.add(client);
		// The summary as it is now; later changes follow as `session` messages.
		this.#send(client, { type: 'session', session: stored.summary });
		for (const event of stored.events)
			if (event.seq > since) this.#sendEvent(client, sessionId, event);
		if (stored.summary.endedAt !== null)
			this.#send(client, {
				type: 'closed',
				sessionId,
				reason: stored.summary.endReason ?? 'ended'
			});
	}

	#ownerView(sessionId: string, event: SessionEvent): SessionEvent {
		const secret = this.deps.store.sessions.get(sessionId)?.secrets.get(event.seq);
		if (!secret) return event;
		return {
			...event,
			text: secret.text,
			anomalies: event.anomalies.filter((a) => a !== 'credentials-masked'),
			annotation: secret.annotation
		};
	}

	#follow(store: LabStore): () => void {
		const onEvent = (sessionId: string, event: SessionEvent) => {
			const owner = this.#owners.get(sessionId);
			if (owner) this.#sendEvent(owner, sessionId, this.#ownerView(sessionId, event));
			const watchers = this.#watchers.get(sessionId);
			if (!watchers?.size) return;
			// Serialised now, while the event is fresh in memory, and encoded to UTF-8 once for all
			// watchers (fan-out): a Buffer is written as it is, a string would be encoded per socket.
			const payload = Buffer.from(
				JSON.stringify({ type: 'event', sessionId, event } satisfies ServerMessage)
			);
			for (const watcher of watchers)
				if (watcher !== owner) this.#sendRaw(watcher, payload, 'frame');
		};
		const onSession = (session: SessionSummary) => {
			const payload = JSON.stringify({ type: 'session', session } satisfies ServerMessage);
			for (const client of this.clients)
				if (client.watchAll) this.#sendRaw(client, payload, 'frame');
			// A session's own page follows its summary too (TLS, AUTH user, message links).
			for (const watcher of this.#watchers.get(session.id) ?? [])
				if (!watcher.watchAll) this.#sendRaw(watcher, payload, 'frame');
			if (session.endedAt === null) return;
			const closed = JSON.stringify({
				type: 'closed',
				sessionId: session.id,
				reason: session.endReason ?? 'ended'
			} satisfies ServerMessage);
			const owner = this.#owners.get(session.id);
			if (owner) this.#sendRaw(owner, closed);
			for (const watcher of this.#watchers.get(session.id) ?? [])
				if (watcher !== owner) this.#sendRaw(watcher, closed, 'frame');
			const live = this.sessions.get(session.id);
			if (live) this.#forget(live, null);
		};
		const onMessage = (message: MessageSummary) => {
			const payload = JSON.stringify({ type: 'message', message } satisfies ServerMessage);
			for (const client of this.clients)
				if (client.watchAll) this.#sendRaw(client, payload, 'frame');
			// The store sends no summary change per message (see addMessage): a session's own page
			// learns of its messages from the messages themselves.
			for (const watcher of (message.sessionId && this.#watchers.get(message.sessionId)) || [])
				if (!watcher.watchAll) this.#sendRaw(watcher, payload, 'frame');
		};
		const onCleared = (what: 'sessions' | 'messages') => {
			const payload = JSON.stringify({ type: 'cleared', what } satisfies ServerMessage);
			for (const client of this.clients)
				if (client.watchAll) this.#sendRaw(client, payload, 'frame');
		};
		store.on('event', onEvent);
		store.on('session', onSession);
		store.on('message', onMessage);
		store.on('cleared', onCleared);
		return () => {
			store.off('event', onEvent);
			store.off('session', onSession);
			store.off('message', onMessage);
			store.off('cleared', onCleared);
		};
	}

	#sendEvent(client: Client, sessionId: string, event: SessionEvent): void {
		this.#send(client, { type: 'event', sessionId, event });
	}

	#send(client: Client, message: ServerMessage): void {
		this.#sendRaw(client, JSON.stringify(message));
	}

	/**
	 * Writes a message to a client: at the end of this tick (`tick`), or gathered with the other
	 * lines the client watches for WATCHER_FLUSH_MS (`frame`). A consumer that cannot keep up is
	 * dropped, never buffered without bound (W6).
	 */
	#sendRaw(client: Client, payload: string | Buffer, when: 'tick' | 'frame' = 'tick'): void {
		if (client.ws.readyState !== client.ws.OPEN) return;
		// Bytes still corked are ours to write: only older bytes mean the peer is not reading.
		if (client.ws.bufferedAmount - client.corkedBytes > this.deps.config.wsMaxBufferedBytes) {
			client.ws.terminate();
			return;
		}
		if (when === 'frame') {
			client.queue.push(payload);
			if (!client.flushTimer && !client.slicing)
				client.flushTimer = setTimeout(() => this.#flushFrame(client), WATCHER_FLUSH_MS);
			return;
		}
		// Frames written while the socket is corked leave in one write: a syscall (and a wake-up
		// of the peer) per frame cost more than the frames themselves.
		this.#cork(client);
		this.#writeQueued(client, Infinity);
		this.#write(client, payload);
		if (client.flushThisTick) return;
		client.flushThisTick = true;
		process.nextTick(() => {
			client.flushThisTick = false;
			this.#uncork(client);
		});
	}

	/**
	 * Writes what a client watches, WATCHER_FLUSH_SLICE messages per turn of the event loop:
	 * between slices the server reads its sockets, so an SMTP reply never waits for a long frame.
	 */
	#flushFrame(client: Client): void {
		client.flushTimer = null;
		client.slicing = false;
		if (client.ws.readyState !== client.ws.OPEN) return;
		this.#cork(client);
		this.#writeQueued(client, WATCHER_FLUSH_SLICE);
		this.#uncork(client);
		if (!client.queue.length) return;
		client.slicing = true;
		setImmediate(() => this.#flushFrame(client));
	}

	#cork(client: Client): void {
		if (client.corked) return;
		client.corked = true;
		client.socket.cork();
	}

	#uncork(client: Client): void {
		if (!client.corked) return;
		client.corked = false;
		client.corkedBytes = 0;
		client.socket.uncork();
	}

	/** The oldest gathered messages go out first, so a client gets messages in the order sent. */
	#writeQueued(client: Client, count: number): void {
		if (!client.queue.length) return;
		const batch = client.queue.splice(0, count);
		if (!client.queue.length && client.flushTimer) {
			clearTimeout(client.flushTimer);
			client.flushTimer = null;
		}
		for (const payload of batch) this.#write(client, payload);
	}

	#write(client: Client, payload: string | Buffer): void {
		const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
		client.corkedBytes += bytes.length;
		client.ws.send(bytes, { binary: false });
	}

	#beat(): void {
		for (const client of this.clients) {
			if (!client.alive) {
				client.ws.terminate();
				continue;
			}
			client.alive = false;
			client.ws.ping();
		}
	}

	#gone(client: Client): void {
		this.clients.delete(client);
		if (client.flushTimer) clearTimeout(client.flushTimer);
		for (const sessionId of client.watching) this.#watchers.get(sessionId)?.delete(client);
		const session = client.owned;
		if (!session || this.#owners.get(session.id) !== client) return;
		this.#owners.delete(session.id);
		// The browser may come back (a dropped network, a reload): keep the SMTP session a while.
		session.graceTimer = setTimeout(
			() => session.close(),
			this.deps.config.resumeGraceSeconds * 1000
		);
		session.graceTimer.unref();
	}
}
