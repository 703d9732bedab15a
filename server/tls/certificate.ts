import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

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
	if (kept) {
		mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
		// Written under temporary names and renamed: a concurrent start never reads half a file.
		for (const [path, content] of [
			[kept.key, made.key],
			[kept.cert, made.cert]
		]) {
			const temporary = `${path}.${process.pid}.tmp`;
			writeFileSync(temporary, content, { mode: 0o600 });
			renameSync(temporary, path);
		}
	}
	return made;
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
