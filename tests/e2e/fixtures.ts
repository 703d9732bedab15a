/** The tests' `test`: baseURL is the production server that globalSetup started. */
import { test as base, expect } from '@playwright/test';

export const test = base.extend<{
	smtpPorts: { mx: number; submission: number; submissions: number };
}>({
	// eslint-disable-next-line no-empty-pattern
	baseURL: async ({}, use) => use(process.env.SMTP_LAB_URL),
	smtpPorts: async ({ request }, use) => {
		const health = (await (await request.get('/api/health')).json()) as {
			listeners: { name: 'mx' | 'submission' | 'submissions'; port: number }[];
		};
		const ports = Object.fromEntries(health.listeners.map((l) => [l.name, l.port]));
		await use(ports as { mx: number; submission: number; submissions: number });
	}
});

export { expect };
