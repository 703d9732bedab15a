/**
 * The sandbox's listening sockets, one per row of the listener table. The project owns each
 * socket, not smtp-server, so it can tap the client's bytes before the library sees them (the
 * library hides bare LFs and dot-stuffing), count what crosses the wire (wireTap.ts), apply its
 * own session limits, terminate implicit TLS itself, and use the browser's address for sessions
 * that come through the bridge; then it hands the socket to the listener's smtp-server.
 */
import net from 'node:net';
import tls from 'node:tls';
import { LISTENER_TABLE, type Listener } from '../../src/lib/listeners';
import type { ListenerName } from '../../src/lib/messages';
import type { LabConfig } from '../config';
import type { TlsMaterial } from '../tls/certificate';
import type { ClientAddressRegistry, ClientIdentity } from './clientAddresses';
import { plainAddress } from '../clientAddress';
import { readProxyHeader } from './proxyHeader';
import { untaggedStatus } from '../../src/lib/imap/protocol/responseWriter';
import { pop3Reply } from '../pop3/pop3Replies';
import { replyText, SANDBOX_REPLIES } from './replies';
import type { LiveSessions, SessionOpening } from './sessions';
import { OpenSockets } from './openSockets';
import { WireTap } from './wireTap';

/**
 * How long an implicit-TLS client has to finish its handshake before its socket is destroyed:
 * tls.createServer's default handshakeTimeout, which this listener used before it terminated
 * TLS itself.
 */
export const TLS_HANDSHAKE_TIMEOUT_MS = 120_000;

export interface ListenersDeps {
	config: LabConfig;
	tls: TlsMaterial;
	clients: ClientAddressRegistry;
	sessions: LiveSessions;
	/** The smtp-server that runs the sessions of an SMTP listener. */
	smtpServerOf: (spec: Listener) => SessionServer;
	/** The POP3 server (server/pop3/) that runs the sessions of a POP3 listener. */
	pop3ServerOf: (spec: Listener) => SessionServer;
	/** The IMAP server (server/imap/) that runs the sessions of an IMAP listener. */
	imapServerOf: (spec: Listener) => SessionServer;
}

/** What runs an admitted session: smtp-server, or the POP3 server, alike. */
export interface SessionServer {
	connect(socket: net.Socket, options: { id: string; remoteAddress: string }): void;
}

export class Listeners {
	#servers = new Map<ListenerName, net.Server>();
	/** Every accepted socket still open, so shutdown can close what the 421 did not. */
	readonly openSockets = new OpenSockets();
	#secureContext: tls.SecureContext;
	#proxyRefusalLogged = false;

	constructor(readonly deps: ListenersDeps) {
		this.#secureContext = tls.createSecureContext({ key: deps.tls.key, cert: deps.tls.cert });
		for (const spec of LISTENER_TABLE) {
			const smtp =
				spec.protocol === 'pop3'
					? deps.pop3ServerOf(spec)
					: spec.protocol === 'imap'
						? deps.imapServerOf(spec)
						: deps.smtpServerOf(spec);
			const server = net.createServer((socket) => {
				socket.on('error', () => undefined);
				this.openSockets.add(socket);
				void this.#accept(spec, smtp, socket);
			});
			this.#servers.set(spec.name, server);
		}
	}

	port(name: ListenerName): number {
		const address = this.#servers.get(name)?.address();
		return typeof address === 'object' && address ? address.port : 0;
	}

	async listen(portOf: (name: ListenerName) => number, host: string): Promise<void> {
		for (const [name, server] of this.#servers) {
			await new Promise<void>((resolve, reject) => {
				const onError = (err: NodeJS.ErrnoException) =>
					reject(Object.assign(err, { listener: name }));
				server.once('error', onError);
				server.listen(portOf(name), host, () => {
					server.off('error', onError);
					resolve();
				});
			});
		}
	}

	/** Stops accepting; resolves once every listener is closed, which waits for open sockets. */
	stopAccepting(): Promise<void> {
		return Promise.all(
			[...this.#servers.values()].map(
				(server) => new Promise<void>((resolve) => server.close(() => resolve()))
			)
		).then(() => undefined);
	}

	destroySockets(): void {
		this.openSockets.destroyAll();
	}

	/**
	 * Implicit TLS (RFC 8314 §3.3): the handshake runs first, over the tap's carrier so the tap
	 * counts it (or on the socket itself when the tap is off). A failed or unfinished handshake
	 * destroys the socket, and nothing is recorded; a finished one is admitted as a session.
	 */
	#terminateTls(spec: Listener, smtp: SessionServer, raw: net.Socket, client: Client): void {
		const limit = this.deps.config.maxWireRecordsPerSession;
		const tap = limit ? new WireTap(limit) : null;
		const secure = new tls.TLSSocket(tap ? tap.carrier(raw) : raw, {
			isServer: true,
			secureContext: this.#secureContext
		});
		const timer = setTimeout(() => raw.destroy(), TLS_HANDSHAKE_TIMEOUT_MS);
		raw.once('close', () => clearTimeout(timer));
		secure.on('error', () => raw.destroy());
		secure.once('secure', () => {
			clearTimeout(timer);
			this.#admit(spec, smtp, secure, client, tap ?? undefined);
		});
	}

	/**
	 * Who the accepted socket's client is: the browser behind a bridge connection (registered by
	 * its local port), else the address a trusted proxy's PROXY header names (proxyHeader.ts),
	 * else the socket's own. The header comes first on the wire, before any TLS handshake.
	 */
	async #accept(spec: Listener, smtp: SessionServer, raw: net.Socket): Promise<void> {
		const { config, clients } = this.deps;
		const identity = await clients.resolve(raw.remoteAddress, raw.remotePort);
		if (raw.destroyed) return;
		const socketAddress = plainAddress(raw.remoteAddress ?? '');
		let client: Client = { address: identity?.address ?? socketAddress, identity };
		// The bridge's own loopback connections name their browser in-process, never with a header.
		if (!identity && config.proxyProtocolFrom.includes(socketAddress)) {
			const result = await readProxyHeader(raw, config.proxyProtocolTimeoutSeconds * 1000);
			if (raw.destroyed) return;
			if ('error' in result) {
				this.#refuseProxy(spec, socketAddress, result.error);
				raw.destroy();
				return;
			}
			if (result.header.family !== 'UNKNOWN')
				client = { address: result.header.source, identity, proxy: socketAddress };
		}
		if (spec.tls === 'implicit') this.#terminateTls(spec, smtp, raw, client);
		else this.#admit(spec, smtp, raw, client);
	}

	/**
	 * §2.1: a connection with a bad header is aborted at once, with no reply (the peer is the
	 * proxy, and a reply would reach the learner as the greeting). One line in the log says why,
	 * once: a proxy without `proxy_protocol on;` would otherwise log every connection.
	 */
	#refuseProxy(spec: Listener, from: string, error: string): void {
		if (this.#proxyRefusalLogged) return;
		this.#proxyRefusalLogged = true;
		console.warn(
			`SMTP Lab: the ${spec.name} listener closed a connection from ${from} (PROXY_PROTOCOL_FROM) whose PROXY protocol header was wrong: ${error}. Each connection from there must start with a version 1 header (nginx: proxy_protocol on;). (Said once.)`
		);
	}

	/** `socket` is what the session runs on: the accepted socket, or the TLS socket over it. */
	#admit(
		spec: Listener,
		smtp: SessionServer,
		socket: net.Socket,
		client: Client,
		tap?: WireTap
	): void {
		const { config, sessions } = this.deps;
		if (socket.destroyed) return;
		const { identity } = client;
		admitSession(config, sessions, smtp, socket, {
			spec,
			clientAddress: client.address,
			...(client.proxy ? { proxy: client.proxy } : {}),
			...(tap ? { tap } : {}),
			...(identity
				? { id: identity.sessionId, origin: 'browser', owners: [identity.ownerId] }
				: { origin: 'external', owners: [] })
		});
	}
}

/** An accepted connection's client, as #accept found it. */
interface Client {
	address: string;
	identity: ClientIdentity | undefined;
	/** The trusted proxy whose PROXY header named `address`. */
	proxy?: string;
}

/**
 * Applies the session limits (MAX_SESSIONS, MAX_SESSIONS_PER_ADDRESS) to an accepted socket,
 * then records the session and hands the socket to smtp-server: for the sandbox's listeners and
 * the sandbox's mail hosts (server/hosts) alike.
 */
export function admitSession(
	config: LabConfig,
	sessions: LiveSessions,
	smtp: SessionServer,
	socket: net.Socket,
	opening: SessionOpening
): void {
	const refusal =
		sessions.size >= config.maxSessions
			? 'tooManySessions'
			: sessions.fromAddress(opening.clientAddress) >= config.maxSessionsPerAddress
				? 'tooManyFromAddress'
				: null;
	if (refusal) {
		// Not recorded: a flood of refused connections must not fill the store (MAX_DB_BYTES).
		const reason = SANDBOX_REPLIES[refusal].text;
		socket.end(
			opening.spec.protocol === 'pop3'
				? `${pop3Reply('closing', { reason })}\r\n`
				: opening.spec.protocol === 'imap'
					? // RFC 3501 §7.1.5: BYE as the greeting refuses the connection.
						untaggedStatus('BYE', reason)
					: `${SANDBOX_REPLIES[refusal].code} ${replyText(refusal)}\r\n`
		);
		return;
	}
	const id = sessions.open(socket, opening);
	smtp.connect(socket, { id, remoteAddress: opening.clientAddress });
}
