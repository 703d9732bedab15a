/**
 * Several production instances behind Debian's nginx, configured by the committed deploy files
 * with only their ports changed (README "Run it for many classes"): each instance's ports are
 * those of deploy/instances/<n>.env, its other settings those of deploy/smtp-lab@.service; nginx
 * runs deploy/nginx/smtp-lab-instances.conf (http) and smtp-lab-stream.conf (stream, loaded with
 * Debian's libnginx-mod-stream). A port the files disagree on, or a listener the stream file
 * forgets, fails here. nginx runs in the foreground as this process's child on a temporary prefix,
 * 127.0.0.1 only, as tests/nginx.ts runs the one-instance site.
 */
import dgram from 'node:dgram';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LISTENER_TABLE } from '../src/lib/listeners';
import { runNginx } from './nginx';

export const HTTP_CONFIG = 'deploy/nginx/smtp-lab-instances.conf';
export const STREAM_CONFIG = 'deploy/nginx/smtp-lab-stream.conf';
export const INSTANCE_UNIT = 'deploy/smtp-lab@.service';
const INSTANCES_DIR = 'deploy/instances';
/** Where Debian's libnginx-mod-stream puts the module (modules-enabled loads it by this name). */
export const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

/** Each listener nginx's stream file proxies: its name, its instance variable, its public port. */
export const STREAM_SERVICES = [
	...LISTENER_TABLE.map((row) => ({
		name: row.name,
		variable: row.portVariable,
		standsFor: row.standsFor
	})),
	{ name: 'dns', variable: 'DNS_PORT', standsFor: 53 }
];
export type StreamService = (typeof STREAM_SERVICES)[number]['name'];

/** `KEY=value` lines, comments and blank lines left out. */
function assignments(lines: string[]): Record<string, string> {
	const values: Record<string, string> = {};
	for (const line of lines) {
		const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
		if (match) values[match[1]] = match[2];
	}
	return values;
}

/** The shipped instances' environment files (deploy/instances/<n>.env), in order. */
export function shippedInstances(): Record<string, string>[] {
	return readdirSync(INSTANCES_DIR)
		.filter((file) => file.endsWith('.env'))
		.sort()
		.map((file) => assignments(readFileSync(join(INSTANCES_DIR, file), 'utf8').split('\n')));
}

/** The unit's `Environment=` settings, shared by every instance. */
export function unitEnvironment(): Record<string, string> {
	return assignments(
		readFileSync(INSTANCE_UNIT, 'utf8')
			.split('\n')
			.filter((line) => line.startsWith('Environment='))
			.map((line) => line.slice('Environment='.length))
	);
}

/**
 * Below Linux's ephemeral range (32768–60999 by default): a port picked there while free may be
 * taken a moment later as the local port of some outgoing connection (the instances' own to
 * PostgreSQL, say) before the instance binds it, or while a killed one is started again.
 */
const FIXED_PORTS = { first: 20_000, count: 12_000 };
const picked = new Set<number>();

/** A port below the ephemeral range that is free now, over TCP and UDP, and not picked before. */
export async function freeFixedPort(): Promise<number> {
	for (;;) {
		const port = FIXED_PORTS.first + Math.floor(Math.random() * FIXED_PORTS.count);
		if (picked.has(port)) continue;
		if ((await bindable(port, 'tcp')) && (await bindable(port, 'udp'))) {
			picked.add(port);
			return port;
		}
	}
}

function bindable(port: number, protocol: 'tcp' | 'udp'): Promise<boolean> {
	return new Promise((resolve) => {
		if (protocol === 'udp') {
			const socket = dgram.createSocket('udp4');
			socket.once('error', () => resolve(false));
			socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
			return;
		}
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** Every port of every shipped instance, each replaced by a free one (freeFixedPort). */
export async function freeInstancePorts(): Promise<Record<string, number>[]> {
	const instances: Record<string, number>[] = [];
	for (const shipped of shippedInstances()) {
		const ports: Record<string, number> = {};
		for (const variable of Object.keys(shipped)) ports[variable] = await freeFixedPort();
		instances.push(ports);
	}
	return instances;
}

function replaceOnce(config: string, file: string, from: string, to: string): string {
	const count = config.split(from).length - 1;
	if (count !== 1) throw new Error(`${file}: expected "${from}" once, found ${count}`);
	return config.replace(from, to);
}

/** An upstream's `server 127.0.0.1:<port>` (then `;` or a parameter such as ` backup;`), once. */
function replaceServerOnce(config: string, file: string, port: string, to: string): string {
	const line = new RegExp(`server 127\\.0\\.0\\.1:${port}(?=[ ;])`, 'g');
	const count = config.match(line)?.length ?? 0;
	if (count !== 1)
		throw new Error(`${file}: expected "server 127.0.0.1:${port}" once, found ${count}`);
	return config.replace(line, to);
}

/**
 * The two files with each shipped instance's ports (`server 127.0.0.1:<port>`, parameters such as
 * `backup` kept) turned into that instance's in `instances`, and nginx's own listen ports into
 * `listen`'s. Every upstream server line must be some instance's port, once.
 */
function substitute(
	files: { http: string; stream: string },
	instances: Record<string, number>[],
	listen: { http: number } & Record<StreamService, number>
): { http: string; stream: string } {
	const shipped = shippedInstances();
	if (shipped.length !== instances.length)
		throw new Error(`${shipped.length} instances are shipped, ${instances.length} given`);
	let { http, stream } = files;
	// Through placeholders first: a free port may equal another instance's shipped one.
	shipped.forEach((env, i) => {
		const mark = (variable: string) => `server @${i}:${variable}@`;
		http = replaceServerOnce(http, HTTP_CONFIG, env.PORT, mark('PORT'));
		for (const { variable } of STREAM_SERVICES) {
			if (!(variable in env)) throw new Error(`instance ${i + 1}'s env file has no ${variable}`);
			stream = replaceServerOnce(stream, STREAM_CONFIG, env[variable], mark(variable));
		}
	});
	for (const [file, text] of [
		[HTTP_CONFIG, http],
		[STREAM_CONFIG, stream]
	])
		if (/server 127\.0\.0\.1:\d+[ ;]/.test(text))
			throw new Error(`${file}: an upstream server that no instance's env file names`);
	const fill = (text: string) =>
		text.replace(/server @(\d+):(\w+)@/g, (_, i: string, variable: string) => {
			const port = instances[Number(i)][variable];
			if (port === undefined) throw new Error(`no ${variable} for instance ${Number(i) + 1}`);
			return `server 127.0.0.1:${port}`;
		});
	http = fill(http);
	stream = fill(stream);
	http = replaceOnce(http, HTTP_CONFIG, 'listen 80;', `listen 127.0.0.1:${listen.http};`);
	http = replaceOnce(http, HTTP_CONFIG, 'listen [::]:80;', '');
	for (const { name, standsFor } of STREAM_SERVICES) {
		if (name === 'dns')
			stream = replaceOnce(
				stream,
				STREAM_CONFIG,
				`listen ${standsFor} udp;`,
				`listen 127.0.0.1:${listen.dns} udp;`
			);
		stream = replaceOnce(
			stream,
			STREAM_CONFIG,
			`listen ${standsFor};`,
			`listen 127.0.0.1:${listen[name]};`
		);
	}
	return { http, stream };
}

export interface NginxInstances {
	/** http://127.0.0.1:<port>, the site through the http upstream. */
	url: string;
	/** The stream module's port for each listener ('mx', 'submission', …, 'dns'). */
	stream: Record<StreamService, number>;
	/**
	 * Asks nginx which upstream port served a request with these cookies: the port of the
	 * instance the http upstream hashes them to (read from its access log).
	 */
	upstreamOf(cookie: string): Promise<number>;
	stop(): Promise<void>;
}

/** Starts nginx in front of instances listening on `instances`' ports. */
export async function startNginxInstances(
	instances: Record<string, number>[]
): Promise<NginxInstances> {
	const listen = { http: await freeFixedPort() } as { http: number } & Record<
		StreamService,
		number
	>;
	for (const { name } of STREAM_SERVICES) listen[name] = await freeFixedPort();
	const prefix = mkdtempSync(join(tmpdir(), 'smtp-lab-nginx-instances-'));
	// As root, nginx's workers run as nobody: they must reach their temp paths in the prefix.
	chmodSync(prefix, 0o755);
	const files = substitute(
		{ http: readFileSync(HTTP_CONFIG, 'utf8'), stream: readFileSync(STREAM_CONFIG, 'utf8') },
		instances,
		listen
	);
	writeFileSync(join(prefix, 'http.conf'), files.http);
	writeFileSync(join(prefix, 'stream.conf'), files.stream);
	const accessLog = join(prefix, 'access.log');
	writeFileSync(
		join(prefix, 'nginx.conf'),
		[
			// What Debian's /etc/nginx/modules-enabled/50-mod-stream.conf does, by absolute path
			// (its relative one is under nginx's own prefix, not this one).
			`load_module ${STREAM_MODULE};`,
			'daemon off;',
			'worker_processes 1;',
			`pid ${prefix}/nginx.pid;`,
			`error_log ${prefix}/error.log warn;`,
			'events { worker_connections 4096; }',
			'http {',
			// The test's own log line: the cookie and the upstream that served it.
			'  log_format upstream "$cookie_smtp_lab_owner $upstream_addr";',
			`  access_log ${accessLog} upstream;`,
			`  client_body_temp_path ${prefix}/client_body;`,
			`  proxy_temp_path ${prefix}/proxy;`,
			`  fastcgi_temp_path ${prefix}/fastcgi;`,
			`  uwsgi_temp_path ${prefix}/uwsgi;`,
			`  scgi_temp_path ${prefix}/scgi;`,
			`  include ${prefix}/http.conf;`,
			'}',
			// As the README's install line does at nginx.conf's top level.
			`include ${prefix}/stream.conf;`,
			''
		].join('\n')
	);
	const stop = await runNginx(prefix, listen.http);
	const url = `http://127.0.0.1:${listen.http}`;
	const stream = Object.fromEntries(
		STREAM_SERVICES.map(({ name }) => [name, listen[name]])
	) as Record<StreamService, number>;
	return {
		url,
		stream,
		async upstreamOf(cookie) {
			const owner = /smtp_lab_owner=([^;]*)/.exec(cookie)?.[1] ?? '-';
			const lines = () =>
				readFileSync(accessLog, 'utf8')
					.split('\n')
					.filter((line) => line.startsWith(`${owner} `));
			const before = lines().length;
			const response = await fetch(`${url}/api/health`, { headers: { cookie } });
			await response.arrayBuffer();
			if (!response.ok) throw new Error(`GET /api/health through nginx: ${response.status}`);
			// nginx writes the line as the request ends, which may be after the response arrived.
			for (let tries = 0; tries < 100; tries++) {
				const logged = lines();
				// "127.0.0.1:<port>", or "<first tried>, <next>" when an instance did not answer.
				if (logged.length > before) return Number(logged.at(-1)!.split(':').at(-1));
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
			throw new Error(`nginx logged no request for ${owner}`);
		},
		stop
	};
}
