/**
 * Starts the server from source (node --import tsx server/index.ts), every port chosen by the OS,
 * and waits for it to exit: for the tests of what stops startup with one line.
 */
import { spawn } from 'node:child_process';

export function startFromSource(
	env: Record<string, string>
): Promise<{ code: number | null; stderr: string }> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
			env: {
				...process.env,
				PORT: '0',
				SMTP_PORT: '0',
				SUBMISSION_PORT: '0',
				SMTPS_PORT: '0',
				DNS_PORT: '0',
				MAIL_HOSTS_PORT: '0',
				...env
			},
			stdio: ['ignore', 'ignore', 'pipe']
		});
		let stderr = '';
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.once('exit', (code) => resolve({ code, stderr }));
	});
}
