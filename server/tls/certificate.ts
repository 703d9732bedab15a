import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generate } from 'selfsigned';
import { keepFirst } from '../sharedFile';

export interface TlsMaterial {
	key: string;
	cert: string;
	/** SHA-256 fingerprint, as mail clients show it when asked to trust a certificate. */
	fingerprint256: string;
	selfSigned: boolean;
}

/**
 * The sandbox's certificate: TLS_CERT/TLS_KEY when given; else the self-signed one made at the
 * first start and kept in `tlsDir` (so a mail program told to trust it keeps trusting it across
 * restarts); with no `tlsDir`, a fresh one in memory. Never a committed key: smtp-server's
 * bundled key is public.
 */
export async function loadTlsMaterial(
	certPath: string | null,
	keyPath: string | null,
	serverName: string,
	tlsDir: string | null = null
): Promise<TlsMaterial> {
	if (certPath && keyPath) return fromFiles(certPath, keyPath, false);
	const kept = tlsDir && { cert: join(tlsDir, 'cert.pem'), key: join(tlsDir, 'key.pem') };
	if (kept && existsSync(kept.cert) && existsSync(kept.key))
		return fromFiles(kept.cert, kept.key, true);
	const made = await generateSelfSigned(serverName);
	if (!kept) return made;
	mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
	// Instances sharing DATA_DIR that start at once each make a pair: the key kept first wins,
	// and only its maker writes the certificate (over any left by a start that stopped between
	// the two files); the others wait for that certificate.
	const key = keepFirst(kept.key, made.key);
	if (key.created) {
		const temporary = `${kept.cert}.${process.pid}.tmp`;
		writeFileSync(temporary, made.cert, { mode: 0o600 });
		renameSync(temporary, kept.cert);
		return made;
	}
	return await certificateOf(kept.cert, kept.key, key.content);
}

/** How long an instance waits for the certificate of a key another instance has just kept. */
const CERTIFICATE_WAIT_MS = 10_000;
const CERTIFICATE_POLL_MS = 20;

/** The certificate at `certPath` once it is the one for `keyPem` (written just after the key). */
async function certificateOf(
	certPath: string,
	keyPath: string,
	keyPem: string
): Promise<TlsMaterial> {
	const privateKey = createPrivateKey(keyPem);
	for (let waited = 0; waited < CERTIFICATE_WAIT_MS; waited += CERTIFICATE_POLL_MS) {
		const cert = existsSync(certPath) ? readFileSync(certPath, 'utf8') : null;
		const x509 = cert === null ? null : new X509Certificate(cert);
		if (cert && x509?.checkPrivateKey(privateKey))
			return { cert, key: keyPem, fingerprint256: x509.fingerprint256, selfSigned: true };
		await sleep(CERTIFICATE_POLL_MS);
	}
	throw new Error(
		`the TLS key ${keyPath} has no certificate of its own at ${certPath}: delete both and SMTP Lab makes a new pair at the next start.`
	);
}

function fromFiles(certPath: string, keyPath: string, selfSigned: boolean): TlsMaterial {
	const cert = readFileSync(certPath, 'utf8');
	const key = readFileSync(keyPath, 'utf8');
	return { cert, key, fingerprint256: new X509Certificate(cert).fingerprint256, selfSigned };
}

async function generateSelfSigned(serverName: string): Promise<TlsMaterial> {
	const pems = await generate([{ name: 'commonName', value: serverName }], {
		keySize: 2048,
		algorithm: 'sha256',
		extensions: [
			{
				name: 'subjectAltName',
				altNames: [
					{ type: 2, value: serverName },
					{ type: 2, value: 'localhost' },
					{ type: 7, ip: '127.0.0.1' }
				]
			}
		]
	});
	return {
		cert: pems.cert,
		key: pems.private,
		fingerprint256: new X509Certificate(pems.cert).fingerprint256,
		selfSigned: true
	};
}
