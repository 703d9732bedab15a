/**
 * The store's persistence in one SQLite file (better-sqlite3): WAL mode, so readers never wait
 * for the writer and a committed batch is one append to the log (synced at checkpoints, with
 * synchronous=NORMAL); one transaction per batch. The lab runs it on a thread of its own
 * (openSqlitePersistence); tests may use it directly.
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { listenerRow } from '../../../src/lib/listeners';
import type { MessageSummary, SessionSummary } from '../../../src/lib/messages';
import {
	StorageError,
	type PersistedMessage,
	type PersistedSession,
	type PersistedState,
	type StoreBatch,
	type StorePersistence
} from '../persistence';
import type { Owner, Share } from '../../owners/owner';
import {
	classFromRow,
	classValues,
	studentFromRow,
	studentValues,
	type ClassRow,
	type StudentRow
} from '../classRows';
import type { QueueRecord } from '../../queue/queueRecord';
import type { PersistedEvent } from '../persistedEvent';
import type { ReaderAct } from '../../../src/lib/mail/readerActs';
import type { ImapFolderRecord } from '../../mailboxes/imapFolderRecord';
import type { TxtRecordRow } from '../../../src/lib/auth/authDomains';
import { encodeBatch, type EncodedBatch } from './encodedBatch';
import { MIGRATIONS, type Migration } from './migrations';
import { SqliteWorkerPersistence } from './sqliteWorkerPersistence';

export const DATABASE_FILE = 'smtp-lab.sqlite';
/** Bytes per page of a new database (SQLite's default is 4096). */
const PAGE_SIZE = 16384;
/**
 * Copying the write-ahead log into the database file (a checkpoint) was a third of the database
 * thread's work per 100 KB message, in the middle of the burst of mail that filled the log. It
 * waits for this long without a write instead, or for the log to reach CHECKPOINT_LOG_BYTES.
 */
export const CHECKPOINT_WHEN_QUIET_MS = 1000;
const CHECKPOINT_LOG_BYTES = 64 * 1024 * 1024;

export class SqlitePersistence implements StorePersistence {
	readonly #db: Database.Database;
	readonly #write: (batch: EncodedBatch) => void;
	readonly #log: string;
	#quiet: NodeJS.Timeout | undefined;

	/** Opens (creating if needed) `file` and brings its schema up to `migrations`' last version. */
	constructor(file: string, migrations: Migration[] = MIGRATIONS) {
		this.#db = new Database(file);
		this.#log = `${file}-wal`;
		try {
			// A new database only (an existing one keeps its pages): at 4 KiB a 100 KB message took
			// 25 pages, each written to the log and again to the file, with system calls of its own.
			this.#db.pragma(`page_size = ${PAGE_SIZE}`);
			this.#db.pragma('journal_mode = WAL');
			// With WAL, NORMAL never corrupts the file: a power cut may lose only the last batches.
			this.#db.pragma('synchronous = NORMAL');
			this.#db.pragma('wal_autocheckpoint = 0');
			migrate(this.#db, migrations);
		} catch (error) {
			this.#db.close();
			throw error;
		}
		const upsertSession = this.#db.prepare(
			'INSERT INTO sessions (id, summary) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET summary = excluded.summary'
		);
		const insertLink = this.#db.prepare(
			'INSERT OR REPLACE INTO session_messages (session_id, position, message_id) VALUES (?, ?, ?)'
		);
		const insertEvents = this.#db.prepare(
			'INSERT OR REPLACE INTO event_chunks (session_id, first_seq, events) VALUES (?, ?, ?)'
		);
		const insertMessage = this.#db.prepare(
			'INSERT INTO messages (id, summary, raw, trace, session_id, received_at, owners) VALUES (?, ?, ?, ?, ?, ?, ?)'
		);
		const updateMessage = this.#db.prepare('UPDATE messages SET summary = ? WHERE id = ?');
		const deleteSession = this.#db.prepare('DELETE FROM sessions WHERE id = ?');
		const deleteEvents = this.#db.prepare('DELETE FROM event_chunks WHERE session_id = ?');
		const deleteLinks = this.#db.prepare('DELETE FROM session_messages WHERE session_id = ?');
		const deleteMessage = this.#db.prepare('DELETE FROM messages WHERE id = ?');
		const insertOwner = this.#db.prepare(
			'INSERT OR IGNORE INTO owners (id, name, password, created_at) VALUES (?, ?, ?, ?)'
		);
		// A session is upserted before its owners are set (both in this batch) or exists already.
		const setSessionOwners = this.#db.prepare('UPDATE sessions SET owners = ? WHERE id = ?');
		const setMessageOwners = this.#db.prepare('UPDATE messages SET owners = ? WHERE id = ?');
		const insertShare = this.#db.prepare(
			'INSERT OR IGNORE INTO shares (token, kind, item_id, owner_id, created_at) VALUES (?, ?, ?, ?, ?)'
		);
		const deleteShare = this.#db.prepare('DELETE FROM shares WHERE token = ?');
		const deleteShareGrants = this.#db.prepare('DELETE FROM share_grants WHERE token = ?');
		const insertGrant = this.#db.prepare(
			'INSERT OR IGNORE INTO share_grants (owner_id, token) VALUES (?, ?)'
		);
		const upsertClass = this.#db.prepare(
			'INSERT OR REPLACE INTO classes (id, code, name, teacher_owner_id, teacher_key, created_at, ends_at, spotlight, former_students, handouts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
		);
		const deleteClass = this.#db.prepare('DELETE FROM classes WHERE id = ?');
		// OR REPLACE: a nickname released and taken again in one batch, or a code reused.
		const upsertStudent = this.#db.prepare(
			'INSERT OR REPLACE INTO students (class_id, nickname_key, owner_id, nickname, rejoin_code, joined_at, passes) VALUES (?, ?, ?, ?, ?, ?, ?)'
		);
		const upsertQueue = this.#db.prepare('INSERT OR REPLACE INTO queue (id, record) VALUES (?, ?)');
		const deleteQueue = this.#db.prepare('DELETE FROM queue WHERE id = ?');
		const insertReaderAct = this.#db.prepare(
			'INSERT INTO reader_acts (message_id, act) VALUES (?, ?)'
		);
		const deleteReaderActs = this.#db.prepare('DELETE FROM reader_acts WHERE message_id = ?');
		const upsertImapFolder = this.#db.prepare(
			'INSERT OR REPLACE INTO imap_folders (id, space, record) VALUES (?, ?, ?)'
		);
		const deleteImapFolder = this.#db.prepare('DELETE FROM imap_folders WHERE id = ?');
		const subscribe = this.#db.prepare(
			'INSERT OR IGNORE INTO imap_subscriptions (space, name) VALUES (?, ?)'
		);
		const unsubscribe = this.#db.prepare(
			'DELETE FROM imap_subscriptions WHERE space = ? AND name = ?'
		);
		const upsertZoneTxt = this.#db.prepare(
			'INSERT OR REPLACE INTO zone_txt (domain, records) VALUES (?, ?)'
		);
		const deleteZoneTxt = this.#db.prepare('DELETE FROM zone_txt WHERE domain = ?');
		const deleteStudent = this.#db.prepare(
			'DELETE FROM students WHERE class_id = ? AND nickname_key = ? AND owner_id = ?'
		);
		this.#write = this.#db.transaction((batch: EncodedBatch) => {
			// The id list is kept row by row (session_messages), not rewritten with every change
			// (encodeBatch leaves it out of the summary).
			for (const { id, summary } of batch.sessionRows) upsertSession.run(id, summary);
			for (const { sessionId, index, messageId } of batch.messageLinks)
				insertLink.run(sessionId, index, messageId);
			// One row per session per batch: a row per event cost more than the events themselves.
			for (const { sessionId, firstSeq, events } of batch.eventRuns)
				insertEvents.run(sessionId, firstSeq, events);
			for (const owner of batch.newOwners)
				insertOwner.run(owner.id, owner.name, owner.password, owner.createdAt);
			for (const { sessionId, owners } of batch.sessionOwners)
				setSessionOwners.run(JSON.stringify(owners), sessionId);
			for (const { id, summary, raw, trace, sessionId, receivedAt, owners } of batch.messageRows)
				insertMessage.run(id, summary, raw, trace, sessionId, receivedAt, owners);
			for (const { messageId, owners } of batch.messageOwners)
				setMessageOwners.run(JSON.stringify(owners), messageId);
			for (const share of batch.newShares)
				insertShare.run(share.token, share.kind, share.itemId, share.ownerId, share.createdAt);
			for (const { ownerId, token } of batch.newGrants) insertGrant.run(ownerId, token);
			for (const token of batch.deletedShares) {
				deleteShare.run(token);
				deleteShareGrants.run(token);
			}
			for (const { id, summary } of batch.changedMessages) updateMessage.run(summary, id);
			for (const { messageId, act } of batch.readerActs)
				insertReaderAct.run(messageId, JSON.stringify(act));
			for (const id of batch.deletedSessions) {
				deleteSession.run(id);
				deleteEvents.run(id);
				deleteLinks.run(id);
			}
			for (const id of batch.deletedMessages) {
				deleteMessage.run(id);
				deleteReaderActs.run(id);
			}
			for (const c of batch.classes) upsertClass.run(...classValues(c));
			for (const s of batch.students) upsertStudent.run(...studentValues(s));
			// After the upserts: a row deleted is the owner's it names, never a newcomer's.
			for (const { classId, nicknameKey: key, ownerId } of batch.deletedStudents)
				deleteStudent.run(classId, key, ownerId);
			for (const id of batch.deletedClasses) deleteClass.run(id);
			for (const record of batch.queue) upsertQueue.run(record.journey.id, JSON.stringify(record));
			for (const id of batch.deletedQueue) deleteQueue.run(id);
			for (const folder of batch.imapFolders)
				upsertImapFolder.run(folder.id, folder.space, JSON.stringify(folder));
			for (const id of batch.deletedImapFolders) deleteImapFolder.run(id);
			for (const { space, name, subscribed } of batch.imapSubscriptions)
				(subscribed ? subscribe : unsubscribe).run(space, name);
			for (const { domain, records } of batch.zoneTxt)
				if (records) upsertZoneTxt.run(domain, JSON.stringify(records));
				else deleteZoneTxt.run(domain);
		});
	}

	async load(): Promise<PersistedState> {
		try {
			return this.#load();
		} catch (error) {
			// A file whose header is sound can still fail here (damaged pages): one line, too.
			throw new StorageError(
				`cannot read the database ${this.#db.name}: ${(error as Error).message}; move the file away to start with an empty lab, or set DATA_DIR to another directory.`
			);
		}
	}

	#load(): PersistedState {
		const sessions = new Map<string, PersistedSession>();
		for (const row of this.#db
			.prepare('SELECT summary, owners FROM sessions ORDER BY position')
			.all() as { summary: string; owners: string }[]) {
			const summary = JSON.parse(row.summary) as SessionSummary;
			summary.messageIds = [];
			// Recorded before sessions named their protocol: the listener's row says it.
			summary.protocol ??= listenerRow(summary.listener).protocol;
			sessions.set(summary.id, { summary, events: [], owners: JSON.parse(row.owners) as string[] });
		}
		for (const row of this.#db
			.prepare('SELECT session_id, message_id FROM session_messages ORDER BY session_id, position')
			.all() as { session_id: string; message_id: string }[])
			sessions.get(row.session_id)?.summary.messageIds.push(row.message_id);
		for (const row of this.#db
			.prepare('SELECT session_id, events FROM event_chunks ORDER BY session_id, first_seq')
			.all() as { session_id: string; events: string }[]) {
			const events = sessions.get(row.session_id)?.events;
			for (const event of JSON.parse(row.events) as PersistedEvent[]) events?.push(event);
		}
		const messages = (
			this.#db
				.prepare('SELECT summary, raw, trace, owners FROM messages ORDER BY position')
				.all() as {
				summary: string;
				raw: Buffer;
				trace: string;
				owners: string;
			}[]
		).map((row): PersistedMessage => ({
			summary: JSON.parse(row.summary) as MessageSummary,
			raw: row.raw,
			trace: row.trace,
			owners: JSON.parse(row.owners) as string[]
		}));
		const byId = new Map(messages.map((message) => [message.summary.id, message.summary]));
		for (const row of this.#db
			.prepare('SELECT message_id, act FROM reader_acts ORDER BY position')
			.all() as { message_id: string; act: string }[]) {
			const summary = byId.get(row.message_id);
			if (summary) (summary.readerActs ??= []).push(JSON.parse(row.act) as ReaderAct);
		}
		// The columns named as the fields they fill: the rows are the objects.
		const owners = this.#db
			.prepare('SELECT id, name, password, created_at AS createdAt FROM owners')
			.all() as Owner[];
		const shares = this.#db
			.prepare(
				'SELECT token, kind, item_id AS itemId, owner_id AS ownerId, created_at AS createdAt FROM shares'
			)
			.all() as Share[];
		const grants = this.#db
			.prepare('SELECT owner_id AS ownerId, token FROM share_grants')
			.all() as PersistedState['grants'];
		const classes = (
			this.#db
				.prepare(
					'SELECT id, code, name, teacher_owner_id AS teacherOwnerId, teacher_key AS teacherKey, created_at AS createdAt, ends_at AS endsAt, spotlight, former_students AS formerStudents, handouts FROM classes ORDER BY created_at'
				)
				.all() as ClassRow[]
		).map(classFromRow);
		const students = (
			this.#db
				.prepare(
					'SELECT class_id AS classId, owner_id AS ownerId, nickname, rejoin_code AS rejoinCode, joined_at AS joinedAt, passes FROM students ORDER BY joined_at'
				)
				.all() as StudentRow[]
		).map(studentFromRow);
		const queue = (this.#db.prepare('SELECT record FROM queue').all() as { record: string }[]).map(
			(row) => JSON.parse(row.record) as QueueRecord
		);
		const imapFolders = (
			this.#db.prepare('SELECT record FROM imap_folders').all() as { record: string }[]
		).map((row) => JSON.parse(row.record) as ImapFolderRecord);
		const imapSubscriptions = this.#db
			.prepare('SELECT space, name FROM imap_subscriptions')
			.all() as PersistedState['imapSubscriptions'];
		const zoneTxt = (
			this.#db.prepare('SELECT domain, records FROM zone_txt').all() as {
				domain: string;
				records: string;
			}[]
		).map((row) => ({ domain: row.domain, records: JSON.parse(row.records) as TxtRecordRow[] }));
		return {
			sessions: [...sessions.values()],
			messages,
			owners,
			shares,
			grants,
			classes,
			students,
			queue,
			imapFolders,
			imapSubscriptions,
			zoneTxt
		};
	}

	async write(batch: StoreBatch): Promise<void> {
		this.writeEncoded(encodeBatch(batch));
	}

	/** write(), the batch's events encoded already (the database thread's way in). */
	writeEncoded(batch: EncodedBatch): void {
		this.#write(batch);
		clearTimeout(this.#quiet);
		const logBytes = statSync(this.#log, { throwIfNoEntry: false })?.size ?? 0;
		if (logBytes >= CHECKPOINT_LOG_BYTES) this.#checkpoint();
		else this.#quiet = setTimeout(() => this.#checkpoint(), CHECKPOINT_WHEN_QUIET_MS).unref();
	}

	#checkpoint(): void {
		try {
			this.#db.pragma('wal_checkpoint(TRUNCATE)');
		} catch {
			// Nothing is lost: the log keeps every batch, and the next quiet moment tries again.
		}
	}

	async close(): Promise<void> {
		clearTimeout(this.#quiet);
		// Closing the last connection checkpoints.
		this.#db.close();
	}
}

function migrate(db: Database.Database, migrations: Migration[]): void {
	db.exec(
		'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)'
	);
	const applied = new Set(
		(db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
			(row) => row.version
		)
	);
	const newest = Math.max(0, ...applied);
	const known = Math.max(0, ...migrations.map((m) => m.version));
	if (newest > known)
		throw new StorageError(
			`the database is at schema version ${newest}, newer than this code knows (${known}): run a newer SMTP Lab`
		);
	const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
	db.transaction(() => {
		for (const migration of migrations) {
			if (applied.has(migration.version)) continue;
			db.exec(migration.sql);
			record.run(migration.version, Date.now());
		}
	})();
}

/**
 * Opens the lab's database in `dataDir` on its own thread (sqliteWorkerPersistence.ts), creating
 * the directory if needed. Any failure (not a directory, not writable, not a database) becomes
 * one StorageError line naming DATA_DIR.
 */
export async function openSqlitePersistence(dataDir: string): Promise<StorePersistence> {
	const file = path.join(dataDir, DATABASE_FILE);
	try {
		mkdirSync(dataDir, { recursive: true });
		return await SqliteWorkerPersistence.open(file);
	} catch (error) {
		const { message, code } = error as Error & { code?: string };
		// SQLITE_NOTADB, SQLITE_CORRUPT: the file is there but unreadable; anything else is the place.
		const advice =
			code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT'
				? 'move the file away to start with an empty lab, or set DATA_DIR to another directory'
				: 'set DATA_DIR to a directory SMTP Lab can create and write';
		throw new StorageError(
			`cannot open the database ${file} (DATA_DIR=${dataDir}): ${message}; ${advice}.`
		);
	}
}
