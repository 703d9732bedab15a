// Is the production build older than its sources? `npm start` builds only then (server/start.js).
import { readdirSync, statSync } from 'node:fs';
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
