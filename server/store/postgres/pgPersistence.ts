/**
 * The store's persistence in PostgreSQL (node-postgres), shared by several instances of the lab
 * (design: issue 21). Each instance keeps the whole store in memory, as with SQLite, and:
 * - writes its batches, each in one transaction that also appends the batch to the change log
 *   (store_changes) and notifies `smtp_lab_changes`; every writer first takes CHANGES_LOCK, so
 *   change ids commit in id order and a reader that saw id N never later finds a smaller one;
 * - follows the log: every other instance's batch, in id order, from where `load` ended, woken
 *   by the notification and polling anyway, so a lost notification or a dropped connection
 *   loses nothing;
 * - holds an advisory lock named after its instance id on its listening connection for its whole
 *   life: once a process is gone (even killed) its lock is, and one survivor takes over its
 *   journeys and reports its open sessions (watchPeers);
 * - carries small messages that are not stored (presence) on `smtp_lab_bus`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import v8 from 'node:v8';
import pg from 'pg';
import type { LabConfig } from '../../config';
import { listenerRow } from '../../../src/lib/listeners';
import type { MessageSummary, SessionSummary } from '../../../src/lib/messages';
import type { TxtRecordRow } from '../../../src/lib/auth/authDomains';
import type { ReaderAct } from '../../../src/lib/mail/readerActs';
import type { ImapFolderRecord } from '../../mailboxes/imapFolderRecord';
import type { Owner, Share } from '../../owners/owner';
import type { QueueRecord } from '../../queue/queueRecord';
import type { PersistedEvent } from '../persistedEvent';
import {
	StorageError,
	type PersistedMessage,
	type PersistedSession,
	type PersistedState,
	type QueueClockOrigin,
	type SharedPersistence,
	type StoppedPeer,
	type StoreBatch
} from '../persistence';
import {
	classFromRow,
	classValues,
	studentFromRow,
	studentValues,
	type ClassRow,
	type StudentRow
} from '../classRows';
import { encodeBatch } from '../sqlite/encodedBatch';
import { PG_MIGRATIONS, type PgMigration } from './pgSchema';

/** The channel a committed batch's change id is announced on. */
export const CHANGES_CHANNEL = 'smtp_lab_changes';
/** The channel of the messages instances send each other (publish/subscribe). */
export const BUS_CHANNEL = 'smtp_lab_bus';
/**
 * The largest bus payload, in bytes of JSON: PostgreSQL refuses a NOTIFY payload of 8000 bytes
 * or more; the rest is room for the sender's id.
 */
export const BUS_MAX_BYTES = 7900;
/** Advisory lock keys (one 64-bit key space, shared with instanceKey's hashes). */
export const CHANGES_LOCK = 0x534d_5450_0001n;
const MIGRATIONS_LOCK = 0x534d_5450_0002n;
const ORPHANS_LOCK = 0x534d_5450_0003n;
const QUEUE_CLOCK_LOCK = 0x534d_5450_0004n;
/** Changes read at a time: an instance far behind (a long pause) does not read 10 minutes' at once. */
const CATCH_UP_ROWS = 200;
/** How long a start waits for the server before saying it cannot connect. */
const CONNECT_TIMEOUT_MS = 10_000;

export interface PgSettings {
	databaseUrl: string;
	/** Connections for writes and reads (the listening connection is one more). */
	poolSize: number;
	/** How often the change log is read even without a notification. */
	pollMs: number;
	/** How often the other instances' locks are tried (watchPeers). */
	peerCheckMs: number;
	/** How long a change stays in the log (an instance started later loads the tables). */
	changeLogSeconds: number;
}

/** The settings as server/config.ts reads them (DATABASE_URL, PG_*). */
export function pgSettings(databaseUrl: string, config: LabConfig): PgSettings {
	return {
		databaseUrl,
		poolSize: config.pgPoolSize,
		pollMs: config.pgPollMs,
		peerCheckMs: config.pgPeerCheckMs,
		changeLogSeconds: config.pgChangeLogSeconds
	};
}

/** The advisory lock key an instance holds while it runs. */
export function instanceKey(instanceId: string): bigint {
	const digest = createHash('sha256').update(`smtp-lab instance ${instanceId}`).digest();
	return digest.readBigInt64BE(0);
}

/**
 * `url` with its password replaced, fit to print: the one in the user part (up to its last @, a
 * password may hold an unescaped one) and a `password=` parameter. Not parsed as a WHATWG URL,
 * which refuses the unix-socket form postgres://user@/db?host=/dir that node-postgres reads.
 */
export function maskedUrl(url: string): string {
	const queryAt = url.indexOf('?');
	const head = queryAt < 0 ? url : url.slice(0, queryAt);
	const query = queryAt < 0 ? '' : url.slice(queryAt);
	const authorityAt = head.indexOf('//') + 2;
	const userEnd = head.lastIndexOf('@');
	let masked = head;
	if (authorityAt >= 2 && userEnd > authorityAt) {
		const user = head.slice(authorityAt, userEnd);
		const colon = user.indexOf(':');
		if (colon >= 0)
			masked = `${head.slice(0, authorityAt)}${user.slice(0, colon)}:***${head.slice(userEnd)}`;
	}
	return masked + query.replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** int8 (counts, ids, millisecond times) as numbers: every value the store keeps is < 2^53. */
const TYPES = {
	getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
		oid === pg.types.builtins.INT8
			? (value: string) => Number(value)
			: pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser
};

type Queryable = pg.Pool | pg.PoolClient | pg.Client;

export class PgPersistence implements SharedPersistence {
	readonly instanceId: string;
	readonly #settings: PgSettings;
	readonly #pool: pg.Pool;
	/** The connection holding this instance's lock and listening; null while it reconnects. */
	#listener: pg.Client | null = null;
	#closed = false;
	/** The last change id applied or skipped (own writes); follow reads what comes after. */
	#lastChange = 0;
	#apply: ((batch: StoreBatch) => void) | null = null;
	#busHandlers: ((message: unknown, from: string) => void)[] = [];
	#catchingUp: Promise<void> | null = null;
	#catchUpAgain = false;
	#timers: NodeJS.Timeout[] = [];
	#reconnectTimer: NodeJS.Timeout | undefined;
	#peerCheck: Promise<void> | null = null;
	#orphansChecked = false;
	/** Its row was written once (a later insert that writes one means it had been taken over). */
	#registered = false;
	#connectionHandlers: ((change: 'regained' | 'taken-over') => void)[] = [];
	/** The bus messages under way on the listening connection, one after another. */
	#sending: Promise<void> = Promise.resolve();

	private constructor(settings: PgSettings, pool: pg.Pool, instanceId: string) {
		this.#settings = settings;
		this.#pool = pool;
		this.instanceId = instanceId;
	}

	/**
	 * Connects, brings the schema up to date and registers this instance (its row, its lock).
	 * Any failure is one StorageError line naming the (masked) DATABASE_URL.
	 */
	static async open(settings: PgSettings): Promise<PgPersistence> {
		const pool = new pg.Pool({
			connectionString: settings.databaseUrl,
			max: settings.poolSize,
			connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
			types: TYPES
		});
		// An idle connection the server dropped: the next query takes a new one.
		pool.on('error', () => {});
		const persistence = new PgPersistence(settings, pool, randomBytes(8).toString('hex'));
		try {
			await migrate(pool);
			await persistence.#connectListener();
			await persistence.#pruneChanges();
		} catch (error) {
			await persistence.#shutDown();
			if (error instanceof StorageError) throw error;
			throw new StorageError(
				`cannot connect to DATABASE_URL ${maskedUrl(settings.databaseUrl)}: ${reason(error)}`
			);
		}
		persistence.#timers.push(
			setInterval(
				() => void persistence.#pruneChanges().catch(() => {}),
				(settings.changeLogSeconds * 1000) / 2
			).unref()
		);
		return persistence;
	}

	/** Everything stored and the last change id, read in one snapshot. */
	async load(): Promise<PersistedState> {
		const client = await this.#pool.connect();
		try {
			await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
			const { rows } = await client.query<{ last: number | null }>(
				'SELECT max(id) AS last FROM store_changes'
			);
			const state = await readState(client);
			await client.query('COMMIT');
			this.#lastChange = rows[0].last ?? 0;
			return state;
		} catch (error) {
			await client.query('ROLLBACK').catch(() => {});
			throw new StorageError(
				`cannot read the database at DATABASE_URL ${maskedUrl(this.#settings.databaseUrl)}: ${reason(error)}`
			);
		} finally {
			client.release();
		}
	}

	async write(batch: StoreBatch): Promise<void> {
		const client = await this.#pool.connect();
		let broken: Error | undefined;
		try {
			await client.query('BEGIN');
			await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [CHANGES_LOCK]);
			await writeRows(client, batch, this.instanceId);
			const { rows } = await client.query<{ id: number }>(
				'INSERT INTO store_changes (instance, batch) VALUES ($1, $2) RETURNING id',
				[this.instanceId, v8.serialize(batch)]
			);
			await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, String(rows[0].id)]);
			await client.query('COMMIT');
		} catch (error) {
			await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
			throw error;
		} finally {
			client.release(broken);
		}
	}

	follow(apply: (batch: StoreBatch) => void): void {
		this.#apply = apply;
		this.#timers.push(setInterval(() => this.#catchUp(), this.#settings.pollMs).unref());
		this.#catchUp();
	}

	watchPeers(stopped: (peer: StoppedPeer) => void): void {
		const check = () => {
			if (this.#peerCheck || this.#closed) return;
			this.#peerCheck = this.#checkPeers(stopped)
				.catch((error: Error) => {
					// The next check tries again; a takeover's transaction was rolled back whole.
					if (!this.#closed)
						console.error(`SMTP Lab: checking the other instances failed (${error.message}).`);
				})
				.finally(() => (this.#peerCheck = null));
		};
		this.#timers.push(setInterval(check, this.#settings.peerCheckMs).unref());
		check();
	}

	async queueClockOrigin(proposed: QueueClockOrigin): Promise<QueueClockOrigin> {
		return this.#inTransaction(async (client) => {
			await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [QUEUE_CLOCK_LOCK]);
			const { rows: kept } = await client.query<{ started_at: string; base: string }>(
				'SELECT started_at, base FROM queue_clock'
			);
			const { rows: peers } = await client.query<{ id: string }>(
				'SELECT id FROM instances WHERE id <> $1',
				[this.instanceId]
			);
			for (const { id } of peers) {
				// A lock its holder keeps is a running instance, whose clock this one joins.
				const { rows } = await client.query<{ free: boolean }>(
					'SELECT pg_try_advisory_xact_lock($1::bigint) AS free',
					[instanceKey(id)]
				);
				if (!rows[0].free && kept.length)
					return { start: Number(kept[0].started_at), base: Number(kept[0].base) };
			}
			await client.query(
				`INSERT INTO queue_clock (id, started_at, base) VALUES (1, $1, $2)
				 ON CONFLICT (id) DO UPDATE SET started_at = EXCLUDED.started_at, base = EXCLUDED.base`,
				[proposed.start, proposed.base]
			);
			return proposed;
		});
	}

	publish(message: object): void {
		const payload = JSON.stringify({ from: this.instanceId, message });
		const bytes = Buffer.byteLength(payload);
		if (bytes > BUS_MAX_BYTES)
			throw new Error(
				`a message between instances is at most ${BUS_MAX_BYTES} bytes of JSON; this one is ${bytes}`
			);
		// On the listening connection: one connection sends in order. Down, the message is lost,
		// as any is: they are re-sent when a page reconnects (not stored).
		const listener = this.#listener;
		if (!listener) return;
		// One query at a time on a connection (pg 9 refuses a second while one runs): in order.
		this.#sending = this.#sending
			.then(() => listener.query('SELECT pg_notify($1, $2)', [BUS_CHANNEL, payload]))
			.then(
				() => {},
				() => {}
			);
	}

	subscribe(handler: (message: unknown, from: string) => void): void {
		this.#busHandlers.push(handler);
	}

	async close(): Promise<void> {
		this.#closed = true;
		await this.#shutDown();
	}

	async #shutDown(): Promise<void> {
		this.#closed = true;
		for (const timer of this.#timers) clearInterval(timer);
		clearTimeout(this.#reconnectTimer);
		await Promise.allSettled([this.#catchingUp, this.#peerCheck]);
		const listener = this.#listener;
		this.#listener = null;
		// The row stays: the lock goes with the connection, and a peer takes over what is left.
		await listener?.end().catch(() => {});
		await this.#pool.end().catch(() => {});
	}

	/** Opens the listening connection: this instance's lock, its row, LISTEN on both channels. */
	async #connectListener(): Promise<void> {
		const client = new pg.Client({
			connectionString: this.#settings.databaseUrl,
			connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
			// A network path that died silently is noticed (and reconnected) rather than waited on.
			keepAlive: true,
			application_name: `smtp-lab ${this.instanceId}`,
			types: TYPES
		});
		client.on('error', () => this.#listenerLost(client));
		client.on('end', () => this.#listenerLost(client));
		client.on('notification', (notification) => this.#notified(notification));
		await client.connect();
		let change: 'regained' | 'taken-over' | null;
		try {
			const { rows } = await client.query<{ locked: boolean }>(
				'SELECT pg_try_advisory_lock($1::bigint) AS locked',
				[instanceKey(this.instanceId)]
			);
			if (!rows[0].locked) throw new Error(`instance ${this.instanceId}'s lock is held`);
			const inserted = await client.query(
				'INSERT INTO instances (id, host) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING',
				[this.instanceId, hostname()]
			);
			// Back after a drop and the row was gone: a peer found the lock free and took over.
			change = !this.#registered ? null : inserted.rowCount === 1 ? 'taken-over' : 'regained';
			if (change === 'taken-over')
				console.error(
					`SMTP Lab: instance ${this.instanceId} lost its database connection long enough for another instance to take over its sessions and journeys.`
				);
			this.#registered = true;
			await client.query(`LISTEN ${CHANGES_CHANNEL}`);
			await client.query(`LISTEN ${BUS_CHANNEL}`);
		} catch (error) {
			await client.end().catch(() => {});
			throw error;
		}
		this.#listener = client;
		if (change) for (const handler of this.#connectionHandlers) handler(change);
	}

	get holdsLock(): boolean {
		return this.#listener !== null;
	}

	onConnection(handler: (change: 'regained' | 'taken-over') => void): void {
		this.#connectionHandlers.push(handler);
	}

	#listenerLost(client: pg.Client): void {
		if (this.#listener !== client) return;
		this.#listener = null;
		client.end().catch(() => {});
		if (!this.#closed) this.#reconnectListener();
	}

	#reconnectListener(): void {
		this.#reconnectTimer = setTimeout(() => {
			if (this.#closed) return;
			this.#connectListener().then(
				// What was written meanwhile is read by id.
				() => this.#catchUp(),
				() => this.#reconnectListener()
			);
		}, this.#settings.pollMs).unref();
	}

	#notified(notification: pg.Notification): void {
		if (notification.channel === CHANGES_CHANNEL) {
			this.#catchUp();
			return;
		}
		if (notification.channel !== BUS_CHANNEL || !notification.payload) return;
		let parsed: { from?: unknown; message?: unknown };
		try {
			parsed = JSON.parse(notification.payload) as typeof parsed;
		} catch {
			return;
		}
		if (typeof parsed.from !== 'string' || parsed.from === this.instanceId) return;
		for (const handler of this.#busHandlers) handler(parsed.message, parsed.from);
	}

	/** Reads the log past the last change id, one reader at a time; asked again, reads again. */
	#catchUp(): void {
		if (!this.#apply || this.#closed) return;
		if (this.#catchingUp) {
			this.#catchUpAgain = true;
			return;
		}
		this.#catchingUp = this.#readChanges()
			.catch((error: Error) => {
				if (!this.#closed)
					console.error(
						`SMTP Lab: reading other instances' changes failed (${error.message}); trying again.`
					);
			})
			.finally(() => {
				this.#catchingUp = null;
				if (this.#catchUpAgain) {
					this.#catchUpAgain = false;
					this.#catchUp();
				}
			});
	}

	/** Resolves once a read of the log that began now has ended (at once when not following). */
	async #caughtUp(): Promise<void> {
		this.#catchUp();
		while (this.#catchingUp) await this.#catchingUp;
	}

	async #readChanges(): Promise<void> {
		let rows;
		do {
			rows = (
				await this.#pool.query<{ id: number; instance: string; batch: Buffer }>(
					'SELECT id, instance, batch FROM store_changes WHERE id > $1 ORDER BY id LIMIT $2',
					[this.#lastChange, CATCH_UP_ROWS]
				)
			).rows;
			this.#applyChanges(rows);
		} while (rows.length === CATCH_UP_ROWS && !this.#closed);
	}

	#applyChanges(rows: { id: number; instance: string; batch: Buffer }[]): void {
		for (const row of rows) {
			if (this.#closed) return;
			this.#lastChange = row.id;
			if (row.instance === this.instanceId) continue;
			const batch = v8.deserialize(row.batch) as StoreBatch;
			try {
				this.#apply!(batch);
			} catch (error) {
				console.error(
					`SMTP Lab: applying change ${row.id} of instance ${row.instance} failed (${(error as Error).message}).`
				);
			}
		}
	}

	async #pruneChanges(): Promise<void> {
		await this.#pool.query(
			'DELETE FROM store_changes WHERE written_at < now() - make_interval(secs => $1)',
			[this.#settings.changeLogSeconds]
		);
	}

	/**
	 * Each other instance whose lock is free is gone: in one transaction, its journeys become
	 * this instance's, its open sessions too, and its row goes, so that no other survivor takes it
	 * as well. Then, once: the rows of a run no instance row names.
	 */
	async #checkPeers(stopped: (peer: StoppedPeer) => void): Promise<void> {
		const { rows: peers } = await this.#pool.query<{ id: string }>(
			'SELECT id FROM instances WHERE id <> $1 ORDER BY started_at',
			[this.instanceId]
		);
		for (const { id } of peers) {
			const taken = await this.#inTransaction(async (client) => {
				const { rows } = await client.query<{ locked: boolean }>(
					'SELECT pg_try_advisory_xact_lock($1::bigint) AS locked',
					[instanceKey(id)]
				);
				if (!rows[0].locked) return null;
				const deleted = await client.query('DELETE FROM instances WHERE id = $1', [id]);
				// Another survivor took it over first.
				if (deleted.rowCount === 0) return null;
				return this.#adopt(client, 'instance = $2', [id]);
			});
			if (!taken) continue;
			// Its process is gone, so is any write of its own still to commit: once the log is read
			// up to now, the store holds the last state it wrote before `stopped` changes it.
			await this.#caughtUp();
			if (!this.#closed) stopped({ instanceId: id, ...taken });
		}
		if (this.#orphansChecked) return;
		const orphans = await this.#inTransaction(async (client) => {
			await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [ORPHANS_LOCK]);
			return this.#adopt(client, 'instance NOT IN (SELECT id FROM instances)', []);
		});
		this.#orphansChecked = true;
		if (orphans.openSessions.length === 0 && orphans.queue.length === 0) return;
		await this.#caughtUp();
		if (!this.#closed) stopped({ instanceId: null, ...orphans });
	}

	/** Makes the journeys and open sessions `where` selects this instance's; their ids. */
	async #adopt(
		client: pg.PoolClient,
		where: string,
		params: string[]
	): Promise<Omit<StoppedPeer, 'instanceId'>> {
		const queue = await client.query<{ id: string }>(
			`UPDATE queue SET instance = $1 WHERE ${where} RETURNING id`,
			[this.instanceId, ...params]
		);
		const sessions = await client.query<{ id: string }>(
			`UPDATE sessions SET instance = $1 WHERE ended_at IS NULL AND ${where} RETURNING id`,
			[this.instanceId, ...params]
		);
		return {
			openSessions: sessions.rows.map((row) => row.id).sort(),
			queue: queue.rows.map((row) => row.id).sort()
		};
	}

	async #inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
		const client = await this.#pool.connect();
		let broken: Error | undefined;
		try {
			await client.query('BEGIN');
			const result = await work(client);
			await client.query('COMMIT');
			return result;
		} catch (error) {
			await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
			throw error;
		} finally {
			client.release(broken);
		}
	}
}

/** What went wrong, in a few words (node-postgres' and the system's errors say it). */
function reason(error: unknown): string {
	const { message, code } = error as Error & { code?: string };
	return message || code || String(error);
}

async function migrate(pool: pg.Pool, migrations: PgMigration[] = PG_MIGRATIONS): Promise<void> {
	const client = await pool.connect();
	try {
		await client.query('BEGIN');
		await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATIONS_LOCK]);
		await client.query(
			'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())'
		);
		const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
		const applied = new Set(rows.map((row) => row.version));
		const newest = Math.max(0, ...applied);
		const known = Math.max(0, ...migrations.map((m) => m.version));
		if (newest > known)
			throw new StorageError(
				`the database at DATABASE_URL is at schema version ${newest}, newer than this code knows (${known}): run a newer SMTP Lab`
			);
		for (const migration of migrations) {
			if (applied.has(migration.version)) continue;
			await client.query(migration.sql);
			await client.query('INSERT INTO schema_version (version) VALUES ($1)', [migration.version]);
		}
		await client.query('COMMIT');
	} catch (error) {
		await client.query('ROLLBACK').catch(() => {});
		throw error;
	} finally {
		client.release();
	}
}

/** The batch's rows, with the meaning SQLite's write gives them (sqlitePersistence.ts). */
async function writeRows(client: pg.PoolClient, batch: StoreBatch, instance: string) {
	const rows = encodeBatch(batch);
	const endedAt = new Map(batch.sessions.map((summary) => [summary.id, summary.endedAt]));
	const run = (sql: string, params: unknown[]) => client.query(sql, params);
	// The rows that come with every message go as one statement per table (a round trip per row
	// was most of a batch's time), in array order (ORDINALITY: positions follow it). Keys are
	// unique within a batch: one row per dirty session, per session's run of events; links are
	// made so (the last one written for a place wins, as row by row).
	const sessions = rows.sessionRows;
	if (sessions.length > 0)
		await run(
			`INSERT INTO sessions (id, summary, ended_at, instance)
			SELECT id, summary, ended_at, $4 FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS t(id, summary, ended_at, n) ORDER BY n
			ON CONFLICT (id) DO UPDATE SET summary = excluded.summary, ended_at = excluded.ended_at`,
			[
				sessions.map((row) => row.id),
				sessions.map((row) => row.summary),
				sessions.map((row) => endedAt.get(row.id) ?? null),
				instance
			]
		);
	const links = [
		...new Map(rows.messageLinks.map((link) => [`${link.sessionId}\n${link.index}`, link])).values()
	];
	if (links.length > 0)
		await run(
			`INSERT INTO session_messages (session_id, position, message_id)
			SELECT * FROM unnest($1::text[], $2::int[], $3::text[])
			ON CONFLICT (session_id, position) DO UPDATE SET message_id = excluded.message_id`,
			[links.map((l) => l.sessionId), links.map((l) => l.index), links.map((l) => l.messageId)]
		);
	const runs = rows.eventRuns;
	if (runs.length > 0)
		await run(
			`INSERT INTO event_chunks (session_id, first_seq, events)
			SELECT * FROM unnest($1::text[], $2::int[], $3::text[])
			ON CONFLICT (session_id, first_seq) DO UPDATE SET events = excluded.events`,
			[runs.map((r) => r.sessionId), runs.map((r) => r.firstSeq), runs.map((r) => r.events)]
		);
	for (const owner of rows.newOwners)
		await run(
			'INSERT INTO owners (id, name, password, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
			[owner.id, owner.name, owner.password, owner.createdAt]
		);
	for (const { sessionId, owners } of rows.sessionOwners)
		await run('UPDATE sessions SET owners = $1 WHERE id = $2', [JSON.stringify(owners), sessionId]);
	const messages = rows.messageRows;
	if (messages.length > 0)
		await run(
			`INSERT INTO messages (id, summary, raw, trace, session_id, received_at, owners)
			SELECT id, summary, raw, trace, session_id, received_at, owners
			FROM unnest($1::text[], $2::text[], $3::bytea[], $4::bytea[], $5::text[], $6::bigint[], $7::text[])
				WITH ORDINALITY AS t(id, summary, raw, trace, session_id, received_at, owners, n) ORDER BY n`,
			[
				messages.map((m) => m.id),
				messages.map((m) => m.summary),
				messages.map((m) => m.raw),
				messages.map((m) => Buffer.from(m.trace)),
				messages.map((m) => m.sessionId),
				messages.map((m) => m.receivedAt),
				messages.map((m) => m.owners)
			]
		);
	for (const { messageId, owners } of rows.messageOwners)
		await run('UPDATE messages SET owners = $1 WHERE id = $2', [JSON.stringify(owners), messageId]);
	for (const share of rows.newShares)
		await run(
			'INSERT INTO shares (token, kind, item_id, owner_id, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (token) DO NOTHING',
			[share.token, share.kind, share.itemId, share.ownerId, share.createdAt]
		);
	for (const { ownerId, token } of rows.newGrants)
		await run('INSERT INTO share_grants (owner_id, token) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
			ownerId,
			token
		]);
	for (const token of rows.deletedShares) {
		await run('DELETE FROM shares WHERE token = $1', [token]);
		await run('DELETE FROM share_grants WHERE token = $1', [token]);
	}
	for (const { id, summary } of rows.changedMessages)
		await run('UPDATE messages SET summary = $1 WHERE id = $2', [summary, id]);
	for (const { messageId, act } of rows.readerActs)
		await run('INSERT INTO reader_acts (message_id, act) VALUES ($1, $2)', [
			messageId,
			JSON.stringify(act)
		]);
	for (const id of rows.deletedSessions) {
		await run('DELETE FROM sessions WHERE id = $1', [id]);
		await run('DELETE FROM event_chunks WHERE session_id = $1', [id]);
		await run('DELETE FROM session_messages WHERE session_id = $1', [id]);
	}
	for (const id of rows.deletedMessages) {
		await run('DELETE FROM messages WHERE id = $1', [id]);
		await run('DELETE FROM reader_acts WHERE message_id = $1', [id]);
	}
	for (const c of rows.classes)
		await run(
			`INSERT INTO classes (id, code, name, teacher_owner_id, teacher_key, created_at, ends_at, spotlight, former_students, handouts)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, teacher_owner_id = excluded.teacher_owner_id,
				teacher_key = excluded.teacher_key, created_at = excluded.created_at, ends_at = excluded.ends_at,
				spotlight = excluded.spotlight, former_students = excluded.former_students, handouts = excluded.handouts`,
			classValues(c)
		);
	for (const s of rows.students)
		await run(
			`INSERT INTO students (class_id, nickname_key, owner_id, nickname, rejoin_code, joined_at, passes)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (class_id, nickname_key) DO UPDATE SET owner_id = excluded.owner_id, nickname = excluded.nickname,
				rejoin_code = excluded.rejoin_code, joined_at = excluded.joined_at, passes = excluded.passes`,
			studentValues(s)
		);
	// After the upserts: a row deleted is the owner's it names, never a newcomer's.
	for (const { classId, nicknameKey: key, ownerId } of rows.deletedStudents)
		await run('DELETE FROM students WHERE class_id = $1 AND nickname_key = $2 AND owner_id = $3', [
			classId,
			key,
			ownerId
		]);
	for (const id of rows.deletedClasses) await run('DELETE FROM classes WHERE id = $1', [id]);
	// The instance that wrote a journey first keeps it: only a takeover changes it.
	for (const record of rows.queue)
		await run(
			'INSERT INTO queue (id, record, instance) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET record = excluded.record',
			[record.journey.id, JSON.stringify(record), instance]
		);
	for (const id of rows.deletedQueue) await run('DELETE FROM queue WHERE id = $1', [id]);
	for (const folder of rows.imapFolders)
		await run(
			'INSERT INTO imap_folders (id, space, record) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET space = excluded.space, record = excluded.record',
			[folder.id, folder.space, JSON.stringify(folder)]
		);
	for (const id of rows.deletedImapFolders)
		await run('DELETE FROM imap_folders WHERE id = $1', [id]);
	for (const { space, name, subscribed } of rows.imapSubscriptions)
		await run(
			subscribed
				? 'INSERT INTO imap_subscriptions (space, name) VALUES ($1, $2) ON CONFLICT DO NOTHING'
				: 'DELETE FROM imap_subscriptions WHERE space = $1 AND name = $2',
			[space, name]
		);
	for (const { domain, records } of rows.zoneTxt)
		await (records
			? run(
					'INSERT INTO zone_txt (domain, records) VALUES ($1, $2) ON CONFLICT (domain) DO UPDATE SET records = excluded.records',
					[domain, JSON.stringify(records)]
				)
			: run('DELETE FROM zone_txt WHERE domain = $1', [domain]));
}

/** The whole state, as SQLite's load reads it (sqlitePersistence.ts). */
async function readState(db: Queryable): Promise<PersistedState> {
	const all = async <T extends pg.QueryResultRow>(sql: string) => (await db.query<T>(sql)).rows;
	const sessions = new Map<string, PersistedSession>();
	for (const row of await all<{ summary: string; owners: string }>(
		'SELECT summary, owners FROM sessions ORDER BY position'
	)) {
		const summary = JSON.parse(row.summary) as SessionSummary;
		summary.messageIds = [];
		summary.protocol ??= listenerRow(summary.listener).protocol;
		sessions.set(summary.id, { summary, events: [], owners: JSON.parse(row.owners) as string[] });
	}
	for (const row of await all<{ session_id: string; message_id: string }>(
		'SELECT session_id, message_id FROM session_messages ORDER BY session_id, position'
	))
		sessions.get(row.session_id)?.summary.messageIds.push(row.message_id);
	for (const row of await all<{ session_id: string; events: string }>(
		'SELECT session_id, events FROM event_chunks ORDER BY session_id, first_seq'
	)) {
		const events = sessions.get(row.session_id)?.events;
		for (const event of JSON.parse(row.events) as PersistedEvent[]) events?.push(event);
	}
	const messages = (
		await all<{ summary: string; raw: Buffer; trace: Buffer; owners: string }>(
			'SELECT summary, raw, trace, owners FROM messages ORDER BY position'
		)
	).map((row): PersistedMessage => ({
		summary: JSON.parse(row.summary) as MessageSummary,
		raw: row.raw,
		trace: row.trace.toString(),
		owners: JSON.parse(row.owners) as string[]
	}));
	const byId = new Map(messages.map((message) => [message.summary.id, message.summary]));
	for (const row of await all<{ message_id: string; act: string }>(
		'SELECT message_id, act FROM reader_acts ORDER BY position'
	)) {
		const summary = byId.get(row.message_id);
		if (summary) (summary.readerActs ??= []).push(JSON.parse(row.act) as ReaderAct);
	}
	const owners = await all<Owner>(
		'SELECT id, name, password, created_at AS "createdAt" FROM owners ORDER BY position'
	);
	const shares = await all<Share>(
		'SELECT token, kind, item_id AS "itemId", owner_id AS "ownerId", created_at AS "createdAt" FROM shares ORDER BY position'
	);
	const grants = await all<PersistedState['grants'][number]>(
		'SELECT owner_id AS "ownerId", token FROM share_grants'
	);
	const classes = (
		await all<ClassRow>(
			'SELECT id, code, name, teacher_owner_id AS "teacherOwnerId", teacher_key AS "teacherKey", created_at AS "createdAt", ends_at AS "endsAt", spotlight, former_students AS "formerStudents", handouts FROM classes ORDER BY created_at'
		)
	).map(classFromRow);
	const students = (
		await all<StudentRow>(
			'SELECT class_id AS "classId", owner_id AS "ownerId", nickname, rejoin_code AS "rejoinCode", joined_at AS "joinedAt", passes FROM students ORDER BY joined_at'
		)
	).map(studentFromRow);
	const queue = (await all<{ record: string }>('SELECT record FROM queue ORDER BY position')).map(
		(row) => JSON.parse(row.record) as QueueRecord
	);
	const imapFolders = (
		await all<{ record: string }>('SELECT record FROM imap_folders ORDER BY position')
	).map((row) => JSON.parse(row.record) as ImapFolderRecord);
	const imapSubscriptions = await all<PersistedState['imapSubscriptions'][number]>(
		'SELECT space, name FROM imap_subscriptions'
	);
	const zoneTxt = (
		await all<{ domain: string; records: string }>('SELECT domain, records FROM zone_txt')
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
