/**
 * The benches that drive the production server (build/server/index.js) build it first when it is
 * missing or older than its sources, as `npm start` does (server/buildStamp.js), so `npm run bench`
 * works on a fresh clone and never measures an old build.
 */
import { buildWhenStale } from '../server/buildStamp.js';

export async function ensureProductionBuild(): Promise<void> {
	const built = await buildWhenStale(process.cwd(), (reason) =>
		console.log(`  (building the production server first, ${reason}: npm run build)`)
	);
	if (built) console.log(`  (built in ${built.seconds.toFixed(0)} s)`);
}
