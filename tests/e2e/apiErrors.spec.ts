import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test } from './fixtures';

/**
 * Issue 11 §3: a path with malformed percent-encoding gets a JSON 400 from the API and costs at
 * most one log line. This test starts its own production server (as globalSetup does) to read
 * what it logs.
 */

let server: ChildProcess;
let base: string;
let logged = '';

test.beforeAll(async () => {
	server = spawn(process.execPath, ['build/server/index.js'], {
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			SMTP_HOST: '127.0.0.1',
			SMTP_PORT: '0',
			SUBMISSION_PORT: '0',
			SMTPS_PORT: '0'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	server.stderr!.on('data', (chunk: Buffer) => (logged += chunk.toString()));
	base = await new Promise<string>((resolve, reject) => {
		let output = '';
		server.stdout!.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on (http:\/\/\S+)/.exec(output);
			if (match) resolve(match[1]);
		});
		server.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
	});
});

test.afterAll(async () => {
	server.kill('SIGTERM');
	await new Promise((resolve) => server.once('exit', resolve));
});

test('malformed percent-encoding under /api/ is a JSON 400 and at most one log line', async ({
	request
}) => {
	const before = logged;
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
	const lines = logged
		.slice(before.length)
		.split('\n')
		.filter((line) => line.trim());
	expect(lines.length, lines.join('\n')).toBeLessThanOrEqual(1);
	expect(logged).not.toMatch(/^\s+at /m);
});
