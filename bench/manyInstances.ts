/**
 * Several instances on one PostgreSQL (issue 21), on this machine: the production build on a
 * private cluster (tests/postgresCluster.ts), a fresh database and DATA_DIR per run.
 *
 * Throughput: the project's light load generator (bench/loadGenerator.ts, compiled, 8 pipelined
 * connections of 2 KB messages, warmed up first) against one instance, then against two at once
 * (one generator each, straight to each instance's mx port: nginx's stream proxy would bill its
 * own work to the run). Rate: messages over the wall time of the measured part. CPU per message:
 * the instances' processes (every thread, /proc/<pid>/stat), each instance's replication of the
 * other's batches included, and PostgreSQL's (the postmaster and its backends) beside it.
 * Rounds alternate which configuration goes first.
 *
 * Fan-out latency: two instances, a watcher on each (WebSockets straight to each instance, in
 * this process, one clock), both watching one SMTP session on A; NOOP lines sent to A's mx
 * port one every 50 ms; timed from the write to the line's event at each watcher.
 *
 *   node --import tsx bench/manyInstances.ts [rounds]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import {
	postgresBinDir,
	startPostgresCluster,
	type PostgresCluster
} from '../tests/postgresCluster';
import { startProductionServer, type ProductionServer } from '../tests/productionServer';
import { buildBenchEntries } from './benchBuild';
import { CONNECTIONS, type GeneratorResult } from './loadGenerator';
import { ensureProductionBuild } from './productionBuild';

const ROUNDS = Number(process.argv[2]) || Number(process.env.BENCH_ROUNDS) || 3;
const MESSAGE_BYTES = 2 * 1024;
/** Measured messages per generator, and those sent first to warm the instance up. */
const MESSAGES = 4000;
const WARM_UP = 2000;
const NOOPS = 200;
const NOOP_INTERVAL_MS = 50;
const TICKS_PER_SECOND = 100;
/** Every instance's settings here: the quota of unclaimed mail is not what is measured. */
const SETTINGS = { MAX_STORED_BYTES_PER_OWNER: String(2 ** 30) };

/** CPU ticks (user + system, every thread) of one process so far; 0 once it is gone. */
function ticksOf(pid: number, withChildren = false): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// utime, stime (fields 14, 15), cutime, cstime (16, 17): the 3rd field is field 3 here.
		const own = Number(fields[11]) + Number(fields[12]);
		return withChildren ? own + Number(fields[13]) + Number(fields[14]) : own;
	} catch {
		return 0;
	}
}

function parentOf(pid: number): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
	} catch {
		return -1;
	}
}

/** PostgreSQL's ticks: the postmaster, its ended backends (cutime) and its live ones. */
function postgresTicks(cluster: PostgresCluster): number {
	const pidFile = path.join(path.dirname(cluster.socketDir), 'data', 'postmaster.pid');
	const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
	let ticks = ticksOf(postmaster, true);
	for (const entry of readdirSync('/proc'))
		if (/^\d+$/.test(entry) && parentOf(Number(entry)) === postmaster)
			ticks += ticksOf(Number(entry));
	return ticks;
}

/** The port of a listener, from the instance's "listening on" line ("mx 40123 (stands for 25)"). */
function listenerPort(server: ProductionServer, name: string): number {
	const match = new RegExp(`\\b${name} (\\d+) \\(stands for`).exec(server.stdout());
	if (!match) throw new Error(`no ${name} port in: ${server.stdout()}`);
	return Number(match[1]);
}

async function startInstances(
	count: number,
	databaseUrl: string,
	dataDir: string
): Promise<ProductionServer[]> {
	const env = { ...SETTINGS, DATABASE_URL: databaseUrl, DATA_DIR: dataDir };
	// The first makes the shared files and the schema; the others find them.
	const first = await startProductionServer(env);
	const rest = await Promise.all(
		Array.from({ length: count - 1 }, () => startProductionServer(env))
	);
	return [first, ...rest];
}

let entries: ReturnType<typeof buildBenchEntries> | null = null;

/** One generator process, warmed up; `go()` starts the measured part, `done` its result. */
async function generator(
	port: number
): Promise<{ go(): void; done: Promise<GeneratorResult>; child: ChildProcess }> {
	const file = (await (entries ??= buildBenchEntries())).generator;
	const child = spawn(
		process.execPath,
		[file, String(port), String(MESSAGE_BYTES), String(MESSAGES), String(WARM_UP)],
		{ stdio: ['pipe', 'pipe', 'inherit'] }
	);
	const lines = createInterface({ input: child.stdout as Readable })[Symbol.asyncIterator]();
	if ((await lines.next()).value !== 'warm') throw new Error('the load generator failed');
	const done = (async () => {
		const { value } = await lines.next();
		const [code] = (await once(child, 'exit')) as [number | null];
		if (code !== 0) throw new Error(`the load generator failed (exit ${code})`);
		return JSON.parse(value as string) as GeneratorResult;
	})();
	return { go: () => child.stdin?.write('go\n'), done, child };
}

interface Throughput {
	rate: number;
	instanceCpu: number;
	postgresCpu: number;
	generatorCpu: number;
}

async function throughput(cluster: PostgresCluster, instances: number): Promise<Throughput> {
	const databaseUrl = await cluster.createDatabase();
	const dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-bench-shared-'));
	const servers = await startInstances(instances, databaseUrl, dataDir);
	try {
		const generators = await Promise.all(
			servers.map((server) => generator(listenerPort(server, 'mx')))
		);
		// The warm-up's last batches written before the count starts.
		await new Promise((resolve) => setTimeout(resolve, 500));
		const instanceTicks = () => servers.reduce((sum, s) => sum + ticksOf(s.pid), 0);
		const before = { instances: instanceTicks(), postgres: postgresTicks(cluster) };
		const started = performance.now();
		generators.forEach((g) => g.go());
		const results = await Promise.all(generators.map((g) => g.done));
		const seconds = (performance.now() - started) / 1000;
		// Each instance's last batch written, and the other's applied (FLUSH_DELAY_MS, one poll).
		await new Promise((resolve) => setTimeout(resolve, 300));
		const messages = MESSAGES * instances;
		const perMessage = (ticks: number) => (ticks / TICKS_PER_SECOND / messages) * 1e6;
		return {
			rate: messages / seconds,
			instanceCpu: perMessage(instanceTicks() - before.instances),
			postgresCpu: perMessage(postgresTicks(cluster) - before.postgres),
			generatorCpu: results.reduce((sum, r) => sum + r.cpu, 0) / results.length
		};
	} finally {
		await Promise.all(servers.map((s) => s.stop()));
		rmSync(dataDir, { recursive: true, force: true });
	}
}

/** A watcher of one instance: the times each `NOOP n` line's event arrived. */
async function watcher(server: ProductionServer) {
	const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, {
		headers: { origin: server.url }
	});
	await once(ws, 'open');
	const arrived = new Map<number, number>();
	const sessions: string[] = [];
	ws.on('message', (data: Buffer) => {
		const message = JSON.parse(data.toString()) as {
			type: string;
			session?: { id: string };
			sessions?: { id: string }[];
			event?: { text: string };
		};
		if (message.type === 'session' && message.session) sessions.push(message.session.id);
		if (message.type === 'event' && message.event) {
			const noop = /^NOOP (\d+)$/.exec(message.event.text);
			if (noop) arrived.set(Number(noop[1]), performance.now());
		}
	});
	ws.send(JSON.stringify({ type: 'watch-all' }));
	return {
		arrived,
		/** Resolves once this instance has told of a session (it is the only one), watching it. */
		async watchFirstSession(): Promise<void> {
			const deadline = Date.now() + 10_000;
			while (sessions.length === 0) {
				if (Date.now() > deadline) throw new Error(`${server.url} told of no session in 10 s`);
				await new Promise((resolve) => setTimeout(resolve, 10));
			}
			ws.send(JSON.stringify({ type: 'watch', sessionId: sessions[0], since: 0 }));
		},
		close: () => ws.close()
	};
}

interface Latency {
	onA: number[];
	onB: number[];
}

async function fanOutLatency(cluster: PostgresCluster): Promise<Latency> {
	const databaseUrl = await cluster.createDatabase();
	const dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-bench-shared-'));
	const [a, b] = await startInstances(2, databaseUrl, dataDir);
	const watchers = [await watcher(a), await watcher(b)];
	const smtp = net.connect(listenerPort(a, 'mx'), '127.0.0.1');
	try {
		await once(smtp, 'data'); // the 220 greeting
		smtp.on('data', () => {});
		await Promise.all(watchers.map((w) => w.watchFirstSession()));
		// Both watching: the watch reaches each instance before the first line is sent.
		await new Promise((resolve) => setTimeout(resolve, 500));
		const sent = new Map<number, number>();
		for (let n = 0; n < NOOPS; n++) {
			sent.set(n, performance.now());
			smtp.write(`NOOP ${n}\r\n`);
			await new Promise((resolve) => setTimeout(resolve, NOOP_INTERVAL_MS));
		}
		await new Promise((resolve) => setTimeout(resolve, 1000));
		const delays = (arrived: Map<number, number>) =>
			[...sent].map(([n, at]) => {
				const got = arrived.get(n);
				if (got === undefined) throw new Error(`NOOP ${n} never reached a watcher`);
				return got - at;
			});
		return { onA: delays(watchers[0].arrived), onB: delays(watchers[1].arrived) };
	} finally {
		smtp.destroy();
		watchers.forEach((w) => w.close());
		await Promise.all([a.stop(), b.stop()]);
		rmSync(dataDir, { recursive: true, force: true });
	}
}

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((x, y) => x - y);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function median(values: number[]): number {
	return percentile(values, 50);
}

const range = (values: number[], digits = 0) =>
	`${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;

export async function benchManyInstances(rounds = ROUNDS): Promise<string[]> {
	await ensureProductionBuild();
	const cluster = startPostgresCluster();
	const lines: string[] = [];
	try {
		const started = new Date().toISOString();
		const load = os.loadavg()[0];
		const one: Throughput[] = [];
		const two: Throughput[] = [];
		for (let round = 0; round < rounds; round++) {
			if (round % 2) {
				two.push(await throughput(cluster, 2));
				one.push(await throughput(cluster, 1));
			} else {
				one.push(await throughput(cluster, 1));
				two.push(await throughput(cluster, 2));
			}
		}
		const latency = await fanOutLatency(cluster);
		lines.push(
			`${started} to ${new Date().toISOString()}, load average ${load.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end; PostgreSQL ${path.basename(path.dirname(postgresBinDir()))}`,
			`Throughput, ${MESSAGE_BYTES / 1024} KB messages, ${CONNECTIONS} pipelined connections × ${MESSAGES} messages per instance (after ${WARM_UP} to warm up), median (range) of ${rounds} rounds:`
		);
		for (const [name, runs] of [
			['one instance', one],
			['two instances', two]
		] as const)
			lines.push(
				`  ${name}: ${range(runs.map((r) => r.rate))} msg/s; CPU per message: instances ${range(runs.map((r) => r.instanceCpu))} µs, PostgreSQL ${range(runs.map((r) => r.postgresCpu))} µs; generator ${range(runs.map((r) => r.generatorCpu))} µs`
			);
		const ratio = (f: (r: Throughput) => number) =>
			range(
				two.map((r, i) => f(r) / f(one[i])),
				2
			);
		lines.push(
			`  two ÷ one: rate ${ratio((r) => r.rate)}, instances' CPU per message ${ratio((r) => r.instanceCpu)}, PostgreSQL's ${ratio((r) => r.postgresCpu)}`
		);
		const figure = (values: number[]) =>
			`median ${median(values).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms`;
		lines.push(
			`Fan-out latency, ${NOOPS} NOOP lines to A's mx port ${NOOP_INTERVAL_MS} ms apart → the line's event at a watcher:`,
			`  watcher on A: ${figure(latency.onA)}`,
			`  watcher on B: ${figure(latency.onB)}`,
			`  B ÷ A: median ${(median(latency.onB) / median(latency.onA)).toFixed(1)}, p95 ${(percentile(latency.onB, 95) / percentile(latency.onA, 95)).toFixed(1)}`
		);
	} finally {
		cluster.stop();
	}
	return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
	for (const line of await benchManyInstances()) console.log(line);
