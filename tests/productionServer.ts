/**
 * Starts the production server (node build/server/index.js) on loopback with every port chosen by
 * the OS, and waits for its "listening on" line. Used by the browser tests' global setup, by specs
 * that need a server with other settings, and by the benchmarks.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ProductionServer {
	/** The site's URL, from the server's own "listening on" line. */
	url: string;
	/** The server's process id (the benchmarks read its memory and CPU time in /proc). */
	pid: number;
	/** Everything the server wrote to stderr so far (when started with stderr: 'capture'). */
	stderr(): string;
	/** Its exit code once it has exited (null: ended by a signal). */
	exited: Promise<number | null>;
	/** Everything the server wrote to stdout so far. */
	stdout(): string;
	stop(): Promise<void>;
}

/** Ports 0 and loopback for every listener; a value of undefined removes that variable. */
const LOOPBACK_ANY_PORT = {
	PORT: '0',
	HOST: '127.0.0.1',
	SMTP_HOST: '127.0.0.1',
	SMTP_PORT: '0',
	SUBMISSION_PORT: '0',
	SMTPS_PORT: '0',
	POP3_PORT: '0',
	POP3S_PORT: '0',
	IMAP_PORT: '0',
	IMAPS_PORT: '0',
	DNS_PORT: '0',
	MAIL_HOSTS_PORT: '0'
};

export async function startProductionServer(
	env: Record<string, string | undefined> = {},
	{ stderr = 'capture' }: { stderr?: 'capture' | 'inherit' } = {}
): Promise<ProductionServer> {
	if (!existsSync('build/server/index.js'))
		throw new Error('run `npm run build` before starting the production server');
	// A fresh database per start (removed at stop), unless the caller names one.
	const dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-data-'));
	const merged: Record<string, string | undefined> = {
		...process.env,
		...LOOPBACK_ANY_PORT,
		DATA_DIR: dataDir,
		// A memory-only lab keeps its certificate in .data/tls: here, in the temporary directory.
		...(env.DATA_DIR === 'memory' ? { TLS_DIR: path.join(dataDir, 'tls') } : {}),
		...env
	};
	for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
	const child = spawn(process.execPath, ['build/server/index.js'], {
		env: merged,
		stdio: ['ignore', 'pipe', stderr === 'capture' ? 'pipe' : 'inherit']
	});
	let logged = '';
	let printed = '';
	child.stderr?.on('data', (chunk: Buffer) => (logged += chunk.toString()));
	child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
	const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
	const listening = new Promise<string>((resolve, reject) => {
		let output = '';
		const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 30_000);
		child.stdout!.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on (http:\/\/\S+)/.exec(output);
			if (match) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`server exited with ${code}: ${output} ${logged}`));
		});
	});
	let url: string;
	try {
		url = await listening;
	} catch (error) {
		rmSync(dataDir, { recursive: true, force: true });
		throw error;
	}
	return {
		url,
		pid: child.pid!,
		stderr: () => logged,
		stdout: () => printed,
		exited,
		async stop() {
			child.kill('SIGTERM');
			await exited;
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}
