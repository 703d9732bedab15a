/**
 * The throughput bench runs what ships: the server under test, the load generator and the
 * watcher compiled as server/build.js compiles the production server (esbuild, one bundle per
 * entry, npm packages external), not through tsx, whose transform names every function it
 * creates (keepNames: a property definition per closure, a few percent of the sandbox's time).
 * The bundles go to a temporary directory of their own, with a link to the project's
 * node_modules beside them (so Node finds the packages), removed when the bench exits.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

/** Compiles the bench's processes; returns the path of each entry's bundle by name. */
export async function buildBenchEntries(): Promise<
	Record<'server' | 'generator' | 'watcher', string>
> {
	const outdir = mkdtempSync(path.join(tmpdir(), 'smtp-lab-bench-build-'));
	process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
	symlinkSync(path.resolve('node_modules'), path.join(outdir, 'node_modules'), 'dir');
	await build({
		entryPoints: {
			serverUnderTest: 'bench/serverUnderTest.ts',
			loadGenerator: 'bench/loadGenerator.ts',
			watchClient: 'bench/watchClient.ts',
			// Beside the bundle that starts it (sqliteWorkerPersistence.ts looks for it there).
			sqliteWorker: 'server/store/sqlite/sqliteWorker.ts'
		},
		outdir,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		packages: 'external',
		sourcemap: true,
		logLevel: 'warning',
		// A fresh clone has no .svelte-kit/tsconfig.json (svelte-kit sync makes it) for the
		// project's tsconfig to extend; nothing the bundles need comes from it.
		logOverride: { 'tsconfig.json': 'silent' }
	});
	const at = (name: string) => path.join(outdir, `${name}.js`);
	return {
		server: at('serverUnderTest'),
		generator: at('loadGenerator'),
		watcher: at('watchClient')
	};
}
