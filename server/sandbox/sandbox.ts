/**
 * The three sandbox listeners, on smtp-server. The project owns each listening socket so it can
 * tap the client's bytes before the library sees them (the library hides bare LFs and
 * dot-stuffing), apply its own connection limits, and use the browser's address for sessions
 * that come through the bridge.
 */
import net from 'node:net';
import tls from 'node:tls';
import { newId } from '../ids';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { LISTENER_TABLE, type Listener } from '../../src/lib/listeners';
import type { ListenerName, RecipientResult } from '../../src/lib/messages';
import type { Clock } from '../clock';
import type { LabConfig } from '../config';
import type { Annotator } from '../recorder/sessionRecorder';
import { SessionRecorder } from '../recorder/sessionRecorder';
import type { LabStore } from '../store/labStore';
import type { TlsMaterial } from '../tls/certificate';
import type { ClientAddressRegistry } from './clientAddresses';
import { Delivery } from './delivery';
import {
	checkPassword,
	domainOf,
	Greylist,
	GTUBE,
	isLocalRecipient,
	teachingMailbox
} from './policy';
import { replyError, replyText, SANDBOX_REPLIES } from './replies';
import { ANSWERED_COMMANDS, answerCommand } from './commandAnswers';
import {
	assertSmtpServerVersion,
	interceptCommands,
	onEachConnection,
	replyLogger,
	wrapSend,
	type LibraryConnection
} from './smtpServerPatches';
import { correctReply } from './wireReplies';

interface LiveSession {
	recorder: SessionRecorder;
	clientAddress: string;
	spec: Listener;
	connection: LibraryConnection | null;
	tappedSockets: WeakSet<net.Socket>;
	recipients: RecipientResult[];
	/** Cancels the lifetime timer. */
	lifetime: () => void;
	endReason: string | null;
}

export interface SandboxDeps {
	config: LabConfig;
	store: LabStore;
	tls: TlsMaterial;
	clients: ClientAddressRegistry;
	createAnnotator: (listener: ListenerName) => Annotator;
	clock: Clock;
}

/**
 * MAIL and RCPT parameters of the extensions EHLO advertises: smtp-server passes any other on,
 * and RFC 5321 §4.1.1.11 answers 555 to them.
 */
const MAIL_PARAMETERS = [
	'SIZE', // RFC 1870
	'BODY', // RFC 6152 8BITMIME
	'SMTPUTF8', // RFC 6531
	'RET', // RFC 3461 DSN
	'ENVID' // RFC 3461 DSN
];
const RCPT_PARAMETERS = [
	'NOTIFY', // RFC 3461 DSN
	'ORCPT' // RFC 3461 DSN
];

const GTUBE_BYTES = Buffer.from(GTUBE);
const NON_ASCII = /[^\p{ASCII}]/u;

export class Sandbox {
	readonly servers = new Map<ListenerName, { spec: Listener; smtp: SMTPServer; net: net.Server }>();
	readonly sessions = new Map<string, LiveSession>();
	readonly delivery: Delivery;
	readonly greylist: Greylist;
	#perAddress = new Map<string, number>();
	#sockets = new Set<net.Socket>();

	constructor(readonly deps: SandboxDeps) {
		assertSmtpServerVersion();
		this.delivery = new Delivery(deps.store, deps.config.serverName);
		this.greylist = new Greylist(deps.config.greylistSeconds);
		for (const spec of LISTENER_TABLE) {
			const smtp = new SMTPServer(this.#options(spec));
			// Client resets and failed handshakes surface here; they end one session, never the server.
			smtp.on('error', () => undefined);
			onEachConnection(smtp, (connection) => this.#adopt(spec, connection));
			const server =
				spec.tls === 'implicit'
					? tls.createServer({ key: deps.tls.key, cert: deps.tls.cert }, (socket) =>
							this.#accept(spec, smtp, socket)
						)
					: net.createServer((socket) => this.#accept(spec, smtp, socket));
			if (spec.tls === 'implicit')
				(server as tls.Server).on('tlsClientError', (_err, socket) => socket.destroy());
			this.servers.set(spec.name, { spec, smtp, net: server });
		}
	}

	port(name: ListenerName): number {
		const address = this.servers.get(name)?.net.address();
		return typeof address === 'object' && address ? address.port : 0;
	}

	async listen(portOf: (name: ListenerName) => number, host: string): Promise<void> {
		for (const [name, { net: server }] of this.servers) {
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

	/** Stops accepting, answers 421 to open sessions (BAD-INPUTS W12), then closes their sockets. */
	async close(): Promise<void> {
		const closed = [...this.servers.values()].map(
			({ net: server }) => new Promise<void>((resolve) => server.close(() => resolve()))
		);
		for (const live of this.sessions.values()) {
			live.endReason = 'Server shutting down';
			live.lifetime();
			try {
				live.connection?.send(421, 'Server shutting down');
			} catch {
				// The peer is already gone: nothing to tell it.
			}
		}
		// Give the 421s a moment to reach the clients, then close what is left.
		await new Promise((resolve) => setTimeout(resolve, this.sessions.size ? 50 : 0));
		for (const socket of this.#sockets) socket.destroy();
		await Promise.all(closed);
	}

	#options(spec: Listener): SMTPServerOptions {
		const { config, tls: material } = this.deps;
		return {
			name: config.serverName,
			key: material.key,
			cert: material.cert,
			secure: spec.tls === 'implicit',
			// Implicit TLS is terminated by our own tls.Server, so the library gets a decrypted socket.
			secured: spec.tls === 'implicit',
			size: config.maxMessageBytes,
			maxRecipients: config.maxRecipients,
			socketTimeout: config.idleTimeoutSeconds * 1000,
			closeTimeout: 1000,
			disableReverseLookup: true,
			hideENHANCEDSTATUSCODES: false,
			hideDSN: false,
			// We teach SIZE, 8BITMIME, SMTPUTF8, PIPELINING, DSN, ENHANCEDSTATUSCODES; not REQUIRETLS.
			hideREQUIRETLS: true,
			authMethods: spec.auth ? ['PLAIN', 'LOGIN'] : [],
			authOptional: !spec.auth,
			allowInsecureAuth: false,
			disabledCommands: spec.auth ? ['WIZ', 'SHELL', 'KILL'] : ['AUTH', 'WIZ', 'SHELL', 'KILL'],
			logger: replyLogger((id, line) => this.#replied(id, line)),
			onAuth: (auth, session, callback) => {
				const live = this.sessions.get(session.id);
				if (auth.method !== 'PLAIN' && auth.method !== 'LOGIN')
					return callback(replyError('badCredentials'));
				if (!checkPassword(auth.username ?? '', auth.password ?? ''))
					return callback(replyError('badCredentials'));
				live?.recorder.authenticated(auth.username ?? '');
				callback(null, { user: auth.username });
			},
			onSecure: (socket, session, callback) => {
				const live = this.sessions.get(session.id);
				if (live && !live.tappedSockets.has(socket as net.Socket)) {
					const tlsSocket = socket as tls.TLSSocket;
					tlsSocket.on('error', () => undefined);
					live.tappedSockets.add(tlsSocket);
					tlsSocket.on('data', (chunk: Buffer) => live.recorder.tap.feed(chunk));
					live.recorder.tlsStarted(
						tlsSocket.getProtocol() ?? 'TLS',
						tlsSocket.getCipher()?.name ?? ''
					);
				}
				callback();
			},
			onMailFrom: (address, session, callback) => {
				const live = this.sessions.get(session.id);
				if (live) live.recipients = [];
				const unadvertised = unadvertisedParameter(address.args, MAIL_PARAMETERS);
				if (unadvertised)
					return callback(replyError('unadvertisedParameter', { name: unadvertised }));
				if (
					NON_ASCII.test(address.address) &&
					!((address.args as Record<string, unknown> | false) || {}).SMTPUTF8
				)
					return callback(replyError('nonAsciiAddress'));
				callback();
			},
			onRcptTo: (address, session, callback) => {
				const live = this.sessions.get(session.id);
				const unadvertised = unadvertisedParameter(address.args, RCPT_PARAMETERS);
				const error = unadvertised
					? replyError('unadvertisedParameter', { name: unadvertised })
					: this.#checkRecipient(spec, address.address, session, live);
				const args = (address.args ?? {}) as Record<string, string>;
				const dsn = address.dsn;
				live?.recipients.push({
					address: address.address,
					outcome: error ? (error.responseCode < 500 ? 'deferred' : 'refused') : 'delivered',
					reply: error ? `${error.responseCode} ${error.message}` : '250 2.1.5 Accepted',
					...(dsn?.notify
						? { notify: dsn.notify }
						: args.NOTIFY
							? { notify: args.NOTIFY.toUpperCase().split(',') }
							: {}),
					...((dsn?.orcpt ?? args.ORCPT) ? { orcpt: dsn?.orcpt ?? args.ORCPT } : {})
				});
				callback(error ?? undefined);
			},
			onData: (stream, session, callback) => this.#receive(spec, stream, session, callback),
			onClose: (session) => {
				const live = this.sessions.get(session.id);
				if (live) this.#end(session.id, live);
			}
		};
	}

	#checkRecipient(
		spec: Listener,
		address: string,
		session: SMTPServerSession,
		live: LiveSession | undefined
	): (Error & { responseCode: number }) | null {
		const mailArgs = (session.envelope.mailFrom && session.envelope.mailFrom.args) || {};
		if (NON_ASCII.test(address) && !(mailArgs as Record<string, unknown>).SMTPUTF8)
			return replyError('nonAsciiAddress');
		const domain = domainOf(address);
		if (!isLocalRecipient(address)) {
			// Authenticated submission may address the world: it goes to the outbox, never out.
			if (spec.auth && session.user) return null;
			return replyError('relayDenied', { domain: domain || '(no domain)' });
		}
		const mailbox = teachingMailbox(address);
		if (mailbox?.behaviour === 'refuse') return replyError('unknownUser');
		if (mailbox?.behaviour === 'defer') return replyError('mailboxFull');
		if (mailbox?.behaviour === 'greylist') {
			const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
			const wait = this.greylist.check(
				live?.clientAddress ?? '',
				sender,
				address,
				this.deps.clock.now()
			);
			return wait > 0 ? replyError('greylisted', { seconds: wait }) : null;
		}
		return null;
	}

	#receive(
		spec: Listener,
		stream: NodeJS.ReadableStream & { sizeExceeded?: boolean },
		session: SMTPServerSession,
		callback: (err?: Error | null, message?: string) => void
	): void {
		const live = this.sessions.get(session.id);
		const id = newId();
		live?.recorder.setPendingMessageId(id);
		const limit = this.deps.config.maxMessageBytes;
		const chunks: Buffer[] = [];
		let size = 0;
		stream.on('data', (chunk: Buffer) => {
			size += chunk.length;
			// Stop buffering at the limit: the rest is read and dropped, nothing partial is kept.
			if (size <= limit) chunks.push(chunk);
		});
		stream.on('end', () => {
			if (size > limit || stream.sizeExceeded)
				return callback(replyError('messageTooBig', { limit }));
			const raw = Buffer.concat(chunks, size);
			const mailFrom = session.envelope.mailFrom || { address: '', args: {} };
			const dsn = session.envelope.dsn;
			const socketTls = live?.recorder
				? this.deps.store.sessions.get(live.recorder.id)?.summary.tls
				: null;
			const message = {
				id,
				sessionId: live?.recorder.id ?? null,
				listener: spec.name,
				raw,
				envelope: {
					mailFrom: { address: mailFrom.address || '', params: paramsOf(mailFrom.args) },
					rcptTo: session.envelope.rcptTo.map((r) => ({
						address: r.address,
						params: paramsOf(r.args)
					}))
				},
				recipients: live?.recipients ?? [],
				tls: Boolean(session.secure),
				tlsProtocol: socketTls?.protocol ?? null,
				authUser: typeof session.user === 'string' ? session.user : null,
				clientAddress: live?.clientAddress ?? session.remoteAddress,
				helo: session.hostNameAppearsAs || '',
				ret: dsn?.ret === 'FULL' || dsn?.ret === 'HDRS' ? dsn.ret : null,
				envid: dsn?.envid ?? null
			} as const;
			if (raw.includes(GTUBE_BYTES)) {
				const row = SANDBOX_REPLIES.spamRefused;
				this.delivery.refuse(message, `${row.code} ${replyText('spamRefused')}`);
				return callback(replyError('spamRefused'));
			}
			// The reply goes out first (the callback writes it): storing and telling watchers is
			// this server's work, not something the client should wait for.
			callback(null, `Queued as ${id}: the message is now this server's responsibility`);
			this.delivery.accept(message);
		});
	}

	#replied(id: string, payload: string): void {
		const live = this.sessions.get(id);
		if (!live) return;
		live.recorder.serverReply(payload);
		if (payload.startsWith('421') && /Timeout/.test(payload)) live.endReason = 'Idle timeout (421)';
		else if (payload.startsWith('221')) live.endReason = 'Client said QUIT (221)';
		else if (payload.startsWith('421')) live.endReason ??= `Server closed the session: ${payload}`;
	}

	async #accept(spec: Listener, smtp: SMTPServer, socket: net.Socket): Promise<void> {
		socket.on('error', () => undefined);
		this.#sockets.add(socket);
		socket.once('close', () => this.#sockets.delete(socket));
		const identity = await this.deps.clients.resolve(socket.remoteAddress, socket.remotePort);
		if (socket.destroyed) return;
		const clientAddress = identity?.address ?? (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
		const { config } = this.deps;
		const fromAddress = this.#perAddress.get(clientAddress) ?? 0;
		const refusal =
			this.sessions.size >= config.maxSessions
				? 'tooManySessions'
				: fromAddress >= config.maxSessionsPerAddress
					? 'tooManyFromAddress'
					: null;
		if (refusal) {
			// Not recorded: a flood must not evict real sessions from the bounded store.
			socket.end(`${SANDBOX_REPLIES[refusal].code} ${replyText(refusal)}\r\n`);
			return;
		}
		this.#perAddress.set(clientAddress, fromAddress + 1);
		const id = identity?.sessionId ?? newId();
		const recorder = new SessionRecorder({
			id,
			listener: spec.name,
			standsFor: spec.standsFor,
			origin: identity ? 'browser' : 'external',
			clientAddress,
			store: this.deps.store,
			annotator: this.deps.createAnnotator(spec.name),
			maxBufferedBytes: config.maxMessageBytes + 64 * 1024,
			maxDataEventBytes: config.maxDataEventBytes
		});
		const live: LiveSession = {
			recorder,
			clientAddress,
			spec,
			connection: null,
			tappedSockets: new WeakSet([socket]),
			recipients: [],
			endReason: null,
			lifetime: this.deps.clock.after(config.maxSessionSeconds * 1000, () => {
				live.endReason = 'Session lifetime reached (421)';
				live.connection?.send(
					421,
					replyText('sessionTooLong', { seconds: config.maxSessionSeconds })
				);
			})
		};
		this.sessions.set(id, live);
		const tlsInfo =
			socket instanceof tls.TLSSocket
				? ` over TLS (${socket.getProtocol()}, ${socket.getCipher()?.name}) from the first byte`
				: '';
		recorder.system(
			'connect',
			`Connected to the ${spec.name} listener (stands for port ${spec.standsFor}) from ${clientAddress}${tlsInfo}`
		);
		if (socket instanceof tls.TLSSocket)
			this.deps.store.updateSession(id, {
				tls: { protocol: socket.getProtocol() ?? 'TLS', cipher: socket.getCipher()?.name ?? '' }
			});
		socket.on('data', (chunk: Buffer) => recorder.tap.feed(chunk));
		socket.once('close', () => this.#end(id, live));
		smtp.connect(socket, { id, remoteAddress: clientAddress });
	}

	#adopt(spec: Listener, connection: LibraryConnection): void {
		const live = this.sessions.get(connection.id);
		if (live) live.connection = connection;
		wrapSend(connection, (code, data, context) => {
			const adjusted = (spec.auth && submissionReply(connection, code, data, context)) || {
				code,
				data,
				context
			};
			return correctReply(adjusted.code, adjusted.data, adjusted.context);
		});
		interceptCommands(connection, ANSWERED_COMMANDS, answerCommand);
	}

	#end(id: string, live: LiveSession): void {
		if (!this.sessions.has(id)) return;
		this.sessions.delete(id);
		live.lifetime();
		const left = (this.#perAddress.get(live.clientAddress) ?? 1) - 1;
		if (left > 0) this.#perAddress.set(live.clientAddress, left);
		else this.#perAddress.delete(live.clientAddress);
		const reason = live.endReason ?? 'Connection closed';
		live.recorder.end(reason, reason.startsWith('Idle timeout') ? 'timeout' : 'disconnect');
	}
}

/**
 * Submission (RFC 6409) before TLS: AUTH is not advertised (RFC 4954 §4) and MAIL/AUTH get
 * `530 5.7.0 Must issue a STARTTLS command first` (RFC 3207 §4); after TLS, MAIL without AUTH
 * gets `530 5.7.0 Authentication required` (RFC 4954 §6).
 */
function submissionReply(
	connection: LibraryConnection,
	code: number,
	data: unknown,
	context: unknown
): { code: number; data: unknown; context: unknown } | null {
	// The library sends the EHLO reply, its only multi-line 250, with context false (not 'EHLO').
	if (code === 250 && Array.isArray(data) && !connection.secure)
		return { code, data: data.filter((line) => !/^AUTH\b/i.test(String(line))), context };
	if (code === 530 && /authentication required/i.test(String(data)))
		return {
			code,
			data: connection.secure ? replyText('authRequired') : replyText('startTlsFirst'),
			context: false
		};
	return null;
}

function unadvertisedParameter(args: unknown, advertised: string[]): string | null {
	if (!args || typeof args !== 'object') return null;
	return Object.keys(args).find((key) => !advertised.includes(key.toUpperCase())) ?? null;
}

function paramsOf(args: unknown): Record<string, string | true> {
	const out: Record<string, string | true> = {};
	if (args && typeof args === 'object')
		for (const [key, value] of Object.entries(args))
			out[key.toUpperCase()] = value === true ? true : String(value);
	return out;
}
