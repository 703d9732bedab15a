import { defineConfig } from '@playwright/test';

/**
 * Browser tests drive the real production server (build/server/index.js, started on port 0 by
 * tests/e2e/globalSetup.ts) in Debian's Chromium; no browser is ever downloaded.
 */
export default defineConfig({
	testDir: 'tests/e2e',
	globalSetup: './tests/e2e/globalSetup.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 60_000,
	reporter: [['list']],
	use: {
		viewport: { width: 1280, height: 720 },
		launchOptions: {
			executablePath: '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		},
		trace: 'off'
	}
});
