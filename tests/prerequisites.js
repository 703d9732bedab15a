// The Debian packages the tests need, checked before `npm test` runs anything. As root the missing
// ones are installed with apt-get (as .ci/run does on a fresh machine); otherwise it stops at once
// with the one line to run. Adding a package the tests need is one row.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** @typedef {[name: string, file: string, purpose: string]} Package */

/**
 * [Debian package, a file it installs that the tests use, what for]; one `*` in the file stands
 * for one directory name (a version).
 * @type {Package[]}
 */
export const PACKAGES = [
	['chromium', '/usr/bin/chromium', 'the browser tests (Playwright)'],
	['nginx', '/usr/sbin/nginx', 'the reverse-proxy tests'],
	['python3', '/usr/bin/python3', 'the restart test (smtplib)'],
	['bind9-dnsutils', '/usr/bin/dig', 'the sandbox DNS tests (dig)'],
	[
		'postgresql',
		'/usr/lib/postgresql/*/bin/initdb',
		'the PostgreSQL store tests (a private cluster, tests/postgresCluster.ts)'
	],
	[
		'libnginx-mod-stream',
		'/usr/lib/nginx/modules/ngx_stream_module.so',
		"the two-instance test (nginx's TCP load balancing)"
	]
];

/**
 * Whether `file` exists; a `*` in it is one directory name (the first that has the rest).
 * @param {string} file
 */
export function fileExists(file) {
	const star = file.indexOf('*');
	if (star < 0) return existsSync(file);
	const parent = file.slice(0, star);
	const rest = file.slice(star + 1);
	if (!existsSync(parent)) return false;
	return readdirSync(parent).some((name) => existsSync(parent + name + rest));
}

/**
 * The clusters `pg_lsclusters --no-header` lists as online, as [version, name]: what installing
 * Debian's postgresql started, to be stopped so that nothing is left listening on 5432.
 * @param {string} listing
 * @returns {[string, string][]}
 */
export function onlineClusters(listing) {
	return listing
		.split('\n')
		.map((line) => line.trim().split(/\s+/))
		.filter((fields) => fields[3] === 'online')
		.map((fields) => /** @type {[string, string]} */ ([fields[0], fields[1]]));
}

/**
 * Returns null when every package is there (installing the missing ones when `isRoot`), or the
 * message that stops the run.
 * @param {Package[]} packages
 * @param {{ isRoot: boolean, install: (names: string[]) => void, log?: (line: string) => void }} options
 * @returns {string | null}
 */
export function checkPrerequisites(packages, { isRoot, install, log = console.log }) {
	const missing = packages.filter(([, file]) => !fileExists(file));
	if (missing.length === 0) return null;
	const names = missing.map(([name]) => name);
	for (const [name, file, purpose] of missing)
		log(`Missing Debian package ${name} (${file}), needed for ${purpose}.`);
	if (!isRoot)
		return `Install it, then run npm test again:\n  sudo apt-get install -y ${names.join(' ')}`;
	log(`Installing ${names.join(' ')} with apt-get (running as root)…`);
	install(names);
	const still = missing.filter(([, file]) => !fileExists(file));
	return still.length > 0 ? `apt-get did not install ${still.map(([n]) => n).join(' ')}.` : null;
}

/** @param {string[]} names */
function aptInstall(names) {
	/** @param {string[]} args */
	const apt = (args) =>
		execFileSync('apt-get', args, {
			stdio: ['ignore', 'ignore', 'inherit'],
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
		});
	apt(['update', '-qq']);
	apt(['install', '-y', '-qq', ...names]);
	if (!names.includes('postgresql')) return;
	// The package starts its own cluster on 5432; the tests start private ones.
	const listing = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' });
	for (const [version, name] of onlineClusters(listing))
		execFileSync('pg_ctlcluster', [version, name, 'stop'], { stdio: 'inherit' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const stop = checkPrerequisites(PACKAGES, {
		isRoot: process.getuid?.() === 0,
		install: aptInstall
	});
	if (stop) {
		console.error(stop);
		process.exit(1);
	}
}
