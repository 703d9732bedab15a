/**
 * Many learners in the lab at once (issue 14): 100, 300 and 1,000 simulated learners, each a
 * visitor with its own owner cookie and a WebSocket, typing SMTP sessions on mx at human speed
 * (some pasted), against the production build (a fresh server and database per level). Per input
 * frame, the time until the annotated event of its last line comes back, and until the reply it
 * asked for; the server's peak RSS and its CPU. The learners run in two processes of their own
 * (bench/manySessionsLearners.ts), whose CPU is reported too: all share this machine's cores.
 *
 * The sessions come from one address (127.0.0.1), so the per-address limits are raised for the
 * bench, and MAX_SESSIONS too (its default, 500, is below the 1,000 learners).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { startProductionServer, type ProductionServer } from '../tests/productionServer';
import type { GoMessage, LearnerResults } from './manySessionsLearners';
import { ensureProductionBuild } from './productionBuild';

export const LEARNER_LEVELS = [100, 300, 1000];
/** Learners start spread over this, then the server gets this long before timing starts. */
const RAMP_MS = 5000;
const SETTLE_MS = 5000;
/** Frames sent in this window are timed. */
const WINDOW_MS = 60_000;
const LEARNER_PROCESSES = 2;
/** The limits the bench raises: every learner comes from 127.0.0.1. */
const LIMITS = {
	MAX_SESSIONS: '2000',
	MAX_SESSIONS_PER_ADDRESS: '2000',
	MAX_WS_PER_ADDRESS: '2000'
};
const TICKS_PER_SECOND = 100;

export interface LevelFigures {
	learners: number;
	frames: number;
	echo: Percentiles;
	reply: Percentiles;
	open: Percentiles;
	/** Learners with an open SMTP session, mean of the samples in the window. */
	meanOpenSessions: number;
	sessionsEnded: number;
	unanswered: number;
	/** Server: peak resident memory (VmHWM) in MiB, and CPU in the window as a share of one core. */
	peakRssMiB: number;
	/** Server RSS when the window opened and when it closed, MiB. */
	windowRssMiB: [number, number];
	serverCpu: number;
	/** The learners' processes together, share of one core in the window. */
	learnerCpu: number;
	/** One-minute load average when the level started and when it ended. */
	load: [number, number];
}

interface Percentiles {
	p50: number;
	p95: number;
	p99: number;
	max: number;
}

function percentiles(values: number[]): Percentiles {
	if (!values.length) return { p50: NaN, p95: NaN, p99: NaN, max: NaN };
	const sorted = [...values].sort((a, b) => a - b);
	const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
	return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] };
}

/** CPU ticks (user + system, every thread) the process used so far: /proc/<pid>/stat. */
function cpuTicks(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return Number(fields[11]) + Number(fields[12]);
}

/** Resident memory of the process, MiB: now (VmRSS) or its peak so far (VmHWM), /proc/<pid>/status. */
function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) / 1024;
}

/** The next message a learners' process sends; its exit before that is an error. */
function nextMessage(child: ChildProcess): Promise<unknown> {
	return new Promise((resolve, reject) => {
		const exited = (code: number | null) =>
			reject(new Error(`a learners' process exited (${code}) before it answered`));
		child.once('exit', exited);
		child.once('message', (message) => {
			child.off('exit', exited);
			resolve(message);
		});
	});
}

function forkLearners(url: string, learners: number, name: string): ChildProcess {
	return fork(
		new URL('./manySessionsLearners.ts', import.meta.url).pathname,
		[JSON.stringify({ url, learners, name })],
		{ execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }
	);
}

async function runLevel(learners: number, windowMs: number): Promise<LevelFigures> {
	const server: ProductionServer = await startProductionServer(LIMITS);
	const children: ChildProcess[] = [];
	try {
		for (let i = 0; i < LEARNER_PROCESSES; i++) {
			const share =
				Math.floor(learners / LEARNER_PROCESSES) + (i < learners % LEARNER_PROCESSES ? 1 : 0);
			children.push(forkLearners(server.url, share, `learner${i}`));
		}
		await Promise.all(children.map(nextMessage));
		const loadBefore = os.loadavg()[0];
		const goAt = Date.now() + 200;
		const measureFrom = goAt + RAMP_MS + SETTLE_MS;
		const go: GoMessage = {
			type: 'go',
			goAt,
			rampMs: RAMP_MS,
			measureFrom,
			stopAt: measureFrom + windowMs
		};
		const results = children.map((child) => nextMessage(child) as Promise<LearnerResults>);
		for (const child of children) child.send(go);
		await new Promise((resolve) => setTimeout(resolve, measureFrom - Date.now()));
		const ticksBefore = cpuTicks(server.pid);
		const rssBefore = rssMiB(server.pid, 'VmRSS');
		await new Promise((resolve) => setTimeout(resolve, go.stopAt - Date.now()));
		const serverCpu = (cpuTicks(server.pid) - ticksBefore) / TICKS_PER_SECOND / (windowMs / 1000);
		const rssAfter = rssMiB(server.pid, 'VmRSS');
		const loadAfter = os.loadavg()[0];
		const all = await Promise.all(results);
		const peak = rssMiB(server.pid, 'VmHWM');
		const merged = (key: 'echo' | 'reply' | 'open') => all.flatMap((r) => r[key]);
		const problems = all.flatMap((r) => [...r.errors, ...r.mismatches]);
		if (problems.length)
			throw new Error(
				`${problems.length} errors or mismatched events at ${learners} learners, e.g. ${problems.slice(0, 5).join('; ')}`
			);
		const samples = all.map((r) => r.openSamples);
		const meanOpen = samples.reduce(
			(sum, s) => sum + s.reduce((a, b) => a + b, 0) / Math.max(1, s.length),
			0
		);
		return {
			learners,
			frames: merged('echo').length,
			echo: percentiles(merged('echo')),
			reply: percentiles(merged('reply')),
			open: percentiles(merged('open')),
			meanOpenSessions: meanOpen,
			sessionsEnded: all.reduce((sum, r) => sum + r.sessionsEnded, 0),
			unanswered: all.reduce((sum, r) => sum + r.unanswered, 0),
			peakRssMiB: peak,
			windowRssMiB: [rssBefore, rssAfter],
			serverCpu,
			learnerCpu: all.reduce((sum, r) => sum + r.cpuMicros, 0) / 1e6 / (windowMs / 1000),
			load: [loadBefore, loadAfter]
		};
	} finally {
		for (const child of children) child.kill();
		await server.stop();
	}
}

export function describeLevel(f: LevelFigures): string {
	const ms = (p: Percentiles) =>
		`p50 ${p.p50.toFixed(1)} / p95 ${p.p95.toFixed(1)} / p99 ${p.p99.toFixed(1)} ms`;
	return [
		`${String(f.learners).padStart(5)} learners (${f.meanOpenSessions.toFixed(0)} sessions open on average):`,
		`frame → annotated echo ${ms(f.echo)} (max ${f.echo.max.toFixed(0)}, ${f.frames} frames);`,
		`→ reply ${ms(f.reply)};`,
		`open → 220 p99 ${f.open.p99.toFixed(1)} ms;`,
		`server RSS ${f.windowRssMiB[0].toFixed(0)} → ${f.windowRssMiB[1].toFixed(0)} MiB in the window, peak ${f.peakRssMiB.toFixed(0)} MiB, CPU ${(f.serverCpu * 100).toFixed(0)} % of a core;`,
		`learners' CPU ${(f.learnerCpu * 100).toFixed(0)} %;`,
		`${f.sessionsEnded} sessions ended, ${f.unanswered} frames unanswered;`,
		`load ${f.load[0].toFixed(1)} → ${f.load[1].toFixed(1)}`
	].join(' ');
}

export async function benchManySessions(
	levels = LEARNER_LEVELS,
	windowMs = WINDOW_MS
): Promise<string[]> {
	await ensureProductionBuild();
	const lines = [
		`each learner: own owner cookie and WebSocket, mx, typed sessions (a line every 2–5 s) and one session in four pasted; ${windowMs / 1000} s timed per level after ${(RAMP_MS + SETTLE_MS) / 1000} s of ramp; limits raised: ${Object.entries(
			LIMITS
		)
			.map(([k, v]) => `${k}=${v}`)
			.join(', ')}`
	];
	for (const learners of levels) lines.push(describeLevel(await runLevel(learners, windowMs)));
	return lines;
}

// `node --import tsx bench/manySessions.ts [levels] [window seconds]`: this benchmark alone.
if (import.meta.url === `file://${process.argv[1]}`) {
	const levels = process.argv[2]?.split(',').map(Number) ?? LEARNER_LEVELS;
	const windowMs = Number(process.argv[3] ?? WINDOW_MS / 1000) * 1000;
	for (const line of await benchManySessions(levels, windowMs)) console.log(`  ${line}`);
}
