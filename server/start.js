// `npm start`: builds only when the sources are newer than the build (quietly: its output is
// shown only if it fails), then runs the production server, whose last line is the URL and the
// SMTP ports.
import { fileURLToPath } from 'node:url';
import { buildWhenStale } from './buildStamp.js';

const root = fileURLToPath(new URL('..', import.meta.url));
try {
	const built = await buildWhenStale(root, (reason) =>
		process.stdout.write(`SMTP Lab: building (${reason})… `)
	);
	if (built) process.stdout.write(`done in ${built.seconds.toFixed(1)} s.\n`);
} catch (error) {
	process.stdout.write('failed.\n');
	process.stderr.write(/** @type {{ output?: string }} */ (error).output ?? String(error));
	process.exit(1);
}
await import(new URL('../build/server/index.js', import.meta.url).href);
