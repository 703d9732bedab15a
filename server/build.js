// Compiles the production entry (server/index.ts and what it imports, src/lib included) to
// build/server/index.js, and the database thread's entry beside it (sqliteWorkerPersistence.ts
// starts it from there); npm packages stay external and load from node_modules.
import { build } from 'esbuild';

await build({
	entryPoints: {
		index: 'server/index.ts',
		sqliteWorker: 'server/store/sqlite/sqliteWorker.ts'
	},
	outdir: 'build/server',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	packages: 'external',
	sourcemap: true,
	logLevel: 'warning'
});
