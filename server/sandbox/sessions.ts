/**
 * The sandbox's open sessions: each one's recorder, client address and library connection, its
 * lifetime timer, why it ended, and how many sessions each client address has open (the
 * listeners' per-address limit reads it).
 */
import type net from 'node:net';
import tls from 'node:tls';
import type { Listener } from '../../src/lib/listeners';
import type { ListenerName, RecipientResult, SessionOrigin } from '../../src/lib/messages';
import type { Clock } from '../clock';
import type { LabConfig } from '../config';
import { newId } from '../ids';
import { SessionRecorder, type Annotator } from '../recorder/sessionRecorder';
import type { LabStore } from '../store/labStore';
import { replyText } from './replies';
import type { LibraryConnection } from './smtpServerPatches';
import { WireTap } from './wireTap';

export interface LiveSession {
	recorder: SessionRecorder;
	clientAddress: string;
	/**
	 * smtp-server's connection object once it has one, or the POP3 session's (server/pop3/): the
	 * way to close this session with a 421 (POP3: -ERR [SYS/TEMP]).
	 */
	connection: Pick<LibraryConnection, 'send'> | null;
	/** What an observer on its wire could count; null when MAX_WIRE_RECORDS_PER_SESSION is 0. */
	tap: WireTap | null;
	/** The sockets whose bytes the recorder already reads (the accepted one, then the STARTTLS one). */
	tappedSockets: WeakSet<net.Socket>;
	/** The RCPT TOs of the current transaction with their outcome; MAIL FROM starts a new list. */
	recipients: RecipientResult[];
	/** Opened in a browser (through the bridge): the shared accounts may log in here. */
	browser: boolean;
	/** The owners of what it sends: the browser's owner, the owner its AUTH names, a hop's owners. */
	senderOwners: string[];
	/** For a hop of the outgoing queue: the journey (submitted message) it belongs to. */
	journeyId?: string;
	/** For a hop: how far its journey was fast-forwarded (its time is the queue clock's plus this). */
	skippedMs?: number;
	/** Cancels the lifetime timer. */
	lifetime: () => void;
	endReason: string | null;
}

/** Who opened a session and where: what the recorder and the session's owners start from. */
export interface SessionOpening {
	spec: Listener;
	clientAddress: string;
	/** The id the bridge chose for a browser session (else a new one). */
	id?: string;
	origin: SessionOrigin;
	/** Its owners from the start: the browser's owner, a hop's (server/hosts/hopRegistry.ts). */
	owners: string[];
	/** A sandbox mail host answering (server/hosts) rather than one of the sandbox's listeners. */
	host?: { name: string; address: string; port: number };
	journeyId?: string;
	skippedMs?: number;
	/** Under implicit TLS: the tap that already counted the handshake (listeners.ts). */
	tap?: WireTap;
	/** The trusted proxy (PROXY_PROTOCOL_FROM) whose PROXY header named `clientAddress`. */
	proxy?: string;
}

export interface SessionsDeps {
	config: LabConfig;
	store: LabStore;
	createAnnotator: (listener: ListenerName) => Annotator;
	clock: Clock;
}

export class LiveSessions {
	#byId = new Map<string, LiveSession>();
	#perAddress = new Map<string, number>();

	constructor(readonly deps: SessionsDeps) {}

	get size(): number {
		return this.#byId.size;
	}

	get(id: string): LiveSession | undefined {
		return this.#byId.get(id);
	}

	/** How many sessions the client address has open. */
	fromAddress(clientAddress: string): number {
		return this.#perAddress.get(clientAddress) ?? 0;
	}

	/** Records a new session on an accepted socket and returns its id. */
	open(socket: net.Socket, opening: SessionOpening): string {
		const { config, store } = this.deps;
		const { spec, clientAddress, host } = opening;
		this.#perAddress.set(clientAddress, this.fromAddress(clientAddress) + 1);
		const id = opening.id ?? newId();
		const recorder = new SessionRecorder({
			id,
			listener: spec.name,
			standsFor: spec.standsFor,
			origin: opening.origin,
			clientAddress,
			owners: opening.owners,
			host: host?.name,
			journeyId: opening.journeyId,
			store,
			annotator: this.deps.createAnnotator(spec.name),
			maxBufferedBytes: config.maxMessageBytes + 64 * 1024,
			maxDataEventBytes: config.maxDataEventBytes
		});
		const tap = config.maxWireRecordsPerSession
			? (opening.tap ?? new WireTap(config.maxWireRecordsPerSession))
			: null;
		if (tap) store.keepWireTap(id, tap, config.wireTapsKept);
		else {
			const stored = store.sessions.get(id);
			if (stored) stored.wireTap = 'off';
		}
		const live: LiveSession = {
			recorder,
			clientAddress,
			connection: null,
			tap,
			tappedSockets: new WeakSet([socket]),
			recipients: [],
			browser: opening.origin === 'browser',
			senderOwners: [...opening.owners],
			...(opening.journeyId ? { journeyId: opening.journeyId } : {}),
			...(opening.skippedMs ? { skippedMs: opening.skippedMs } : {}),
			endReason: null,
			lifetime: this.deps.clock.after(config.maxSessionSeconds * 1000, () => {
				live.endReason = 'Session lifetime reached (421)';
				live.connection?.send(
					421,
					replyText('sessionTooLong', { seconds: config.maxSessionSeconds })
				);
			})
		};
		this.#byId.set(id, live);
		const tlsInfo =
			socket instanceof tls.TLSSocket
				? ` over TLS (${socket.getProtocol()}, ${socket.getCipher()?.name}) from the first byte`
				: '';
		const answering = host
			? `${host.name} (${host.address}, port ${host.port}; it stands for port ${spec.standsFor})`
			: `the ${spec.name} listener (stands for port ${spec.standsFor})`;
		const through = opening.proxy
			? ` (through the proxy at ${opening.proxy}, whose PROXY protocol header named this address)`
			: '';
		recorder.system(
			'connect',
			`Connected to ${answering} from ${clientAddress}${through}${tlsInfo}`
		);
		if (socket instanceof tls.TLSSocket)
			store.updateSession(id, {
				tls: { protocol: socket.getProtocol() ?? 'TLS', cipher: socket.getCipher()?.name ?? '' }
			});
		// Under implicit TLS the tap already sits below the TLSSocket, on its carrier.
		if (tap && !(socket instanceof tls.TLSSocket)) tap.countPlaintext(socket);
		// SMTP's lines are framed from the bytes; a POP3 server hands its recorder each line itself.
		if (spec.protocol === 'smtp') socket.on('data', (chunk: Buffer) => recorder.tap.feed(chunk));
		socket.once('close', () => this.end(id));
		return id;
	}

	/** Records a reply as written, and the end reason a closing reply gives. */
	replied(id: string, payload: string): void {
		const live = this.#byId.get(id);
		if (!live) return;
		live.recorder.serverReply(payload);
		if (payload.startsWith('421') && /Timeout/.test(payload)) live.endReason = 'Idle timeout (421)';
		else if (payload.startsWith('221')) live.endReason = 'Client said QUIT (221)';
		else if (payload.startsWith('421')) live.endReason ??= `Server closed the session: ${payload}`;
	}

	/** Answers 421 to every open session (BAD-INPUTS W12); their sockets close after. */
	shutDown(reason: string): void {
		for (const live of this.#byId.values()) {
			live.endReason = reason;
			live.lifetime();
			try {
				live.connection?.send(421, reason);
			} catch {
				// The peer is already gone: nothing to tell it.
			}
		}
	}

	/** Ends a session once: the socket's close and the library's onClose both call it. */
	end(id: string): void {
		const live = this.#byId.get(id);
		if (!live) return;
		this.#byId.delete(id);
		live.lifetime();
		const left = this.fromAddress(live.clientAddress) - 1;
		if (left > 0) this.#perAddress.set(live.clientAddress, left);
		else this.#perAddress.delete(live.clientAddress);
		const reason = live.endReason ?? 'Connection closed';
		live.recorder.end(reason, reason.startsWith('Idle timeout') ? 'timeout' : 'disconnect');
	}
}
