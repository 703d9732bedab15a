/** The tests' `test`: baseURL is the production server that globalSetup started. */
import { test as base, expect, type Page } from '@playwright/test';
import type { ListenerName } from '../../src/lib/listeners';

/** Each listener's port (SMTP's and POP3's alike), as /api/health reports it. */
type ListenerPorts = Record<ListenerName, number>;

export const test = base.extend<{
	smtpPorts: ListenerPorts;
}>({
	// eslint-disable-next-line no-empty-pattern
	baseURL: async ({}, use) => use(process.env.SMTP_LAB_URL),
	smtpPorts: async ({ request }, use) => {
		const health = (await (await request.get('/api/health')).json()) as {
			listeners: { name: ListenerName; port: number }[];
		};
		const ports = Object.fromEntries(health.listeners.map((l) => [l.name, l.port]));
		await use(ports as ListenerPorts);
	}
});

export { expect };

/** The shared server's OPERATOR_TOKEN (globalSetup.ts). */
export function operatorToken(): string {
	return process.env.SMTP_LAB_OPERATOR_TOKEN ?? '';
}

/** What a teacher's script sends to clear the shared server. */
export function asOperator(): { authorization: string } {
	return { authorization: `Bearer ${operatorToken()}` };
}

/** The page is no wider than the viewport: nothing to scroll sideways, nothing cut off at the edge. */
export async function expectFitsViewport(page: Page) {
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(
		overflow,
		`page ${page.url()} is ${overflow}px wider than the viewport`
	).toBeLessThanOrEqual(0);
}
