/**
 * The one interface SvelteKit's routes have to the running lab (issue 12 §7). The lab registers
 * it on globalThis under LAB_API_KEY (server/lab.ts); routes reach it through
 * src/lib/server/labAccess.ts and import from server/ nothing but types, so server code
 * (nodemailer, smtp-server, sockets) never lands in the Kit bundle. A unit test checks that.
 */
import type { Example } from '../src/lib/examples/types';
import type { MessageSummary, SessionEvent, SessionSummary } from '../src/lib/messages';
import { AnnotateGate } from '../src/lib/server/annotateGate';
import { OperatorGate } from '../src/lib/server/operatorGate';
import type { OperatorOverview } from '../src/lib/operator';
import type { LabConfig } from './config';
import type { Credentials } from './owners/ownerDirectory';
import { sameText } from './owners/ownerCookie';
import { personalDomain } from './owners/ownerNames';
import type { Viewer } from './owners/visibility';
import { composeExample, type ComposedExample } from './examples/compose';
import type { Lab, ListenerInfo } from './lab';
import type { StoredMessage } from './store/labStore';
import type { MessageView } from './store/messageView';

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
>;

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
	/** Sessions and messages survive a restart (DATA_DIR is set); otherwise memory only. */
	durable: boolean;
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
	/** The operator clears every ended session; anyone else lets go of their own. Returns how many. */
	clearSessions(viewer: Viewer): number;
	messages(viewer: Viewer): MessageSummary[];
	message(viewer: Viewer, id: string): StoredMessage | undefined;
	/** The parsed view of a stored message, made on first look and kept with it. */
	messageView(stored: StoredMessage): Promise<MessageView>;
	clearMessages(viewer: Viewer): number;
	/** An example's messages, composed with nodemailer's MailComposer. */
	composeExample(example: Example): Promise<ComposedExample>;
	/** Admission to POST /api/annotate per client address (concurrency and rate). */
	readonly annotateGate: AnnotateGate;
}

export function createLabApi(lab: Lab): LabApi {
	const { config, store, visibility, owners } = lab;
	return {
		settings: {
			greylistSeconds: config.greylistSeconds,
			maxMessageBytes: config.maxMessageBytes,
			smtpHost: config.smtpHost,
			maxAnnotateBytes: config.maxAnnotateBytes,
			maxAnnotateLines: config.maxAnnotateLines,
			annotateConcurrentPerAddress: config.annotateConcurrentPerAddress,
			annotateRequestsPerMinute: config.annotateRequestsPerMinute,
			visibility: config.visibility
		},
		health: () => ({
			uptimeSeconds: Math.round((Date.now() - lab.startedAt) / 1000),
			listeners: lab.listeners(),
			smtpHost: config.smtpHost,
			durable: config.dataDir !== null,
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
						.map((stored) => stored.summary)
						.reverse(),
		session: (viewer, id) => {
			const stored = store.sessions.get(id);
			return stored && visibility.session(viewer, stored)
				? { summary: stored.summary, events: stored.events }
				: undefined;
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
		composeExample,
		annotateGate: new AnnotateGate({
			concurrentPerAddress: config.annotateConcurrentPerAddress,
			requestsPerMinute: config.annotateRequestsPerMinute
		})
	};
}
