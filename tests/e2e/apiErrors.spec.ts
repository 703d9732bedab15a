import { startProductionServer, type ProductionServer } from '../productionServer';
import { expect, test } from './fixtures';

/**
 * Issue 11 §3: a path with malformed percent-encoding gets a JSON 400 from the API and costs at
 * most one log line. This test starts its own production server (as globalSetup does) to read
 * what it logs.
 */

let server: ProductionServer;

test.beforeAll(async () => {
	server = await startProductionServer();
});

test.afterAll(() => server.stop());

test('malformed percent-encoding under /api/ is a JSON 400 and at most one log line', async ({
	request
}) => {
	const before = server.stderr();
	const base = server.url;
	for (const path of ['/api/messages/%ff%fe', '/api/sessions/%E0%A4%A', '/api/%c0%80/x']) {
		const response = await request.get(base + path);
		expect(response.status(), path).toBe(400);
		expect(response.headers()['content-type']).toMatch(/^application\/json/);
		expect(await response.json()).toEqual({ error: expect.stringMatching(/percent-encoding/) });
	}
	// A page path too: Kit's own 400 page, and no stack trace in the log.
	expect((await request.get(base + '/mailbox/%ff')).status()).toBe(400);
	// The server is still answering.
	expect((await request.get(base + '/api/health')).status()).toBe(200);
	const lines = server
		.stderr()
		.slice(before.length)
		.split('\n')
		.filter((line) => line.trim());
	expect(lines.length, lines.join('\n')).toBeLessThanOrEqual(1);
	expect(server.stderr()).not.toMatch(/^\s+at /m);
});
