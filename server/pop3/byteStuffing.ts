/**
 * Byte-stuffing of a POP3 multi-line response (RFC 1939 §3): a line that begins with the
 * termination octet "." gets another in front, so only ".CRLF" alone ends the response.
 */

/** `bytes` with a "." put before each line that begins with one; `bytes` must start a line. */
export function byteStuffed(bytes: Buffer): Buffer {
	const starts: number[] = [];
	for (let i = 0; i < bytes.length; i++)
		if (bytes[i] === 0x2e && (i === 0 || bytes[i - 1] === 0x0a)) starts.push(i);
	if (!starts.length) return bytes;
	const out = Buffer.allocUnsafe(bytes.length + starts.length);
	let from = 0;
	let o = 0;
	for (const at of starts) {
		o += bytes.copy(out, o, from, at);
		out[o++] = 0x2e;
		from = at;
	}
	bytes.copy(out, o, from);
	return out;
}
