// Compiles the production entry (server/index.ts and what it imports, src/lib included) to
// build/server/index.js; npm packages stay external and load from node_modules.
import { build } from 'esbuild';

await build({
	entryPoints: ['server/index.ts'],
	outfile: 'build/server/index.js',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	packages: 'external',
	sourcemap: true,
	logLevel: 'warning'
});
