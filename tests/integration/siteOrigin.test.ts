/**
 * The API's cross-origin write check trusts the Host only when it names this machine, as the
 * WebSocket does (issue 11.5, DNS rebinding); the WebSocket's real upgrades are in bridge.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { handle } from '../../src/hooks.server';

/** A write that needs no owner (a DELETE would, issue 13): only the origin check applies. */
function postAnnotate(url: string, origin: string) {
	const request = new Request(url, { method: 'POST', headers: { origin } });
	return handle({
		event: { request, url: new URL(url) } as Parameters<typeof handle>[0]['event'],
		resolve: async () => new Response('passed')
	});
}

describe('API writes without ORIGIN (BAD-INPUTS W11)', () => {
	it.each([
		// adapter-node without ORIGIN takes the host from the request's Host header.
		['https://evil.example:3000/api/annotate', 'http://evil.example:3000', 403],
		['https://localhost.evil.example:3000/api/annotate', 'http://localhost.evil.example:3000', 403],
		['https://localhost:3000/api/annotate', 'http://localhost:3000', 200],
		['https://127.0.0.1:3000/api/annotate', 'http://127.0.0.1:3000', 200],
		['https://[::1]:3000/api/annotate', 'http://[::1]:3000', 200]
	])('%s with Origin %s → %i', async (url, origin, status) => {
		const response = await postAnnotate(url, origin);
		expect(response.status).toBe(status);
		if (status === 403)
			expect(await response.json()).toEqual({ error: 'cross-origin request refused' });
	});
});
