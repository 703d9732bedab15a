import { EventEmitter } from 'node:events';
import { personalDomain } from '../owners/ownerNames';
import type { Owner, Share } from '../owners/owner';
import type { ClassRoom, Student } from '../classes/classRoom';
import { nicknameKey } from '../../src/lib/classes';
import type { MessageView } from './messageView';
import type { QueueRecord } from '../queue/queueRecord';
import type { WireTap } from '../sandbox/wireTap';
import type { UntappedReason } from '../../src/lib/wire/wireRecords';
import {
	isShared,
	storeBatch,
	type PersistedState,
	type StoreBatch,
	type StorePersistence
} from './persistence';
import type { ReaderAct } from '../../src/lib/mail/readerActs';
import type { ImapFolderRecord } from '../mailboxes/imapFolderRecord';
import type { TxtRecordRow } from '../../src/lib/auth/authDomains';
import { classDomain } from '../../src/lib/classes';
import { createAnnotator } from '../recorder/annotator';
import type { Annotator } from '../recorder/sessionRecorder';
import {
	persistedEvent,
	restoredEvents,
	type EventReading,
	type PersistedEvent
} from './persistedEvent';
import { eventBytes, StorageUsage } from './storageUsage';
import type {
	Annotation,
	MessageSummary,
	SessionEvent,
	SessionSummary
} from '../../src/lib/messages';

/**
 * One recorded session. While it is open, its events are kept as recorded; once it has ended,
 * only as the database keeps them (persistedEvent.ts: no annotation where the session annotator
 * gives it back), in one JSON text, and `events` annotates them again, in order, on each read.
 * Annotations were about half the memory an ended session held, and the event objects without
 * them most of the rest (bench/manySessions.ts); a lab keeps every session for RETENTION_HOURS,
 * and an ended one is read only when a page or the API asks for it.
 */
export class StoredSession {
	/** While open: every event in the database's form. */
	#persisted: PersistedEvent[] | null;
	/** Once ended: the same, as JSON. */
	#packed: string | null = null;
	/** The events as recorded, while the session is open. */
	#recorded: SessionEvent[] | null;
	#count: number;
	/** Bytes of the events' texts (what MAX_DB_BYTES counts of a transcript). */
	#textBytes = 0;
	/** Unmasked credential lines, by seq: shown only to the browser that owns the session. */
	readonly secrets = new Map<number, { text: string; annotation: Annotation }>();
	/**
	 * What the sandbox's tap counted on the wire, or why there is none; never persisted. Until
	 * the sandbox attaches one: a session loaded from the database was tapped by an earlier run.
	 */
	wireTap: WireTap | UntappedReason = 'restart';
	/**
	 * While open, for a session another instance records: the annotator that has read its events
	 * so far, so that each new one is annotated once (appendRemote).
	 */
	#annotator: Annotator | null = null;

	constructor(
		readonly summary: SessionSummary,
		/**
		 * Owner ids it is attributed to: the browser that opened it, the owner its AUTH names, the
		 * owners of its recipients' domains. Never sent to a browser.
		 */
		public owners: string[],
		persisted: PersistedEvent[] = []
	) {
		this.#persisted = persisted;
		this.#count = persisted.length;
		for (const event of persisted) this.#textBytes += eventBytes(event);
		if (summary.endedAt !== null) {
			// Loaded ended: annotated when first read, not at start.
			this.#recorded = null;
			this.ended();
		} else if (persisted.length) {
			this.#annotator = createAnnotator(summary.listener);
			this.#recorded = restoredEvents(this.#annotator, persisted);
		} else this.#recorded = [];
	}

	/** The events, annotated (for an ended session: annotated again, a new array each read). */
	get events(): SessionEvent[] {
		return (
			this.#recorded ??
			restoredEvents(createAnnotator(this.summary.listener), this.#persistedEvents())
		);
	}

	get eventCount(): number {
		return this.#count;
	}

	get textBytes(): number {
		return this.#textBytes;
	}

	/** `persisted` is `event` in the database's form. */
	append(event: SessionEvent, persisted: PersistedEvent): void {
		// Nothing is recorded after a session's end; should it be, the events are kept again.
		this.#recorded ??= this.events;
		this.#persisted ??= this.#persistedEvents();
		this.#packed = null;
		this.#recorded.push(event);
		this.#persisted.push(persisted);
		this.#count++;
		this.#textBytes += eventBytes(event);
	}

	/**
	 * An event another instance recorded, in the database's form: annotated by this session's
	 * annotator after the events before it, as that instance's recorder annotated it.
	 */
	appendRemote(persisted: PersistedEvent): SessionEvent {
		if (!this.#annotator) {
			// Its first remote event: the annotator reads what came before, once.
			this.#annotator = createAnnotator(this.summary.listener);
			restoredEvents(this.#annotator, this.#persistedEvents());
		}
		const [event] = restoredEvents(this.#annotator, [persisted]);
		this.append(event, persisted);
		return event;
	}

	/** The session has ended: its annotations are let go of, its events packed. */
	ended(): void {
		this.#annotator = null;
		if (this.#packed !== null) return;
		this.#packed = JSON.stringify(this.#persisted);
		this.#persisted = null;
		this.#recorded = null;
	}

	#persistedEvents(): PersistedEvent[] {
		return this.#persisted ?? (JSON.parse(this.#packed!) as PersistedEvent[]);
	}
}

export interface StoredMessage {
	summary: MessageSummary;
	/** The exact bytes received after the end of DATA, dots un-stuffed. */
	raw: Buffer;
	/** Trace fields the sandbox prepends to the delivered copy (Return-Path, Received). */
	trace: string;
	/** The parsed view, made on first look (see messageView.ts). */
	view?: Promise<MessageView>;
	/** Owner ids it is attributed to: its sender's and its recipients'. Never sent to a browser. */
	owners: string[];
}

export interface StoreLimits {
	maxEventsPerSession: number;
}

export interface StoreEvents {
	session: [SessionSummary];
	event: [string, SessionEvent];
	message: [MessageSummary];
	cleared: ['sessions' | 'messages'];
	/**
	 * An owner let go of a session or message; `deleted` when none is left, so it is gone (and
	 * always when retention expired it).
	 */
	removed: ['session' | 'message', string, boolean];
	/** A class ended (its teacher ended it, or its time was up): its id. */
	classEnded: [string];
	/** Another instance's batch changed a class or its students (applyRemote): the class's id. */
	classChanged: [string];
	/**
	 * Another instance saved a journey of its outgoing queue (null: deleted); applyRemote only,
	 * for this instance's queue to show it (server/queue/outgoingQueue.ts).
	 */
	queueRecord: [string, QueueRecord | null];
	/**
	 * Another instance saved an IMAP folder (null: deleted); applyRemote only, told before the
	 * batch's messages so this instance's folders (server/mailboxes/imapFolders.ts) are the
	 * writer's when its 'message' and 'removed' come: nothing is swept or numbered twice.
	 */
	imapFolder: [id: string, record: ImapFolderRecord | null];
}

/**
 * How long changes wait to be written together. Once per turn of the event loop cost a commit
 * (and a rewrite of each busy session's summary) for every command of every session: the
 * sandbox's server CPU per message nearly doubled in npm run bench. 100 ms of changes make one
 * transaction (at 10 ms the database thread spent a quarter more per message, on commits); a
 * crash loses at most those (a shutdown writes them).
 */
export const FLUSH_DELAY_MS = 100;

/** The end reason of a session that was open when the server stopped. */
export const RESTART_END_REASON = 'the server restarted while this session was open';

/**
 * The end reason of a session whose instance stopped (several instances sharing one database):
 * another instance ends it when it takes the stopped one's place (server/lab.ts).
 */
export const PEER_STOPPED_END_REASON = 'the instance serving this session stopped';

/**
 * The store of sessions and messages, read from memory. Nothing is evicted to make room: what
 * goes is what its owners let go of, what the operator clears, and what retention expired
 * (retention.ts); `usage` counts the bytes, and the sandbox refuses new mail past the quotas
 * (server/sandbox/storageQuota.ts) rather than deleting anyone's. A session keeps at most
 * `maxEventsPerSession` events and says so with one final system event when it stops keeping them.
 *
 * With a persistence (a database), it loads everything at start and queues every change; the
 * queue is written in one transaction at most every FLUSH_DELAY_MS, from a timer, never on the
 * SMTP reply path. Unmasked credentials (`secrets`) are never written: after a restart nobody
 * owns a session, so everyone sees the masked text.
 */
export class LabStore extends EventEmitter<StoreEvents> {
	readonly sessions = new Map<string, StoredSession>();
	readonly messages = new Map<string, StoredMessage>();
	/** The sessions holding a wire tap, oldest first (keepWireTap). */
	#tapped = new Set<string>();
	/** Owners by id, and by name (their submission user and personal domain). */
	readonly owners = new Map<string, Owner>();
	readonly #ownersByName = new Map<string, Owner>();
	/** Share links by token, and the tokens each owner has opened. */
	readonly shares = new Map<string, Share>();
	readonly grants = new Map<string, Set<string>>();
	/** Classes by id and by join code; the classes each owner teaches. */
	readonly classes = new Map<string, ClassRoom>();
	readonly #classesByCode = new Map<string, ClassRoom>();
	readonly #classesTaught = new Map<string, ClassRoom[]>();
	/** Students by owner id (an owner is a student of one class at most), and by nickname. */
	readonly students = new Map<string, Student>();
	readonly #studentsByNickname = new Map<string, Student>();
	/** The class of each former student (a released nickname's owner). */
	readonly #formerStudentOf = new Map<string, ClassRoom>();
	/** The outgoing queue's journeys as last saved, by id (server/queue/queueRecord.ts). */
	readonly queue = new Map<string, QueueRecord>();
	/** IMAP folders by id (server/mailboxes/imapFolders.ts), and subscribed names by folder space. */
	readonly imapFolders = new Map<string, ImapFolderRecord>();
	readonly imapSubscriptions = new Map<string, Set<string>>();
	/** TXT records owners wrote for their personal and class domains, by domain (lower case). */
	readonly #zoneTxt = new Map<string, TxtRecordRow[]>();
	/** Live sessions to delete when they end (LabStore.deleteWhenEnded). */
	readonly #deleteWhenEnded = new Set<string>();
	/** Bytes held, in total and per owner (the quotas read it). */
	readonly usage = new StorageUsage();
	#persistence: StorePersistence | null;
	#dirtySessions = new Set<string>();
	/** Changes not yet written; its sessions stay empty: flush adds the dirty ones as they are then. */
	#pending: StoreBatch = storeBatch();
	#flushScheduled = false;
	#writeFailing = false;
	/** The write under way: one at a time, so batches reach the database in order. */
	#writing: Promise<void> | null = null;

	constructor(
		readonly limits: StoreLimits,
		persistence: StorePersistence | null = null
	) {
		super();
		// Every watcher and API reader subscribes; the default cap of 10 would warn falsely.
		this.setMaxListeners(0);
		this.#persistence = persistence;
	}

	/** A store holding what `persistence` holds (the database is asynchronous in general). */
	static async open(limits: StoreLimits, persistence: StorePersistence): Promise<LabStore> {
		const store = new LabStore(limits, persistence);
		store.#hydrate(await persistence.load());
		return store;
	}

	/**
	 * Loads what the database held; sessions left open by the last run are closed, saying why.
	 * A database shared by several instances closes none: a live instance may be serving them,
	 * and the one that takes a stopped instance's place closes its (endStoppedPeerSession).
	 */
	#hydrate(state: PersistedState): void {
		const shared = isShared(this.#persistence);
		for (const owner of state.owners) this.#indexOwner(owner);
		for (const share of state.shares) this.shares.set(share.token, share);
		for (const { ownerId, token } of state.grants) this.#indexGrant(ownerId, token);
		for (const room of state.classes) this.#indexClass(room);
		for (const student of state.students) this.#indexStudent(student);
		for (const record of state.queue) this.queue.set(record.journey.id, record);
		for (const folder of state.imapFolders) this.imapFolders.set(folder.id, folder);
		for (const { space, name } of state.imapSubscriptions)
			this.#indexSubscription(space, name, true);
		for (const { domain, records } of state.zoneTxt) this.#zoneTxt.set(domain, records);
		for (const { summary, events: persisted, owners } of state.sessions) {
			const stored = new StoredSession(summary, owners, persisted);
			this.sessions.set(summary.id, stored);
			this.usage.addText(stored.textBytes);
			if (summary.endedAt !== null) continue;
			if (shared) stored.wireTap = 'elsewhere';
			else
				this.#endOpenSession(summary.id, RESTART_END_REASON, {
					title: 'Closed by a restart',
					summary:
						'The lab stopped while this connection was open; the connection did not survive it. Everything recorded up to then is kept.'
				});
		}
		for (const message of state.messages) {
			this.messages.set(message.summary.id, message);
			this.usage.addMessage(message);
		}
	}

	/**
	 * Applies a batch another instance wrote (SharedPersistence.follow), in memory only: nothing
	 * is queued for writing, it is written already. Watchers are told as for a change made here:
	 * the same events, plus 'queueRecord' for the journeys. Upserts and inserts come before the
	 * deletions, as the database applies them (ids are never reused).
	 */
	applyRemote(batch: StoreBatch): void {
		for (const owner of batch.newOwners) this.#indexOwner(owner);
		const eventsOf = new Map<string, PersistedEvent[]>();
		for (const { sessionId, event } of batch.events) {
			const events = eventsOf.get(sessionId);
			if (events) events.push(event);
			else eventsOf.set(sessionId, [event]);
		}
		const ownersOf = new Map(batch.sessionOwners.map((s) => [s.sessionId, s.owners]));
		const changed: [StoredSession, SessionSummary][] = [];
		for (const summary of batch.sessions) {
			const known = this.sessions.get(summary.id);
			if (known) {
				changed.push([known, summary]);
				continue;
			}
			// The id list is rebuilt link by link (messageLinks), as the database keeps it.
			const stored = new StoredSession(
				{ ...summary, messageIds: [] },
				[...(ownersOf.get(summary.id) ?? [])],
				eventsOf.get(summary.id) ?? []
			);
			eventsOf.delete(summary.id);
			stored.wireTap = 'elsewhere';
			this.sessions.set(summary.id, stored);
			this.usage.addText(stored.textBytes);
			this.emit('session', stored.summary);
			for (const event of stored.events) this.emit('event', summary.id, event);
		}
		for (const [sessionId, events] of eventsOf) {
			const stored = this.sessions.get(sessionId);
			if (!stored) continue;
			for (const persisted of events) {
				const event = stored.appendRemote(persisted);
				this.usage.addText(eventBytes(event));
				stored.summary.eventCount = stored.eventCount;
				this.emit('event', sessionId, event);
			}
		}
		for (const [stored, summary] of changed) {
			Object.assign(stored.summary, {
				...summary,
				messageIds: stored.summary.messageIds,
				eventCount: stored.eventCount
			});
			if (stored.summary.endedAt !== null) stored.ended();
			this.emit('session', stored.summary);
		}
		for (const { sessionId, index, messageId } of batch.messageLinks) {
			const stored = this.sessions.get(sessionId);
			if (stored) stored.summary.messageIds[index] = messageId;
		}
		for (const { sessionId, owners } of batch.sessionOwners) {
			const stored = this.sessions.get(sessionId);
			if (!stored || stored.owners === owners) continue;
			const before = stored.owners;
			stored.owners = [...owners];
			// As claimSession and releaseSession tell: a new owner sees it, a released one not.
			if (owners.some((id) => !before.includes(id))) this.emit('session', stored.summary);
			if (before.some((id) => !owners.includes(id)))
				this.emit('removed', 'session', sessionId, false);
		}
		for (const folder of batch.imapFolders) {
			this.imapFolders.set(folder.id, folder);
			this.emit('imapFolder', folder.id, folder);
		}
		for (const id of batch.deletedImapFolders)
			if (this.imapFolders.delete(id)) this.emit('imapFolder', id, null);
		for (const { summary, raw, trace, owners } of batch.newMessages) {
			// Reader acts come as their own entries (readerActs), as the database keeps them.
			const message: StoredMessage = {
				summary: withoutReaderActs(summary),
				raw,
				trace,
				owners: [...owners]
			};
			this.messages.set(summary.id, message);
			this.usage.addMessage(message);
			this.emit('message', message.summary);
		}
		for (const { messageId, owners } of batch.messageOwners) {
			const stored = this.messages.get(messageId);
			if (!stored) continue;
			this.usage.changeOwners(stored, stored.owners, owners);
			stored.owners = [...owners];
			this.emit('removed', 'message', messageId, false);
		}
		for (const share of batch.newShares) this.shares.set(share.token, share);
		for (const { ownerId, token } of batch.newGrants) this.#indexGrant(ownerId, token);
		for (const token of batch.deletedShares) {
			this.shares.delete(token);
			for (const tokens of this.grants.values()) tokens.delete(token);
		}
		for (const summary of batch.changedMessages) {
			const stored = this.messages.get(summary.id);
			if (!stored) continue;
			const { readerActs } = stored.summary;
			Object.assign(stored.summary, withoutReaderActs(summary));
			if (readerActs) stored.summary.readerActs = readerActs;
			this.emit('message', stored.summary);
		}
		for (const { messageId, act } of batch.readerActs) {
			const stored = this.messages.get(messageId);
			if (!stored) continue;
			(stored.summary.readerActs ??= []).push(act);
			this.emit('message', stored.summary);
		}
		for (const id of batch.deletedSessions) {
			const stored = this.sessions.get(id);
			if (!stored) continue;
			this.usage.removeText(stored.textBytes);
			this.sessions.delete(id);
			this.#tapped.delete(id);
			this.emit('removed', 'session', id, true);
		}
		for (const id of batch.deletedMessages) {
			const stored = this.messages.get(id);
			if (!stored) continue;
			this.messages.delete(id);
			this.usage.removeMessage(stored);
			this.emit('removed', 'message', id, true);
		}
		const changedClasses = new Set<string>();
		for (const room of batch.classes) {
			this.#indexClass(room);
			changedClasses.add(room.id);
		}
		for (const student of batch.students) {
			this.#indexStudent(student);
			changedClasses.add(student.classId);
		}
		// After the upserts: a row deleted is the owner's it names, never a newcomer's.
		for (const { classId, nicknameKey: key, ownerId } of batch.deletedStudents) {
			const student = this.students.get(ownerId);
			if (student?.classId === classId && nicknameKey(student.nickname) === key)
				this.#unindexStudent(student);
			changedClasses.add(classId);
		}
		const ended: string[] = [];
		for (const id of batch.deletedClasses) {
			const room = this.classes.get(id);
			if (!room) continue;
			this.#unindexClass(room);
			changedClasses.delete(id);
			ended.push(id);
		}
		for (const record of batch.queue) this.queue.set(record.journey.id, record);
		for (const id of batch.deletedQueue) this.queue.delete(id);
		for (const { space, name, subscribed } of batch.imapSubscriptions)
			this.#indexSubscription(space, name, subscribed);
		for (const { domain, records } of batch.zoneTxt)
			if (records) this.#zoneTxt.set(domain, records);
			else this.#zoneTxt.delete(domain);
		// Told once everything is in place: a listener reads the whole store.
		for (const id of changedClasses) this.emit('classChanged', id);
		for (const id of ended) this.emit('classEnded', id);
		for (const record of batch.queue)
			if (this.queue.get(record.journey.id) === record)
				this.emit('queueRecord', record.journey.id, record);
		for (const id of batch.deletedQueue) this.emit('queueRecord', id, null);
	}

	/**
	 * Ends a session a stopped instance was serving (its connection went with it), as any change
	 * is made: written, and so seen by every instance and watcher. Nothing when it already ended.
	 */
	endStoppedPeerSession(sessionId: string): void {
		if (this.sessions.get(sessionId)?.summary.endedAt !== null) return;
		this.#endOpenSession(sessionId, PEER_STOPPED_END_REASON, {
			title: 'Closed: its instance stopped',
			summary:
				'The instance of the lab serving this connection stopped; the connection did not survive it. Everything recorded up to then is kept, on every instance.'
		});
	}

	/** Closes an open session whose connection is gone, with a system line saying why. */
	#endOpenSession(
		sessionId: string,
		reason: string,
		annotation: { title: string; summary: string }
	): void {
		const at = Date.now();
		// The recorder's field order (restoredEvents gives it back in that order).
		this.appendEvent(sessionId, {
			seq: 0,
			at,
			dir: 'system',
			text: `Session closed: ${reason}.`,
			anomalies: [],
			annotation,
			kind: 'note'
		});
		this.updateSession(sessionId, { endedAt: at, endReason: reason });
	}

	/** Writes every queued change; resolves once written (or failed: then it stays queued). */
	flush(): Promise<void> {
		this.#flushScheduled = false;
		const persistence = this.#persistence;
		if (!persistence) return Promise.resolve();
		// One write at a time: the next batch waits for this one, so batches keep their order.
		if (this.#writing) return this.#writing.then(() => this.flush());
		const sessions: SessionSummary[] = [];
		for (const id of this.#dirtySessions) {
			const stored = this.sessions.get(id);
			if (stored) sessions.push(stored.summary);
		}
		const pending = this.#pending;
		const dirty = this.#dirtySessions;
		this.#pending = storeBatch();
		this.#dirtySessions = new Set();
		this.#writing = persistence.write({ ...pending, sessions }).then(
			() => {
				this.#writing = null;
				this.#writeFailing = false;
			},
			(error: Error) => {
				this.#writing = null;
				// The batch was rolled back: it goes back in front of what came since, and the next
				// change writes it again. The lab keeps running from memory; one line says so.
				for (const key of Object.keys(pending) as (keyof typeof pending)[])
					(this.#pending[key] as unknown[]) = [...pending[key], ...this.#pending[key]];
				for (const id of dirty) this.#dirtySessions.add(id);
				if (!this.#writeFailing)
					console.error(
						`SMTP Lab: writing to the database failed (${error.message}); sessions and messages stay in memory and are written when it works again.`
					);
				this.#writeFailing = true;
			}
		);
		return this.#writing;
	}

	/**
	 * Writes what is queued and closes the database; the store stays usable in memory, and what
	 * changes later (a socket closing after shutdown) is not written.
	 */
	async close(): Promise<void> {
		const persistence = this.#persistence;
		if (!persistence) return;
		await this.flush();
		this.#persistence = null;
		await persistence.close();
	}

	#changed(sessionId: string | null): void {
		if (!this.#persistence) return;
		if (sessionId !== null) this.#dirtySessions.add(sessionId);
		if (this.#flushScheduled) return;
		this.#flushScheduled = true;
		setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
	}

	/** The database is shared with other instances (PgPersistence): they write it too. */
	get shared(): boolean {
		return isShared(this.#persistence);
	}

	/** Bytes of the stored messages (raw + trace fields). */
	get storedBytes(): number {
		return this.usage.messageBytes;
	}

	addSession(summary: SessionSummary, owners: string[] = []): StoredSession {
		const stored = new StoredSession(summary, owners);
		if (this.#persistence && owners.length)
			this.#pending.sessionOwners.push({ sessionId: summary.id, owners: [...owners] });
		this.sessions.set(summary.id, stored);
		this.#changed(summary.id);
		this.emit('session', summary);
		return stored;
	}

	/**
	 * Attaches a session's wire tap; only the newest `kept` sessions keep theirs (WIRE_TAPS_KEPT),
	 * an older one's view says it was forgotten. Memory only: a restart forgets them all.
	 */
	keepWireTap(sessionId: string, tap: WireTap, kept: number): void {
		const stored = this.sessions.get(sessionId);
		if (!stored) return;
		stored.wireTap = tap;
		this.#tapped.add(sessionId);
		for (const oldest of this.#tapped) {
			if (this.#tapped.size <= kept) break;
			this.#tapped.delete(oldest);
			const forgotten = this.sessions.get(oldest);
			if (forgotten) forgotten.wireTap = 'forgotten';
		}
	}

	/**
	 * Appends an event, numbering it (the store owns `seq`: the event's own is overwritten);
	 * returns null once the session's event budget is spent. `reading`: how the session's
	 * annotator read it, when it did (the database may then leave the annotation out).
	 */
	appendEvent(
		sessionId: string,
		event: SessionEvent,
		secret?: { text: string; annotation: Annotation },
		reading?: EventReading
	): SessionEvent | null {
		const stored = this.sessions.get(sessionId);
		if (!stored || stored.summary.truncated) return null;
		const seq = stored.eventCount + 1;
		let full = event;
		full.seq = seq;
		if (seq >= this.limits.maxEventsPerSession) {
			stored.summary.truncated = true;
			full = {
				seq,
				at: event.at,
				dir: 'system',
				text: `Recording stopped: this session reached ${this.limits.maxEventsPerSession} events (MAX_EVENTS_PER_SESSION). The SMTP session itself goes on.`,
				anomalies: ['truncated'],
				annotation: {
					title: 'Transcript truncated',
					summary: 'The recorder keeps a bounded number of lines per session.'
				},
				kind: 'truncated'
			};
		}
		const persisted = persistedEvent(full, full === event ? reading : undefined);
		stored.append(full, persisted);
		this.usage.addText(eventBytes(full));
		if (secret !== undefined) stored.secrets.set(seq, secret);
		stored.summary.eventCount = stored.eventCount;
		if (this.#persistence) this.#pending.events.push({ sessionId, event: persisted });
		this.#changed(sessionId);
		this.emit('event', sessionId, full);
		return full;
	}

	updateSession(sessionId: string, change: Partial<SessionSummary>): void {
		const stored = this.sessions.get(sessionId);
		if (!stored) return;
		Object.assign(stored.summary, change);
		if (stored.summary.endedAt !== null) stored.ended();
		this.#changed(sessionId);
		this.emit('session', stored.summary);
		if (
			stored.summary.endedAt !== null &&
			this.#deleteWhenEnded.delete(sessionId) &&
			!stored.owners.length
		) {
			this.#deleteSession(sessionId);
			this.emit('removed', 'session', sessionId, true);
		}
	}

	/**
	 * A live session every owner let go of (its class ended) goes when it ends, rather than stay
	 * as nobody's. Kept in memory only: a restart closes it, and it is then nobody's.
	 */
	deleteWhenEnded(sessionId: string): void {
		const stored = this.sessions.get(sessionId);
		if (stored && stored.summary.endedAt === null && !stored.owners.length)
			this.#deleteWhenEnded.add(sessionId);
	}

	addMessage(message: StoredMessage): void {
		this.messages.set(message.summary.id, message);
		this.usage.addMessage(message);
		const session = message.summary.sessionId
			? this.sessions.get(message.summary.sessionId)
			: undefined;
		// No 'session' change is emitted: watchers learn of the message (it names its session),
		// and re-sending a summary whose id list grows with every message would cost O(n²).
		if (session) {
			const ids = session.summary.messageIds;
			ids.push(message.summary.id);
			if (this.#persistence)
				this.#pending.messageLinks.push({
					sessionId: session.summary.id,
					index: ids.length - 1,
					messageId: message.summary.id
				});
		}
		if (this.#persistence) {
			const { summary, raw, trace, owners } = message;
			this.#pending.newMessages.push({ summary, raw, trace, owners });
		}
		this.#changed(null);
		this.emit('message', message.summary);
	}

	/**
	 * A reader read a delivered copy, or removed it from their mailbox (server/mailboxes): kept
	 * on the message's summary, written to its own table, and watchers told.
	 */
	addReaderAct(messageId: string, act: ReaderAct): void {
		const stored = this.messages.get(messageId);
		if (!stored) return;
		(stored.summary.readerActs ??= []).push(act);
		if (this.#persistence) this.#pending.readerActs.push({ messageId, act });
		this.#changed(null);
		this.emit('message', stored.summary);
	}

	/** Tells watchers that a stored message changed (for example, a bounce was sent for it). */
	touchMessage(id: string): void {
		const stored = this.messages.get(id);
		if (!stored) return;
		if (this.#persistence) this.#pending.changedMessages.push(stored.summary);
		this.#changed(null);
		this.emit('message', stored.summary);
	}

	/**
	 * An IMAP folder, new or changed (entries, flags, name): written whole at the next flush, as
	 * it is then. Its id is never reused, so a deletion in the same batch is applied after it.
	 */
	saveImapFolder(record: ImapFolderRecord): void {
		this.imapFolders.set(record.id, record);
		if (this.#persistence && !this.#pending.imapFolders.includes(record))
			this.#pending.imapFolders.push(record);
		this.#changed(null);
	}

	deleteImapFolder(id: string): void {
		if (!this.imapFolders.delete(id)) return;
		if (this.#persistence) this.#pending.deletedImapFolders.push(id);
		this.#changed(null);
	}

	/** SUBSCRIBE / UNSUBSCRIBE of a folder name in a folder space (applied in order). */
	setImapSubscription(space: string, name: string, subscribed: boolean): void {
		this.#indexSubscription(space, name, subscribed);
		if (this.#persistence) this.#pending.imapSubscriptions.push({ space, name, subscribed });
		this.#changed(null);
	}

	#indexSubscription(space: string, name: string, subscribed: boolean): void {
		let names = this.imapSubscriptions.get(space);
		if (!names) this.imapSubscriptions.set(space, (names = new Set()));
		if (subscribed) names.add(name);
		else names.delete(name);
	}

	/** The TXT records a domain's owner wrote, or undefined while it publishes the defaults. */
	zoneTxt(domain: string): TxtRecordRow[] | undefined {
		return this.#zoneTxt.get(domain.toLowerCase());
	}

	/** A domain's owner replaces its TXT records (null: back to the defaults). */
	setZoneTxt(domain: string, records: TxtRecordRow[] | null): void {
		const key = domain.toLowerCase();
		if (records)
			this.#zoneTxt.set(
				key,
				records.map(({ name, value }) => ({ name, value }))
			);
		else if (!this.#zoneTxt.delete(key)) return;
		if (this.#persistence) this.#pending.zoneTxt.push({ domain: key, records });
		this.#changed(null);
	}

	addOwner(owner: Owner): void {
		this.#indexOwner(owner);
		if (this.#persistence) this.#pending.newOwners.push(owner);
		this.#changed(null);
	}

	/** The owner whose submission user name this is (names are lower case). */
	ownerByName(name: string): Owner | undefined {
		return this.#ownersByName.get(name.toLowerCase());
	}

	/** The owner of a personal domain (`quiet-otter-42.test`), matched case-insensitively. */
	ownerByDomain(domain: string): Owner | undefined {
		const d = domain.toLowerCase().replace(/\.$/, '');
		const owner = this.#ownersByName.get(d.slice(0, d.lastIndexOf('.')));
		return owner && personalDomain(owner.name) === d ? owner : undefined;
	}

	/** Attributes a session to one more owner; watchers entitled now see it from here on. */
	claimSession(sessionId: string, ownerId: string): void {
		const stored = this.sessions.get(sessionId);
		if (!stored || stored.owners.includes(ownerId)) return;
		stored.owners.push(ownerId);
		if (this.#persistence)
			this.#pending.sessionOwners.push({ sessionId, owners: [...stored.owners] });
		this.#changed(null);
		this.emit('session', stored.summary);
	}

	/**
	 * An owner deletes a session for themselves: their claim goes; the session goes when no owner
	 * is left and it has ended. Others who own it keep it (a visitor never deletes another's data).
	 */
	releaseSession(sessionId: string, ownerId: string): boolean {
		const stored = this.sessions.get(sessionId);
		if (!stored || !stored.owners.includes(ownerId)) return false;
		stored.owners = stored.owners.filter((id) => id !== ownerId);
		if (this.#persistence)
			this.#pending.sessionOwners.push({ sessionId, owners: [...stored.owners] });
		this.#changed(null);
		const deleted = !stored.owners.length && stored.summary.endedAt !== null;
		if (deleted) this.#deleteSession(sessionId);
		this.emit('removed', 'session', sessionId, deleted);
		return true;
	}

	/** The same for a message: it goes when its last owner lets go. */
	releaseMessage(messageId: string, ownerId: string): boolean {
		const stored = this.messages.get(messageId);
		if (!stored || !stored.owners.includes(ownerId)) return false;
		const left = stored.owners.filter((id) => id !== ownerId);
		// The last owner's release deletes it, counted off that owner's bytes.
		if (!left.length) this.#deleteMessage(messageId);
		else {
			this.usage.changeOwners(stored, stored.owners, left);
			if (this.#persistence) this.#pending.messageOwners.push({ messageId, owners: [...left] });
			this.#changed(null);
		}
		stored.owners = left;
		this.emit('removed', 'message', messageId, !left.length);
		return true;
	}

	addShare(share: Share): void {
		this.shares.set(share.token, share);
		if (this.#persistence) this.#pending.newShares.push(share);
		this.#changed(null);
	}

	deleteShare(token: string): void {
		if (!this.shares.delete(token)) return;
		for (const tokens of this.grants.values()) tokens.delete(token);
		if (this.#persistence) this.#pending.deletedShares.push(token);
		this.#changed(null);
	}

	/** The owner opened a share link: they may read what it shares until it is revoked. */
	addGrant(ownerId: string, token: string): void {
		if (this.grants.get(ownerId)?.has(token)) return;
		this.#indexGrant(ownerId, token);
		if (this.#persistence) this.#pending.newGrants.push({ ownerId, token });
		this.#changed(null);
	}

	/** A new class, or a class whose spotlight or former students changed. */
	saveClass(room: ClassRoom): void {
		this.#indexClass(room);
		if (this.#persistence) this.#pending.classes.push({ ...room });
		this.#changed(null);
	}

	/** The class and its student records go; what its members made is the caller's to release. */
	deleteClass(id: string): void {
		const room = this.classes.get(id);
		if (!room) return;
		for (const student of this.studentsOf(id)) this.deleteStudent(student);
		this.#unindexClass(room);
		// The class domain's records go with it: a later class may be given the same code.
		this.setZoneTxt(classDomain(room.code), null);
		if (this.#persistence) this.#pending.deletedClasses.push(id);
		this.#changed(null);
		this.emit('classEnded', id);
	}

	/** The live class with this join code (already normalised: upper case). */
	classByCode(code: string): ClassRoom | undefined {
		return this.#classesByCode.get(code);
	}

	classesTaughtBy(ownerId: string): ClassRoom[] {
		return this.#classesTaught.get(ownerId) ?? [];
	}

	/** The class whose teacher released this owner's nickname, if any. */
	formerStudentOf(ownerId: string): ClassRoom | undefined {
		return this.#formerStudentOf.get(ownerId);
	}

	/** A journey of the outgoing queue, new or changed. */
	saveQueueRecord(record: QueueRecord): void {
		this.queue.set(record.journey.id, record);
		if (this.#persistence) this.#pending.queue.push(record);
		this.#changed(null);
	}

	deleteQueueRecord(id: string): void {
		if (!this.queue.delete(id)) return;
		if (this.#persistence) this.#pending.deletedQueue.push(id);
		this.#changed(null);
	}

	saveStudent(student: Student): void {
		this.#indexStudent(student);
		if (this.#persistence) this.#pending.students.push({ ...student });
		this.#changed(null);
	}

	deleteStudent(student: Student): void {
		if (this.students.get(student.ownerId) !== student) return;
		const key = this.#unindexStudent(student);
		if (this.#persistence)
			this.#pending.deletedStudents.push({
				classId: student.classId,
				nicknameKey: key,
				ownerId: student.ownerId
			});
		this.#changed(null);
	}

	/** Returns the student's nickname key. */
	#unindexStudent(student: Student): string {
		this.students.delete(student.ownerId);
		const key = nicknameKey(student.nickname);
		this.#studentsByNickname.delete(studentKey(student.classId, key));
		return key;
	}

	studentByNickname(classId: string, nickname: string): Student | undefined {
		return this.#studentsByNickname.get(studentKey(classId, nicknameKey(nickname)));
	}

	/** The class's students, in the order they joined. */
	studentsOf(classId: string): Student[] {
		return [...this.students.values()]
			.filter((s) => s.classId === classId)
			.sort((a, b) => a.joinedAt - b.joinedAt);
	}

	/**
	 * The classes whose data an item is (server/owners/visibility.ts): those of which one of its
	 * owners is a student or former student, or the teacher when the item was made (`madeAt`)
	 * since the class began. Empty at once when there is no class.
	 */
	classesOfItem(owners: readonly string[], madeAt: number): ClassRoom[] {
		if (!this.classes.size) return NO_CLASSES;
		let found: ClassRoom[] | undefined;
		const add = (room: ClassRoom | undefined) => {
			if (room && !found?.includes(room)) (found ??= []).push(room);
		};
		for (const ownerId of owners) {
			// A student's own items from before they joined stay theirs alone, as the teacher's from
			// before the class began do.
			const student = this.students.get(ownerId);
			if (student && madeAt >= student.joinedAt) add(this.classes.get(student.classId));
			add(this.#formerStudentOf.get(ownerId));
			for (const room of this.#classesTaught.get(ownerId) ?? [])
				if (madeAt >= room.createdAt) add(room);
		}
		return found ?? NO_CLASSES;
	}

	#indexClass(room: ClassRoom): void {
		const known = this.classes.get(room.id);
		this.classes.set(room.id, room);
		this.#classesByCode.set(room.code, room);
		// A changed class is a new object: every index holds it in place of the old one.
		const taught = this.classesTaughtBy(room.teacherOwnerId);
		this.#classesTaught.set(
			room.teacherOwnerId,
			known ? taught.map((c) => (c === known ? room : c)) : [...taught, room]
		);
		for (const ownerId of room.formerStudents) this.#formerStudentOf.set(ownerId, room);
	}

	#unindexClass(room: ClassRoom): void {
		this.classes.delete(room.id);
		this.#classesByCode.delete(room.code);
		const taught = this.classesTaughtBy(room.teacherOwnerId).filter((c) => c !== room);
		if (taught.length) this.#classesTaught.set(room.teacherOwnerId, taught);
		else this.#classesTaught.delete(room.teacherOwnerId);
		for (const ownerId of room.formerStudents) this.#formerStudentOf.delete(ownerId);
	}

	#indexStudent(student: Student): void {
		this.students.set(student.ownerId, student);
		this.#studentsByNickname.set(
			studentKey(student.classId, nicknameKey(student.nickname)),
			student
		);
	}

	#indexOwner(owner: Owner): void {
		this.owners.set(owner.id, owner);
		this.#ownersByName.set(owner.name, owner);
	}

	#indexGrant(ownerId: string, token: string): void {
		let tokens = this.grants.get(ownerId);
		if (!tokens) this.grants.set(ownerId, (tokens = new Set()));
		tokens.add(token);
	}

	#deleteSharesOf(itemId: string): void {
		for (const share of this.shares.values())
			if (share.itemId === itemId) this.deleteShare(share.token);
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
			if (stored.summary.endedAt !== null) this.#deleteSession(id);
		}
		this.emit('cleared', 'sessions');
	}

	clearMessages(): void {
		for (const id of [...this.messages.keys()]) this.#deleteMessage(id);
		this.emit('cleared', 'messages');
	}

	/**
	 * Deletes what retention expired (retention.ts), telling watchers it is gone. A live session
	 * is never deleted, nor a message of one.
	 */
	expire(sessionIds: Iterable<string>, messageIds: Iterable<string>): void {
		const live = (sessionId: string | null) =>
			sessionId !== null && this.sessions.get(sessionId)?.summary.endedAt === null;
		for (const id of messageIds) {
			const stored = this.messages.get(id);
			if (!stored || live(stored.summary.sessionId)) continue;
			this.#deleteMessage(id);
			this.emit('removed', 'message', id, true);
		}
		for (const id of sessionIds) {
			if (!this.sessions.has(id) || live(id)) continue;
			this.#deleteSession(id);
			this.emit('removed', 'session', id, true);
		}
	}

	#deleteSession(id: string): void {
		const stored = this.sessions.get(id);
		if (!stored) return;
		this.usage.removeText(stored.textBytes);
		this.sessions.delete(id);
		this.#deleteSharesOf(id);
		if (this.#persistence) this.#pending.deletedSessions.push(id);
		this.#changed(null);
	}

	#deleteMessage(id: string): void {
		const stored = this.messages.get(id);
		if (!stored) return;
		this.messages.delete(id);
		this.usage.removeMessage(stored);
		this.#deleteSharesOf(id);
		if (this.#persistence) this.#pending.deletedMessages.push(id);
		this.#changed(null);
	}
}

const NO_CLASSES: ClassRoom[] = [];

function studentKey(classId: string, key: string): string {
	return `${classId}\n${key}`;
}

/** A message's summary without its reader acts, which a batch carries as entries of their own. */
function withoutReaderActs(summary: MessageSummary): MessageSummary {
	const copy = { ...summary };
	delete copy.readerActs;
	return copy;
}
