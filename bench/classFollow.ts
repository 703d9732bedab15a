/**
 * Following the teacher (issue 15 phase 2): one teacher and 60 followers of a class on the
 * production build, the followers as Node WebSocket clients in a process of their own
 * (bench/classFollowers.ts), the teacher here. The teacher's page says it shows its lab session
 * (class-presence), every follower watches it, then the teacher types LINES lines at human speed
 * (one every LINE_INTERVAL_MS); for each line and each follower, the time from the teacher's
 * input frame to that line's event on the follower's socket. Target (issue 15): p95 < 250 ms.
 */
import { fork } from 'node:child_process';
import WebSocket from 'ws';
import { startProductionServer } from '../tests/productionServer';
import type { FollowersResults } from './classFollowers';
import { ensureProductionBuild } from './productionBuild';

export const FOLLOWERS = 60;
const LINES = 100;
/** A teacher types a line every few seconds; 4 a second is already fast, and within the bridge's rate limit. */
const LINE_INTERVAL_MS = 250;

const now = () => performance.timeOrigin + performance.now();

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** A new visitor's owner cookie: the one the site sets on a first page. */
async function visitor(url: string): Promise<string> {
	const response = await fetch(`${url}/`);
	await response.arrayBuffer();
	const cookie = /smtp_lab_owner=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0];
	if (!cookie) throw new Error('the site set no owner cookie');
	return cookie;
}

async function post(url: string, path: string, cookie: string, body: unknown): Promise<unknown> {
	const response = await fetch(`${url}${path}`, {
		method: 'POST',
		headers: { cookie, origin: url, 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
	const answer = await response.json();
	if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(answer)}`);
	return answer;
}

function nextMessage<T>(child: ReturnType<typeof fork>, type: string): Promise<T> {
	return new Promise((resolve, reject) => {
		const onMessage = (message: unknown) => {
			if ((message as { type: string }).type !== type) return;
			child.off('message', onMessage);
			resolve(message as T);
		};
		child.on('message', onMessage);
		child.once('exit', (code) => reject(new Error(`the followers' process exited (${code})`)));
	});
}

export async function benchClassFollow(): Promise<string[]> {
	await ensureProductionBuild();
	const server = await startProductionServer({ DATA_DIR: 'memory' });
	try {
		const { url } = server;
		const teacherCookie = await visitor(url);
		const { code } = (await post(url, '/api/classes', teacherCookie, {
			name: 'Bench class'
		})) as { code: string };
		const cookies: string[] = [];
		for (let i = 0; i < FOLLOWERS; i++) {
			const cookie = await visitor(url);
			await post(url, `/api/classes/${code}/students`, cookie, { nickname: `student${i}` });
			cookies.push(cookie);
		}

		const followers = fork('bench/classFollowers.ts', [], {
			execArgv: ['--import', 'tsx'],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc']
		});
		followers.send({ url, cookies });

		const teacher = new WebSocket(`${url.replace('http', 'ws')}/ws`, {
			headers: { origin: url, cookie: teacherCookie }
		});
		await new Promise((resolve, reject) => {
			teacher.once('open', resolve);
			teacher.once('error', reject);
		});
		const greeted = new Promise<string>((resolve) =>
			teacher.on('message', (data) => {
				const message = JSON.parse(data.toString());
				if (message.type === 'event' && /^220 /.test(message.event.text))
					resolve(message.sessionId);
			})
		);
		teacher.send(JSON.stringify({ type: 'open', listener: 'mx' }));
		const sessionId = await greeted;
		const following = nextMessage<{ sessionId: string }>(followers, 'following');
		teacher.send(JSON.stringify({ type: 'class-presence', sessionId, example: null }));
		const followed = await following;
		if (followed.sessionId !== sessionId) throw new Error('the followers watch another session');

		// NOOP may carry a string (RFC 5321 §4.1.1.9): each line is told apart by its number.
		const sentAt = new Map<string, number>();
		for (let i = 0; i < LINES; i++) {
			const line = `NOOP line-${i}`;
			sentAt.set(line, now());
			teacher.send(JSON.stringify({ type: 'input', data: `${line}\r\n` }));
			await new Promise((resolve) => setTimeout(resolve, LINE_INTERVAL_MS));
		}
		await new Promise((resolve) => setTimeout(resolve, 2000));
		const results = nextMessage<FollowersResults>(followers, 'results');
		followers.send({ type: 'report' });
		const { arrivals, errors } = await results;
		teacher.close();

		const latencies: number[] = [];
		let missing = 0;
		for (const follower of arrivals)
			for (const [line, sent] of sentAt) {
				const arrived = follower[line];
				if (arrived === undefined) missing++;
				else latencies.push(arrived - sent);
			}
		latencies.sort((a, b) => a - b);
		const ms = (value: number) => `${value.toFixed(1)} ms`;
		return [
			`1 teacher + ${FOLLOWERS} followers (Node WebSocket clients in their own process), ${LINES} lines typed one every ${LINE_INTERVAL_MS} ms: teacher's line → every follower's event (${latencies.length} deliveries${missing ? `, ${missing} missing` : ''}${errors.length ? `, errors: ${errors.slice(0, 3).join('; ')}` : ''})`,
			`p50 ${ms(percentile(latencies, 0.5))} · p95 ${ms(percentile(latencies, 0.95))} · p99 ${ms(percentile(latencies, 0.99))} · max ${ms(latencies[latencies.length - 1])} (target: p95 < 250 ms)`
		];
	} finally {
		await server.stop();
	}
}

if (import.meta.url === `file://${process.argv[1]}`)
	for (const line of await benchClassFollow()) console.log(line);
