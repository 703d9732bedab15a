/**
 * The throughput bench's load generator, light enough that the servers it drives, not it, are
 * what is measured: raw sockets, every byte composed once before the first connection, and
 * PIPELINING (RFC 2920 §3.1). MAIL, RCPT and DATA go in one group; the message content waits
 * for the 354 (DATA may only end a group) and carries the next transaction's MAIL, RCPT and
 * DATA with it ("the actual transfer of message content is explicitly allowed to be the first
 * command in a group"). No RSET between messages: the end of data resets the transaction
 * (RFC 5321 §4.1.1.4). Every reply is counted, and any reply but the one expected stops the run.
 *
 * Run as its own process, so its work is not billed to the server under test (the bench runs
 * it compiled, bench/benchBuild.ts):
 *   node --import tsx bench/loadGenerator.ts <port> <bytes> <count> [warm-up messages]
 * With a warm-up it sends those first, says `warm` and waits for `go` on stdin. Then it prints
 * `{ rate, cpu, userCpu, messages }` as JSON: messages per second from the first MAIL to the last
 * 250, and its own CPU µs per message (process.cpuUsage: user + system, and user alone).
 */
import net from 'node:net';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

/** Concurrent connections, each reused for message after message. */
export const CONNECTIONS = 8;
/**
 * Messages per connection before a QUIT and a new one: the sandbox records 9 events per message
 * and keeps 5,000 per session (MAX_EVENTS_PER_SESSION), so a longer session would stop being
 * recorded and flatter it.
 */
export const MESSAGES_PER_CONNECTION = 500;

const FROM = 'alice@example.com';
const TO = 'bob@example.com';

/** A message of exactly `bytes` bytes as sent, dot-stuffed (RFC 5321 §4.5.2), with its end. */
export function composeMessage(bytes: number): Buffer {
	const head = `From: ${FROM}\r\nTo: ${TO}\r\nSubject: bench\r\nMessage-ID: <bench@example.com>\r\n\r\n`;
	const line = 'The quick brown fox jumps over the lazy dog, again and again and again.\r\n';
	const body = line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes - head.length - 2);
	// No line starts with a dot, so nothing needs stuffing; the last line ends before <CRLF>.<CRLF>.
	return Buffer.from(`${head}${body}\r\n.\r\n`, 'latin1');
}

/** Replies are short: a read of more is cut into reads of this. */
const READ_BUFFER_BYTES = 16 * 1024;
const ENVELOPE = Buffer.from(`MAIL FROM:<${FROM}>\r\nRCPT TO:<${TO}>\r\nDATA\r\n`);
const QUIT = Buffer.from('QUIT\r\n');

/** What each final reply on a connection answers, in order. */
type Awaited = 'greeting' | 'ehlo' | 'mail' | 'rcpt' | 'data' | 'end' | 'quit';
const EXPECTED_CLASS: Record<Awaited, number> = {
	greeting: 2,
	ehlo: 2,
	mail: 2,
	rcpt: 2,
	data: 3,
	end: 2,
	quit: 2
};

export interface GeneratorResult {
	/** Messages per second, first MAIL to last 250. */
	rate: number;
	/** The generator's own CPU µs per message, and the part of it spent in its own code. */
	cpu: number;
	userCpu: number;
	messages: number;
}

export function generate(
	port: number,
	bytes: number,
	count: number,
	connections = CONNECTIONS
): Promise<GeneratorResult> {
	const content = composeMessage(bytes);
	const contentThenEnvelope = Buffer.concat([content, ENVELOPE]);
	let toStart = count;
	let delivered = 0;
	let open = 0;
	let started = 0;
	let cpuAtStart: NodeJS.CpuUsage;

	return new Promise((resolve, reject) => {
		const fail = (error: Error) => {
			reject(error);
			process.exitCode = 1;
		};

		const connect = () => {
			open++;
			// Replies are read into one buffer of this connection's, reused: no stream, no allocation.
			const socket = net.connect({
				port,
				host: '127.0.0.1',
				onread: {
					buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
					callback: (bytes, into) => {
						read(into, bytes);
						return true;
					}
				}
			});
			socket.setNoDelay(true);
			const awaited: Awaited[] = ['greeting'];
			let sentHere = 0;
			let ehloLines = '';
			let carry: Buffer | null = null;

			/** Claims the next message for this connection, if any is left and the connection may. */
			const claim = (): boolean => {
				if (toStart === 0 || sentHere === MESSAGES_PER_CONNECTION) return false;
				toStart--;
				sentHere++;
				return true;
			};

			const onFinalReply = (code: number, line: string) => {
				const what = awaited.shift();
				if (!what) return fail(new Error(`unexpected reply: ${line}`));
				if (Math.floor(code / 100) !== EXPECTED_CLASS[what])
					return fail(new Error(`${what} answered: ${line}`));
				if (what === 'ehlo') {
					if (!/^250[ -]PIPELINING\b/im.test(ehloLines + line))
						return fail(new Error('the server does not advertise PIPELINING (RFC 2920 §3)'));
					if (!claim()) return quit();
					started ||= performance.now();
					socket.write(ENVELOPE);
					awaited.push('mail', 'rcpt', 'data');
				} else if (what === 'greeting') {
					socket.write('EHLO bench.example\r\n');
					awaited.push('ehlo');
				} else if (what === 'data') {
					if (claim()) {
						socket.write(contentThenEnvelope);
						awaited.push('end', 'mail', 'rcpt', 'data');
					} else {
						socket.write(content);
						awaited.push('end');
					}
				} else if (what === 'end') {
					delivered++;
					if (!awaited.length) quit();
				} else if (what === 'quit') socket.end();
			};

			const quit = () => {
				socket.write(QUIT);
				awaited.push('quit');
			};

			const read = (into: Uint8Array, bytes: number) => {
				const chunk = Buffer.from(into.buffer, into.byteOffset, bytes);
				const buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
				let start = 0;
				for (let lf = buffer.indexOf(0x0a); lf >= 0; lf = buffer.indexOf(0x0a, start)) {
					// "250-" continues a reply, "250 " (or a bare code) ends it (RFC 5321 §4.2.1).
					const final = lf - start < 5 || buffer[start + 3] !== 0x2d;
					const code =
						(buffer[start] - 48) * 100 + (buffer[start + 1] - 48) * 10 + (buffer[start + 2] - 48);
					const line =
						awaited[0] === 'ehlo' || !final || Math.floor(code / 100) !== EXPECTED_CLASS[awaited[0]]
							? buffer.toString('latin1', start, lf).trimEnd()
							: '';
					if (!final) ehloLines += `${line}\n`;
					else onFinalReply(code, line);
					start = lf + 1;
				}
				// A partial line is copied out: the read buffer is reused.
				carry = start < buffer.length ? Buffer.from(buffer.subarray(start)) : null;
			};
			socket.on('error', fail);
			socket.on('close', () => {
				open--;
				if (toStart > 0) return connect();
				if (open > 0) return;
				if (delivered !== count)
					return fail(new Error(`${delivered} of ${count} messages were accepted`));
				const seconds = (performance.now() - started) / 1000;
				const cpu = process.cpuUsage(cpuAtStart);
				resolve({
					rate: count / seconds,
					cpu: (cpu.user + cpu.system) / count,
					userCpu: cpu.user / count,
					messages: count
				});
			});
		};

		cpuAtStart = process.cpuUsage();
		for (let i = 0; i < Math.min(connections, count); i++) connect();
	});
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const [port, bytes, count, warmUp] = process.argv.slice(2).map(Number);
	// Warmed up in this process, like the server: its code compiled before it is measured.
	if (warmUp > 0) {
		await generate(port, bytes, warmUp);
		console.log('warm');
		for await (const line of createInterface({ input: process.stdin })) if (line === 'go') break;
	}
	console.log(JSON.stringify(await generate(port, bytes, count)));
	process.exit(0);
}
