import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { generate } from 'selfsigned';

export interface TlsMaterial {
	key: string;
	cert: string;
	/** SHA-256 fingerprint, as mail clients show it when asked to trust a certificate. */
	fingerprint256: string;
	selfSigned: boolean;
}

/**
 * The sandbox's certificate: TLS_CERT/TLS_KEY when given, else a fresh self-signed one made at
 * start (never a committed key; smtp-server's bundled key is public).
 */
export async function loadTlsMaterial(
	certPath: string | null,
	keyPath: string | null,
	serverName: string
): Promise<TlsMaterial> {
	if (certPath && keyPath) {
		const cert = readFileSync(certPath, 'utf8');
		const key = readFileSync(keyPath, 'utf8');
		return {
			cert,
			key,
			fingerprint256: new X509Certificate(cert).fingerprint256,
			selfSigned: false
		};
	}
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
	const der = new X509Certificate(pems.cert);
	return {
		cert: pems.cert,
		key: pems.private,
		fingerprint256: der.fingerprint256 || createHash('sha256').update(der.raw).digest('hex'),
		selfSigned: true
	};
}
