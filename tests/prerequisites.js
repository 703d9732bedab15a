// The Debian packages the tests need, checked before `npm test` runs anything. As root the missing
// ones are installed with apt-get (as .ci/run does on a fresh machine); otherwise it stops at once
// with the one line to run. Adding a package the tests need is one row.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** @typedef {[name: string, file: string, purpose: string]} Package */

/**
 * [Debian package, a file it installs that the tests use, what for]
 * @type {Package[]}
 */
export const PACKAGES = [
	['chromium', '/usr/bin/chromium', 'the browser tests (Playwright)'],
	['nginx', '/usr/sbin/nginx', 'the reverse-proxy tests'],
	['python3', '/usr/bin/python3', 'the restart test (smtplib)'],
	['bind9-dnsutils', '/usr/bin/dig', 'the sandbox DNS tests (dig)']
];

/**
 * Returns null when every package is there (installing the missing ones when `isRoot`), or the
 * message that stops the run.
 * @param {Package[]} packages
 * @param {{ isRoot: boolean, install: (names: string[]) => void, log?: (line: string) => void }} options
 * @returns {string | null}
 */
export function checkPrerequisites(packages, { isRoot, install, log = console.log }) {
	const missing = packages.filter(([, file]) => !existsSync(file));
	if (missing.length === 0) return null;
	const names = missing.map(([name]) => name);
	for (const [name, file, purpose] of missing)
		log(`Missing Debian package ${name} (${file}), needed for ${purpose}.`);
	if (!isRoot)
		return `Install it, then run npm test again:\n  sudo apt-get install -y ${names.join(' ')}`;
	log(`Installing ${names.join(' ')} with apt-get (running as root)…`);
	install(names);
	const still = missing.filter(([, file]) => !existsSync(file));
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
