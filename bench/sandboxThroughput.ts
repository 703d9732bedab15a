/**
 * Messages per second through the sandbox against its peers, each driven by the same light load
 * generator (bench/loadGenerator.ts: pre-composed, pipelined, 8 reused connections), and each
 * one's CPU per message beside the generator's own:
 * - bare smtp-server that only drains the data (what the sandbox is built on);
 * - the same parsing every message with postal-mime (what a mail catcher pays);
 * - MailDev 3 (smtp-server + mailparser + a file per message), when `npm run bench:peers` has
 *   installed it into bench/peers;
 * - the sandbox as it ships: every line recorded and annotated, every message and event written
 *   to SQLite in a fresh DATA_DIR, a /live page watching (bench/watchClient.ts);
 * - the same with a watcher following every transcript line by line.
 * Each server runs in a process of its own (bench/serverUnderTest.ts), started fresh for each
 * run and warmed up first; the generator and the watcher run in theirs. A round runs every server
 * once, back to back, in an order reversed every other round; a round's ratio divides two rates
 * of that round, and the median of the rounds is reported with its spread.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { CONNECTIONS, MESSAGES_PER_CONNECTION, type GeneratorResult } from './loadGenerator';
import { buildBenchEntries } from './benchBuild';
import { installedMailDev, PEERS_DIR, type ServerKind } from './serverUnderTest';

/** Rounds per size; the median is reported. */
export const ROUNDS = Number(process.env.BENCH_ROUNDS) || 5;
/**
 * Messages each fresh server gets before it is measured (uncounted), as a share of the measured
 * ones: a running server is warm. With 500 the sandbox's main thread still spent a quarter more
 * per message (its code was still being compiled: perf, 2 KB); from 2,000 on it no longer changed.
 */
const WARM_UP_SHARE = 0.5;
/** Messages per run: 8 connections × 500, or × 100 at 100 KB. */
export const SIZES = [
	{ label: '2 KB', bytes: 2 * 1024, count: CONNECTIONS * MESSAGES_PER_CONNECTION },
	{ label: '100 KB', bytes: 100 * 1024, count: CONNECTIONS * 100 }
] as const;
/** Lines recorded per message on the mx listener: MAIL, 250, RCPT, 250, DATA, 354, content, ".", 250. */
const EVENTS_PER_MESSAGE = 9;
/** Debian's Postfix smtp-source, used beside the project's generator when it is installed. */
const SMTP_SOURCE = '/usr/sbin/smtp-source';

type WatchMode = 'lists' | 'transcripts';

export interface Configuration {
	name: string;
	kind: ServerKind;
	watch?: WatchMode;
}

export const CONFIGURATIONS: Configuration[] = [
	{ name: 'bare smtp-server', kind: 'bare' },
	{ name: 'bare + postal-mime', kind: 'postal-mime' },
	{ name: 'MailDev 3', kind: 'maildev' },
	{ name: 'sandbox, SQLite, /live watching', kind: 'sandbox', watch: 'lists' },
	{ name: 'sandbox, SQLite, a watcher on every transcript', kind: 'sandbox', watch: 'transcripts' },
	{
		name: 'sandbox, SQLite, /live watching, no SPF/DKIM/DMARC checks (AUTH_MAX_HEADER_LINES=0)',
		kind: 'sandbox-unchecked',
		watch: 'lists'
	}
];

export interface Run {
	rate: number;
	/** CPU µs per message: the server's process (all its threads), the generator's, the watcher's. */
	serverCpu: number;
	generatorCpu: number;
	/** The part of the generator's spent in its own code (the rest is the kernel's, below). */
	generatorUserCpu: number;
	watcherCpu: number;
}

/** The compiled processes (bench/benchBuild.ts), built once per bench. */
let entries: ReturnType<typeof buildBenchEntries> | null = null;

async function node(
	entry: 'server' | 'generator' | 'watcher',
	args: string[],
	stdio: ('pipe' | 'ignore' | 'inherit')[]
): Promise<ChildProcess> {
	const file = (await (entries ??= buildBenchEntries()))[entry];
	return spawn(process.execPath, [file, ...args], { stdio });
}

async function exited(child: ChildProcess, what: string): Promise<void> {
	const [code] = (await once(child, 'exit')) as [number | null];
	if (code !== 0) throw new Error(`${what} failed (exit ${code})`);
}

/**
 * A load generator: `warmUp` messages (uncounted), then `ready()` (the server and the watcher
 * start counting), then `count` measured messages.
 */
type Generator = (
	port: number,
	bytes: number,
	count: number,
	warmUp: number,
	ready: () => Promise<void>
) => Promise<GeneratorResult>;

/** The project's generator, in a process of its own, warmed up in that process. */
const projectGenerator: Generator = async (port, bytes, count, warmUp, ready) => {
	const child = await node(
		'generator',
		[String(port), String(bytes), String(count), String(warmUp)],
		['pipe', 'pipe', 'inherit']
	);
	const output = createInterface({ input: child.stdout as Readable })[Symbol.asyncIterator]();
	const exit = exited(child, 'the load generator');
	if (warmUp > 0) {
		if ((await output.next()).value !== 'warm') throw new Error('the load generator failed');
		await ready();
		child.stdin?.write('go\n');
	}
	const { value } = await output.next();
	await exit;
	return JSON.parse(value as string) as GeneratorResult;
};

/**
 * Postfix's smtp-source: 8 sessions, each reused (-d), `bytes` of payload. Its CPU is what the
 * shell's `times` reports for its children; its rate counts from spawn to exit.
 */
const smtpSource: Generator = async (port, bytes, count, warmUp, ready) => {
	if (warmUp > 0) await smtpSourceRun(port, bytes, warmUp);
	await ready();
	return smtpSourceRun(port, bytes, count);
};

async function smtpSourceRun(port: number, bytes: number, count: number): Promise<GeneratorResult> {
	const command = `${SMTP_SOURCE} -d -s ${CONNECTIONS} -m ${count} -l ${bytes} -f alice@example.com -t bob@example.com 127.0.0.1:${port} >/dev/null && times`;
	const started = performance.now();
	const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'inherit'] });
	let output = '';
	child.stdout?.on('data', (chunk) => (output += chunk));
	await exited(child, 'smtp-source');
	const seconds = (performance.now() - started) / 1000;
	// `times`: the shell's own user and system time, then its children's ("0m0.120s 0m0.050s").
	const [user, system] = [
		...(output.trim().split('\n').at(-1) ?? '').matchAll(/(\d+)m([\d.]+)s/g)
	].map(([, minutes, secs]) => (Number(minutes) * 60 + Number(secs)) * 1e6);
	return {
		rate: count / seconds,
		cpu: ((user ?? 0) + (system ?? 0)) / count,
		userCpu: (user ?? 0) / count,
		messages: count
	};
}

/**
 * One fresh server, warmed up, then measured under `count` messages; with `profileFile`, its main
 * thread's CPU profile of the measured part is written there.
 */
export async function run(
	config: Configuration,
	bytes: number,
	count: number,
	generator: Generator = projectGenerator,
	profileFile?: string
): Promise<Run> {
	const server = await node(
		'server',
		[config.kind, PEERS_DIR],
		['pipe', 'ignore', 'inherit', 'pipe']
	);
	const control = server.stdio[3] as Readable;
	const command = (line: string) => (server.stdin as Writable).write(`${line}\n`);
	const lines = createInterface({ input: control })[Symbol.asyncIterator]();
	const answer = async () => {
		const { value, done } = await lines.next();
		if (done) throw new Error(`the ${config.name} server ended before it answered`);
		return JSON.parse(value as string) as Record<string, unknown>;
	};
	const ready = (await answer()) as { port: number; wsUrl?: string; origin?: string };
	const watcher = config.watch
		? await node(
				'watcher',
				[ready.wsUrl ?? '', ready.origin ?? '', config.watch],
				['pipe', 'pipe', 'inherit']
			)
		: null;
	const watcherOutput = watcher
		? createInterface({ input: watcher.stdout as Readable })[Symbol.asyncIterator]()
		: null;
	if (watcherOutput) await watcherOutput.next(); // 'ready'
	try {
		const warmUp = Math.round(count * WARM_UP_SHARE);
		const sent = await generator(ready.port, bytes, count, warmUp, async () => {
			command('report');
			await answer();
			watcher?.stdin?.write('mark\n');
			command('mark');
			if (profileFile) command(`profile ${profileFile}`);
		});
		command('report');
		const { cpu } = (await answer()) as { cpu: number };
		let watcherCpu = 0;
		if (watcher && watcherOutput) {
			// Let the last frame of watched lines leave before the watcher counts what it got.
			await new Promise((resolve) => setTimeout(resolve, 200));
			watcher.stdin?.write('stop\n');
			const { value } = await watcherOutput.next();
			const watched = JSON.parse(value as string) as {
				messages: number;
				events: number;
				cpu: number;
			};
			const expected = warmUp + count;
			if (watched.messages < expected)
				throw new Error(`the watcher was told of ${watched.messages} of ${expected} messages`);
			if (config.watch === 'transcripts' && watched.events < expected * EVENTS_PER_MESSAGE)
				throw new Error(`the watcher got ${watched.events} lines for ${expected} messages`);
			watcherCpu = watched.cpu / count;
		}
		return {
			rate: sent.rate,
			serverCpu: cpu / count,
			generatorCpu: sent.cpu,
			generatorUserCpu: sent.userCpu,
			watcherCpu
		};
	} finally {
		command('stop');
		await exited(server, `the ${config.name} server`);
		watcher?.kill();
	}
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

/** Median and range: "0.81 (0.74–0.88)". */
function spread(values: number[], digits: number): string {
	const sorted = [...values].sort((a, b) => a - b);
	return `${median(values).toFixed(digits)} (${sorted[0].toFixed(digits)}–${sorted.at(-1)!.toFixed(digits)})`;
}

export async function benchSandboxThroughput(): Promise<string[]> {
	const lines: string[] = [];
	const mailDev = installedMailDev();
	const configurations = CONFIGURATIONS.filter((c) => c.kind !== 'maildev' || mailDev);
	if (!mailDev)
		lines.push(
			'MailDev skipped: not installed (npm run bench:peers installs it into bench/peers).'
		);
	else lines.push(`MailDev ${mailDev} from bench/peers.`);
	const generators: [string, Generator][] = [["the project's generator", projectGenerator]];
	if (existsSync(SMTP_SOURCE)) generators.push(['Postfix smtp-source', smtpSource]);
	else
		lines.push(
			`Postfix smtp-source: not installed (${SMTP_SOURCE}); the project's generator only.`
		);
	const sandboxIndex = configurations.findIndex((c) => c.kind === 'sandbox');

	for (const [generatorName, generator] of generators)
		for (const { label, bytes, count } of SIZES) {
			const runs: Run[][] = configurations.map(() => []);
			for (let round = 0; round < ROUNDS; round++) {
				const order = configurations.map((_, i) => i);
				if (round % 2) order.reverse();
				for (const i of order) runs[i].push(await run(configurations[i], bytes, count, generator));
			}
			lines.push(
				`${label}, ${generatorName}, ${count} messages per run over ${CONNECTIONS} connections, median (range) of ${ROUNDS} rounds:`
			);
			const generatorCpu = runs.flat().map((r) => r.generatorCpu);
			const generatorUserCpu = runs.flat().map((r) => r.generatorUserCpu);
			// On loopback a write's system call also runs the receiving side's TCP code, so the
			// generator's system time includes some of what the servers' sockets cost, and theirs
			// some of the generator's.
			lines.push(
				`  load generator: ${spread(generatorCpu, 0)} µs CPU/msg, of which its own code (user time) ${spread(generatorUserCpu, 0)} µs`
			);
			for (const [i, config] of configurations.entries()) {
				const r = runs[i];
				const ratio = (to: number) => r.map((x, round) => x.rate / runs[to][round].rate);
				const ratios = [`÷ bare ${spread(ratio(0), 2)}`];
				if (i !== sandboxIndex && i > 0 && sandboxIndex >= 0)
					ratios.push(
						`sandbox ÷ this ${spread(
							runs[sandboxIndex].map((x, round) => x.rate / r[round].rate),
							2
						)}`
					);
				const watcher = config.watch
					? `, watcher ${spread(
							r.map((x) => x.watcherCpu),
							0
						)} µs`
					: '';
				lines.push(
					`  ${config.name}: ${spread(
						r.map((x) => x.rate),
						0
					)} msg/s, ${spread(
						r.map((x) => x.serverCpu),
						0
					)} µs CPU/msg${watcher}${i > 0 ? `; ${ratios.join('; ')}` : ''}`
				);
			}
		}
	return lines;
}

if (process.argv[1]?.endsWith('sandboxThroughput.ts'))
	for (const line of await benchSandboxThroughput()) console.log(line);
