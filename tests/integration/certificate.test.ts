import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTlsMaterial } from '../../server/tls/certificate';

const dir = mkdtempSync(join(tmpdir(), 'smtp-lab-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the sandbox certificate', () => {
	it('is made at the first start, kept private, and reused at the next start', async () => {
		const tlsDir = join(dir, 'tls');
		const first = await loadTlsMaterial(null, null, 'sandbox.smtp-lab.test', tlsDir);
		expect(first.selfSigned).toBe(true);
		expect(first.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
		expect(statSync(join(tlsDir, 'key.pem')).mode & 0o077).toBe(0);
		const second = await loadTlsMaterial(null, null, 'sandbox.smtp-lab.test', tlsDir);
		expect(second.fingerprint256).toBe(first.fingerprint256);
	});

	it('without a directory, each start makes a fresh one', async () => {
		const a = await loadTlsMaterial(null, null, 'sandbox.smtp-lab.test');
		const b = await loadTlsMaterial(null, null, 'sandbox.smtp-lab.test');
		expect(a.fingerprint256).not.toBe(b.fingerprint256);
	});

	it('TLS_CERT and TLS_KEY win when given', async () => {
		const tlsDir = join(dir, 'tls');
		const kept = await loadTlsMaterial(null, null, 'x', tlsDir);
		const given = await loadTlsMaterial(
			join(tlsDir, 'cert.pem'),
			join(tlsDir, 'key.pem'),
			'x',
			null
		);
		expect(given.selfSigned).toBe(false);
		expect(given.cert).toBe(readFileSync(join(tlsDir, 'cert.pem'), 'utf8'));
		expect(given.fingerprint256).toBe(kept.fingerprint256);
	});
});
