/**
 * DKIM signing at submission (RFC 6376 §5): which domain signs a message, and the signature
 * itself, made by mailauth's dkimSign with the sandbox's key (server/auth/dkimKeys.ts).
 */
import { createRequire } from 'node:module';
import { authDomain } from '../../src/lib/auth/authDomains';
import type { DkimKey } from './dkimKeys';

interface DkimSignOutput {
	/** The DKIM-Signature fields, folded, each ending in CRLF. */
	signatures: string;
	errors: { err: Error }[];
}

// mailauth is CommonJS without type declarations: loaded with require, typed here as used.
const { dkimSign } = createRequire(import.meta.url)('mailauth/lib/dkim/sign.js') as {
	dkimSign: (
		input: Buffer,
		options: {
			canonicalization: string;
			algorithm: string;
			signTime: Date;
			signatureData: { signingDomain: string; selector: string; privateKey: string }[];
		}
	) => Promise<DkimSignOutput>;
};

/**
 * The domain that signs mail From: `fromDomain` (d=, RFC 6376 §3.5): the domain itself or its
 * closest parent the sandbox hosts (news.relaxed.test → relaxed.test), so the signature aligns
 * with the From: domain (RFC 7489 §3.1.1). Null when no hosted domain is found (the sandbox never
 * signs for a domain it does not hold the key of) or when that domain's AUTH_DOMAINS row says the
 * sandbox does not sign for it (`dkim: 'none'`).
 */
export function signingDomainFor(
	fromDomain: string,
	hosted: (domain: string) => boolean
): string | null {
	const labels = fromDomain.toLowerCase().replace(/\.$/, '').split('.');
	// Down to two labels: a top-level domain alone ("test") is nobody's to sign for.
	for (let i = 0; i < labels.length - 1; i++) {
		const domain = labels.slice(i).join('.');
		if (!hosted(domain)) continue;
		const row = authDomain(domain);
		return row?.domain === domain && row.dkim === 'none' ? null : domain;
	}
	return null;
}

/**
 * The message with a DKIM-Signature field prepended (RFC 6376 §5.6): rsa-sha256 (§3.3),
 * relaxed/relaxed canonicalization (§3.4.2, §3.4.4: survives the refolding and whitespace
 * changes of the hops), over the header fields mailauth signs by default (those of §5.4.1 that
 * are present: From, Subject, Date, To, Message-ID, MIME fields …).
 */
export async function signMessage(
	raw: Buffer,
	key: DkimKey,
	signingDomain: string
): Promise<Buffer> {
	const { signatures, errors } = await dkimSign(raw, {
		canonicalization: 'relaxed/relaxed',
		algorithm: 'rsa-sha256',
		// t= (§3.5) fixed once: left to itself, mailauth 4.9.5 reads the clock for t= twice, before
		// and after signing, rounding to the second, so about one signature in a hundred (signing
		// across a half second) carried a t= other than the one it signed: a bad signature.
		signTime: new Date(),
		signatureData: [{ signingDomain, selector: key.selector, privateKey: key.privateKeyPem }]
	});
	if (errors.length)
		throw new Error(
			`DKIM signing for ${signingDomain} failed: ${errors.map((e) => e.err.message).join('; ')}`
		);
	return Buffer.concat([Buffer.from(signatures, 'latin1'), raw]);
}
