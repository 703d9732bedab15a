/**
 * Starts the production server (node build/server/index.js) with every port chosen by the OS and
 * exposes its URL to the tests as SMTP_LAB_URL, and its operator token as SMTP_LAB_OPERATOR_TOKEN
 * (fixtures.ts operatorToken, asOperator). Returns the teardown that stops it.
 */
import { startProductionServer } from '../productionServer';

export default async function globalSetup(): Promise<() => Promise<void>> {
	const operatorToken = 'operator-token-of-the-browser-tests';
	const server = await startProductionServer(
		{ GREYLIST_SECONDS: '1', OPERATOR_TOKEN: operatorToken },
		{ stderr: 'inherit' }
	);
	process.env.SMTP_LAB_URL = server.url;
	process.env.SMTP_LAB_OPERATOR_TOKEN = operatorToken;
	return () => server.stop();
}
