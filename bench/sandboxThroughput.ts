/**
 * Messages per second through the full sandbox (recording every line, storing every message,
 * one WebSocket watcher following the lists and each session) against a bare smtp-server that
 * only drains the data, measured in the same run, over reused connections (issue 2 §7).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { SMTPServer } from 'smtp-server';
import { readConfig } from '../server/config';
import { startLab } from '../server/lab';
import { startWebServer } from '../tests/integration/webServer';

const CONNECTIONS = 4;

/** Runs the load generator in its own process and returns its rate. */
async function load(port: number, size: number, count: number): Promise<number> {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', 'bench/loadClient.ts', String(port), String(size), String(count)],
		{ stdio: ['ignore', 'pipe', 'inherit'] }
	);
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	const [code] = await once(child, 'exit');
	if (code !== 0) throw new Error(`load generator failed (${code})`);
	return (JSON.parse(output) as { rate: number }).rate;
}

/** Starts the watcher in its own process; `stop()` returns how many messages it received. */
type WatchMode = 'lists' | 'transcripts';

async function watch(
	url: string,
	origin: string,
	mode: WatchMode
): Promise<{ stop(): Promise<number> }> {
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
			return (JSON.parse(output.slice(output.indexOf('{'))) as { received: number }).received;
		}
	};
}

interface Run {
	rate: number;
	/** Server-process CPU time per message, in µs: what the load generator's work does not blur. */
	cpuPerMessage: number;
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
	const rate = await load(port, size, count);
	const used = process.cpuUsage(cpu);
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return { rate, cpuPerMessage: (used.user + used.system) / count };
}

async function sandbox(size: number, count: number, mode: WatchMode): Promise<Run> {
	const lab = await startLab(
		readConfig({}, { smtpPort: 0, submissionPort: 0, smtpsPort: 0, smtpHost: '127.0.0.1' })
	);
	const web = await startWebServer(lab);
	const watcher = await watch(web.wsUrl, web.url, mode);
	const cpu = process.cpuUsage();
	const rate = await load(lab.sandbox.port('mx'), size, count);
	const used = process.cpuUsage(cpu);
	const watched = await watcher.stop();
	if (watched < count) throw new Error(`the watcher saw only ${watched} messages`);
	await lab.close();
	await web.close();
	return { rate, cpuPerMessage: (used.user + used.system) / count };
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

const WATCHERS: [WatchMode, string][] = [
	['lists', 'a /live page watching the session and message lists'],
	['transcripts', 'a watcher following every transcript line by line']
];

export async function benchSandboxThroughput(): Promise<string[]> {
	const lines: string[] = [];
	for (const [label, size, count] of [
		['2 KB', 2 * 1024, 1500],
		['100 KB', 100 * 1024, 300]
	] as const) {
		// Rounds interleave the bare server and each sandbox mode so drift hits them alike.
		const bareRuns: Run[] = [];
		const labRuns = new Map<WatchMode, Run[]>(WATCHERS.map(([mode]) => [mode, []]));
		for (let round = 0; round < 3; round++) {
			bareRuns.push(await bare(size, count));
			for (const [mode] of WATCHERS) labRuns.get(mode)!.push(await sandbox(size, count, mode));
		}
		const b = median(bareRuns.map((r) => r.rate));
		const bCpu = median(bareRuns.map((r) => r.cpuPerMessage));
		lines.push(
			`${label} messages (${count} per round, median of 3 rounds): bare smtp-server ${b.toFixed(0)} msg/s, ${bCpu.toFixed(0)} µs server CPU per message`
		);
		for (const [mode, description] of WATCHERS) {
			const runs = labRuns.get(mode)!;
			const l = median(runs.map((r) => r.rate));
			const lCpu = median(runs.map((r) => r.cpuPerMessage));
			lines.push(
				`  sandbox with ${description}: ${l.toFixed(0)} msg/s, ratio ${(l / b).toFixed(2)} (target ≥ 0.70), ${lCpu.toFixed(0)} µs server CPU per message`
			);
		}
	}
	lines.push(
		`(${CONNECTIONS} reused connections; load generator and watcher each in their own process)`
	);
	return lines;
}
