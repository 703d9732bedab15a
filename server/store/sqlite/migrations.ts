/**
 * The SQLite schema, as numbered migrations applied in order. A database records the ones it has
 * (table schema_migrations); opening it applies the rest in one transaction. Never edit a
 * migration once released: add the next one.
 */
export interface Migration {
	version: number;
	description: string;
	sql: string;
}

export const MIGRATIONS: Migration[] = [
	{
		version: 1,
		description: 'sessions, their events, messages with their exact bytes',
		sql: `
			CREATE TABLE sessions (
				position INTEGER PRIMARY KEY,
				id TEXT NOT NULL UNIQUE,
				summary TEXT NOT NULL
			);
			CREATE TABLE events (
				session_id TEXT NOT NULL,
				seq INTEGER NOT NULL,
				event TEXT NOT NULL,
				PRIMARY KEY (session_id, seq)
			);
			CREATE TABLE messages (
				position INTEGER PRIMARY KEY,
				id TEXT NOT NULL UNIQUE,
				summary TEXT NOT NULL,
				raw BLOB NOT NULL,
				trace TEXT NOT NULL
			);`
	},
	{
		version: 2,
		description:
			'messages.session_id and received_at as columns (filled from the summary), for the retention queries to come',
		sql: `
			ALTER TABLE messages ADD COLUMN session_id TEXT;
			ALTER TABLE messages ADD COLUMN received_at INTEGER NOT NULL DEFAULT 0;
			UPDATE messages SET
				session_id = json_extract(summary, '$.sessionId'),
				received_at = json_extract(summary, '$.receivedAt');
			CREATE INDEX messages_by_received_at ON messages (received_at);
			CREATE INDEX messages_by_session ON messages (session_id);`
	},
	{
		version: 3,
		description:
			"a session's message ids in their own table: the summary was rewritten whole, its id list growing with every message",
		sql: `
			CREATE TABLE session_messages (
				session_id TEXT NOT NULL,
				position INTEGER NOT NULL,
				message_id TEXT NOT NULL,
				PRIMARY KEY (session_id, position)
			);
			INSERT INTO session_messages (session_id, position, message_id)
				SELECT sessions.id, ids.key, ids.value FROM sessions, json_each(sessions.summary, '$.messageIds') AS ids;
			UPDATE sessions SET summary = json_remove(summary, '$.messageIds');`
	},
	{
		version: 4,
		description:
			'owners (anonymous browsers, their personal login), who each session and message belongs to, share links and who opened them',
		sql: `
			CREATE TABLE owners (
				id TEXT PRIMARY KEY,
				name TEXT NOT NULL UNIQUE,
				password TEXT NOT NULL,
				created_at INTEGER NOT NULL
			);
			ALTER TABLE sessions ADD COLUMN owners TEXT NOT NULL DEFAULT '[]';
			ALTER TABLE messages ADD COLUMN owners TEXT NOT NULL DEFAULT '[]';
			CREATE TABLE shares (
				token TEXT PRIMARY KEY,
				kind TEXT NOT NULL,
				item_id TEXT NOT NULL,
				owner_id TEXT NOT NULL,
				created_at INTEGER NOT NULL
			);
			CREATE TABLE share_grants (
				owner_id TEXT NOT NULL,
				token TEXT NOT NULL,
				PRIMARY KEY (owner_id, token)
			);`
	},
	{
		version: 5,
		description:
			"a session's events as one row per written batch (a JSON array), most without their annotation (server/store/persistedEvent.ts): a row per event, each with its annotation, was most of the write time",
		sql: `
			CREATE TABLE event_chunks (
				session_id TEXT NOT NULL,
				first_seq INTEGER NOT NULL,
				events TEXT NOT NULL,
				PRIMARY KEY (session_id, first_seq)
			);
			INSERT INTO event_chunks (session_id, first_seq, events)
				SELECT session_id, seq, json_array(json(event)) FROM events;
			DROP TABLE events;`
	},
	{
		version: 6,
		description:
			'classes (issue 15): a teacher, a join code, when the class ends; its students, one per nickname (compared without case) and one class per owner',
		sql: `
			CREATE TABLE classes (
				id TEXT PRIMARY KEY,
				code TEXT NOT NULL UNIQUE,
				name TEXT NOT NULL,
				teacher_owner_id TEXT NOT NULL,
				teacher_key TEXT NOT NULL,
				created_at INTEGER NOT NULL,
				ends_at INTEGER NOT NULL,
				spotlight TEXT,
				former_students TEXT NOT NULL DEFAULT '[]'
			);
			CREATE TABLE students (
				class_id TEXT NOT NULL,
				nickname_key TEXT NOT NULL,
				owner_id TEXT NOT NULL UNIQUE,
				nickname TEXT NOT NULL,
				rejoin_code TEXT NOT NULL,
				joined_at INTEGER NOT NULL,
				PRIMARY KEY (class_id, nickname_key)
			);`
	},
	{
		version: 7,
		description:
			'exercises (issue 16): what each class was handed out, and when each student first passed each',
		sql: `
			ALTER TABLE classes ADD COLUMN handouts TEXT NOT NULL DEFAULT '[]';
			ALTER TABLE students ADD COLUMN passes TEXT NOT NULL DEFAULT '{}';`
	},
	{
		version: 8,
		description:
			'the outgoing queue (issue 17): each journey with the recipients it still has to deliver, as JSON',
		sql: `
			CREATE TABLE queue (
				id TEXT PRIMARY KEY,
				record TEXT NOT NULL
			);`
	},
	{
		version: 9,
		description:
			"readers (issue 18): each read of a message's delivered copy and each removal from a mailbox, with the session and command that did it, as JSON",
		sql: `
			CREATE TABLE reader_acts (
				position INTEGER PRIMARY KEY,
				message_id TEXT NOT NULL,
				act TEXT NOT NULL
			);
			CREATE INDEX reader_acts_by_message ON reader_acts (message_id);`
	},
	{
		version: 10,
		description:
			'IMAP (issue 19): each folder with its UIDVALIDITY, UIDNEXT and entries (UID, message, flags) as JSON, by an id never reused; subscribed folder names',
		sql: `
			CREATE TABLE imap_folders (
				id TEXT PRIMARY KEY,
				space TEXT NOT NULL,
				record TEXT NOT NULL
			);
			CREATE TABLE imap_subscriptions (
				space TEXT NOT NULL,
				name TEXT NOT NULL,
				PRIMARY KEY (space, name)
			);`
	},
	{
		version: 11,
		description:
			'zone editing (issue 20): the TXT records the owner of a personal or class domain wrote in place of the defaults, as JSON, by domain',
		sql: `
			CREATE TABLE zone_txt (
				domain TEXT PRIMARY KEY,
				records TEXT NOT NULL
			);`
	}
];
