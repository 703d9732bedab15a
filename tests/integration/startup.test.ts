import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { DEFAULTS, ENVIRONMENT, readConfig, ConfigError } from '../../server/config';
import { DATABASE_FILE } from '../../server/store/sqlite/sqlitePersistence';
import { startFromSource } from '../sourceServer';

let blocker: net.Server;
let busyPort: number;
let dataDir: string;
beforeAll(async () => {
	dataDir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-startup-'));
	blocker = net.createServer();
	await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
	busyPort = (blocker.address() as AddressInfo).port;
});
afterAll(async () => {
	await new Promise<void>((resolve) => blocker.close(() => resolve()));
	rmSync(dataDir, { recursive: true, force: true });
});

/** A start with a database of its own. */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
	return startFromSource({ DATA_DIR: mkdtempSync(path.join(dataDir, 'start-')), ...env });
}

describe('startup', () => {
	it.each([
		['SMTP_PORT', 'mx'],
		['SUBMISSION_PORT', 'submission'],
		['SMTPS_PORT', 'submissions']
	])(
		'a busy %s stops the server with one line naming the port and the variable',
		async (variable, listener) => {
			const { code, stderr } = await start({ [variable]: String(busyPort) });
			expect(code).toBe(1);
			const lines = stderr.trim().split('\n');
			expect(lines).toHaveLength(1);
			expect(lines[0]).toContain(`Port ${busyPort} (the ${listener} listener) is already in use`);
			expect(lines[0]).toContain(`set ${variable}`);
		},
		30_000
	);

	it('a malformed number is a one-line configuration error', async () => {
		expect(() => readConfig({ MAX_RECIPIENTS: 'lots' })).toThrow(ConfigError);
		const { code, stderr } = await start({ IDLE_TIMEOUT_SECONDS: '-5' });
		expect(code).toBe(1);
		expect(stderr.trim()).toBe(
			'SMTP Lab: IDLE_TIMEOUT_SECONDS must be a whole number ≥ 0, got "-5"'
		);
	}, 30_000);

	it('a DATA_DIR holding a corrupt database stops the server with one line naming DATA_DIR', async () => {
		const corrupt = path.join(dataDir, 'corrupt');
		mkdirSync(corrupt);
		writeFileSync(path.join(corrupt, DATABASE_FILE), 'this is not a database '.repeat(400));
		const { code, stderr } = await start({ DATA_DIR: corrupt });
		expect(code).toBe(1);
		const lines = stderr.trim().split('\n');
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(/^SMTP Lab: cannot open the database .* \(DATA_DIR=.*corrupt\)/);
		expect(lines[0]).toContain('file is not a database');
	}, 30_000);

	it('a DATA_DIR that cannot be created (under a regular file) stops the server with one line', async () => {
		// Tests run as root, for whom chmod proves nothing: a path under a file fails for everyone.
		const file = path.join(dataDir, 'a-file');
		writeFileSync(file, '');
		const { code, stderr } = await start({ DATA_DIR: path.join(file, 'data') });
		expect(code).toBe(1);
		const lines = stderr.trim().split('\n');
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(/^SMTP Lab: cannot open the database .* \(DATA_DIR=.*a-file\/data\)/);
		expect(lines[0]).toContain('ENOTDIR');
	}, 30_000);

	it('reads every documented variable', () => {
		const config = readConfig({
			PORT: '8080',
			GREYLIST_SECONDS: '3',
			MAX_MESSAGE_BYTES: '2048',
			MAX_SESSIONS_PER_ADDRESS: '7',
			ORIGIN: 'https://lab.example.org',
			TRUST_PROXY: '1',
			MAX_WS_PER_ADDRESS: '9'
		});
		expect(config).toMatchObject({
			port: 8080,
			greylistSeconds: 3,
			maxMessageBytes: 2048,
			maxSessionsPerAddress: 7,
			origin: 'https://lab.example.org',
			trustProxy: 1,
			maxWsPerAddress: 9
		});
	});

	it('DATA_DIR: .data by default, memory only with DATA_DIR=memory, the certificate beside it', () => {
		expect(readConfig({})).toMatchObject({ dataDir: '.data', tlsDir: '.data/tls' });
		expect(readConfig({ DATA_DIR: '' })).toMatchObject({ dataDir: '.data' });
		expect(readConfig({ DATA_DIR: 'memory' })).toMatchObject({
			dataDir: null,
			tlsDir: '.data/tls'
		});
		expect(readConfig({ DATA_DIR: './memory' })).toMatchObject({ dataDir: './memory' });
		expect(readConfig({ DATA_DIR: '/var/lib/smtp-lab' })).toMatchObject({
			dataDir: '/var/lib/smtp-lab',
			tlsDir: '/var/lib/smtp-lab/tls'
		});
		expect(readConfig({ DATA_DIR: 'memory', TLS_DIR: '/etc/lab-tls' }).tlsDir).toBe('/etc/lab-tls');
	});

	it("adapter-node's ADDRESS_HEADER and XFF_DEPTH are refused: TRUST_PROXY is the one rule", () => {
		for (const name of ['ADDRESS_HEADER', 'XFF_DEPTH'])
			expect(() => readConfig({ [name]: 'x-forwarded-for' })).toThrow(
				`${name} is not read by SMTP Lab: set TRUST_PROXY to the number of proxies in front of the server instead`
			);
	});

	it('the replaced MAX_STORED_* settings stop startup with one line naming what replaced them', async () => {
		const replacements: Record<string, RegExp> = {
			MAX_STORED_SESSIONS: /RETENTION_HOURS/,
			MAX_STORED_MESSAGES: /RETENTION_HOURS.*MAX_STORED_BYTES_PER_OWNER/,
			MAX_STORED_BYTES: /MAX_STORED_BYTES_PER_OWNER.*MAX_DB_BYTES/
		};
		for (const [name, replacement] of Object.entries(replacements)) {
			expect(() => readConfig({ [name]: '500' })).toThrow(ConfigError);
			expect(() => readConfig({ [name]: '500' })).toThrow(replacement);
		}
		const { code, stderr } = await start({ MAX_STORED_MESSAGES: '500' });
		expect(code).toBe(1);
		expect(stderr.trim()).toMatch(
			/^SMTP Lab: MAX_STORED_MESSAGES is no longer read by SMTP Lab: nothing is evicted any more: RETENTION_HOURS .*$/
		);
	}, 30_000);

	it('reads RETENTION_HOURS (at least 1), MAX_STORED_BYTES_PER_OWNER and MAX_DB_BYTES', () => {
		expect(
			readConfig({
				RETENTION_HOURS: '24',
				MAX_STORED_BYTES_PER_OWNER: '1000',
				MAX_DB_BYTES: '5000'
			})
		).toMatchObject({ retentionHours: 24, maxStoredBytesPerOwner: 1000, maxDbBytes: 5000 });
		expect(() => readConfig({ RETENTION_HOURS: '0' })).toThrow(
			'RETENTION_HOURS must be at least 1, got 0'
		);
	});

	it("the README's configuration table has a row for every variable, with its default", () => {
		const readme = readFileSync('README.md', 'utf8');
		for (const [name, key] of ENVIRONMENT) {
			const fallback = DEFAULTS[key];
			// A row names one variable, or several that go together (`TLS_CERT`, `TLS_KEY`).
			const row = new RegExp(
				`^\\| (?:\`\\w+\`, )*\`${name}\`(?:, \`\\w+\`)* \\| ([^|]*) \\|`,
				'm'
			).exec(readme);
			expect(row, name).not.toBeNull();
			if (typeof fallback === 'number') expect(row![1], name).toBe(`\`${fallback}\``);
		}
	});
});
