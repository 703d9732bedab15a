/**
 * The load generator, run as its own process so that its work (composing, dot-stuffing,
 * parsing what the watcher receives) is not billed to the server under test. Sends `count`
 * messages of `size` bytes over reused connections and prints `{ rate, watched }` as JSON.
 * With a WebSocket URL it also runs the watcher: watch-all, then watch every new session.
 */
import { once } from 'node:events';
import nodemailer from 'nodemailer';
import WebSocket from 'ws';

const [port, size, count, wsUrl, origin] = process.argv.slice(2);
const CONNECTIONS = 4;

function message(bytes: number): string {
	const head = 'From: alice@example.com\r\nTo: bob@example.com\r\nSubject: bench\r\n\r\n';
	const line = 'The quick brown fox jumps over the lazy dog, again and again and again.\r\n';
	return head + line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes - head.length);
}

let watched = 0;
let watcher: WebSocket | null = null;
if (wsUrl) {
	watcher = new WebSocket(wsUrl, { headers: { origin } });
	await once(watcher, 'open');
	watcher.on('message', (data) => {
		watched++;
		const parsed = JSON.parse(data.toString()) as {
			type: string;
			session?: { id: string; eventCount: number };
		};
		if (parsed.type === 'session' && parsed.session?.eventCount === 0)
			watcher?.send(JSON.stringify({ type: 'watch', sessionId: parsed.session.id, since: 0 }));
	});
	watcher.send(JSON.stringify({ type: 'watch-all' }));
}

const transport = nodemailer.createTransport({
	host: '127.0.0.1',
	port: Number(port),
	secure: false,
	ignoreTLS: true,
	pool: true,
	maxConnections: CONNECTIONS,
	maxMessages: Infinity
});
const raw = message(Number(size));
const envelope = { from: 'alice@example.com', to: ['bob@example.com'] };
await Promise.all(Array.from({ length: CONNECTIONS }, () => transport.sendMail({ envelope, raw })));
const started = performance.now();
await Promise.all(
	Array.from({ length: Number(count) }, () => transport.sendMail({ envelope, raw }))
);
const rate = Number(count) / ((performance.now() - started) / 1000);
transport.close();
watcher?.close();
console.log(JSON.stringify({ rate, watched }));
