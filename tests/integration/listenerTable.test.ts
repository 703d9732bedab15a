/**
 * Issue 12 §1: the listener table (src/lib/listeners.ts) is the one definition of the
 * listeners. Its invariants, and that the configuration, the running sandbox, /api/health and
 * the README all follow it: a second copy that disagrees fails here.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULTS, ENVIRONMENT, readConfig } from '../../server/config';
import type { Lab } from '../../server/lab';
import { LISTENER_TABLE, LISTENERS } from '../../src/lib/listeners';
import { LISTENERS as MESSAGE_LISTENERS } from '../../src/lib/messages';
import { listenerTable } from '../../src/lib/smtp/tables/systemEvents';
import { GET as health } from '../../src/routes/api/health/+server';
import { ports } from './harness';
import { ehlo, open, startQuickLab, startTls } from './smtpSession';

let lab: Lab | undefined;
afterEach(async () => {
	await lab?.close();
	lab = undefined;
});

const unique = (values: unknown[]) => new Set(values).size === values.length;

describe('the listener table', () => {
	it('names, real-world ports, default ports, variables and config keys are each unique', () => {
		for (const key of ['name', 'standsFor', 'defaultPort', 'portVariable', 'configKey'] as const)
			expect(unique(LISTENER_TABLE.map((row) => row[key])), key).toBe(true);
	});

	it('each row is complete and consistent', () => {
		for (const row of LISTENER_TABLE) {
			// Ports below 1024 need administrator rights: the sandbox stands in for them.
			expect(row.defaultPort).toBeGreaterThanOrEqual(1024);
			expect(row.defaultPort).toBeLessThan(65536);
			expect(row.portVariable).toMatch(/^[A-Z][A-Z0-9_]*_PORT$/);
			expect(['starttls', 'implicit']).toContain(row.tls);
			expect(row.label).toContain(`port ${row.standsFor}`);
			expect(row.title).toMatch(new RegExp(`^Port ${row.standsFor}: `));
			expect(row.role.length).toBeGreaterThan(40);
			expect(row.rfc.length).toBeGreaterThan(0);
			// Server to server (the MX hop) never asks for AUTH; submission always does (RFC 6409 §4.3),
			// and so does reading a mailbox (RFC 1939 §4).
			expect(row.auth).toBe(row.hop !== 'mx');
			expect(row.hop === 'read').toBe(row.protocol !== 'smtp');
		}
	});

	it('the message schema, the annotations and the configuration read it', () => {
		expect(MESSAGE_LISTENERS).toEqual(LISTENER_TABLE.map((row) => row.name));
		expect(LISTENERS).toBe(MESSAGE_LISTENERS);
		expect(listenerTable.map((row) => [row.listener, row.port, row.title, row.summary])).toEqual(
			LISTENER_TABLE.map((row) => [row.name, row.standsFor, row.title, row.role])
		);
		for (const row of LISTENER_TABLE) {
			expect(DEFAULTS[row.configKey]).toBe(row.defaultPort);
			expect(ENVIRONMENT.filter(([, key]) => key === row.configKey)).toEqual([
				[row.portVariable, row.configKey, 'int']
			]);
			expect(readConfig({ [row.portVariable]: '31000' })[row.configKey]).toBe(31000);
		}
	});

	it('the README documents each row: its variable, default port and the port it stands for', () => {
		const readme = readFileSync('README.md', 'utf8');
		for (const row of LISTENER_TABLE) {
			expect(readme).toMatch(
				new RegExp(
					`\\| \\*\\*${row.name}\\*\\* \\| \`${row.portVariable}\` ${row.defaultPort} \\| ${row.standsFor} `
				)
			);
			expect(readme).toMatch(
				new RegExp(`\\| \`${row.portVariable}\` \\| \`${row.defaultPort}\` \\|`)
			);
		}
	});
});

describe('the running sandbox follows the table', () => {
	it('/api/health lists exactly the rows, each with the port it is bound to', async () => {
		lab = await startQuickLab();
		const body = await (await health()).json();
		expect(body.listeners).toEqual(
			LISTENER_TABLE.map((row) => ({
				name: row.name,
				protocol: row.protocol,
				port: ports(lab!)[row.name],
				standsFor: row.standsFor,
				tls: row.tls,
				auth: row.auth
			}))
		);
		expect(body.smtpHost).toBe('127.0.0.1');
	});

	it('each SMTP listener speaks TLS and offers AUTH as its row says', async () => {
		lab = await startQuickLab();
		for (const row of LISTENER_TABLE.filter((r) => r.protocol === 'smtp')) {
			// open() uses implicit TLS for the row whose tls is 'implicit'; the greeting must come.
			const { c, greeting } = await open(lab, row.name);
			expect(greeting.at(-1)).toMatch(/^220 /);
			let offered = await ehlo(c);
			expect(offered.some((l) => /^250[ -]STARTTLS$/.test(l))).toBe(row.tls === 'starttls');
			if (row.tls === 'starttls') {
				await startTls(c);
				offered = await ehlo(c);
			}
			expect(offered.some((l) => /^250[ -]AUTH /.test(l))).toBe(row.auth);
			c.close();
		}
	});
});
