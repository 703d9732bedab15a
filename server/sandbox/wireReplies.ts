/**
 * The one place that decides which enhanced status code (RFC 3463, RFC 2034) goes on the wire.
 *
 * smtp-server 3.21 picks an enhanced code from the basic code alone when a reply has no
 * context, so a hook's `550` would say 5.1.1 even for relay denied or spam. The sandbox runs
 * every reply through `correctReply` (smtpServerPatches.ts wraps the connection's `send`):
 * replies whose text already begins with an enhanced code (the sandbox's own, from replies.ts)
 * go out as they are; the library's own replies are corrected from the table below. Its
 * patterns are the texts of the pinned smtp-server version, and a test asserts every row on the
 * wire.
 */

/** smtp-server's own reply texts whose default enhanced code is wrong for what they say. */
const LIBRARY_REPLY_CORRECTIONS: {
	code: number;
	pattern: RegExp;
	enhanced: string;
	rewrite?: { code: number; text: string };
}[] = [
	// AUTH before STARTTLS: the library's 538 is RFC 4954's "encryption required for mechanism"; RFC 3207 §4 answers 530.
	{
		code: 538,
		pattern: /STARTTLS/,
		enhanced: '5.7.0',
		rewrite: { code: 530, text: 'Must issue a STARTTLS command first' }
	},
	{ code: 421, pattern: /^Timeout/, enhanced: '4.4.2' }, // RFC 3463 X.4.2 bad connection (idle timeout, RFC 5321 §4.5.3.2.7)
	{ code: 421, pattern: /shutting down/, enhanced: '4.3.2' }, // RFC 3463 X.3.2 system not accepting network messages
	{
		code: 421,
		pattern: /too many unrecognized|too many unauthenticated|talk too soon|HTTP requests/,
		enhanced: '4.7.0'
	}, // policy close: RFC 3463 X.7.0
	{ code: 421, pattern: /Too many connected clients/, enhanced: '4.7.0' }, // RFC 3463 X.7.0
	// An AUTH answer that does not decode to credentials: RFC 4954 §6 "501 5.5.2 Cannot Base64-decode Client responses".
	{ code: 501, pattern: /^(invalid userdata|missing username)/, enhanced: '5.5.2' },
	// The library closes on a command line over maxCommandLength with 421: a protocol error (X.5.0), not a bad connection (X.4.2).
	{ code: 421, pattern: /line too long/i, enhanced: '4.5.0' },
	// REQUIRETLS is not advertised (hideREQUIRETLS), yet the library answers it before TLS with 530: it is an unknown parameter.
	{
		code: 530,
		pattern: /^REQUIRETLS/,
		enhanced: '5.5.4',
		rewrite: {
			code: 555,
			text: 'REQUIRETLS is not a parameter of any extension this server advertised'
		}
	}
];

const ENHANCED_PREFIX = /^[245]\.\d{1,3}\.\d{1,3} /;

/** RFC 2034 §3: no enhanced code on the greeting, on the HELO/EHLO reply, or on 3xx replies. */
const NO_ENHANCED_CONTEXTS = new Set(['HELO', 'EHLO', 'LHLO']);

export function correctReply(
	code: number,
	data: unknown,
	context: unknown
): { code: number; data: unknown; context: unknown } {
	if (context === false || (typeof context === 'string' && NO_ENHANCED_CONTEXTS.has(context)))
		return { code, data, context };
	if (code >= 300 && code < 400) return { code, data, context };
	const first = Array.isArray(data) ? String(data[0] ?? '') : String(data ?? '');
	if (ENHANCED_PREFIX.test(first)) return { code, data, context: false };
	const text = first.replace(/^Error: /, '');
	for (const row of LIBRARY_REPLY_CORRECTIONS) {
		if (row.code !== code || !row.pattern.test(text)) continue;
		const finalCode = row.rewrite?.code ?? code;
		const finalText = row.rewrite?.text ?? first;
		return { code: finalCode, data: `${row.enhanced} ${finalText}`, context: false };
	}
	return { code, data, context };
}
