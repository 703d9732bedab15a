/**
 * Where the sandbox's time goes per message: the throughput bench's sandbox run (SQLite, a /live
 * page watching, the light generator), with a CPU profile of the server's main thread over the
 * measured messages (V8's sampling profiler, through node:inspector). Each sample is billed to
 * the innermost frame that belongs to a part of the server (below), so the work Node does for a
 * part (a Buffer, a stream, a JSON.stringify) counts as that part's; socket writes and the
 * garbage collector are their own rows.
 *   node --import tsx bench/profileSandbox.ts [bytes] [messages] [runs]
 * prints the median of the runs for each part.
 * The sampler counts wall time on the thread, so a thread the kernel preempted inside a write is
 * billed to that write: on a busy machine, "socket writes" grows.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIGURATIONS, run } from './sandboxThroughput';

/** A part of the server, recognised by the file of a stack frame. */
const PARTS: [string, RegExp][] = [
	['annotation engine (src/lib/smtp)', /\/src\/lib\/smtp\//],
	['recorder: tap, wire text, masking (server/recorder)', /\/server\/recorder\//],
	[
		'database: batches encoded and handed to its thread (server/store/sqlite)',
		/\/server\/store\/sqlite\//
	],
	['store in memory (server/store)', /\/server\/store\//],
	[
		'bridge and WebSocket to the watcher (server/bridge, ws)',
		/\/server\/bridge\/|\/node_modules\/ws\//
	],
	['sandbox: hooks, message assembly, delivery (server/sandbox)', /\/server\/sandbox\//],
	[
		'smtp-server: parsing commands, its data stream, replies',
		/\/node_modules\/(smtp-server|nodemailer|punycode)/
	]
];
/** Leaf functions with a row of their own: the kernel's side of socket writes, the collector. */
const LEAVES: [string, RegExp][] = [
	[
		'socket writes (the write system call)',
		/^(writeUtf8String|writeBuffer|writev|writeLatin1String)$/
	],
	['garbage collector', /^\(garbage collector\)$/]
];
const NODE = 'Node: sockets, streams, timers (no part of the server on the stack)';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
	children?: number[];
}
interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

/**
 * The source file of a frame: the bench runs bundles (bench/benchBuild.ts), whose source maps
 * say which file each function came from.
 */
function sourceFiles(): (frame: ProfileNode['callFrame']) => string {
	const maps = new Map<string, SourceMap | null>();
	return ({ url, lineNumber, columnNumber }) => {
		if (!url.startsWith('file:') || !url.endsWith('.js')) return url;
		const file = fileURLToPath(url);
		let map = maps.get(file);
		if (map === undefined) {
			map = existsSync(`${file}.map`)
				? new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMapPayload)
				: null;
			maps.set(file, map);
		}
		const entry = map?.findEntry(lineNumber, columnNumber) as
			{ originalSource?: string } | undefined;
		return entry?.originalSource ? path.resolve(path.dirname(file), entry.originalSource) : url;
	};
}

/** µs of the main thread per part, over the profile. */
export function timeByPart(profile: Profile): Map<string, number> {
	const sourceOf = sourceFiles();
	const parent = new Map<number, ProfileNode>();
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n);
	const partOf = new Map<number, string | null>();
	const classify = (node: ProfileNode): string | null => {
		const known = partOf.get(node.id);
		if (known !== undefined) return known;
		const name = node.callFrame.functionName;
		let part: string | null = null;
		// Idle, and the profiler's own start (node:inspector), are not the server's work.
		if (name === '(idle)' || node.callFrame.url === 'node:inspector') part = null;
		else if (name === '(program)') part = 'V8 and native code outside JavaScript';
		else {
			part = LEAVES.find(([, re]) => re.test(name))?.[0] ?? null;
			for (let n: ProfileNode | undefined = node; !part && n; n = parent.get(n.id))
				part = PARTS.find(([, re]) => re.test(sourceOf(n!.callFrame)))?.[0] ?? null;
			part ??= NODE;
		}
		partOf.set(node.id, part);
		return part;
	};
	const time = new Map<string, number>();
	profile.samples.forEach((id, i) => {
		const part = classify(byId.get(id)!);
		if (part) time.set(part, (time.get(part) ?? 0) + (profile.timeDeltas[i] ?? 0));
	});
	return time;
}

if (process.argv[1]?.endsWith('profileSandbox.ts')) {
	const [bytes = 2048, count = 4000, runs = 3] = process.argv.slice(2, 5).map(Number);
	const dir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-profile-'));
	const config = CONFIGURATIONS.find((c) => c.kind === 'sandbox' && c.watch === 'lists')!;
	const perRun: { rate: number; cpu: number; time: Map<string, number> }[] = [];
	for (let i = 0; i < runs; i++) {
		const file = path.join(dir, `sandbox-${i}.cpuprofile`);
		const result = await run(config, bytes, count, undefined, file);
		const time = timeByPart(JSON.parse(readFileSync(file, 'utf8')) as Profile);
		perRun.push({ rate: result.rate, cpu: result.serverCpu, time });
	}
	rmSync(dir, { recursive: true, force: true });
	const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
	const perMessage = (part: string) => median(perRun.map((r) => (r.time.get(part) ?? 0) / count));
	const parts = [...new Set(perRun.flatMap((r) => [...r.time.keys()]))];
	const busy = median(perRun.map((r) => [...r.time.values()].reduce((a, b) => a + b, 0) / count));
	console.log(
		`${config.name}, ${bytes} bytes × ${count}, median of ${runs} runs: ${median(perRun.map((r) => r.rate)).toFixed(0)} msg/s; server process ${median(perRun.map((r) => r.cpu)).toFixed(0)} µs CPU/msg (all threads); main thread busy ${busy.toFixed(0)} µs/msg (sampled):`
	);
	for (const part of parts.sort((a, b) => perMessage(b) - perMessage(a)))
		console.log(`  ${perMessage(part).toFixed(1).padStart(6)} µs  ${part}`);
}
