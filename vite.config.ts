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
		coverage: {
			provider: 'v8',
			include: ['src/lib/smtp/**/*.ts'],
			exclude: ['src/lib/smtp/**/*.test.ts'],
			thresholds: { lines: 95 }
		}
	}
});
