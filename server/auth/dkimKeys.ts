/**
 * The sandbox's DKIM signing key (RFC 6376 §3.6): made at the first start and kept in DATA_DIR
 * (dkim/<selector>.pem), so signatures made before a restart still verify after it; with no
 * DATA_DIR, a fresh key in memory. Its public half is published as a TXT record at
 * <selector>._domainkey.<domain> of every domain the sandbox signs for (server/dns/sandboxZone.ts).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepFirst } from '../sharedFile';

export interface DkimKey {
	/** s= (RFC 6376 §3.1): the name under _domainkey where the public key is published. */
	selector: string;
	privateKeyPem: string;
	/** The key record's text (§3.6.1): v=DKIM1; k=rsa; p=<SubjectPublicKeyInfo, base64>. */
	publicKeyRecord: string;
	bits: number;
}

/** RFC 8301 §3.2: signers MUST use RSA keys of at least 1024 bits and SHOULD use 2048. */
export const DKIM_KEY_BITS = 2048;

export function loadDkimKey(dataDir: string | null, selector: string): DkimKey {
	const path = dataDir ? join(dataDir, 'dkim', `${selector}.pem`) : null;
	let privateKeyPem: string;
	if (path && existsSync(path)) privateKeyPem = readFileSync(path, 'utf8');
	else {
		const { privateKey } = generateKeyPairSync('rsa', { modulusLength: DKIM_KEY_BITS });
		privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
		if (path) {
			mkdirSync(join(dataDir!, 'dkim'), { recursive: true, mode: 0o700 });
			// Instances sharing DATA_DIR that start at once all sign with the key kept first.
			privateKeyPem = keepFirst(path, privateKeyPem).content;
		}
	}
	const publicKey = createPublicKey(createPrivateKey(privateKeyPem));
	const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
	return {
		selector,
		privateKeyPem,
		publicKeyRecord: `v=DKIM1; k=rsa; p=${spki}`,
		bits: publicKey.asymmetricKeyDetails?.modulusLength ?? DKIM_KEY_BITS
	};
}
