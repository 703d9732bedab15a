/**
 * The one interface SvelteKit's routes have to the running lab (issue 12 §7). The lab registers
 * it on globalThis under LAB_API_KEY (server/lab.ts); routes reach it through
 * src/lib/server/labAccess.ts and import from server/ nothing but types, so server code
 * (nodemailer, smtp-server, sockets) never lands in the Kit bundle. A unit test checks that.
 */
import type { Example } from '../src/lib/examples/types';
import type { MessageSummary, SessionEvent, SessionSummary } from '../src/lib/messages';
import { sharePath, type ShareKind, type ShareLink, type Standing } from '../src/lib/shareLinks';
import { AnnotateGate } from '../src/lib/server/annotateGate';
import { OperatorGate } from '../src/lib/server/operatorGate';
import type { OperatorOverview } from '../src/lib/operator';
import type { LabConfig } from './config';
import { createClassApi, type ClassApi } from './classes/classApi';
import { OwnerDirectory, type Credentials } from './owners/ownerDirectory';
import { sameText } from './owners/ownerCookie';
import type { Share } from './owners/owner';
import { personalDomain } from './owners/ownerNames';
import type { Viewer } from './owners/visibility';
import { composeExample, type ComposedExample } from './examples/compose';
import type { Lab, ListenerInfo } from './lab';
import { createJourneyApi, type JourneyApi } from './queue/journeyAccess';
import { createZoneApi, type ZoneApi } from './dns/zoneApi';
import type { StoredMessage } from './store/labStore';
import type { MessageView } from './store/messageView';
import type { WireView } from '../src/lib/wire/wireRecords';

export const LAB_API_KEY = Symbol.for('smtp-lab.api');

/** The settings routes quote or enforce. */
export type LabSettings = Pick<
	LabConfig,
	| 'greylistSeconds'
	| 'maxMessageBytes'
	| 'smtpHost'
	| 'maxAnnotateBytes'
	| 'maxAnnotateLines'
	| 'annotateConcurrentPerAddress'
	| 'annotateRequestsPerMinute'
	| 'visibility'
	| 'maxSharesPerOwner'
>;

/** What POST …/share got: the new link, or why there is none. */
export type ShareResult =
	| { link: ShareLink }
	/** Not the viewer's own (or no such thing): answered as if it did not exist. */
	| { refused: 'not yours' }
	/** The viewer already holds MAX_SHARES_PER_OWNER links. */
	| { refused: 'too many' };

/** An owner's personal sandbox: shown to that owner only (/connect). */
export interface PersonalSandbox {
	/** The submission user name (`quiet-otter-42`). */
	user: string;
	password: string;
	/** Mail to any address here is this owner's (`quiet-otter-42.test`). */
	domain: string;
}

export interface HealthReport {
	uptimeSeconds: number;
	listeners: ListenerInfo[];
	/** Where the SMTP listeners are bound: /connect warns when it is loopback only. */
	smtpHost: string;
	/** Where the sandbox DNS listens (DNS_HOST, its bound port; UDP and TCP): /dns quotes dig. */
	dns: { host: string; port: number };
	/** Sessions and messages survive a restart (in DATA_DIR); false with DATA_DIR=memory. */
	durable: boolean;
	/** RETENTION_HOURS: ended sessions and messages are deleted this long after (retention.ts). */
	retentionHours: number;
	tls: { fingerprint256: string; selfSigned: boolean };
	sessions: number;
	liveSessions: number;
	messages: number;
	storedBytes: number;
}

export interface LabApi {
	readonly settings: Readonly<LabSettings>;
	health(): HealthReport;
	/**
	 * Who a request is (server/owners/): its owner cookie, the operator's cookie or bearer token.
	 * Without a valid owner cookie, a new owner whose cookie is `newOwnerCookie`.
	 */
	access(credentials: Credentials): { viewer: Viewer; newOwnerCookie: string | null };
	/** An Authorization header carrying the operator token (`Bearer <token>`). */
	isOperatorBearer(authorization: string | null): boolean;
	/** The operator cookie's value for the right token (compared in constant time), else null. */
	operatorSignIn(token: string): string | null;
	operatorOverview(): OperatorOverview;
	/** Wrong operator tokens per client address (OPERATOR_TOKEN_FAILURES_PER_MINUTE). */
	readonly operatorGate: OperatorGate;
	/** The viewer's personal login and domain, made on first use. */
	personalSandbox(viewer: Viewer): PersonalSandbox;
	/** What the viewer may see (server/owners/visibility.ts), newest first. */
	sessions(viewer: Viewer): SessionSummary[];
	/** A session as everyone but its owner sees it (credentials masked); undefined if not visible. */
	session(
		viewer: Viewer,
		id: string
	): { summary: SessionSummary; events: readonly SessionEvent[] } | undefined;
	/**
	 * What the sandbox's tap counted on a session's wire, with the session's visibility; undefined
	 * if the session is not visible. Untapped: forgotten (WIRE_TAPS_KEPT), before a restart, or off.
	 */
	wire(viewer: Viewer, id: string): WireView | undefined;
	/** The operator clears every ended session; anyone else lets go of their own. Returns how many. */
	clearSessions(viewer: Viewer): number;
	messages(viewer: Viewer): MessageSummary[];
	message(viewer: Viewer, id: string): StoredMessage | undefined;
	/** The parsed view of a stored message, made on first look and kept with it. */
	messageView(stored: StoredMessage): Promise<MessageView>;
	clearMessages(viewer: Viewer): number;
	/**
	 * Whether a session or message the viewer can see is theirs, or read through a share link
	 * they opened. Says nothing about who else owns it.
	 */
	standing(viewer: Viewer, kind: ShareKind, id: string): Standing;
	/** A new read-only link to the viewer's own session or message (in every VISIBILITY mode). */
	share(viewer: Viewer, kind: ShareKind, id: string): ShareResult;
	/** The viewer's links to their own item, oldest first; undefined when it is not theirs. */
	sharesOf(viewer: Viewer, kind: ShareKind, id: string): ShareLink[] | undefined;
	/** Revokes a link: its owner's, or any for the operator. False when there is no such link. */
	revokeShare(viewer: Viewer, token: string): boolean;
	/**
	 * The viewer opened a share link: from now on they may read what it shares (until it is
	 * revoked). Undefined for an unknown or revoked token.
	 */
	redeemShare(viewer: Viewer, token: string): { kind: ShareKind; itemId: string } | undefined;
	/** An example's messages, composed with nodemailer's MailComposer. */
	composeExample(example: Example): Promise<ComposedExample>;
	/** Admission to POST /api/annotate per client address (concurrency and rate). */
	readonly annotateGate: AnnotateGate;
	/** Classes (issue 15): one method per route under /api/classes. */
	readonly classes: ClassApi;
	/** Journeys through the outgoing queue (issue 17): /api/journeys/<id>, its fast-forward. */
	readonly journeys: JourneyApi;
	/** Zone editing (issue 20): one method per route under /api/dns. */
	readonly zones: ZoneApi;
}

/** A share as its owner sees it: the owner's id stays on the server. */
function shareLink(share: Share): ShareLink {
	return {
		token: share.token,
		kind: share.kind,
		itemId: share.itemId,
		url: sharePath(share.token),
		createdAt: share.createdAt
	};
}

export function createLabApi(lab: Lab): LabApi {
	const { config, store, visibility, owners } = lab;
	const item = (kind: ShareKind, id: string) =>
		kind === 'session' ? store.sessions.get(id) : store.messages.get(id);
	const owned = (viewer: Viewer, kind: ShareKind, id: string) => {
		const stored = item(kind, id);
		return stored !== undefined && visibility.owns(viewer, stored);
	};
	return {
		settings: {
			greylistSeconds: config.greylistSeconds,
			maxMessageBytes: config.maxMessageBytes,
			smtpHost: config.smtpHost,
			maxAnnotateBytes: config.maxAnnotateBytes,
			maxAnnotateLines: config.maxAnnotateLines,
			annotateConcurrentPerAddress: config.annotateConcurrentPerAddress,
			annotateRequestsPerMinute: config.annotateRequestsPerMinute,
			visibility: config.visibility,
			maxSharesPerOwner: config.maxSharesPerOwner
		},
		health: () => ({
			uptimeSeconds: Math.round((Date.now() - lab.startedAt) / 1000),
			listeners: lab.listeners(),
			smtpHost: config.smtpHost,
			dns: { host: lab.dns.host, port: lab.dns.port },
			durable: config.dataDir !== null,
			retentionHours: config.retentionHours,
			tls: { fingerprint256: lab.tls.fingerprint256, selfSigned: lab.tls.selfSigned },
			sessions: store.sessions.size,
			liveSessions: lab.sandbox.sessions.size,
			messages: store.messages.size,
			storedBytes: store.storedBytes
		}),
		access: (credentials) => owners.viewer(credentials),
		isOperatorBearer: (authorization) => owners.isOperatorBearer(authorization),
		operatorSignIn: (token) =>
			sameText(token, owners.operatorToken) ? owners.signer.operatorCookie(token) : null,
		operatorOverview: () => {
			const known = new Set(store.owners.keys());
			for (const stored of [...store.sessions.values(), ...store.messages.values()])
				for (const id of stored.owners) known.add(id);
			let ended = 0;
			for (const stored of store.sessions.values()) if (stored.summary.endedAt !== null) ended++;
			return {
				sessions: store.sessions.size,
				endedSessions: ended,
				liveSessions: lab.sandbox.sessions.size,
				messages: store.messages.size,
				owners: known.size
			};
		},
		operatorGate: new OperatorGate(config.operatorTokenFailuresPerMinute),
		personalSandbox: (viewer) => {
			const owner = owners.owner(viewer.ownerId);
			return { user: owner.name, password: owner.password, domain: personalDomain(owner.name) };
		},
		sessions: (viewer) =>
			visibility.seesAll(viewer)
				? store.listSessions()
				: [...store.sessions.values()]
						.filter((stored) => visibility.session(viewer, stored))
						.map((stored) => visibility.summaryFor(viewer, stored))
						.reverse(),
		session: (viewer, id) => {
			const stored = store.sessions.get(id);
			return stored && visibility.session(viewer, stored)
				? { summary: visibility.summaryFor(viewer, stored), events: stored.events }
				: undefined;
		},
		wire: (viewer, id) => {
			const stored = store.sessions.get(id);
			if (!stored || !visibility.session(viewer, stored)) return undefined;
			const tap = stored.wireTap;
			return typeof tap === 'string'
				? { untapped: tap, records: [], dropped: 0 }
				: { untapped: null, records: [...tap.records], dropped: tap.dropped };
		},
		clearSessions: (viewer) => {
			if (viewer.operator) {
				const before = store.sessions.size;
				store.clearSessions();
				return before - store.sessions.size;
			}
			let released = 0;
			for (const [id, stored] of [...store.sessions])
				if (stored.summary.endedAt !== null && store.releaseSession(id, viewer.ownerId)) released++;
			return released;
		},
		messages: (viewer) =>
			visibility.seesAll(viewer)
				? store.listMessages()
				: [...store.messages.values()]
						.filter((stored) => visibility.message(viewer, stored))
						.map((stored) => stored.summary)
						.reverse(),
		message: (viewer, id) => {
			const stored = store.messages.get(id);
			return stored && visibility.message(viewer, stored) ? stored : undefined;
		},
		messageView: (stored) => lab.messageView(stored),
		clearMessages: (viewer) => {
			if (viewer.operator) {
				const before = store.messages.size;
				store.clearMessages();
				return before;
			}
			let released = 0;
			for (const id of [...store.messages.keys()])
				if (store.releaseMessage(id, viewer.ownerId)) released++;
			return released;
		},
		standing: (viewer, kind, id) => {
			const session = kind === 'session' ? store.sessions.get(id) : undefined;
			const message = kind === 'message' ? store.messages.get(id) : undefined;
			const stored = session ?? message;
			const mine = stored !== undefined && visibility.owns(viewer, stored);
			const shared =
				(session !== undefined && visibility.sessionShared(viewer, session)) ||
				(message !== undefined && visibility.messageShared(viewer, message));
			return { mine, sharedWithYou: !mine && shared };
		},
		share: (viewer, kind, id) => {
			if (!owned(viewer, kind, id)) return { refused: 'not yours' };
			let held = 0;
			for (const share of store.shares.values()) if (share.ownerId === viewer.ownerId) held++;
			if (held >= config.maxSharesPerOwner) return { refused: 'too many' };
			const share: Share = {
				token: OwnerDirectory.newToken(),
				kind,
				itemId: id,
				ownerId: viewer.ownerId,
				createdAt: Date.now()
			};
			store.addShare(share);
			return { link: shareLink(share) };
		},
		sharesOf: (viewer, kind, id) =>
			owned(viewer, kind, id)
				? [...store.shares.values()]
						.filter(
							(share) =>
								share.ownerId === viewer.ownerId && share.kind === kind && share.itemId === id
						)
						.map(shareLink)
				: undefined,
		revokeShare: (viewer, token) => {
			const share = store.shares.get(token);
			if (!share || (share.ownerId !== viewer.ownerId && !viewer.operator)) return false;
			store.deleteShare(token);
			return true;
		},
		redeemShare: (viewer, token) => {
			const share = store.shares.get(token);
			// The store drops a share with its item; one whose maker let go of it opens nothing.
			const stored = share && item(share.kind, share.itemId);
			if (!share || !stored || !visibility.inForce(share, stored)) return undefined;
			store.addGrant(viewer.ownerId, token);
			return { kind: share.kind, itemId: share.itemId };
		},
		composeExample,
		annotateGate: new AnnotateGate({
			concurrentPerAddress: config.annotateConcurrentPerAddress,
			requestsPerMinute: config.annotateRequestsPerMinute
		}),
		classes: createClassApi(lab.classes, store, owners, lab.bridge, config),
		zones: createZoneApi({ zone: lab.dns.zone, store, owners, classes: lab.classes, config }),
		// A journey is visible exactly when its submitted message is.
		journeys: createJourneyApi(
			{ queue: lab.queue, queueClock: lab.queueClock, forward: lab.journeyForward },
			(viewer, id) => {
				const stored = store.messages.get(id);
				return stored && visibility.message(viewer, stored) ? stored : undefined;
			}
		)
	};
}
