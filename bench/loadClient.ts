/**
 * The load generator, run as its own process so that its work (composing, dot-stuffing) is not
 * billed to the server under test. Sends `count` messages of `size` bytes over reused
 * connections and prints `{ rate, cpu }` as JSON (cpu: its own CPU µs per message).
 */
import nodemailer from 'nodemailer';

const [port, size, count] = process.argv.slice(2);
const CONNECTIONS = 4;

function message(bytes: number): string {
	const head = 'From: alice@example.com\r\nTo: bob@example.com\r\nSubject: bench\r\n\r\n';
	const line = 'The quick brown fox jumps over the lazy dog, again and again and again.\r\n';
	return head + line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes - head.length);
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
const cpuAtStart = process.cpuUsage();
await Promise.all(
	Array.from({ length: Number(count) }, () => transport.sendMail({ envelope, raw }))
);
const rate = Number(count) / ((performance.now() - started) / 1000);
const cpu = process.cpuUsage(cpuAtStart);
transport.close();
console.log(JSON.stringify({ rate, cpu: (cpu.user + cpu.system) / Number(count) }));
