/**
 * The lab in Chromium against the production server (issue 4): the JavaScript /lab loads
 * (gzipped), and the time from Enter to the annotated reply rendered in the timeline, beside a
 * raw WebSocket round trip to the bridge measured in the same page and run.
 *
 * Enter is held until the reply is in the timeline, then released, as a person's keypress
 * (50–150 ms) outlasts the reply. Chromium runs none of a page's tasks after a keydown (nor
 * after a keyup) until it has drawn its next frame, so a key released at once would make the
 * reply wait for a second frame. That first frame after Enter is reported too: it is when the
 * reply's handling can start at the earliest, whatever the page does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { ensureProductionBuild } from './productionBuild';

const COMMANDS = 200;
/** Back to back, so no more than the bridge lets one socket send at once (WS_MESSAGES_PER_SECOND). */
const RAW_ROUND_TRIPS = 50;

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
	const child = spawn(process.execPath, ['build/server/index.js'], {
		env: {
			...process.env,
			// Nothing of the bench's is kept (nor written into the repository's .data/).
			DATA_DIR: 'memory',
			PORT: '0',
			HOST: '127.0.0.1',
			SMTP_PORT: '0',
			SUBMISSION_PORT: '0',
			SMTPS_PORT: '0',
			DNS_PORT: '0',
			MAIL_HOSTS_PORT: '0'
		},
		stdio: ['ignore', 'pipe', 'inherit']
	});
	const url = await new Promise<string>((resolve, reject) => {
		let output = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			output += chunk;
			const match = /listening on (http:\/\/\S+)/.exec(output);
			if (match) resolve(match[1]);
		});
		child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
	});
	return { url, child };
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function benchLabBrowser(): Promise<string[]> {
	await ensureProductionBuild();
	const { url, child } = await startServer();
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking']
	});
	try {
		const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
		// tsx (esbuild keepNames) wraps functions in __name(); page.evaluate ships them as source.
		await page.addInitScript('window.__name = (f) => f');
		const scripts = new Map<string, number>();
		page.on('response', async (response) => {
			if (response.request().resourceType() !== 'script') return;
			scripts.set(response.url(), gzipSync(await response.body()).length);
		});
		await page.goto(`${url}/lab`, { waitUntil: 'networkidle' });
		await page.locator('.xterm-helper-textarea').waitFor({ state: 'attached' });
		const jsKb = [...scripts.values()].reduce((a, b) => a + b, 0) / 1024;
		// Counted now: what the page loads later (a session's panels) is not its first load.
		const jsFiles = scripts.size;

		await page.getByRole('button', { name: 'Connect' }).click();
		const replies = page.locator('section.timeline li.row.server');
		await replies.first().waitFor();
		await page.locator('.xterm-helper-textarea').focus();

		// Enter → the reply's row is in the timeline: marked in the page, so no test-driver latency
		// counts, and waited for without polling, so the driver adds no work to the page's frames.
		type Marks = {
			__rendered: number[];
			__pressed: number[];
			__frame: number[];
			__onRendered: (() => void) | null;
		};
		await page.evaluate(() => {
			const w = window as unknown as Marks;
			w.__onRendered = null;
			w.__rendered = [];
			w.__pressed = [];
			w.__frame = [];
			document.addEventListener(
				'keydown',
				(e) => {
					if (e.key !== 'Enter') return;
					w.__pressed.push(performance.now());
					requestAnimationFrame(() => w.__frame.push(performance.now()));
				},
				true
			);
			const list = document.querySelector('section.timeline ol, section.timeline ul');
			new MutationObserver((records) => {
				for (const r of records)
					for (const node of r.addedNodes)
						if (node instanceof HTMLElement && node.matches('li.row.server')) {
							w.__rendered.push(performance.now());
							w.__onRendered?.();
						}
			}).observe(list!, { childList: true, subtree: true });
		});
		for (let i = 0; i < COMMANDS; i++) {
			await page.keyboard.type('NOOP');
			const rendered = page.evaluate(
				(n) =>
					new Promise<void>((resolve) => {
						const w = window as unknown as Marks;
						if (w.__rendered.length > n) return resolve();
						w.__onRendered = resolve;
					}),
				i
			);
			await page.keyboard.down('Enter');
			await rendered;
			await page.keyboard.up('Enter');
		}
		const [ui, frame] = await page.evaluate(() => {
			const w = window as unknown as Marks;
			return [
				w.__pressed.map((t, i) => w.__rendered[i] - t),
				w.__pressed.map((t, i) => w.__frame[i] - t)
			];
		});

		const raw = await page.evaluate(async (count) => {
			const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/ws`);
			await new Promise((r) => ws.addEventListener('open', r, { once: true }));
			const next = (
				test: (m: { type: string; event?: { dir: string; text: string } }) => boolean
			) =>
				new Promise<void>((resolve) => {
					const on = (e: MessageEvent) => {
						if (test(JSON.parse(e.data))) {
							ws.removeEventListener('message', on);
							resolve();
						}
					};
					ws.addEventListener('message', on);
				});
			ws.send(JSON.stringify({ type: 'open', listener: 'mx' }));
			await next(
				(m) => m.type === 'event' && m.event!.dir === 'server' && m.event!.text.startsWith('220')
			);
			const times: number[] = [];
			for (let i = 0; i < count; i++) {
				const started = performance.now();
				const reply = next(
					(m) => m.type === 'event' && m.event!.dir === 'server' && m.event!.text.startsWith('250')
				);
				ws.send(JSON.stringify({ type: 'input', data: 'NOOP\r\n' }));
				await reply;
				times.push(performance.now() - started);
			}
			ws.close();
			return times;
		}, RAW_ROUND_TRIPS);

		ui.sort((a, b) => a - b);
		frame.sort((a, b) => a - b);
		raw.sort((a, b) => a - b);
		return [
			`/lab first load: ${jsKb.toFixed(1)} KB of JavaScript gzipped (${jsFiles} files, xterm included; target ≤ 150 KB)`,
			`Enter → annotated reply rendered: p50 ${percentile(ui, 50).toFixed(1)} ms, p95 ${percentile(ui, 95).toFixed(1)} ms over ${COMMANDS} commands (target p95 ≤ 16 ms)`,
			`  of which Enter → Chromium's next frame, before which no task of the page runs: p50 ${percentile(frame, 50).toFixed(1)} ms, p95 ${percentile(frame, 95).toFixed(1)} ms`,
			`raw WebSocket round trip (same page, same run): p50 ${percentile(raw, 50).toFixed(1)} ms, p95 ${percentile(raw, 95).toFixed(1)} ms over ${RAW_ROUND_TRIPS}`
		];
	} finally {
		await browser.close();
		child.kill('SIGTERM');
	}
}
