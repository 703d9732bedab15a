import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readConfig } from '../server/config';
import { startLab } from '../server/lab';
import { startWebServer } from '../tests/integration/webServer';
const lab = await startLab(
	readConfig({}, { smtpPort: 0, submissionPort: 0, smtpsPort: 0, smtpHost: '127.0.0.1' })
);
const web = await startWebServer(lab);
const child = spawn(
	process.execPath,
	[
		'--import',
		'tsx',
		'bench/loadClient.ts',
		String(lab.sandbox.port('mx')),
		process.env.SIZE ?? '2048',
		process.env.N ?? '3000',
		web.wsUrl,
		web.url
	],
	{ stdio: ['ignore', 'inherit', 'inherit'] }
);
await once(child, 'exit');
await lab.close();
await web.close();
