/** DATABASE_URL and the PG_* settings (server/config.ts), each at its edge. */
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../config';

describe('PostgreSQL settings', () => {
	it('without DATABASE_URL (or empty) the store is SQLite, with the documented PG defaults', () => {
		for (const env of [{}, { DATABASE_URL: '' }])
			expect(readConfig(env)).toMatchObject({
				databaseUrl: null,
				pgPoolSize: 4,
				pgPollMs: 1000,
				pgPeerCheckMs: 1000,
				pgChangeLogSeconds: 600
			});
	});

	it('DATABASE_URL takes postgres:// and postgresql:// URLs, a unix socket too', () => {
		for (const url of [
			'postgres://lab:secret@db.example.test:5432/smtplab',
			'postgresql://lab@/smtplab?host=/run/postgresql&port=5433',
			'POSTGRES://lab@db/smtplab'
		])
			expect(readConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
	});

	it('any other scheme stops startup naming the scheme, never the rest (a password)', () => {
		const read = (url: string) => () => readConfig({ DATABASE_URL: url });
		expect(read('mysql://lab:hunter22@db/smtplab')).toThrow(ConfigError);
		expect(read('mysql://lab:hunter22@db/smtplab')).toThrow(
			'DATABASE_URL must be a postgres:// or postgresql:// URL, got the scheme "mysql:"'
		);
		expect(read('lab:hunter22@db/smtplab')).toThrow('got the scheme "lab:"');
		expect(read('/var/lib/smtp-lab.sqlite')).toThrow(
			'DATABASE_URL must be a postgres:// or postgresql:// URL, got no URL scheme'
		);
		expect(read('postgres:/one-slash')).toThrow('got the scheme "postgres:"');
		try {
			read('mysql://lab:hunter22@db/smtplab')();
		} catch (error) {
			expect((error as Error).message).not.toContain('hunter22');
		}
	});

	it.each([
		['PG_POOL_SIZE', 'pgPoolSize', 1],
		['PG_POLL_MS', 'pgPollMs', 50],
		['PG_PEER_CHECK_MS', 'pgPeerCheckMs', 100],
		['PG_CHANGE_LOG_SECONDS', 'pgChangeLogSeconds', 10]
	] as const)('%s (%s) is at least %i: its edge, and one below', (name, key, least) => {
		expect(readConfig({ [name]: String(least) })[key]).toBe(least);
		expect(() => readConfig({ [name]: String(least - 1) })).toThrow(ConfigError);
		expect(() => readConfig({ [name]: String(least - 1) })).toThrow(
			`${name} must be at least ${least}, got ${least - 1}`
		);
		expect(() => readConfig({ [name]: 'often' })).toThrow(
			`${name} must be a whole number ≥ 0, got "often"`
		);
	});
});
