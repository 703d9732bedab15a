import { spawn } from 'node:child_process';
import { createHash, X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keepFirst } from '../../server/sharedFile';
import { COOKIE_SECRET_FILE, OPERATOR_TOKEN_FILE } from '../../server/owners/labSecrets';

const root = mkdtempSync(join(tmpdir(), 'smtp-lab-shared-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Used {
	cookieSecret: string;
	operatorToken: string;
	operatorTokenIsNew: boolean;
	dkimPrivateKey: string;
	tlsKey: string;
	tlsFingerprint: string;
}

/** Starts `count` instances' file loading on one DATA_DIR, released at the same moment. */
async function startTogether(dataDir: string, count: number): Promise<Used[]> {
	const children = Array.from({ length: count }, () =>
		spawn(
			process.execPath,
			['--import', 'tsx', 'tests/integration/sharedDataDirChild.ts', dataDir],
			{ stdio: ['pipe', 'pipe', 'inherit'] }
		)
	);
	const lines = children.map((child) => {
		let out = '';
		const lines: string[] = [];
		const waiters: ((line: string) => void)[] = [];
		child.stdout.on('data', (chunk) => {
			out += chunk;
			let end;
			while ((end = out.indexOf('\n')) >= 0) {
				const line = out.slice(0, end);
				out = out.slice(end + 1);
				const waiter = waiters.shift();
				if (waiter) waiter(line);
				else lines.push(line);
			}
		});
		// A child that stops without answering fails the test at once (its error is on stderr).
		child.once('exit', (code) => {
			for (const waiter of waiters.splice(0)) waiter(`exited with code ${code}`);
			lines.push(`exited with code ${code}`);
		});
		return () =>
			new Promise<string>((resolve) => {
				const line = lines.shift();
				if (line !== undefined) resolve(line);
				else waiters.push(resolve);
			});
	});
	expect(await Promise.all(lines.map((next) => next()))).toEqual(Array(count).fill('ready'));
	for (const child of children) child.stdin.write('go\n');
	const answers = await Promise.all(lines.map((next) => next()));
	for (const answer of answers) expect(answer).toMatch(/^\{/);
	return answers.map((line) => JSON.parse(line) as Used);
}

describe('DATA_DIR shared by instances that start at once', () => {
	it('every instance uses the one cookie secret, operator token, DKIM key and TLS pair on disk', async () => {
		const dataDir = mkdtempSync(join(root, 'data-'));
		const used = await startTogether(dataDir, 4);
		const onDisk = {
			cookieSecret: readFileSync(join(dataDir, COOKIE_SECRET_FILE), 'utf8').trim(),
			operatorToken: readFileSync(join(dataDir, OPERATOR_TOKEN_FILE), 'utf8').trim(),
			dkimPrivateKey: createHash('sha256')
				.update(readFileSync(join(dataDir, 'dkim', 'lab.pem')))
				.digest('hex'),
			tlsKey: createHash('sha256')
				.update(readFileSync(join(dataDir, 'tls', 'key.pem')))
				.digest('hex'),
			tlsFingerprint: new X509Certificate(readFileSync(join(dataDir, 'tls', 'cert.pem')))
				.fingerprint256
		};
		for (const instance of used) {
			const { operatorTokenIsNew, ...rest } = instance;
			expect(rest).toEqual(onDisk);
			expect(typeof operatorTokenIsNew).toBe('boolean');
		}
		// The token is printed once: by the one instance that made the file.
		expect(used.filter((u) => u.operatorTokenIsNew)).toHaveLength(1);
		// The certificate on disk is the key's own.
		const cert = new X509Certificate(readFileSync(join(dataDir, 'tls', 'cert.pem')));
		expect(
			cert.checkPrivateKey(createPrivateKey(readFileSync(join(dataDir, 'tls', 'key.pem'))))
		).toBe(true);
		// No temporary file is left behind.
		for (const dir of [dataDir, join(dataDir, 'dkim'), join(dataDir, 'tls')])
			expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
	}, 60_000);

	it('a file kept second reads the first one, which stays', () => {
		const file = join(mkdtempSync(join(root, 'keep-')), 'secret');
		expect(keepFirst(file, 'first\n')).toEqual({ content: 'first\n', created: true });
		expect(keepFirst(file, 'second\n')).toEqual({ content: 'first\n', created: false });
		expect(readFileSync(file, 'utf8')).toBe('first\n');
	});
});
