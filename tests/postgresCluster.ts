/**
 * A private PostgreSQL cluster for one test file: initdb and pg_ctl from Debian's newest
 * /usr/lib/postgresql/<version>/bin, its data and its socket in a temporary directory, reachable
 * through that unix socket only (listen_addresses empty), on a high port that only names the
 * socket file. The system's own cluster (5432, /var/run/postgresql) is never touched.
 * PostgreSQL refuses to run as root: as root, every command runs as `postgres` (else `nobody`)
 * through runuser, and the directory is that user's.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';

const DEBIAN_POSTGRESQL = '/usr/lib/postgresql';

export interface PostgresCluster {
	/** The operating-system user the server runs as, also its superuser's name. */
	user: string;
	socketDir: string;
	port: number;
	/** DATABASE_URL of `database` in this cluster. */
	url(database: string): string;
	/** A new empty database (a fresh one per test isolates it); its DATABASE_URL. */
	createDatabase(): Promise<string>;
	/** Stops the server at once (pg_ctl stop -m immediate) and deletes its directory. */
	stop(): void;
}

/** The newest installed version's bin directory. */
export function postgresBinDir(): string {
	const versions = existsSync(DEBIAN_POSTGRESQL)
		? readdirSync(DEBIAN_POSTGRESQL).filter((name) =>
				existsSync(path.join(DEBIAN_POSTGRESQL, name, 'bin', 'initdb'))
			)
		: [];
	if (versions.length === 0)
		throw new Error(
			`no PostgreSQL under ${DEBIAN_POSTGRESQL}/*/bin: install Debian's postgresql (npm test does, as root)`
		);
	const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
	return path.join(DEBIAN_POSTGRESQL, newest, 'bin');
}

/** Who runs the server: the invoking user, or as root `postgres` (else `nobody`). */
function serverUser(): { name: string; uid: number; gid: number; asUser: string[] } {
	const me = userInfo();
	if (me.uid !== 0) return { name: me.username, uid: me.uid, gid: me.gid, asUser: [] };
	for (const name of ['postgres', 'nobody']) {
		try {
			const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }));
			const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }));
			return { name, uid, gid, asUser: ['runuser', '-u', name, '--'] };
		} catch {
			// No such user: try the next.
		}
	}
	throw new Error('running as root, and neither the postgres nor the nobody user exists');
}

/** A port above the registered ones; with no TCP listener it only names the socket file. */
function highPort(): number {
	return 40_000 + Math.floor(Math.random() * 20_000);
}

export function startPostgresCluster(): PostgresCluster {
	const bin = postgresBinDir();
	const user = serverUser();
	const dir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-pg-'));
	const dataDir = path.join(dir, 'data');
	const socketDir = path.join(dir, 'socket');
	mkdirSync(socketDir);
	chownSync(dir, user.uid, user.gid);
	chownSync(socketDir, user.uid, user.gid);
	const port = highPort();
	const run = (program: string, args: string[]) => {
		const [command, ...rest] = [...user.asUser, path.join(bin, program), ...args];
		// The user's own directory as the working one: root's may be closed to it.
		execFileSync(command, rest, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
	};
	try {
		run('initdb', [
			'-D',
			dataDir,
			'-U',
			user.name,
			'--auth=trust',
			'--encoding=UTF8',
			'--locale=C',
			'--no-sync',
			'--no-instructions'
		]);
		run('pg_ctl', [
			'start',
			'-D',
			dataDir,
			'-w',
			'-l',
			path.join(dir, 'server.log'),
			'-o',
			// A throwaway cluster: durability is not what the tests check.
			`-c listen_addresses='' -p ${port} -k ${socketDir} -c fsync=off -c full_page_writes=off`
		]);
	} catch (error) {
		rmSync(dir, { recursive: true, force: true });
		const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
		throw new Error(`cannot start a private PostgreSQL cluster: ${stderr || error}`);
	}
	const url = (database: string) =>
		`postgres://${user.name}@/${database}?host=${encodeURIComponent(socketDir)}&port=${port}`;
	let databases = 0;
	return {
		user: user.name,
		socketDir,
		port,
		url,
		async createDatabase() {
			const name = `test_${++databases}`;
			const client = new pg.Client({ connectionString: url('postgres') });
			await client.connect();
			try {
				await client.query(`CREATE DATABASE ${name}`);
			} finally {
				await client.end();
			}
			return url(name);
		},
		stop() {
			try {
				run('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
		}
	};
}

/** A test file's PostgreSQL: its private cluster, and the current test's own database. */
export interface PostgresDatabase {
	readonly cluster: PostgresCluster;
	/** DATABASE_URL of the current test's database. */
	readonly url: string;
	/** A query on the current test's database, from outside any instance: its rows. */
	sql<T extends pg.QueryResultRow = Record<string, unknown>>(
		text: string,
		values?: unknown[]
	): Promise<T[]>;
}

/**
 * Registers a test file's hooks: a private cluster started before its tests and stopped after
 * them, a fresh database before each test. Called before the file's own hooks, so its beforeEach
 * hooks find the database made and its afterAll hooks run before the cluster stops.
 */
export function usePostgresDatabase(): PostgresDatabase {
	let cluster: PostgresCluster | undefined;
	let url: string | undefined;
	beforeAll(() => {
		cluster = startPostgresCluster();
	});
	afterAll(() => cluster?.stop());
	beforeEach(async () => {
		url = await cluster!.createDatabase();
	});
	const current = () => {
		if (!url) throw new Error('no test database outside a test');
		return url;
	};
	return {
		get cluster() {
			if (!cluster) throw new Error("no PostgreSQL cluster outside the test file's hooks");
			return cluster;
		},
		get url() {
			return current();
		},
		async sql<T extends pg.QueryResultRow = Record<string, unknown>>(
			text: string,
			values: unknown[] = []
		) {
			const client = new pg.Client({ connectionString: current() });
			await client.connect();
			try {
				return (await client.query<T>(text, values)).rows;
			} finally {
				await client.end();
			}
		}
	};
}
