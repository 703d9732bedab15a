import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import playwrightConfig from '../../playwright.config';
import { NGINX } from '../nginx';
import { checkPrerequisites, fileExists, onlineClusters, PACKAGES } from '../prerequisites.js';

/** `npm test` checks the Debian packages the tests need before it runs anything. */
describe('test prerequisites', () => {
	let dir: string | undefined;
	afterEach(() => {
		if (dir) rmSync(dir, { recursive: true, force: true });
		dir = undefined;
	});

	it('checks for the browser the Playwright config launches', () => {
		const browser = playwrightConfig.use?.launchOptions?.executablePath;
		expect(PACKAGES.map(([, file]) => file)).toContain(browser);
	});

	it('checks for the nginx the reverse-proxy tests start', () => {
		expect(PACKAGES.map(([, file]) => file)).toContain(NGINX);
	});

	it('checks for the dig the sandbox DNS tests run', () => {
		expect(PACKAGES).toContainEqual(['bind9-dnsutils', '/usr/bin/dig', expect.any(String)]);
	});

	it("checks for Debian's PostgreSQL (any version) and nginx's stream module", () => {
		expect(PACKAGES).toContainEqual([
			'postgresql',
			'/usr/lib/postgresql/*/bin/initdb',
			expect.any(String)
		]);
		expect(PACKAGES).toContainEqual([
			'libnginx-mod-stream',
			'/usr/lib/nginx/modules/ngx_stream_module.so',
			expect.any(String)
		]);
	});

	it('a * in a file stands for one directory name, such as a version', () => {
		dir = mkdtempSync(join(tmpdir(), 'prereq-'));
		mkdirSync(join(dir, '13', 'bin'), { recursive: true });
		mkdirSync(join(dir, '15', 'bin'), { recursive: true });
		writeFileSync(join(dir, '15', 'bin', 'initdb'), '');
		expect(fileExists(`${dir}/*/bin/initdb`)).toBe(true);
		expect(fileExists(`${dir}/*/bin/pg_ctl`)).toBe(false);
		expect(fileExists(`${dir}/absent/*/bin/initdb`)).toBe(false);
		const log: string[] = [];
		const stop = checkPrerequisites([['absent-pkg', `${dir}/*/bin/pg_ctl`, 'y']], {
			isRoot: false,
			install: () => {},
			log: (line: string) => log.push(line)
		});
		expect(stop).toBe('Install it, then run npm test again:\n  sudo apt-get install -y absent-pkg');
		expect(
			checkPrerequisites([['present-pkg', `${dir}/*/bin/initdb`, 'x']], {
				isRoot: false,
				install: () => {},
				log: () => {}
			})
		).toBeNull();
	});

	it('after installing postgresql, the clusters it started are the online ones pg_lsclusters lists', () => {
		const listing = [
			'15  main    5432 online postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log',
			'16  other   5433 down   postgres /var/lib/postgresql/16/other /var/log/postgresql/postgresql-16-other.log',
			''
		].join('\n');
		expect(onlineClusters(listing)).toEqual([['15', 'main']]);
		expect(onlineClusters('')).toEqual([]);
	});

	it('without root, a missing package stops the run with the one apt-get line', () => {
		dir = mkdtempSync(join(tmpdir(), 'prereq-'));
		const installs: string[][] = [];
		const stop = checkPrerequisites(
			[
				['present-pkg', fileURLToPath(import.meta.url), 'x'],
				['absent-pkg', join(dir, 'absent'), 'y']
			],
			{ isRoot: false, install: (names: string[]) => installs.push(names), log: () => {} }
		);
		expect(stop).toBe('Install it, then run npm test again:\n  sudo apt-get install -y absent-pkg');
		expect(installs).toEqual([]);
	});

	it('as root, only the missing packages are installed, and the run goes on once they are there', () => {
		dir = mkdtempSync(join(tmpdir(), 'prereq-'));
		const file = join(dir, 'installed-by-apt');
		const installs: string[][] = [];
		const stop = checkPrerequisites([['absent-pkg', file, 'y']], {
			isRoot: true,
			install: (names: string[]) => {
				installs.push(names);
				writeFileSync(file, '');
			},
			log: () => {}
		});
		expect(installs).toEqual([['absent-pkg']]);
		expect(stop).toBeNull();
	});

	it('as root, a package apt-get did not install stops the run', () => {
		dir = mkdtempSync(join(tmpdir(), 'prereq-'));
		const stop = checkPrerequisites([['absent-pkg', join(dir, 'never'), 'y']], {
			isRoot: true,
			install: () => {},
			log: () => {}
		});
		expect(stop).toBe('apt-get did not install absent-pkg.');
	});
});
