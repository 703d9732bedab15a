import { decodeBase64, showControls } from '../protocol/base64';
import { indexBy, rowId, type ReferenceRow } from '../reference/reference';
import { ref } from '../rfc';

export interface AuthMechanismRow extends ReferenceRow {
	mechanism: string;
	standardised: boolean;
	/** Sends the password itself (only base64-encoded): TLS must come first. */
	sendsPassword: boolean;
}

const mech = (
	mechanism: string,
	row: Omit<AuthMechanismRow, 'mechanism' | 'key' | 'slug' | 'ref'>
): AuthMechanismRow => ({ ...rowId('auth', mechanism), mechanism, ...row });

export const authMechanismTable: readonly AuthMechanismRow[] = [
	mech('PLAIN', {
		title: 'PLAIN',
		summary:
			'One message: authorization identity, NUL, user name, NUL, password — base64-encoded. Base64 is an encoding, not encryption, which is why TLS comes first.',
		standardised: true,
		sendsPassword: true,
		rfc: [ref(4616, '2'), ref(4954, '4')]
	}),
	mech('LOGIN', {
		title: 'LOGIN',
		summary:
			'The server prompts "Username:" and "Password:" (base64), the client answers each in base64. Widely used, never standardised (only an expired Internet-Draft describes it).',
		standardised: false,
		sendsPassword: true,
		rfc: [ref(4954, '4')]
	}),
	mech('CRAM-MD5', {
		title: 'CRAM-MD5',
		summary:
			'Challenge–response: the server sends a unique challenge, the client answers with its user name and an HMAC-MD5 of the challenge keyed with the password. The password is not sent, but the server must keep the password or an equivalent of it, and MD5 is weak. RFC 2195 is on the standards track (a Proposed Standard), but an IETF draft proposed moving it to Historic: prefer SCRAM, or PLAIN inside TLS.',
		standardised: true,
		sendsPassword: false,
		rfc: [ref(2195, '')]
	}),
	mech('XOAUTH2', {
		title: 'XOAUTH2',
		summary:
			'Google’s (and Microsoft’s) mechanism for an OAuth 2.0 access token: "user=…^Aauth=Bearer …^A^A" in base64. Vendor-defined, not an RFC.',
		standardised: false,
		sendsPassword: false,
		rfc: [ref(6750, '2.1')]
	}),
	mech('OAUTHBEARER', {
		title: 'OAUTHBEARER',
		summary:
			'The standard SASL mechanism for OAuth 2.0 bearer tokens: a GS2 header, then host, port and "auth=Bearer <token>" separated by ^A.',
		standardised: true,
		sendsPassword: false,
		rfc: [ref(7628, '3.1')]
	}),
	mech('GSSAPI', {
		title: 'GSSAPI',
		summary: 'Kerberos authentication through the GSS-API.',
		standardised: true,
		sendsPassword: false,
		rfc: [ref(4752, '')]
	}),
	mech('DIGEST-MD5', {
		title: 'DIGEST-MD5 (historic)',
		summary: 'A challenge–response mechanism moved to Historic status by RFC 6331.',
		standardised: true,
		sendsPassword: false,
		rfc: [ref(6331, '')]
	}),
	mech('SCRAM-SHA-256', {
		title: 'SCRAM-SHA-256',
		summary:
			'Salted challenge–response: neither the password nor a password-equivalent crosses the wire, and the server stores only salted verifiers.',
		standardised: true,
		sendsPassword: false,
		rfc: [ref(7677, ''), ref(5802, '')]
	})
];

export const authMechanismsByName: ReadonlyMap<string, AuthMechanismRow> = indexBy(
	authMechanismTable,
	(r) => r.mechanism
);

/** Which line of an AUTH exchange a client response is, for decoding it. */
export interface AuthStep {
	mechanism: string;
	/** 0 = the initial response on the AUTH line, 1 = the answer to the first 334, … */
	step: number;
	/** The decoded text of the 334 challenge this line answers, if any. */
	challenge?: string;
}

/** Notes explaining what a client AUTH line carries, decoded. Never throws. */
export function explainAuthResponse(data: string, at: AuthStep): string[] {
	const text = data.trim();
	if (text === '*') return ['"*" cancels the AUTH exchange; the server answers 501 (RFC 4954 §4).'];
	if (text === '=') return ['"=" is an empty initial response (RFC 4954 §4).'];
	if (text === '') return ['An empty line: an empty response.'];
	const decoded = decodeBase64(text);
	if (decoded === undefined)
		return ['Not valid base64 — perhaps masked by the recorder, or a typing slip.'];
	const notes = [`base64 decodes to "${showControls(decoded)}" — an encoding, not encryption.`];
	const parts = decoded.split(
		at.mechanism === 'XOAUTH2' || at.mechanism === 'OAUTHBEARER' ? '\x01' : '\0'
	);
	if (at.mechanism === 'PLAIN') {
		if (parts.length === 3) {
			notes.push(
				`PLAIN: authorization identity "${parts[0]}" (empty = same as the user), user "${parts[1]}", password "${parts[2]}" — separated by NUL bytes (\\0) (RFC 4616 §2).`
			);
		} else
			notes.push('PLAIN expects three parts separated by NUL bytes: authzid\\0authcid\\0password.');
	} else if (at.mechanism === 'LOGIN') {
		const prompt = at.challenge?.toLowerCase() ?? '';
		const what = prompt.startsWith('password')
			? 'password'
			: prompt.startsWith('username')
				? 'user name'
				: at.step === 0
					? 'user name'
					: 'answer';
		notes.push(`LOGIN: this line is the ${what}, "${decoded}".`);
	} else if (at.mechanism === 'CRAM-MD5') {
		const [user, digest] = decoded.split(' ');
		notes.push(
			`CRAM-MD5: user "${user}", HMAC-MD5 digest ${digest ?? '(missing)'} — not the password itself (RFC 2195).`
		);
	} else if (at.mechanism === 'XOAUTH2' || at.mechanism === 'OAUTHBEARER') {
		const fields = parts
			.filter(Boolean)
			.map((p) => p.replace(/^auth=Bearer .*/, 'auth=Bearer <token>'));
		notes.push(
			`${at.mechanism}: fields ${fields.join(' | ')} (separated by ^A, 0x01). The token grants access like a password.`
		);
	}
	return notes;
}

/** Notes for a 334 challenge: base64 text from the server, decoded. */
export function explainChallenge(text: string, mechanism?: string): string[] {
	const t = text.trim();
	if (t === '') return ['An empty challenge: the server is ready for the client’s response.'];
	const decoded = decodeBase64(t);
	if (decoded === undefined)
		return ['The challenge is not base64 (some servers send plain text here).'];
	const notes = [`base64 decodes to "${showControls(decoded)}".`];
	if (mechanism === 'CRAM-MD5')
		notes.push(
			'CRAM-MD5: a unique challenge; the client answers with user name and HMAC-MD5 digest.'
		);
	if ((mechanism === 'XOAUTH2' || mechanism === 'OAUTHBEARER') && decoded.startsWith('{'))
		notes.push(
			'An error report in JSON; the client sends an empty line and the server answers with the failure.'
		);
	return notes;
}
