/**
 * POST /api/annotate under abuse (issue 11 §2): SMTP NOOP latency on the mx listener while six
 * clients post maximum bodies (MAX_ANNOTATE_LINES lines, just under MAX_ANNOTATE_BYTES) in a
 * loop, next to the idle figure, against the production server (build/server/index.js). Once with
 * the default per-address limits, once with them lifted (0), which leaves only the route's
 * slicing between the posts and the SMTP sessions. Load goes to 127.0.0.1 only, for a fixed time.
 */
import http from 'node:http';
import net from 'node:net';
import { DEFAULTS } from '../server/config';
import { startProductionServer } from '../tests/productionServer';
import { ensureProductionBuild } from './productionBuild';

const CLIENTS = 6;
const IDLE_MS = 4000;
const LOAD_MS = 8000;

/** 10,000 lines of 26 bytes: 260,000 bytes, just under the 262,144-byte body limit. */
function maximumBody(): string {
	const lines: string[] = [];
	for (let i = 0; i < DEFAULTS.maxAnnotateLines; i++)
		lines.push(i % 2 ? 'S: 250 2.0.0 OK padding.\n' : 'C: NOOP padding-padding..\n');
	const body = lines.join('');
	if (Buffer.byteLength(body) > DEFAULTS.maxAnnotateBytes) throw new Error('body over the limit');
	return body;
}

async function mxPort(url: string): Promise<number> {
	const health = (await (await fetch(`${url}/api/health`)).json()) as {
		listeners: { name: string; port: number }[];
	};
	return health.listeners.find((l) => l.name === 'mx')!.port;
}

/** NOOP round trips, one after another, for `ms`; returns each one's milliseconds. */
async function noopLatencies(port: number, ms: number): Promise<number[]> {
	const socket = net.connect({ port, host: '127.0.0.1' });
	let buffer = '';
	let waiting: (() => void) | null = null;
	socket.on('data', (chunk: Buffer) => {
		buffer += chunk.toString();
		if (/^\d{3} .*\r\n$/m.test(buffer)) waiting?.();
	});
	const reply = () =>
		new Promise<void>((resolve) => {
			waiting = () => {
				waiting = null;
				buffer = '';
				resolve();
			};
			if (/^\d{3} .*\r\n$/m.test(buffer)) waiting();
		});
	await reply(); // greeting
	socket.write('EHLO bench.test\r\n');
	await reply();
	const times: number[] = [];
	const end = Date.now() + ms;
	while (Date.now() < end) {
		const started = performance.now();
		socket.write('NOOP\r\n');
		await reply();
		times.push(performance.now() - started);
		// About 100 NOOPs a second: a learner's session, not a second load.
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	socket.end('QUIT\r\n');
	return times;
}

/** One client posting the body again and again until `end`; counts answers by status. */
async function postLoop(url: string, body: string, end: number, statuses: Map<number, number>) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	while (Date.now() < end) {
		// A refusal may come before the body is read, and the server then closes the
		// connection: the client sees a reset, counted as status 0.
		const status = await new Promise<number>((resolve) => {
			const req = http.request(
				`${url}/api/annotate`,
				{ method: 'POST', agent, headers: { 'content-type': 'text/plain' } },
				(res) => {
					res.resume();
					res.on('end', () => resolve(res.statusCode ?? 0));
				}
			);
			req.on('error', () => resolve(0));
			req.end(body);
		});
		statuses.set(status, (statuses.get(status) ?? 0) + 1);
		// A refused client waits as Retry-After asks, at most until the run ends.
		if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
	}
	agent.destroy();
}

function summary(times: number[]): string {
	const sorted = [...times].sort((a, b) => a - b);
	const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
	return `p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (${times.length} NOOPs)`;
}

async function scenario(label: string, env: Record<string, string>): Promise<string[]> {
	const server = await startProductionServer(env);
	const url = server.url.replace('localhost', '127.0.0.1');
	try {
		const port = await mxPort(url);
		const idle = await noopLatencies(port, IDLE_MS);
		const body = maximumBody();
		const statuses = new Map<number, number>();
		const end = Date.now() + LOAD_MS;
		const load = Promise.all(
			Array.from({ length: CLIENTS }, () => postLoop(url, body, end, statuses))
		);
		const loaded = await noopLatencies(port, LOAD_MS);
		await load;
		const answers = [...statuses]
			.sort(([a], [b]) => a - b)
			.map(([status, count]) => `${count} × ${status || 'reset'}`)
			.join(', ');
		return [
			`${label}:`,
			`  idle:                             NOOP ${summary(idle)}`,
			`  ${CLIENTS} clients posting maximum bodies: NOOP ${summary(loaded)}; posts answered ${answers} in ${LOAD_MS / 1000} s`
		];
	} finally {
		await server.stop();
	}
}

export async function benchAnnotateAbuse(): Promise<string[]> {
	await ensureProductionBuild();
	return [
		...(await scenario('default limits (2 at once, 60 a minute per address)', {})),
		...(await scenario('per-address limits lifted (slicing alone)', {
			ANNOTATE_CONCURRENT_PER_ADDRESS: '0',
			ANNOTATE_REQUESTS_PER_MINUTE: '0'
		}))
	];
}
