/**
 * The one interface SvelteKit's routes have to the running lab (issue 12 §7). The lab registers
 * it on globalThis under LAB_API_KEY (server/lab.ts); routes reach it through
 * src/lib/server/labAccess.ts and import from server/ nothing but types, so server code
 * (nodemailer, smtp-server, sockets) never lands in the Kit bundle. A unit test checks that.
 */
import type { Example } from '../src/lib/examples/types';
import type { MessageSummary, SessionEvent, SessionSummary } from '../src/lib/messages';
import { AnnotateGate } from '../src/lib/server/annotateGate';
import type { LabConfig } from './config';
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
>;

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
	sessions(): SessionSummary[];
	/** A session as everyone but its owner sees it (credentials masked). */
	session(id: string): { summary: SessionSummary; events: readonly SessionEvent[] } | undefined;
	clearSessions(): void;
	messages(): MessageSummary[];
	message(id: string): StoredMessage | undefined;
	/** The parsed view of a stored message, made on first look and kept with it. */
	messageView(stored: StoredMessage): Promise<MessageView>;
	clearMessages(): void;
	/** An example's messages, composed with nodemailer's MailComposer. */
	composeExample(example: Example): Promise<ComposedExample>;
	/** Admission to POST /api/annotate per client address (concurrency and rate). */
	readonly annotateGate: AnnotateGate;
}

export function createLabApi(lab: Lab): LabApi {
	const { config, store } = lab;
	return {
		settings: {
			greylistSeconds: config.greylistSeconds,
			maxMessageBytes: config.maxMessageBytes,
			smtpHost: config.smtpHost,
			maxAnnotateBytes: config.maxAnnotateBytes,
			maxAnnotateLines: config.maxAnnotateLines,
			annotateConcurrentPerAddress: config.annotateConcurrentPerAddress,
			annotateRequestsPerMinute: config.annotateRequestsPerMinute
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
		sessions: () => store.listSessions(),
		session: (id) => {
			const stored = store.sessions.get(id);
			return stored && { summary: stored.summary, events: stored.events };
		},
		clearSessions: () => store.clearSessions(),
		messages: () => store.listMessages(),
		message: (id) => store.messages.get(id),
		messageView: (stored) => lab.messageView(stored),
		clearMessages: () => store.clearMessages(),
		composeExample,
		annotateGate: new AnnotateGate({
			concurrentPerAddress: config.annotateConcurrentPerAddress,
			requestsPerMinute: config.annotateRequestsPerMinute
		})
	};
}
