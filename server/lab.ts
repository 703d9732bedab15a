/**
 * The one place that creates the lab: store, sandbox listeners, WebSocket bridge. Used by the
 * production entry (server/index.ts), the Vite plugin (dev and preview) and the tests. Routes
 * reach its narrow interface (server/labApi.ts) through `globalThis[LAB_API_KEY]`, since Vite
 * and SvelteKit may load two copies of a module and a module-level singleton would not be shared.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { OUTGOING_HOST } from '../src/lib/delivery/mailHosts';
import { LISTENER_TABLE, listenerRow, type Listener } from '../src/lib/listeners';
import type { ListenerName } from '../src/lib/messages';
import { Bridge } from './bridge/bridge';
import { ClassDirectory } from './classes/classDirectory';
import { ClientAddressRule } from './clientAddress';
import { systemClock, type Clock } from './clock';
import type { LabConfig } from './config';
import { createLabApi, LAB_API_KEY } from './labApi';
import { loadLabSecrets } from './owners/labSecrets';
import { OwnerDirectory } from './owners/ownerDirectory';
import { VisibilityRule } from './owners/visibility';
import { createAnnotator } from './recorder/annotator';
import { DnsLog, lookupVisible } from './dns/dnsLog';
import { dnsBusMessage, parseDnsBusMessage } from './dns/dnsBus';
import { DnsServer } from './dns/dnsServer';
import { hostEndpointRows, SandboxResolver, type HostEndpoint } from './dns/resolver';
import { SandboxZone } from './dns/sandboxZone';
import { loadDkimKey } from './auth/dkimKeys';
import { planEndpoints } from './hosts/hostEndpoints';
import { MailHostServers, type HostBindError } from './hosts/mailHostServers';
import { mailRoute } from './queue/mailRoute';
import { JourneyForwarder } from './queue/journeyForward';
import { OutgoingQueue } from './queue/outgoingQueue';
import { QueueClock } from './queue/queueClock';
import { ClientAddressRegistry } from './sandbox/clientAddresses';
import { MessageAuthentication } from './sandbox/messageAuthentication';
import { Sandbox } from './sandbox/sandbox';
import { Mailboxes } from './mailboxes/mailboxes';
import { LabStore, type StoredMessage } from './store/labStore';
import { RetentionSweeper } from './store/retention';
import { buildMessageView, type MessageView } from './store/messageView';
import { openSqlitePersistence } from './store/sqlite/sqlitePersistence';
import { PgPersistence, pgSettings } from './store/postgres/pgPersistence';
import { isShared } from './store/persistence';
import { loadTlsMaterial, type TlsMaterial } from './tls/certificate';

export const LAB_KEY = Symbol.for('smtp-lab.lab');

/** A listener as /api/health reports it: its row's facts and the port it is bound to. */
export type ListenerInfo = Pick<Listener, 'name' | 'protocol' | 'standsFor' | 'tls' | 'auth'> & {
	port: number;
};

export interface Lab {
	config: LabConfig;
	store: LabStore;
	sandbox: Sandbox;
	bridge: Bridge;
	tls: TlsMaterial;
	/** The one rule for a request's client address (TRUST_PROXY), for the bridge and the site. */
	clientAddress: ClientAddressRule;
	/** Owners: cookies, personal logins and domains, the operator. */
	owners: OwnerDirectory;
	/** The one rule for who sees what (VISIBILITY, and classes' data). */
	visibility: VisibilityRule;
	/** Classes: teachers, students, join and rejoin codes (issue 15). */
	classes: ClassDirectory;
	/** The read side's accounts and mailboxes (server/mailboxes/): what POP3 (and IMAP) serve. */
	mailboxes: Mailboxes;
	dns: LabDns;
	/** The queue's clock (QUEUE_TIME_SCALE times real time, with fast-forward). */
	queueClock: QueueClock;
	/** The outgoing queue (server/queue/): journeys of the mail submitted for remote sandbox domains. */
	queue: OutgoingQueue;
	/** Several instances on one database: a journey's fast-forward goes to the one sending it. */
	journeyForward: JourneyForwarder | null;
	/**
	 * The sandbox's other mail hosts (server/hosts/): their endpoint table, and the hop registry
	 * the queue tells whose connection it opens (`hosts.hops.expect(localPort, …)`).
	 */
	hosts: MailHostServers;
	/** The operator token when this start made it (no OPERATOR_TOKEN, none kept): print it once. */
	newOperatorToken: string | null;
	startedAt: number;
	listeners(): ListenerInfo[];
	/** The parsed view of a stored message, made on first look and kept with it. */
	messageView(stored: StoredMessage): Promise<MessageView>;
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
	close(): Promise<void>;
}

/** The sandbox DNS (server/dns/): its zone, the queue's resolver, the lookup log, where it listens. */
export interface LabDns {
	zone: SandboxZone;
	resolver: SandboxResolver;
	log: DnsLog;
	/** DNS_HOST. */
	host: string;
	/** The port UDP and TCP are bound to (DNS_PORT, or the one chosen for 0). */
	port: number;
}

export class PortInUseError extends Error {}

export interface LabOptions {
	/** The clock the policies read; tests pass one they advance by hand. */
	clock?: Clock;
	/**
	 * Another instance took this one's place while it was cut off from the shared database: its
	 * queue has stopped sending; the production entry exits so that a fresh start joins again.
	 */
	onTakenOver?: () => void;
}

export async function startLab(config: LabConfig, options: LabOptions = {}): Promise<Lab> {
	const clock = options.clock ?? systemClock;
	// The database opens first: a bad DATA_DIR or DATABASE_URL stops startup before anything listens.
	const persistence =
		config.databaseUrl !== null
			? await PgPersistence.open(pgSettings(config.databaseUrl, config))
			: config.dataDir === null
				? null
				: await openSqlitePersistence(config.dataDir);
	const store = persistence ? await LabStore.open(config, persistence) : new LabStore(config);
	// Several instances share this database: each applies the others' changes (design: issue 21).
	const shared = isShared(persistence) ? persistence : null;
	let secrets;
	let dkimKey;
	try {
		secrets = loadLabSecrets(config.dataDir, config.operatorToken);
		dkimKey = loadDkimKey(config.dataDir, config.dkimSelector);
	} catch (error) {
		await store.close();
		throw error;
	}
	const owners = new OwnerDirectory(store, secrets.cookieSecret, secrets.operatorToken);
	const visibility = new VisibilityRule(config.visibility, store);
	const classes = new ClassDirectory(store, owners, clock, config);
	const mailboxes = new Mailboxes({ store, owners, classes, visibility, config });
	const tls = await loadTlsMaterial(
		config.tlsCert,
		config.tlsKey,
		config.serverName,
		config.tlsDir
	);
	const clients = new ClientAddressRegistry();
	// The queue's time goes on from where the last run saved it (its journeys' records); the
	// instances sharing a database run one clock, the first one's.
	const resumeAt = Math.max(-Infinity, ...[...store.queue.values()].map((r) => r.simulatedSavedAt));
	const ownClock = new QueueClock(clock, config.queueTimeScale, resumeAt);
	const queueClock = shared
		? new QueueClock(
				clock,
				config.queueTimeScale,
				resumeAt,
				await shared.queueClockOrigin(ownClock.origin)
			)
		: ownClock;
	// The queue needs the hosts and the DNS, which start after the sandbox: it asks them only
	// when a message is queued, by then they are up.
	const network: { hosts?: MailHostServers; resolver?: SandboxResolver } = {};
	const queue: OutgoingQueue = new OutgoingQueue({
		store,
		clock,
		queueClock,
		limits: config,
		outgoing: {
			name: OUTGOING_HOST.name,
			get address() {
				return network.hosts?.endpointOf(OUTGOING_HOST.name)?.address ?? OUTGOING_HOST.address;
			}
		},
		resolveMail: (domain, context) => {
			const { answer, lookupIds } = network.resolver!.resolveMail(domain, context);
			return { route: mailRoute(answer, (host) => network.hosts?.endpointOf(host)), lookupIds };
		},
		expectHop: (localPort, hop) => network.hosts?.hops.expect(localPort, hop),
		ownersOfAddress: (address): string[] => sandbox.ownersOfAddress(address),
		mayDeliver: shared ? () => shared.holdsLock : undefined
	});
	// Personal and class domains exist while their owner or class does.
	const isOwnDomain = (domain: string) =>
		store.ownerByDomain(domain) !== undefined || classes.classOfDomain(domain) !== undefined;
	const dnsLog = new DnsLog(config.dnsLogSize, clock);
	const zone = new SandboxZone({
		serverName: config.serverName,
		nameServerAddress: connectable(config.dnsHost),
		isOwnDomain,
		dkimKeyRecord: dkimKey.publicKeyRecord,
		dkimSelector: config.dkimSelector,
		ownTxtRecords: (domain) => store.zoneTxt(domain) ?? null
	});
	// The MX hops check mail against the sandbox DNS in-process; submission signs with the key.
	const authentication = new MessageAuthentication({
		key: dkimKey,
		zone,
		log: dnsLog,
		isOwnDomain,
		maxHeaderLines: config.authMaxHeaderLines
	});
	const sandbox = new Sandbox({
		config,
		store,
		tls,
		clients,
		createAnnotator,
		clock,
		owners,
		classes,
		mailboxes,
		outgoing: queue,
		authentication
	});
	const hosts = new MailHostServers({
		// A mailing list's host posts its new messages through the queue.
		outgoing: queue,
		config,
		store,
		tls,
		clock,
		queueClock,
		createAnnotator,
		ownersOfAddress: sandbox.ownersOfAddress,
		authentication
	});
	try {
		await hosts.listen(await planEndpoints(config.mailHostsPort));
	} catch (error) {
		await Promise.all([hosts.close(), sandbox.close()]);
		await store.close();
		const err = error as HostBindError;
		if (err.code === 'EADDRINUSE' && err.host)
			throw new PortInUseError(
				`Port ${err.port} at ${err.address} (the mail host ${err.host}) is already in use: set MAIL_HOSTS_PORT to a free port, e.g. MAIL_HOSTS_PORT=${config.mailHostsPort + 10000}.`
			);
		throw error;
	}
	const endpointOf: (host: string) => HostEndpoint | undefined = (host) => hosts.endpointOf(host);
	const resolver = new SandboxResolver(zone, dnsLog, endpointOf);
	Object.assign(network, { hosts, resolver });
	const dnsServer = new DnsServer({
		host: config.dnsHost,
		port: config.dnsPort,
		queriesPerSecondPerAddress: config.dnsQueriesPerSecondPerAddress,
		tcpIdleSeconds: config.dnsTcpIdleSeconds,
		zone,
		log: dnsLog,
		clock
	});
	try {
		await dnsServer.listen();
	} catch (error) {
		await Promise.all([hosts.close(), sandbox.close()]);
		await store.close();
		if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
			throw new PortInUseError(
				`Port ${config.dnsPort} (the DNS server) is already in use: set DNS_PORT to a free port, e.g. DNS_PORT=${config.dnsPort + 10000}.`
			);
		throw error;
	}
	// The mail listeners open last: by then the queue's hosts and DNS answer.
	const portOf = (name: ListenerName) => config[listenerRow(name).configKey];
	try {
		await sandbox.listen(portOf, config.smtpHost);
	} catch (error) {
		await Promise.all([sandbox.close(), hosts.close(), dnsServer.close()]);
		await store.close();
		const err = error as NodeJS.ErrnoException & { listener?: ListenerName };
		if (err.code === 'EADDRINUSE' && err.listener) {
			const variable = listenerRow(err.listener).portVariable;
			const port = portOf(err.listener);
			throw new PortInUseError(
				`Port ${port} (the ${err.listener} listener) is already in use: set ${variable} to a free port, e.g. ${variable}=${port + 10000}.`
			);
		}
		throw error;
	}
	// Deliveries the last run left queued are taken up, now that the hosts and the DNS answer.
	// Shared: each journey is sent by the instance that queued it, or by the one that takes a
	// stopped instance's place (watchPeers below); the others only show it.
	if (shared) queue.showStored();
	else queue.resume();
	// Retention applies to what was loaded too (RETENTION_HOURS may have been lowered).
	const retention = new RetentionSweeper(store, clock, config.retentionHours, classes);
	retention.start();
	const connectHost = connectable(config.smtpHost);
	const clientAddress = new ClientAddressRule(config.trustProxy);
	const messageView = (stored: StoredMessage) =>
		(stored.view ??= buildMessageView(stored.raw, config.parseBudgetMs));
	const bridge = new Bridge({
		journeys: { queue, queueClock },
		// Class members' pages on the other instances (server/classes/classBus.ts).
		classBus: shared,
		config,
		store,
		clients,
		clientAddress,
		clock,
		owners,
		visibility,
		classes,
		messageView,
		dns: {
			log: dnsLog,
			overview: () => ({
				server: { host: config.dnsHost, port: dnsServer.port },
				zone: zone.describe(),
				hosts: hostEndpointRows(endpointOf),
				logSize: config.dnsLogSize
			}),
			visible: (viewer, entry) => lookupVisible(visibility, store, viewer, entry)
		},
		target: (listener) => ({
			host: connectHost,
			port: sandbox.port(listener),
			implicitTls: listenerRow(listener).tls === 'implicit',
			fingerprint256: tls.fingerprint256
		})
	});
	if (shared) {
		// The DNS log is memory only: each instance's lookups reach the others over the bus.
		let toldTooBig = false;
		dnsLog.publishTo((entry) => {
			try {
				shared.publish(dnsBusMessage(entry));
			} catch (error) {
				// Past the bus's size (a zone's long TXT records): shown on this instance only.
				if (!toldTooBig)
					console.error(
						`SMTP Lab: a DNS lookup stays in this instance's log only: ${(error as Error).message}.`
					);
				toldTooBig = true;
			}
		});
		shared.subscribe((message) => {
			const entry = parseDnsBusMessage(message);
			if (entry instanceof Error)
				console.error(`SMTP Lab: dropped a DNS lookup from another instance: ${entry.message}`);
			else if (entry) dnsLog.recordRemote(entry);
		});
		shared.onConnection((change) => {
			if (change === 'regained') bridge.classLive.rejoin();
			else {
				queue.close();
				options.onTakenOver?.();
			}
		});
		shared.follow((batch) => store.applyRemote(batch));
		shared.watchPeers((peer) => {
			for (const id of peer.openSessions) store.endStoppedPeerSession(id);
			queue.adopt(peer.queue);
			if (peer.instanceId !== null) bridge.classLive.instanceStopped(peer.instanceId);
		});
	}
	const journeyForward = shared && new JourneyForwarder(shared, { queue, queueClock });
	const lab: Lab = {
		config,
		store,
		sandbox,
		bridge,
		tls,
		clientAddress,
		owners,
		visibility,
		classes,
		mailboxes,
		dns: { zone, resolver, log: dnsLog, host: config.dnsHost, port: dnsServer.port },
		queueClock,
		queue,
		journeyForward,
		hosts,
		newOperatorToken: secrets.operatorTokenIsNew ? secrets.operatorToken : null,
		startedAt: Date.now(),
		listeners: () =>
			LISTENER_TABLE.map((row) => ({
				name: row.name,
				protocol: row.protocol,
				port: sandbox.port(row.name),
				standsFor: row.standsFor,
				tls: row.tls,
				auth: row.auth
			})),
		messageView,
		handleUpgrade: (req, socket, head) => bridge.handleUpgrade(req, socket, head),
		close: async () => {
			retention.stop();
			queue.close();
			await Promise.all([bridge.close(), sandbox.close(), hosts.close(), dnsServer.close()]);
			// The sessions just shut down record their end in the next turn; then the last write.
			await new Promise((resolve) => setImmediate(resolve));
			await store.close();
			if ((globalThis as Record<symbol, unknown>)[LAB_KEY] === lab) {
				delete (globalThis as Record<symbol, unknown>)[LAB_KEY];
				delete (globalThis as Record<symbol, unknown>)[LAB_API_KEY];
			}
		}
	};
	(globalThis as Record<symbol, unknown>)[LAB_KEY] = lab;
	// Routes get only the narrow interface (server/labApi.ts), never the lab itself.
	(globalThis as Record<symbol, unknown>)[LAB_API_KEY] = createLabApi(lab);
	return lab;
}

/** Where to reach a server bound to `host` from this machine: a wildcard is reached at loopback. */
function connectable(host: string): string {
	return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

export function currentLab(): Lab | undefined {
	return (globalThis as Record<symbol, unknown>)[LAB_KEY] as Lab | undefined;
}
