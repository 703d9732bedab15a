/**
 * Messages per second through the full sandbox (recording every line, storing every message,
 * one WebSocket watcher following the lists and each session) against a bare smtp-server that
 * only drains the data, measured in the same run, over reused connections (issue 2 §7).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import WebSocket from 'ws';
import { readConfig } from '../server/config';
import { startLab } from '../server/lab';
import type { ServerMessage } from '../src/lib/messages';
import { startWebServer } from '../tests/integration/webServer';

const CONNECTIONS = 4;

function message(size: number): string {
	const head = 'From: alice@example.com\r\nTo: bob@example.com\r\nSubject: bench\r\n\r\n';
	const line = 'The quick brown fox jumps over the lazy dog, again and again and again.\r\n';
	return head + line.repeat(Math.ceil((size - head.length) / line.length)).slice(0, size - head.length);
}

async function send(port: number, size: number, count: number): Promise<number> {
	const transport = nodemailer.createTransport({
		host: '127.0.0.1',
		port,
		secure: false,
		ignoreTLS: true,
		pool: true,
		maxConnections: CONNECTIONS,
		maxMessages: Infinity
	});
	const raw = message(size);
	const envelope = { from: 'alice@example.com', to: ['bob@example.com'] };
	await transport.sendMail({ envelope, raw }); // warm the pool
	const started = performance.now();
	await Promise.all(Array.from({ length: count }, () => transport.sendMail({ envelope, raw })));
	const seconds = (performance.now() - started) / 1000;
	transport.close();
	return count / seconds;
}

async function bare(size: number, count: number): Promise<number> {
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
	const rate = await send(port, size, count);
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return rate;
}

async function sandbox(size: number, count: number): Promise<number> {
	const lab = await startLab(
		readConfig({}, { smtpPort: 0, submissionPort: 0, smtpsPort: 0, smtpHost: '127.0.0.1' })
	);
	const web = await startWebServer(lab);
	const watcher = new WebSocket(web.wsUrl, { headers: { origin: web.url } });
	await once(watcher, 'open');
	let received = 0;
	watcher.on('message', (data) => {
		received++;
		const message = JSON.parse(data.toString()) as ServerMessage;
		if (message.type === 'session' && message.session.eventCount === 0)
			watcher.send(JSON.stringify({ type: 'watch', sessionId: message.session.id, since: 0 }));
	});
	watcher.send(JSON.stringify({ type: 'watch-all' }));
	const rate = await send(lab.sandbox.port('mx'), size, count);
	if (received === 0) throw new Error('the watcher received nothing');
	watcher.close();
	await lab.close();
	await web.close();
	return rate;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

export async function benchSandboxThroughput(): Promise<string[]> {
	const lines: string[] = [];
	for (const [label, size, count] of [
		['2 KB', 2 * 1024, 1500],
		['100 KB', 100 * 1024, 300]
	] as const) {
		const bareRates: number[] = [];
		const labRates: number[] = [];
		for (let round = 0; round < 3; round++) {
			bareRates.push(await bare(size, count));
			labRates.push(await sandbox(size, count));
		}
		const b = median(bareRates);
		const l = median(labRates);
		lines.push(
			`${label}: sandbox ${l.toFixed(0)} msg/s, bare smtp-server ${b.toFixed(0)} msg/s, ratio ${(l / b).toFixed(2)} (target ≥ 0.70; median of 3 rounds, ${count} messages each, ${CONNECTIONS} reused connections)`
		);
	}
	return lines;
}
