/**
 * Starts the production server (node build/server/index.js) with every port chosen by the OS and
 * exposes its URL to the tests as SMTP_LAB_URL. Returns the teardown that stops it.
 */
import { startProductionServer } from '../productionServer';

export default async function globalSetup(): Promise<() => Promise<void>> {
	const server = await startProductionServer({ GREYLIST_SECONDS: '1' }, { stderr: 'inherit' });
	process.env.SMTP_LAB_URL = server.url;
	return () => server.stop();
}
