/**
 * The WebSocket bridge at /ws: browsers open real SMTP sessions through it, watch any session
 * live, and follow the lists of sessions and messages. Messages are validated against the
 * shared schema (src/lib/messages.ts); a bad one gets an `error` reply and the socket stays up.
 *
 * This class wires its parts: the upgrade gate (who may connect), the peers (each connected
 * browser and what is written to it), the ownership of live sessions, and the fan-out to
 * watchers.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type {
	ClientMessage,
	ListenerName,
	MessageSummary,
	SessionEvent,
	SessionSummary
} from '../../src/lib/messages';
import type { ClassBusTransport } from '../classes/classBus';
import type { ClassDirectory } from '../classes/classDirectory';
import { ClassExercises } from '../classes/classExercises';
import { ClassLive } from '../classes/classLive';
import type { ClientAddressRule } from '../clientAddress';
import type { Clock } from '../clock';
import type { LabConfig } from '../config';
import type { OwnerDirectory } from '../owners/ownerDirectory';
import type { VisibilityRule } from '../owners/visibility';
import type { ClientAddressRegistry } from '../sandbox/clientAddresses';
import type { LabStore, StoredMessage } from '../store/labStore';
import type { MessageView } from '../store/messageView';
import { DnsWatchers, type DnsFeed } from './dnsWatchers';
import type { JourneySource } from '../queue/journeyAccess';
import { FanOut } from './fanOut';
import { JourneyWatch } from './journeyWatch';
import type { LoopbackSession, LoopbackTarget } from './loopbackSession';
import { SessionOwnership } from './ownership';
import { Peers, type Peer } from './peers';
import { UpgradeGate } from './upgradeGate';

export { WATCHER_FLUSH_SLICE } from './peers';

export interface BridgeDeps {
	config: LabConfig;
	clock: Clock;
	store: LabStore;
	clients: ClientAddressRegistry;
	/** Whose request an upgrade is (TRUST_PROXY). */
	clientAddress: ClientAddressRule;
	owners: OwnerDirectory;
	visibility: VisibilityRule;
	/** Who is in which class (the class channel: presence, follow, roster, spotlight). */
	classes: Pick<ClassDirectory, 'membership'>;
	target: (listener: ListenerName) => LoopbackTarget;
	/** The lab's parsed view of a stored message (the exercise checks read its headers and parts). */
	messageView(stored: StoredMessage): Promise<MessageView>;
	/** The outgoing queue and its clock, for watch-journey (issue 17); absent: no queue runs. */
	journeys?: JourneySource;
	/** The sandbox DNS's lookups, live for /dns (server/bridge/dnsWatchers.ts). */
	dns: DnsFeed;
	/** Instances sharing one store (issue 21): the class channel's pages on the others. */
	classBus?: ClassBusTransport | null;
}

export class Bridge {
	readonly #gate: UpgradeGate;
	readonly #peers: Peers;
	readonly #ownership: SessionOwnership;
	readonly #fanOut: FanOut;
	readonly #classLive: ClassLive;
	readonly #classExercises: ClassExercises;
	readonly #dnsWatchers: DnsWatchers;
	readonly #journeys: JourneyWatch | null;
	readonly #unsubscribe: () => void;

	constructor(readonly deps: BridgeDeps) {
		this.#ownership = new SessionOwnership(deps);
		this.#fanOut = new FanOut(deps.store, deps.visibility, (sessionId) =>
			this.#ownership.ownerOf(sessionId)
		);
		this.#classExercises = new ClassExercises({
			store: deps.store,
			clock: deps.clock,
			membership: (ownerId) => deps.classes.membership(ownerId),
			messageView: deps.messageView,
			rosterChanged: (classId) => this.#classLive.studentsChanged(classId)
		});
		this.#classLive = new ClassLive({
			store: deps.store,
			clock: deps.clock,
			membership: (ownerId) => deps.classes.membership(ownerId),
			exercisesOf: (student) => this.#classExercises.progressNow(student),
			bus: deps.classBus
		});
		this.#dnsWatchers = new DnsWatchers(deps.dns);
		this.#journeys = deps.journeys
			? new JourneyWatch(deps.journeys, deps.store, deps.visibility)
			: null;
		this.#peers = new Peers(deps.config, deps.clock, {
			message: (peer, message) => this.#handle(peer, message),
			gone: (peer) => {
				this.#fanOut.drop(peer);
				this.#ownership.release(peer);
				this.#classLive.gone(peer);
				this.#classExercises.gone(peer);
				this.#journeys?.drop(peer);
				this.#dnsWatchers.drop(peer);
			}
		});
		this.#gate = new UpgradeGate(deps.config, deps.clientAddress, (ws, req, address) =>
			this.#classLive.connected(
				this.#peers.accept(ws, req, address, deps.owners.viewerOfCookieHeader(req.headers.cookie))
			)
		);
		this.#unsubscribe = this.#follow(deps.store);
	}

	/** The connected browsers. */
	get clients(): ReadonlySet<Peer> {
		return this.#peers.connected;
	}

	/** Live browser sessions by session id, including ones waiting for their browser to return. */
	get sessions(): ReadonlyMap<string, LoopbackSession> {
		return this.#ownership.sessions;
	}

	/** Classes live: what members' pages show, followers, the roster (server/classes/classLive.ts). */
	get classLive(): ClassLive {
		return this.#classLive;
	}

	/** A class's handouts and each student's checklist (server/classes/classExercises.ts). */
	get classExercises(): ClassExercises {
		return this.#classExercises;
	}

	/** Handles an HTTP upgrade if it is ours; returns false for other paths (Vite's HMR socket). */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
		return this.#gate.handleUpgrade(req, socket, head);
	}

	/** Says 1001 "going away" to every browser (they reconnect when the server is back). */
	async close(): Promise<void> {
		this.#unsubscribe();
		this.#classLive.close();
		this.#classExercises.close();
		this.#journeys?.close();
		this.#dnsWatchers.close();
		this.#ownership.close();
		await this.#peers.close();
		this.#gate.close();
	}

	#handle(peer: Peer, message: ClientMessage): void {
		switch (message.type) {
			case 'open':
				return this.#ownership.open(peer, message.listener);
			case 'input':
				return this.#ownership.input(peer, message.data);
			case 'close':
				return this.#ownership.closeOwned(peer);
			case 'resume':
				return this.#ownership.resume(peer, message.sessionId, message.resumeToken);
			case 'watch':
				return this.#fanOut.watch(peer, message.sessionId, message.since ?? 0);
			case 'unwatch':
				return this.#fanOut.unwatch(peer, message.sessionId);
			case 'watch-all':
				return this.#fanOut.watchAll(peer);
			case 'class-presence':
				return this.#classLive.presence(peer, message);
			case 'follow-class':
				return this.#classLive.follow(peer);
			case 'watch-class':
				return this.#classLive.watchClass(peer);
			case 'spotlight':
				return this.#classLive.spotlight(peer, message.sessionId);
			case 'watch-exercises':
				return this.#classExercises.watch(peer);
			case 'watch-journey':
				if (!this.#journeys)
					return peer.send({ type: 'error', message: 'the outgoing queue is not running' });
				return this.#journeys.watch(peer, message.id);
			case 'watch-dns':
				return this.#dnsWatchers.watch(peer);
		}
	}

	#follow(store: LabStore): () => void {
		const onEvent = (sessionId: string, event: SessionEvent) => {
			this.#ownership.eventRecorded(sessionId, event);
			this.#fanOut.eventRecorded(sessionId, event);
			this.#classLive.eventRecorded(sessionId);
			const owners = store.sessions.get(sessionId)?.owners;
			if (owners?.length) this.#classExercises.workChanged(owners);
		};
		// Fan-out first: it leaves the owner out, and the owner is forgotten once its session ends.
		const onSession = (session: SessionSummary) => {
			this.#fanOut.sessionChanged(session);
			this.#ownership.sessionChanged(session);
			this.#classLive.sessionChanged(session);
			const owners = store.sessions.get(session.id)?.owners;
			if (owners?.length) this.#classExercises.workChanged(owners);
		};
		const onMessage = (message: MessageSummary) => {
			this.#fanOut.messageAdded(message);
			const owners = store.messages.get(message.id)?.owners;
			if (owners?.length) this.#classExercises.workChanged(owners);
		};
		const onCleared = (what: 'sessions' | 'messages') => this.#fanOut.cleared(what);
		const onRemoved = (what: 'session' | 'message', id: string, deleted: boolean) => {
			this.#fanOut.removed(what, id, deleted);
			this.#classExercises.workRemoved();
		};
		const onClassEnded = (classId: string) => {
			this.#classLive.classEnded(classId);
			this.#classExercises.classEnded(classId);
		};
		const onClassChanged = (classId: string) => this.#classLive.classChanged(classId);
		store.on('event', onEvent);
		store.on('session', onSession);
		store.on('message', onMessage);
		store.on('cleared', onCleared);
		store.on('removed', onRemoved);
		store.on('classEnded', onClassEnded);
		store.on('classChanged', onClassChanged);
		return () => {
			store.off('event', onEvent);
			store.off('session', onSession);
			store.off('message', onMessage);
			store.off('cleared', onCleared);
			store.off('removed', onRemoved);
			store.off('classEnded', onClassEnded);
			store.off('classChanged', onClassChanged);
		};
	}
}
