/**
 * Starts the production server (node build/server/index.js) with every port chosen by the OS,
 * waits for its "listening" line, and exposes its URL to the tests as SMTP_LAB_URL. Returns the
 * teardown that stops it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export default async function globalSetup(): Promise<() => Promise<void>> {
	if (!existsSync('build/server/index.js'))
		throw new Error('run `npm run build` before the browser tests');
	const child = spawn(process.execPath, ['build/server/index.js'], {
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			SMTP_HOST: '127.0.0.1',
			SMTP_PORT: '0',
			SUBMISSION_PORT: '0',
			SMTPS_PORT: '0',
			GREYLIST_SECONDS: '1'
		},
		stdio: ['ignore', 'pipe', 'inherit']
	});
	const url = await new Promise<string>((resolve, reject) => {
		let output = '';
		const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 30_000);
		child.stdout.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on (http:\/\/\S+)/.exec(output);
			if (match) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		});
		child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
	});
	process.env.SMTP_LAB_URL = url;
	return async () => {
		child.kill('SIGTERM');
		await new Promise((resolve) => child.once('exit', resolve));
	};
}
