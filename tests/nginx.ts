/**
 * Debian's nginx in front of a test server, configured by the committed deploy file
 * (deploy/nginx/smtp-lab.conf) with only its ports changed: a broken deploy config fails the
 * tests that use this. nginx runs in the foreground as this process's child, with a temporary
 * prefix (its pid, logs and temp files stay there), on 127.0.0.1 only, and is stopped by stop().
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX = '/usr/sbin/nginx';
export const DEPLOY_CONFIG = 'deploy/nginx/smtp-lab.conf';

/**
 * What the deploy file must say that no request in the tests can observe: the visitor's Host
 * (nginx would send the upstream's name, smtp_lab; with ORIGIN set the server does not compare it).
 */
const REQUIRED = ['proxy_set_header Host $host;'];

/** What the test changes in the deploy file: each must be there exactly once. */
function substitute(config: string, listenPort: number, upstreamPort: number): string {
	const changes: [string, string][] = [
		['listen 80;', `listen 127.0.0.1:${listenPort};`],
		['listen [::]:80;', ''],
		['server 127.0.0.1:3000;', `server 127.0.0.1:${upstreamPort};`]
	];
	for (const line of REQUIRED)
		if (!config.includes(line)) throw new Error(`${DEPLOY_CONFIG}: "${line}" is missing`);
	for (const [from, to] of changes) {
		const count = config.split(from).length - 1;
		if (count !== 1) throw new Error(`${DEPLOY_CONFIG}: expected "${from}" once, found ${count}`);
		config = config.replace(from, to);
	}
	return config;
}

/** A port that was free a moment ago (nginx takes a port number, not 0). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

export interface Nginx {
	/** http://127.0.0.1:<port> */
	url: string;
	stop(): Promise<void>;
}

/** Starts nginx on `listenPort`, proxying to the server at `upstreamPort`. */
export async function startNginx(listenPort: number, upstreamPort: number): Promise<Nginx> {
	const prefix = mkdtempSync(join(tmpdir(), 'smtp-lab-nginx-'));
	// As root, nginx's workers run as nobody: they must reach their temp paths in the prefix.
	chmodSync(prefix, 0o755);
	const site = substitute(readFileSync(DEPLOY_CONFIG, 'utf8'), listenPort, upstreamPort);
	writeFileSync(join(prefix, 'smtp-lab.conf'), site);
	writeFileSync(
		join(prefix, 'nginx.conf'),
		[
			'daemon off;',
			'worker_processes 1;',
			`pid ${prefix}/nginx.pid;`,
			`error_log ${prefix}/error.log warn;`,
			'events { worker_connections 1024; }',
			'http {',
			`  access_log ${prefix}/access.log;`,
			`  client_body_temp_path ${prefix}/client_body;`,
			`  proxy_temp_path ${prefix}/proxy;`,
			`  fastcgi_temp_path ${prefix}/fastcgi;`,
			`  uwsgi_temp_path ${prefix}/uwsgi;`,
			`  scgi_temp_path ${prefix}/scgi;`,
			`  include ${prefix}/smtp-lab.conf;`,
			'}',
			''
		].join('\n')
	);
	const stop = await runNginx(prefix, listenPort);
	return { url: `http://127.0.0.1:${listenPort}`, stop };
}

/**
 * Runs nginx on `prefix`/nginx.conf (written by the caller), ready when `readyPort` accepts; its
 * stop() ends nginx (SIGQUIT: gracefully) and deletes the prefix. An nginx that exits first (a bad
 * config) fails with its own words.
 */
export async function runNginx(prefix: string, readyPort: number): Promise<() => Promise<void>> {
	const child = spawn(
		NGINX,
		['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')],
		{ stdio: ['ignore', 'ignore', 'pipe'] }
	);
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	let running = true;
	// Should the test runner exit without its teardown (an interrupted run), nginx goes with it.
	const killOnExit = () => child.kill('SIGTERM');
	process.once('exit', killOnExit);
	void exited.then(() => {
		running = false;
		process.off('exit', killOnExit);
	});
	const stop = async () => {
		if (running) child.kill('SIGQUIT');
		await exited;
		rmSync(prefix, { recursive: true, force: true });
	};
	const log = () => {
		try {
			return readFileSync(join(prefix, 'error.log'), 'utf8');
		} catch {
			return '';
		}
	};
	for (let tries = 0; ; tries++) {
		if (!running) {
			const why = `${stderr}${log()}`;
			await stop();
			throw new Error(`nginx exited: ${why}`);
		}
		if (await accepts(readyPort)) break;
		if (tries > 200) {
			await stop();
			throw new Error(`nginx did not listen on ${readyPort}: ${stderr}${log()}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	return stop;
}

function accepts(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}
