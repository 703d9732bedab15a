/**
 * What the lab's store needs from a database, and nothing more: load everything at start, apply
 * one batch of changes, close. SQLite implements it (server/store/sqlite/) for one instance;
 * PostgreSQL (server/store/postgres/) for several, which also share what each other writes
 * (SharedPersistence). Callers of the store never see it.
 */
import type { MessageSummary, SessionSummary } from '../../src/lib/messages';
import type { Owner, Share } from '../owners/owner';
import type { ClassRoom, Student } from '../classes/classRoom';
import type { QueueRecord } from '../queue/queueRecord';
import type { PersistedEvent } from './persistedEvent';
import type { ReaderAct } from '../../src/lib/mail/readerActs';
import type { ImapFolderRecord } from '../mailboxes/imapFolderRecord';
import type { TxtRecordRow } from '../../src/lib/auth/authDomains';

export interface PersistedSession {
	summary: SessionSummary;
	/** In `seq` order, most without their annotation (persistedEvent.ts). */
	events: PersistedEvent[];
	/** Owner ids it is attributed to (server/owners/visibility.ts). */
	owners: string[];
}

export interface PersistedMessage {
	summary: MessageSummary;
	/** The exact bytes received. */
	raw: Buffer;
	trace: string;
	/** Owner ids it is attributed to: its sender's and its recipients'. */
	owners: string[];
}

/** Everything stored, each kind in the order it was first added (oldest first). */
export interface PersistedState {
	sessions: PersistedSession[];
	messages: PersistedMessage[];
	owners: Owner[];
	shares: Share[];
	/** Share links each owner has opened (and so may read). */
	grants: { ownerId: string; token: string }[];
	/** Live classes (an ended one is deleted) and their students. */
	classes: ClassRoom[];
	students: Student[];
	/** The outgoing queue's journeys (server/queue/queueRecord.ts). */
	queue: QueueRecord[];
	/** IMAP folders with their entries, and subscribed names (server/mailboxes/imapFolders.ts). */
	imapFolders: ImapFolderRecord[];
	imapSubscriptions: { space: string; name: string }[];
	/** The TXT records owners wrote for their personal and class domains (issue 20), by domain. */
	zoneTxt: { domain: string; records: TxtRecordRow[] }[];
}

/**
 * One batch of changes, applied atomically. Ids are never reused, so applying the upserts and
 * inserts before the deletions gives the same result as applying them in the order they happened.
 */
export interface StoreBatch {
	/** New or changed sessions, in their current state (`messageIds` aside: see messageLinks). */
	sessions: SessionSummary[];
	/** Messages added to a session's `messageIds`, each at its index there. */
	messageLinks: { sessionId: string; index: number; messageId: string }[];
	events: { sessionId: string; event: PersistedEvent }[];
	newMessages: PersistedMessage[];
	/** Messages whose summary changed after they were stored. */
	changedMessages: MessageSummary[];
	/** Deleted with their events and message links. */
	deletedSessions: string[];
	deletedMessages: string[];
	newOwners: Owner[];
	/** A session's owner list, replaced whole (it grows as AUTH and recipients name owners). */
	sessionOwners: { sessionId: string; owners: string[] }[];
	/** A message's owner list after an owner let go of it (deleted it for themselves). */
	messageOwners: { messageId: string; owners: string[] }[];
	newShares: Share[];
	/** Revoked, or gone with what they shared; their grants go with them. */
	deletedShares: string[];
	newGrants: { ownerId: string; token: string }[];
	/** New classes, and classes whose spotlight or former students changed (whole). */
	classes: ClassRoom[];
	/** Ended: deleted with their students (deletedStudents lists them too). */
	deletedClasses: string[];
	/** New students (a rejoin changes nothing stored). */
	students: Student[];
	/**
	 * Released nicknames, and the students of an ended class. With the owner: a nickname released
	 * and taken again in one batch is another owner's row, written before the deletions.
	 */
	deletedStudents: { classId: string; nicknameKey: string; ownerId: string }[];
	/** Journeys of the outgoing queue, new or changed (whole), and those gone with their message. */
	queue: QueueRecord[];
	deletedQueue: string[];
	/** Reads and removals of a message's delivered copies (they go with the message). */
	readerActs: { messageId: string; act: ReaderAct }[];
	/** IMAP folders new or changed (whole, by id), then those deleted (ids are never reused). */
	imapFolders: ImapFolderRecord[];
	deletedImapFolders: string[];
	/** SUBSCRIBE (true) and UNSUBSCRIBE (false), applied in order. */
	imapSubscriptions: { space: string; name: string; subscribed: boolean }[];
	/**
	 * A domain's edited TXT records replaced whole, or (null) gone back to the defaults, applied
	 * in order: a domain is edited, reset and edited again under the same key.
	 */
	zoneTxt: { domain: string; records: TxtRecordRow[] | null }[];
}

/** A batch of no changes but `parts`. */
export function storeBatch(parts: Partial<StoreBatch> = {}): StoreBatch {
	return {
		sessions: [],
		messageLinks: [],
		events: [],
		newMessages: [],
		changedMessages: [],
		deletedSessions: [],
		deletedMessages: [],
		newOwners: [],
		sessionOwners: [],
		messageOwners: [],
		newShares: [],
		deletedShares: [],
		newGrants: [],
		classes: [],
		deletedClasses: [],
		students: [],
		deletedStudents: [],
		queue: [],
		deletedQueue: [],
		readerActs: [],
		imapFolders: [],
		deletedImapFolders: [],
		imapSubscriptions: [],
		zoneTxt: [],
		...parts
	};
}

/** Asynchronous, as a database client over a network is; SQLite's answers come at once. */
export interface StorePersistence {
	load(): Promise<PersistedState>;
	/** Applies the whole batch or none of it (rejects); never called again before it settles. */
	write(batch: StoreBatch): Promise<void>;
	close(): Promise<void>;
}

/** A database that cannot be opened or written: startup stops with this one line. */
export class StorageError extends Error {}

/**
 * A database several instances of the lab share (PostgreSQL): each keeps the whole store in
 * memory, writes its own changes and applies everyone else's, in the order they were written.
 */
export interface SharedPersistence extends StorePersistence {
	/** This process among the instances: random, new at every start. */
	readonly instanceId: string;
	/**
	 * Calls `apply` with every batch another instance writes after the state `load` returned, in
	 * the order written; a lost notification or a dropped connection is caught up by change id.
	 */
	follow(apply: (batch: StoreBatch) => void): void;
	/**
	 * Calls `stopped` once for each instance whose process is gone, after this one took over its
	 * queue journeys (one survivor does, never two): the sessions it left open, the journeys now
	 * this instance's. `instanceId` null: rows of an earlier run that no instance row names.
	 */
	watchPeers(stopped: (peer: StoppedPeer) => void): void;
	/**
	 * Whether this instance holds its lock now. While it does not (its listening connection is
	 * down), another instance may take its place, so it starts no delivery.
	 */
	readonly holdsLock: boolean;
	/**
	 * The listening connection is back after a drop: 'regained' (what the others published
	 * meanwhile was lost: ask again), or 'taken-over' when another instance took this one's place
	 * meanwhile (its journeys are that instance's now: this one must stop sending them).
	 */
	onConnection(handler: (change: 'regained' | 'taken-over') => void): void;
	/**
	 * The origin of the queue's simulated clock, one for every running instance, so that a
	 * journey's times mean the same on each: the first to start sets it (`proposed`, where the
	 * last run's saved journeys left time), those that start while it runs take it.
	 */
	queueClockOrigin(proposed: QueueClockOrigin): Promise<QueueClockOrigin>;
	/** Sends a small JSON message to every other instance at once; nothing is stored. */
	publish(message: object): void;
	/** Messages the other instances publish (unchecked: the receiver validates them). */
	subscribe(handler: (message: unknown, from: string) => void): void;
}

/** A queue clock's origin: the real time it started at, and the simulated time it started from. */
export interface QueueClockOrigin {
	start: number;
	base: number;
}

export interface StoppedPeer {
	instanceId: string | null;
	openSessions: string[];
	queue: string[];
}

export function isShared(persistence: StorePersistence | null): persistence is SharedPersistence {
	return persistence !== null && 'follow' in persistence;
}
