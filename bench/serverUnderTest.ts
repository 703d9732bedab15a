/**
 * One SMTP server of the throughput bench, in a process of its own so that its CPU time (every
 * thread, the database's included: process.cpuUsage) is its own and nothing of the previous
 * run's heap is left to collect; compiled as the production server is (bench/benchBuild.ts):
 *   node <bundle> <kind> [bench/peers]
 * Kinds: `bare` (smtp-server that only drains the data), `postal-mime` (the same, parsing every
 * message with postal-mime before it answers: what a mail catcher pays), `maildev` (MailDev 3 as
 * `npm run bench:peers` installs it, mail written to a temporary directory), `sandbox` (the lab,
 * SQLite in a temporary DATA_DIR, with its WebSocket bridge for a watcher), `sandbox-unchecked`
 * (the same with AUTH_MAX_HEADER_LINES=0: no message is checked for SPF, DKIM and DMARC, so the
 * two side by side show what an MX hop's checks cost).
 *
 * It speaks to the bench on file descriptor 3 (a peer's own logging goes to stdout), one JSON
 * line each: first `{ port, wsUrl?, origin? }`; then on stdin `mark` (start counting CPU),
 * `profile <file>` (also record a CPU profile of the main thread, written to the file at the
 * report), `report` (answers `{ cpu }`, µs since the mark, once the work the server still owed —
 * the sandbox's last database batch — is done) and `stop`.
 */
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import PostalMime from 'postal-mime';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { readConfig } from '../server/config';
import { startLab } from '../server/lab';
import { startWebServer } from '../tests/integration/webServer';

export type ServerKind = 'bare' | 'postal-mime' | 'maildev' | 'sandbox' | 'sandbox-unchecked';

/** Where `npm run bench:peers` installs MailDev: a folder of its own, never the site's. */
export const PEERS_DIR = path.resolve('bench', 'peers');
const mailDevPackage = (peers: string) =>
	path.join(peers, 'node_modules', 'maildev', 'package.json');

/** The installed MailDev's version, or null when `npm run bench:peers` has not run. */
export function installedMailDev(peers = PEERS_DIR): string | null {
	if (!existsSync(mailDevPackage(peers))) return null;
	return (JSON.parse(readFileSync(mailDevPackage(peers), 'utf8')) as { version: string }).version;
}

interface Running {
	port: number;
	wsUrl?: string;
	origin?: string;
	/** Resolves once the work the server owes for what it answered is done. */
	settle(): Promise<void>;
	close(): Promise<void>;
}

async function bareServer(parse: boolean): Promise<Running> {
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		disableReverseLookup: true,
		logger: false,
		onData(stream: SMTPServerDataStream, _session, callback) {
			if (!parse) {
				stream.on('end', () => callback());
				stream.resume();
				return;
			}
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () => {
				PostalMime.parse(Buffer.concat(chunks)).then(
					() => callback(),
					() => callback()
				);
			});
		}
	});
	server.listen(0, '127.0.0.1');
	await once(server.server, 'listening');
	return {
		port: (server.server.address() as AddressInfo).port,
		settle: () => new Promise((resolve) => setImmediate(resolve)),
		close: () => new Promise((resolve) => server.close(() => resolve()))
	};
}

/** What the bench uses of MailDev 3's programmatic interface (its dist/index.d.ts). */
interface MailDevModule {
	MailDev: new (config: Record<string, unknown>) => {
		start(): Promise<{ smtp: { getAddress(): { port: number } } }>;
		stop(): Promise<void>;
	};
}

async function mailDev(peers: string): Promise<Running> {
	if (!installedMailDev(peers))
		throw new Error('MailDev is not installed: run npm run bench:peers');
	const manifest = JSON.parse(readFileSync(mailDevPackage(peers), 'utf8')) as { main: string };
	const entry = path.join(path.dirname(mailDevPackage(peers)), manifest.main);
	const { MailDev } = (await import(pathToFileURL(entry).href)) as MailDevModule;
	const mailDirectory = mkdtempSync(path.join(tmpdir(), 'smtp-lab-bench-maildev-'));
	// As shipped: mail written to its directory and parsed, the web interface listening (no one
	// connected to it), on loopback ports of its own.
	const maildev = new MailDev({
		smtp: 0,
		ip: '127.0.0.1',
		web: 0,
		webIp: '127.0.0.1',
		mailDirectory,
		silent: true
	});
	const servers = await maildev.start();
	return {
		port: servers.smtp.getAddress().port,
		settle: () => new Promise((resolve) => setTimeout(resolve, 50)),
		close: async () => {
			await maildev.stop();
			rmSync(mailDirectory, { recursive: true, force: true });
		}
	};
}

async function sandbox(checked: boolean): Promise<Running> {
	const dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-bench-'));
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
				dataDir,
				// A run's mail to bob@example.com would pass the quota of unclaimed mail; the quotas
				// are not what is measured.
				maxStoredBytesPerOwner: 2 ** 30,
				// A watcher following every transcript gets about 8 MB/s; when other work on this
				// machine starves its process for a moment, the default 1 MiB would cut it off
				// (BAD-INPUTS W6) and the run would measure a sandbox that has no watcher.
				wsMaxBufferedBytes: 2 ** 28,
				// Every header section is over 0 lines: the MX stores the message without its checks.
				...(checked ? {} : { authMaxHeaderLines: 0 })
			}
		)
	);
	const web = await startWebServer(lab);
	return {
		port: lab.sandbox.port('mx'),
		wsUrl: web.wsUrl,
		origin: web.url,
		// The recording work of the last replies runs in the next turn; then the last batch is written.
		settle: async () => {
			await new Promise((resolve) => setImmediate(resolve));
			await lab.store.flush();
		},
		close: async () => {
			await lab.close();
			await web.close();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

function tell(message: object): void {
	writeSync(3, `${JSON.stringify(message)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const kind = process.argv[2] as ServerKind;
	const running =
		kind === 'sandbox' || kind === 'sandbox-unchecked'
			? await sandbox(kind === 'sandbox')
			: kind === 'maildev'
				? await mailDev(process.argv[3] ?? PEERS_DIR)
				: await bareServer(kind === 'postal-mime');
	tell({ port: running.port, wsUrl: running.wsUrl, origin: running.origin });
	let mark = process.cpuUsage();
	let profiling: { session: Session; file: string } | null = null;
	for await (const command of createInterface({ input: process.stdin })) {
		if (command === 'mark') mark = process.cpuUsage();
		else if (command.startsWith('profile ')) {
			const session = new Session();
			session.connect();
			await session.post('Profiler.enable');
			await session.post('Profiler.start');
			profiling = { session, file: command.slice('profile '.length) };
		} else if (command === 'report') {
			await running.settle();
			const used = process.cpuUsage(mark);
			if (profiling) {
				const { profile } = await profiling.session.post('Profiler.stop');
				profiling.session.disconnect();
				writeFileSync(profiling.file, JSON.stringify(profile));
				profiling = null;
			}
			tell({ cpu: used.user + used.system });
		} else if (command === 'stop') break;
	}
	await running.close();
	process.exit(0);
}
