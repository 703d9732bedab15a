// Is the production build older than its sources? `npm start` (server/start.js) and `npm run bench`
// build only then.
import { spawn } from 'node:child_process';
import { readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the build is made from, relative to the project root. */
export const BUILD_INPUTS = [
	'src',
	'server',
	'static',
	'svelte.config.js',
	'vite.config.ts',
	'tsconfig.json',
	'package.json',
	'package-lock.json'
];

/** Written after a successful build, with the time the build started as its mtime. */
export const STAMP = 'build/.build-stamp';

// Tests are not part of the build: editing one needs no rebuild.
const NOT_BUILT = /\.(test|spec)\.[cm]?[jt]s$/;

/**
 * The latest modification time (ms) of any file under `paths` (files or folders, relative to
 * `root`); 0 when none exists.
 * @param {string} root
 * @param {readonly string[]} paths
 * @returns {number}
 */
export function newestInput(root, paths) {
	let newest = 0;
	/** @param {string} path */
	const visit = (path) => {
		let stat;
		try {
			stat = statSync(path);
		} catch {
			return; // an optional input (e.g. no static/) that is absent
		}
		if (stat.isDirectory()) {
			for (const entry of readdirSync(path)) visit(join(path, entry));
		} else if (!NOT_BUILT.test(path)) newest = Math.max(newest, stat.mtimeMs);
	};
	for (const path of paths) visit(join(root, path));
	return newest;
}

/**
 * Why the build in `root` must be (re)made, or null when it is up to date: no stamp (never
 * built, or the last build failed), or an input changed after the last build started.
 * @param {string} root
 * @param {readonly string[]} [inputs]
 * @returns {string | null}
 */
export function staleBecause(root, inputs = BUILD_INPUTS) {
	let built;
	try {
		built = statSync(join(root, STAMP)).mtimeMs;
		statSync(join(root, 'build/server/index.js'));
	} catch {
		return 'no build yet';
	}
	return newestInput(root, inputs) > built ? 'sources changed since the last build' : null;
}

/**
 * Builds the production server (`npm run build`, quietly) when staleBecause says so, and stamps
 * the build. Null when it was up to date; else why it was built and how long it took. A failed
 * build throws with the build's output, and leaves no stamp (the next start tries again).
 * @param {string} root
 * @param {(reason: string) => void} [onBuilding] told before the build starts
 * @returns {Promise<{ reason: string, seconds: number } | null>}
 */
export async function buildWhenStale(root, onBuilding = () => undefined) {
	const reason = staleBecause(root);
	if (!reason) return null;
	onBuilding(reason);
	const started = new Date();
	// A build that fails half-way must not look finished to the next start.
	rmSync(join(root, STAMP), { force: true });
	const { code, output } = await run(root, 'npm', ['run', '--silent', 'build']);
	if (code !== 0) throw Object.assign(new Error(`npm run build failed (${code})`), { output });
	// The stamp carries the time the build started: a file saved during the build is newer.
	writeFileSync(join(root, STAMP), `${started.toISOString()}\n`);
	utimesSync(join(root, STAMP), started, started);
	return { reason, seconds: (Date.now() - started.getTime()) / 1000 };
}

/**
 * @param {string} root
 * @param {string} command
 * @param {string[]} args
 * @returns {Promise<{ code: number | null, output: string }>}
 */
function run(root, command, args) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.once('error', reject);
		child.once('close', (code) => resolve({ code, output }));
	});
}
