/**
 * What the wire tap costs (server/sandbox/wireTap.ts): with the tap on, the sandbox runs TLS over
 * a JS stream of its own (so it can count every TLS record) instead of on the socket's native
 * handle. This sends the same messages over STARTTLS (RFC 3207) to a fresh sandbox with the tap
 * on (MAX_WIRE_RECORDS_PER_SESSION as shipped) and off (0), alternating which goes first, and
 * reports each one's rate and the server's CPU per message, and the ratio of the two.
 *   node --import tsx bench/tlsTap.ts [messages] [bytes] [rounds] [messages per connection]
 * (by default each of the 4 connections sends its whole share after one STARTTLS; 1 makes
 * every message a connection of its own, with its own handshake, as a mail program sends one).
 * The client is nodemailer's SMTPConnection (TLS on its own native handle, the same both ways),
 * in this process; each server runs in a process of its own (`serve`), so its CPU time
 * (process.cpuUsage, all its threads) is its own. Its store is in memory: the database is not
 * what is measured.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { DEFAULTS, readConfig } from '../server/config';
import { startLab } from '../server/lab';
import { composeMessage } from './loadGenerator';

/** Connections at once; each sends its share of the messages, `perConnection` per STARTTLS. */
const CONNECTIONS = 4;
/** Messages sent first on a fresh server, not counted: its code is compiled by then. */
const WARM_UP = 200;

/** The server side: a lab with the given MAX_WIRE_RECORDS_PER_SESSION, driven over stdin. */
async function serve(maxWireRecordsPerSession: number): Promise<void> {
	const tlsDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-bench-tls-'));
	const lab = await startLab(
		readConfig(
			{},
			{
				smtpPort: 0,
				submissionPort: 0,
				smtpsPort: 0,
				dnsPort: 0,
				mailHostsPort: 0,
				smtpHost: '127.0.0.1',
				dataDir: null,
				tlsDir,
				maxStoredBytesPerOwner: 2 ** 30,
				maxWireRecordsPerSession
			}
		)
	);
	console.log(JSON.stringify({ port: lab.sandbox.port('mx') }));
	let mark = process.cpuUsage();
	for await (const command of createInterface({ input: process.stdin })) {
		if (command === 'mark') mark = process.cpuUsage();
		else if (command === 'report') {
			await new Promise((resolve) => setImmediate(resolve));
			const used = process.cpuUsage(mark);
			console.log(JSON.stringify({ cpu: used.user + used.system }));
		} else if (command === 'stop') break;
	}
	await lab.close();
	rmSync(tlsDir, { recursive: true, force: true });
	process.exit(0);
}

/** One connection: STARTTLS (required), then `count` messages, then QUIT. */
async function sendOver(port: number, count: number, message: Buffer): Promise<void> {
	const connection = new SMTPConnection({
		host: '127.0.0.1',
		port,
		requireTLS: true,
		tls: { rejectUnauthorized: false }
	});
	connection.on('error', () => undefined);
	await new Promise<void>((resolve, reject) =>
		connection.connect((error?: Error) => (error ? reject(error) : resolve()))
	);
	if (!connection.secure) throw new Error('the connection did not start TLS');
	for (let i = 0; i < count; i++)
		await new Promise<void>((resolve, reject) =>
			connection.send({ from: 'alice@example.com', to: ['bob@example.com'] }, message, (error) =>
				error ? reject(error) : resolve()
			)
		);
	connection.quit();
}

async function sendAll(
	port: number,
	count: number,
	message: Buffer,
	perConnection: number
): Promise<void> {
	const share = Math.ceil(count / CONNECTIONS);
	const worker = async () => {
		for (let sent = 0; sent < share; sent += perConnection)
			await sendOver(port, Math.min(perConnection, share - sent), message);
	};
	await Promise.all(Array.from({ length: CONNECTIONS }, worker));
}

interface Measured {
	rate: number;
	/** Server CPU µs per message. */
	cpu: number;
}

async function measure(
	maxWireRecords: number,
	count: number,
	bytes: number,
	perConnection: number
): Promise<Measured> {
	const child: ChildProcess = spawn(
		process.execPath,
		['--import', 'tsx', new URL(import.meta.url).pathname, 'serve', String(maxWireRecords)],
		{ stdio: ['pipe', 'pipe', 'inherit'] }
	);
	const lines = createInterface({ input: child.stdout as Readable })[Symbol.asyncIterator]();
	const answer = async () =>
		JSON.parse((await lines.next()).value as string) as Record<string, number>;
	const command = (line: string) => (child.stdin as Writable).write(`${line}\n`);
	const { port } = await answer();
	const message = composeMessage(bytes).subarray(0, -5); // SMTPConnection adds <CRLF>.<CRLF>
	await sendAll(port, WARM_UP, message, perConnection);
	command('report');
	await answer();
	command('mark');
	const started = performance.now();
	await sendAll(port, count, message, perConnection);
	const seconds = (performance.now() - started) / 1000;
	command('report');
	const { cpu } = await answer();
	command('stop');
	await new Promise((resolve) => child.once('exit', resolve));
	return { rate: count / seconds, cpu: cpu / count };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

export async function benchTlsTap(
	count = 1000,
	bytes = 2048,
	rounds = 3,
	perConnection = Math.ceil(count / CONNECTIONS)
): Promise<string[]> {
	const on: Measured[] = [];
	const off: Measured[] = [];
	for (let round = 0; round < rounds; round++) {
		const order = round % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
		for (const mode of order)
			(mode === 'on' ? on : off).push(
				await measure(
					mode === 'on' ? DEFAULTS.maxWireRecordsPerSession : 0,
					count,
					bytes,
					perConnection
				)
			);
	}
	const cpuRatios = on.map((run, i) => run.cpu / off[i].cpu);
	const rateRatios = on.map((run, i) => run.rate / off[i].rate);
	const describe = (runs: Measured[]) =>
		`${Math.round(median(runs.map((r) => r.rate)))} messages/s, server ${Math.round(median(runs.map((r) => r.cpu)))} µs CPU per message`;
	return [
		`${count} messages of ${bytes} bytes over STARTTLS, ${CONNECTIONS} connections at once, ${perConnection} messages per connection, median of ${rounds} rounds:`,
		`tap on (TLS through JS streams): ${describe(on)}`,
		`tap off (MAX_WIRE_RECORDS_PER_SESSION=0): ${describe(off)}`,
		`on/off: server CPU per message × ${median(cpuRatios).toFixed(2)} (rounds ${cpuRatios.map((r) => r.toFixed(2)).join(', ')}), rate × ${median(rateRatios).toFixed(2)}`
	];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	if (process.argv[2] === 'serve') await serve(Number(process.argv[3]));
	else {
		const [count, bytes, rounds, perConnection] = process.argv.slice(2).map(Number);
		const lines = await benchTlsTap(
			count || undefined,
			bytes || undefined,
			rounds || undefined,
			perConnection || undefined
		);
		for (const line of lines) console.log(line);
	}
}
