// `npm start`: builds only when the sources are newer than the build (quietly: its output is
// shown only if it fails), then runs the production server, whose last line is the URL and the
// SMTP ports.
import { spawn } from 'node:child_process';
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STAMP, staleBecause } from './buildStamp.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const reason = staleBecause(root);
if (reason) {
	const started = new Date();
	process.stdout.write(`SMTP Lab: building (${reason})… `);
	// A build that fails half-way must not look finished to the next start.
	rmSync(`${root}/${STAMP}`, { force: true });
	const { code, output } = await run('npm', ['run', '--silent', 'build']);
	if (code !== 0) {
		process.stdout.write('failed.\n');
		process.stderr.write(output);
		process.exit(code ?? 1);
	}
	// The stamp carries the time the build started: a file saved during the build is newer.
	writeFileSync(`${root}/${STAMP}`, `${started.toISOString()}\n`);
	utimesSync(`${root}/${STAMP}`, started, started);
	process.stdout.write(`done in ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s.\n`);
}
await import(new URL('../build/server/index.js', import.meta.url).href);

/**
 * @param {string} command
 * @param {string[]} args
 * @returns {Promise<{ code: number | null, output: string }>}
 */
function run(command, args) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.once('error', reject);
		child.once('close', (code) => resolve({ code, output }));
	});
}
