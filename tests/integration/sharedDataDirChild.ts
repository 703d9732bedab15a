/**
 * One instance's start as far as DATA_DIR's shared files go (sharedDataDir.test.ts runs several
 * at once): it loads its modules, says "ready", waits for "go" on stdin so that every instance
 * reaches the files at the same moment, then prints what it will use, as JSON.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { loadDkimKey } from '../../server/auth/dkimKeys';
import { loadLabSecrets } from '../../server/owners/labSecrets';
import { loadTlsMaterial } from '../../server/tls/certificate';

const dataDir = process.argv[2];
process.stdout.write('ready\n');
process.stdin.once('data', async () => {
	const secrets = loadLabSecrets(dataDir, null);
	const dkim = loadDkimKey(dataDir, 'lab');
	const tls = await loadTlsMaterial(null, null, 'sandbox.smtp-lab.test', join(dataDir, 'tls'));
	process.stdout.write(
		`${JSON.stringify({
			cookieSecret: secrets.cookieSecret.toString('hex'),
			operatorToken: secrets.operatorToken,
			operatorTokenIsNew: secrets.operatorTokenIsNew,
			dkimPrivateKey: createHash('sha256').update(dkim.privateKeyPem).digest('hex'),
			tlsKey: createHash('sha256').update(tls.key).digest('hex'),
			tlsFingerprint: tls.fingerprint256
		})}\n`
	);
	process.exit(0);
});
