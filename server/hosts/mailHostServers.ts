/**
 * The sandbox's other mail hosts (src/lib/delivery/mailHosts.ts): one smtp-server per `mx` host
 * that is not `down`, bound at its endpoint (hostEndpoints.ts), greeting as itself
 * (`220 mx.north.test ESMTP`). Each runs on the sandbox's own machinery: the mx listener's row
 * (STARTTLS with the lab's certificate, no AUTH, the same extensions), the recorder and live
 * sessions, the reply corrections, and the delivery to mailboxes; its policy is hostHooks.ts.
 * A `down` host has nothing listening at its endpoint, so a connection is refused. A `list`
 * host takes mail for its mailing lists only and re-sends each post through the queue
 * (mailingList.ts).
 */
import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { MAIL_HOSTS, type MailHostName, type MailHostRow } from '../../src/lib/delivery/mailHosts';
import { listenerRow } from '../../src/lib/listeners';
import type { ListenerName } from '../../src/lib/messages';
import type { Clock } from '../clock';
import type { LabConfig } from '../config';
import type { QueueClock } from '../queue/queueClock';
import type { Annotator } from '../recorder/sessionRecorder';
import { adoptConnection } from '../sandbox/connection';
import type { MessageAuthentication } from '../sandbox/messageAuthentication';
import { Delivery } from '../sandbox/delivery';
import { MAILING_LISTS } from '../../src/lib/delivery/mailingLists';
import { ListDelivery, type ListHost, type ListOutgoing } from './mailingList';
import { OpenSockets } from '../sandbox/openSockets';
import { admitSession } from '../sandbox/listeners';
import { domainOf, Greylist } from '../sandbox/policy';
import { smtpServerOptions } from '../sandbox/sandbox';
import { LiveSessions } from '../sandbox/sessions';
import { delayCommands, onEachConnection } from '../sandbox/smtpServerPatches';
import { StorageQuota } from '../sandbox/storageQuota';
import type { LabStore } from '../store/labStore';
import type { TlsMaterial } from '../tls/certificate';
import { mailHostHooks } from './hostHooks';
import type { EndpointPlan, HostEndpoint } from './hostEndpoints';
import { HopRegistry } from './hopRegistry';
import { domainsServedBy } from './hostPolicy';

export interface MailHostServersDeps {
	config: LabConfig;
	store: LabStore;
	tls: TlsMaterial;
	/** The lab's clock: the queue clock runs on it, and the tarpit's timers are set on it. */
	clock: Clock;
	queueClock: QueueClock;
	createAnnotator: (listener: ListenerName) => Annotator;
	/** The owners whose mailbox an address is (a DSN the host writes to a sandbox sender). */
	ownersOfAddress: (address: string) => string[];
	/** The outgoing queue: a mailing list's host hands its new messages to it. */
	outgoing: ListOutgoing;
	/** Each host's checks of SPF, DKIM and DMARC as an MX (issue 20). */
	authentication: MessageAuthentication;
}

interface RunningHost {
	row: MailHostRow;
	smtp: SMTPServer;
	server: net.Server;
}

/** The mx listener's row: a host is another domain's port 25. */
const MX = listenerRow('mx');

export class MailHostServers {
	readonly sessions: LiveSessions;
	/** The queue registers each hop's connection here before the host reads it. */
	readonly hops = new HopRegistry();
	#running: RunningHost[] = [];
	#endpoints = new Map<MailHostName, HostEndpoint>();
	#ownAddresses = true;
	/** Every accepted socket still open, so shutdown can close what the 421 did not. */
	readonly openSockets = new OpenSockets();

	constructor(readonly deps: MailHostServersDeps) {
		const { config, store } = deps;
		const sessions = new LiveSessions(deps);
		this.sessions = sessions;
		const quota = new StorageQuota(config, store);
		for (const row of MAIL_HOSTS) {
			if (row.role !== 'mx' || row.behaviour === 'down') continue;
			const tarpit = row.behaviour === 'tarpit' ? this.#tarpit : null;
			const lists =
				row.behaviour === 'list'
					? MAILING_LISTS.filter((list) => domainsServedBy(row.name).has(domainOf(list.address)))
					: null;
			const hooks = mailHostHooks({
				host: row,
				domains: domainsServedBy(row.name),
				config,
				store,
				sessions,
				delivery: lists
					? new ListDelivery(store, deps.ownersOfAddress, this.#listHost(row), deps.outgoing)
					: new Delivery(store, row.name, deps.ownersOfAddress),
				...(lists ? { lists: lists.map((list) => list.address) } : {}),
				quota,
				queueClock: deps.queueClock,
				greylist:
					row.behaviour === 'greylist' ? new Greylist(config.mailHostsGreylistSeconds) : null,
				tarpit,
				authentication: deps.authentication
			});
			const smtp = new SMTPServer(
				smtpServerOptions(MX, row.name, { config, tls: deps.tls, sessions }, hooks)
			);
			// Client resets and failed handshakes end one session, never the host.
			smtp.on('error', () => undefined);
			onEachConnection(smtp, (connection) => {
				adoptConnection(MX, connection, sessions);
				if (tarpit) delayCommands(connection, tarpit);
			});
			const server = net.createServer((socket) => this.#accept(row, smtp, socket));
			this.#running.push({ row, smtp, server });
		}
	}

	/** Where each host is reached: the address and port actually bound (the pages show it). */
	get endpoints(): ReadonlyMap<MailHostName, HostEndpoint> {
		return this.#endpoints;
	}

	/** A host's endpoint by its name (any case, a final dot ignored), as DNS names it. */
	endpointOf(name: string): HostEndpoint | undefined {
		return this.#endpoints.get(name.toLowerCase().replace(/\.$/, '') as MailHostName);
	}

	/** Each host at its own 127.0.0.N, or (where only 127.0.0.1 binds) all there on own ports. */
	get ownAddresses(): boolean {
		return this.#ownAddresses;
	}

	/**
	 * Binds each running host at its planned endpoint. Port 0 becomes the port the system chose;
	 * a host where nothing listens (down, or the outgoing server, a client only) gets a free port
	 * at its address, so a connection there is refused.
	 */
	async listen(plan: EndpointPlan): Promise<void> {
		this.#ownAddresses = plan.ownAddresses;
		for (const [name, planned] of plan.endpoints) {
			const running = this.#running.find((host) => host.row.name === name);
			this.#endpoints.set(
				name,
				running
					? await bind(running, planned)
					: { address: planned.address, port: planned.port || (await freePort(planned.address)) }
			);
		}
	}

	/** Stops accepting, answers 421 to open sessions, then closes their sockets. */
	async close(): Promise<void> {
		const stopped = Promise.all(
			this.#running.map(
				({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))
			)
		);
		this.sessions.shutDown('Server shutting down');
		await new Promise((resolve) => setTimeout(resolve, this.sessions.size ? 50 : 0));
		this.openSockets.destroyAll();
		await stopped;
	}

	/** A list's host as its new messages' sender: its name, and the address its endpoint has. */
	#listHost(row: MailHostRow): ListHost {
		return {
			name: row.name,
			address: () => this.endpointOf(row.name)?.address ?? row.address
		};
	}

	/** A tarpit's wait: TARPIT_DELAY_SECONDS of queue time, in real time on the lab's clock. */
	#tarpit = (proceed: () => void): void => {
		const { clock, queueClock, config } = this.deps;
		clock.after(queueClock.realDuration(config.tarpitDelaySeconds * 1000), proceed);
	};

	async #accept(row: MailHostRow, smtp: SMTPServer, socket: net.Socket): Promise<void> {
		socket.on('error', () => undefined);
		this.openSockets.add(socket);
		const hop = await this.hops.resolve(socket.remoteAddress, socket.remotePort);
		if (socket.destroyed) return;
		const endpoint = this.#endpoints.get(row.name as MailHostName);
		admitSession(this.deps.config, this.sessions, smtp, socket, {
			spec: MX,
			clientAddress: (socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
			origin: hop ? 'queue' : 'external',
			owners: hop?.owners ?? [],
			host: { name: row.name, address: endpoint?.address ?? '', port: endpoint?.port ?? 0 },
			...(hop ? { journeyId: hop.journeyId, skippedMs: hop.skippedMs } : {})
		});
	}
}

/** An error binding a host's endpoint, with which host and where (lab.ts words it). */
export interface HostBindError extends NodeJS.ErrnoException {
	host: string;
	address: string;
	port: number;
}

function bind({ row, server }: RunningHost, planned: HostEndpoint): Promise<HostEndpoint> {
	return new Promise((resolve, reject) => {
		const onError = (err: NodeJS.ErrnoException) =>
			reject(Object.assign(err, { host: row.name, ...planned }));
		server.once('error', onError);
		server.listen(planned.port, planned.address, () => {
			server.off('error', onError);
			resolve({ address: planned.address, port: (server.address() as net.AddressInfo).port });
		});
	});
}

/** A port free at the address now: bound, read, released. */
async function freePort(address: string): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, address, () => resolve());
	});
	const { port } = server.address() as net.AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}
