import { EventEmitter } from 'node:events';
import type { MessageView } from './messageView';
import type {
	Annotation,
	MessageSummary,
	SessionEvent,
	SessionSummary
} from '../../src/lib/messages';

export interface StoredSession {
	summary: SessionSummary;
	events: SessionEvent[];
	/** Unmasked credential lines, by seq: shown only to the browser that owns the session. */
	secrets: Map<number, { text: string; annotation: Annotation }>;
}

export interface StoredMessage {
	summary: MessageSummary;
	/** The exact bytes received after the end of DATA, dots un-stuffed. */
	raw: Buffer;
	/** Trace fields the sandbox prepends to the delivered copy (Return-Path, Received). */
	trace: string;
	/** The parsed view, made on first look (see messageView.ts). */
	view?: Promise<MessageView>;
}

export interface StoreLimits {
	maxStoredSessions: number;
	maxStoredMessages: number;
	maxStoredBytes: number;
	maxEventsPerSession: number;
}

export interface StoreEvents {
	session: [SessionSummary];
	event: [string, SessionEvent];
	message: [MessageSummary];
	cleared: ['sessions' | 'messages'];
}

/**
 * The bounded in-memory store of sessions and messages. Oldest entries are evicted past the
 * counts or the byte total; a session keeps at most `maxEventsPerSession` events and says so
 * with one final system event when it stops keeping them.
 */
export class LabStore extends EventEmitter<StoreEvents> {
	readonly sessions = new Map<string, StoredSession>();
	readonly messages = new Map<string, StoredMessage>();
	#messageBytes = 0;

	constructor(readonly limits: StoreLimits) {
		super();
		// Every watcher and API reader subscribes; the default cap of 10 would warn falsely.
		this.setMaxListeners(0);
	}

	get storedBytes(): number {
		return this.#messageBytes;
	}

	addSession(summary: SessionSummary): StoredSession {
		const stored: StoredSession = { summary, events: [], secrets: new Map() };
		this.sessions.set(summary.id, stored);
		this.#evictSessions();
		this.emit('session', summary);
		return stored;
	}

	/**
	 * Appends an event, numbering it (the store owns `seq`: the event's own is overwritten);
	 * returns null once the session's event budget is spent.
	 */
	appendEvent(
		sessionId: string,
		event: SessionEvent,
		secret?: { text: string; annotation: Annotation }
	): SessionEvent | null {
		const stored = this.sessions.get(sessionId);
		if (!stored || stored.summary.truncated) return null;
		const seq = stored.events.length + 1;
		let full = event;
		full.seq = seq;
		if (seq >= this.limits.maxEventsPerSession) {
			stored.summary.truncated = true;
			full = {
				seq,
				at: event.at,
				dir: 'system',
				kind: 'truncated',
				text: `Recording stopped: this session reached ${this.limits.maxEventsPerSession} events (MAX_EVENTS_PER_SESSION). The SMTP session itself goes on.`,
				anomalies: ['truncated'],
				annotation: {
					title: 'Transcript truncated',
					summary: 'The recorder keeps a bounded number of lines per session.'
				}
			};
		}
		stored.events.push(full);
		if (secret !== undefined) stored.secrets.set(seq, secret);
		stored.summary.eventCount = stored.events.length;
		this.emit('event', sessionId, full);
		return full;
	}

	updateSession(sessionId: string, change: Partial<SessionSummary>): void {
		const stored = this.sessions.get(sessionId);
		if (!stored) return;
		Object.assign(stored.summary, change);
		this.emit('session', stored.summary);
	}

	addMessage(message: StoredMessage): void {
		this.messages.set(message.summary.id, message);
		this.#messageBytes += message.raw.length + message.trace.length;
		const session = message.summary.sessionId
			? this.sessions.get(message.summary.sessionId)
			: undefined;
		// No 'session' change is emitted: watchers learn of the message (it names its session),
		// and re-sending a summary whose id list grows with every message would cost O(n²).
		if (session) session.summary.messageIds.push(message.summary.id);
		this.#evictMessages();
		this.emit('message', message.summary);
	}

	/** Tells watchers that a stored message changed (for example, a bounce was sent for it). */
	touchMessage(id: string): void {
		const stored = this.messages.get(id);
		if (stored) this.emit('message', stored.summary);
	}

	listSessions(): SessionSummary[] {
		return [...this.sessions.values()].map((s) => s.summary).reverse();
	}

	listMessages(): MessageSummary[] {
		return [...this.messages.values()].map((m) => m.summary).reverse();
	}

	clearSessions(): void {
		for (const [id, stored] of this.sessions) {
			// Live sessions stay: their sockets are still open and a learner is typing in them.
			if (stored.summary.endedAt !== null) this.sessions.delete(id);
		}
		this.emit('cleared', 'sessions');
	}

	clearMessages(): void {
		this.messages.clear();
		this.#messageBytes = 0;
		this.emit('cleared', 'messages');
	}

	#evictSessions(): void {
		if (this.sessions.size <= this.limits.maxStoredSessions) return;
		for (const [id, stored] of this.sessions) {
			if (this.sessions.size <= this.limits.maxStoredSessions) break;
			if (stored.summary.endedAt !== null) this.sessions.delete(id);
		}
	}

	#evictMessages(): void {
		for (const [id, stored] of this.messages) {
			if (
				this.messages.size <= this.limits.maxStoredMessages &&
				this.#messageBytes <= this.limits.maxStoredBytes
			)
				break;
			this.messages.delete(id);
			this.#messageBytes -= stored.raw.length + stored.trace.length;
		}
	}
}
