import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assertSmtpServerVersion, SMTP_SERVER_VERSION } from './smtpServerPatches';

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('smtp-server is pinned to the version the patches were written for', () => {
	it('package.json and package-lock.json pin that exact version, no range', () => {
		expect(read('package.json').dependencies['smtp-server']).toBe(SMTP_SERVER_VERSION);
		expect(read('package-lock.json').packages[''].dependencies['smtp-server']).toBe(
			SMTP_SERVER_VERSION
		);
		expect(read('package-lock.json').packages['node_modules/smtp-server'].version).toBe(
			SMTP_SERVER_VERSION
		);
	});

	it('the installed version passes the startup check', () => {
		const installed = read('node_modules/smtp-server/package.json').version;
		expect(() => assertSmtpServerVersion(installed)).not.toThrow();
		expect(() => assertSmtpServerVersion()).not.toThrow();
	});

	it('any other version stops the server with a message naming both', () => {
		for (const other of ['3.21.7', '3.22.0', '4.0.0'])
			expect(() => assertSmtpServerVersion(other)).toThrow(
				new RegExp(
					`smtp-server ${other.replace(/\./g, '\\.')} is installed, .*written for 3\\.21\\.6`
				)
			);
	});
});
