/**
 * Messages per second through the full sandbox (recording every line, storing every message,
 * one WebSocket watcher) against a bare smtp-server that only drains the data, measured in the
 * same run, over reused connections (issue 2 §7): the default lab, writing every change to its
 * database (a fresh DATA_DIR in the system's temporary directory per run), and the same with
 * DATA_DIR=memory, side by side in each round so the database's cost reads as their ratio. The
 * load generator and the watcher run in their own processes; all three share this machine's
 * cores.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { SMTPServer } from 'smtp-server';
import { readConfig } from '../server/config';
import { startLab } from '../server/lab';
import { startWebServer } from '../tests/integration/webServer';

/** Rounds per configuration; the median is reported. */
const ROUNDS = 7;
/** Lines recorded per message on the mx listener: MAIL, 250, RCPT, 250, DATA, 354, content, ".", 250. */
const EVENTS_PER_MESSAGE = 9;

type WatchMode = 'lists' | 'transcripts';

interface Run {
	rate: number;
	/** CPU µs per message of the server process (what the load generator's work does not blur). */
	serverCpu: number;
	clientCpu: number;
	watcherCpu: number;
}

/** Runs the load generator in its own process. */
async function load(port: number, size: number, count: number) {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', 'bench/loadClient.ts', String(port), String(size), String(count)],
		{ stdio: ['ignore', 'pipe', 'inherit'] }
	);
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	const [code] = await once(child, 'exit');
	if (code !== 0) throw new Error(`load generator failed (${code})`);
	return JSON.parse(output) as { rate: number; cpu: number };
}

/** Starts the watcher in its own process; `stop()` says what it received and the CPU it used. */
async function watch(url: string, origin: string, mode: WatchMode) {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', 'bench/watchClient.ts', url, origin, mode],
		{
			stdio: ['pipe', 'pipe', 'inherit']
		}
	);
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	while (!output.includes('ready')) await once(child.stdout, 'data');
	return {
		async stop() {
			child.stdin.write('stop\n');
			await once(child, 'exit');
			return JSON.parse(output.slice(output.indexOf('{'))) as {
				messages: number;
				events: number;
				cpu: number;
			};
		}
	};
}

async function bare(size: number, count: number): Promise<Run> {
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		disableReverseLookup: true,
		logger: false,
		onData(stream, _session, callback) {
			stream.on('end', () => callback());
			stream.resume();
		}
	});
	server.listen(0, '127.0.0.1');
	await once(server.server, 'listening');
	const { port } = server.server.address() as AddressInfo;
	const cpu = process.cpuUsage();
	const sent = await load(port, size, count);
	const used = process.cpuUsage(cpu);
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return {
		rate: sent.rate,
		serverCpu: (used.user + used.system) / count,
		clientCpu: sent.cpu,
		watcherCpu: 0
	};
}

async function sandbox(
	size: number,
	count: number,
	mode: WatchMode,
	durable: boolean
): Promise<Run> {
	const dataDir = durable ? mkdtempSync(path.join(tmpdir(), 'smtp-lab-bench-')) : null;
	const lab = await startLab(
		readConfig(
			{},
			{
				smtpPort: 0,
				submissionPort: 0,
				smtpsPort: 0,
				smtpHost: '127.0.0.1',
				dataDir,
				// A round's 30 MB of mail to bob@example.com would pass the quota of unclaimed mail;
				// the quotas are not what is measured.
				maxStoredBytesPerOwner: 2 ** 30
			}
		)
	);
	const web = await startWebServer(lab);
	const watcher = await watch(web.wsUrl, web.url, mode);
	const cpu = process.cpuUsage();
	const sent = await load(lab.sandbox.port('mx'), size, count);
	const used = process.cpuUsage(cpu);
	// Let the last frame of watched lines leave before the watcher counts what it got.
	await new Promise((resolve) => setTimeout(resolve, 200));
	const watched = await watcher.stop();
	await lab.close();
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
	await web.close();
	if (watched.messages < count)
		throw new Error(`the watcher was told of ${watched.messages} of ${count} messages`);
	if (mode === 'transcripts' && watched.events < count * EVENTS_PER_MESSAGE)
		throw new Error(`the watcher got ${watched.events} lines for ${count} messages`);
	return {
		rate: sent.rate,
		serverCpu: (used.user + used.system) / count,
		clientCpu: sent.cpu,
		watcherCpu: watched.cpu / count
	};
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

/** The sandbox configurations each round runs: [watcher, database on, description]. */
const CONFIGURATIONS: [WatchMode, boolean, string][] = [
	['lists', true, 'a /live page watching the session and message lists (SQLite in DATA_DIR)'],
	['lists', false, 'the same with DATA_DIR=memory'],
	['transcripts', true, 'a watcher following every transcript line by line (SQLite)']
];
/** The two configurations that differ only in the database: their ratio is its cost. */
const [WITH_DATABASE, MEMORY_ONLY] = [0, 1];

function cpuLine(runs: Run[]): string {
	const cpu = (pick: (r: Run) => number) => median(runs.map(pick)).toFixed(0);
	return `CPU µs/msg: server ${cpu((r) => r.serverCpu)}, load generator ${cpu((r) => r.clientCpu)}, watcher ${cpu((r) => r.watcherCpu)}`;
}

export async function benchSandboxThroughput(): Promise<string[]> {
	// A running server is warm: one uncounted run compiles the sandbox's hot paths first.
	await sandbox(2 * 1024, 500, 'transcripts', false);
	const lines: string[] = [];
	for (const [label, size, count] of [
		['2 KB', 2 * 1024, 1500],
		['100 KB', 100 * 1024, 300]
	] as const) {
		// Each round runs the bare server, then each sandbox mode, back to back; a round's ratio
		// compares runs seconds apart, so drift in the machine's speed cancels out.
		const bareRuns: Run[] = [];
		const labRuns: Run[][] = CONFIGURATIONS.map(() => []);
		for (let round = 0; round < ROUNDS; round++) {
			bareRuns.push(await bare(size, count));
			for (const [index, [mode, durable]] of CONFIGURATIONS.entries())
				labRuns[index].push(await sandbox(size, count, mode, durable));
		}
		const b = median(bareRuns.map((r) => r.rate));
		lines.push(
			`${label} messages (${count} per round, median of ${ROUNDS} rounds): bare smtp-server ${b.toFixed(0)} msg/s (${cpuLine(bareRuns)})`
		);
		for (const [index, [, , description]] of CONFIGURATIONS.entries()) {
			const runs = labRuns[index];
			const ratios = runs.map((r, round) => r.rate / bareRuns[round].rate);
			lines.push(
				`  sandbox with ${description}: ${median(runs.map((r) => r.rate)).toFixed(0)} msg/s, ratio ${median(ratios).toFixed(2)} (target ≥ 0.70; rounds ${ratios.map((r) => r.toFixed(2)).join(' ')}) (${cpuLine(runs)})`
			);
		}
		const database = labRuns[WITH_DATABASE].map(
			(r, round) => r.rate / labRuns[MEMORY_ONLY][round].rate
		);
		lines.push(
			`  SQLite against memory only, same round: ${median(database).toFixed(2)} (rounds ${database.map((r) => r.toFixed(2)).join(' ')})`
		);
	}
	lines.push('(4 reused connections; load generator and watcher each in their own process)');
	return lines;
}
