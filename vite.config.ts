import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { labDevPlugin } from './server/dev-plugin';

export default defineConfig({
	plugins: [sveltekit(), labDevPlugin()],
	test: {
		include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		environment: 'node',
		testTimeout: 20_000,
		hookTimeout: 20_000,
		setupFiles: ['tests/setup/forbidOutboundConnections.ts'],
		// Files and the tests in each run in a random order (the seed is printed), so a test that
		// leans on another's leftovers fails here instead of passing by luck.
		sequence: { shuffle: true },
		coverage: {
			provider: 'v8',
			include: ['src/lib/smtp/**/*.ts'],
			exclude: ['src/lib/smtp/**/*.test.ts'],
			thresholds: { lines: 95 }
		}
	}
});
