import { defineConfig } from '@playwright/test';

/**
 * Browser tests drive the real production server (build/server/index.js, started on port 0 by
 * tests/e2e/globalSetup.ts) in Debian's Chromium; no browser is ever downloaded.
 *
 * Two projects: `e2e` is the tests (`npm test`, `npm run test:e2e`); `screenshots` only takes the
 * pictures the team reviews at 1280×720, 1920×1080 and 390×844 (`npm run screenshots`, into
 * test-results/screenshots/). A test tagged @screenshots belongs to the second, so a picture is
 * never counted as a passing test.
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
	},
	projects: [
		{ name: 'e2e', grepInvert: /@screenshots/ },
		{ name: 'screenshots', grep: /@screenshots/ }
	]
});
