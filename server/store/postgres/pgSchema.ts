/**
 * The PostgreSQL schema, as numbered migrations applied in order (as SQLite's, migrations.ts): a
 * database records the ones it has (table schema_version); opening it applies the rest in one
 * transaction, under an advisory lock so that instances starting together apply them once.
 * Never edit a migration once released: add the next one.
 *
 * The tables mean what SQLite's mean. JSON is kept as text (jsonb refuses the \u0000 a learner
 * may type), message bytes and traces as bytea. What SQLite makes unique beyond the primary
 * keys (owner names, class codes, one class per student) is not: several instances write
 * upserts, and a racing duplicate must never make a batch fail forever (the store checks them in
 * memory). What several instances need besides: which instance wrote each session and journey
 * (`instance`, set on insert), the instances alive (`instances`), the change log each
 * instance follows (`store_changes`), and the origin of the queue's clock they share
 * (`queue_clock`).
 */
export interface PgMigration {
	version: number;
	description: string;
	sql: string;
}

export const PG_MIGRATIONS: PgMigration[] = [
	{
		version: 1,
		description:
			"the store's tables as SQLite's schema 11 has them, each session and journey with the instance that wrote it, the instances, the change log",
		sql: `
			CREATE TABLE sessions (
				position BIGSERIAL NOT NULL,
				id TEXT PRIMARY KEY,
				summary TEXT NOT NULL,
				owners TEXT NOT NULL DEFAULT '[]',
				ended_at BIGINT,
				instance TEXT NOT NULL
			);
			CREATE INDEX sessions_by_position ON sessions (position);
			CREATE INDEX sessions_open_by_instance ON sessions (instance) WHERE ended_at IS NULL;
			CREATE TABLE session_messages (
				session_id TEXT NOT NULL,
				position INTEGER NOT NULL,
				message_id TEXT NOT NULL,
				PRIMARY KEY (session_id, position)
			);
			CREATE TABLE event_chunks (
				session_id TEXT NOT NULL,
				first_seq INTEGER NOT NULL,
				events TEXT NOT NULL,
				PRIMARY KEY (session_id, first_seq)
			);
			CREATE TABLE messages (
				position BIGSERIAL NOT NULL,
				id TEXT PRIMARY KEY,
				summary TEXT NOT NULL,
				raw BYTEA NOT NULL,
				trace BYTEA NOT NULL,
				session_id TEXT,
				received_at BIGINT NOT NULL,
				owners TEXT NOT NULL DEFAULT '[]'
			);
			CREATE INDEX messages_by_position ON messages (position);
			CREATE INDEX messages_by_received_at ON messages (received_at);
			CREATE INDEX messages_by_session ON messages (session_id);
			CREATE TABLE owners (
				position BIGSERIAL NOT NULL,
				id TEXT PRIMARY KEY,
				name TEXT NOT NULL,
				password TEXT NOT NULL,
				created_at BIGINT NOT NULL
			);
			CREATE TABLE shares (
				position BIGSERIAL NOT NULL,
				token TEXT PRIMARY KEY,
				kind TEXT NOT NULL,
				item_id TEXT NOT NULL,
				owner_id TEXT NOT NULL,
				created_at BIGINT NOT NULL
			);
			CREATE TABLE share_grants (
				owner_id TEXT NOT NULL,
				token TEXT NOT NULL,
				PRIMARY KEY (owner_id, token)
			);
			CREATE TABLE classes (
				id TEXT PRIMARY KEY,
				code TEXT NOT NULL,
				name TEXT NOT NULL,
				teacher_owner_id TEXT NOT NULL,
				teacher_key TEXT NOT NULL,
				created_at BIGINT NOT NULL,
				ends_at BIGINT NOT NULL,
				spotlight TEXT,
				former_students TEXT NOT NULL DEFAULT '[]',
				handouts TEXT NOT NULL DEFAULT '[]'
			);
			CREATE TABLE students (
				class_id TEXT NOT NULL,
				nickname_key TEXT NOT NULL,
				owner_id TEXT NOT NULL,
				nickname TEXT NOT NULL,
				rejoin_code TEXT NOT NULL,
				joined_at BIGINT NOT NULL,
				passes TEXT NOT NULL DEFAULT '{}',
				PRIMARY KEY (class_id, nickname_key)
			);
			CREATE TABLE queue (
				position BIGSERIAL NOT NULL,
				id TEXT PRIMARY KEY,
				record TEXT NOT NULL,
				instance TEXT NOT NULL
			);
			CREATE INDEX queue_by_instance ON queue (instance);
			CREATE TABLE reader_acts (
				position BIGSERIAL PRIMARY KEY,
				message_id TEXT NOT NULL,
				act TEXT NOT NULL
			);
			CREATE INDEX reader_acts_by_message ON reader_acts (message_id);
			CREATE TABLE imap_folders (
				position BIGSERIAL NOT NULL,
				id TEXT PRIMARY KEY,
				space TEXT NOT NULL,
				record TEXT NOT NULL
			);
			CREATE TABLE imap_subscriptions (
				space TEXT NOT NULL,
				name TEXT NOT NULL,
				PRIMARY KEY (space, name)
			);
			CREATE TABLE zone_txt (
				domain TEXT PRIMARY KEY,
				records TEXT NOT NULL
			);
			CREATE TABLE instances (
				id TEXT PRIMARY KEY,
				started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
				host TEXT NOT NULL
			);
			CREATE TABLE store_changes (
				id BIGSERIAL PRIMARY KEY,
				instance TEXT NOT NULL,
				batch BYTEA NOT NULL,
				written_at TIMESTAMPTZ NOT NULL DEFAULT now()
			);
			CREATE INDEX store_changes_by_written_at ON store_changes (written_at);
			CREATE TABLE queue_clock (
				id INTEGER PRIMARY KEY CHECK (id = 1),
				started_at BIGINT NOT NULL,
				base BIGINT NOT NULL
			);`
	}
];
