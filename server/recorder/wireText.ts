import { isUtf8 } from 'node:buffer';

/**
 * Turns bytes from the wire into display text: printable UTF-8 stays as it is, everything else
 * (control characters, invalid UTF-8, NUL, ESC) becomes `\xNN`, so no byte a client sends can act
 * on a terminal or a page that shows it (BAD-INPUTS W8).
 */
export function wireText(bytes: Uint8Array, keepNewlines = false): string {
	const fast = wireTextFast(bytes, keepNewlines);
	if (fast !== null) return fast;
	// With keepNewlines (message content), CRLF and bare LF both become "\n"; the recorder marks bare LFs as anomalies.
	let out = '';
	let i = 0;
	while (i < bytes.length) {
		const b = bytes[i];
		if (b >= 0x20 && b < 0x7f) {
			out += String.fromCharCode(b);
			i++;
			continue;
		}
		if (keepNewlines && b === 0x0d && bytes[i + 1] === 0x0a) {
			out += '\n';
			i += 2;
			continue;
		}
		if (b === 0x09 || (keepNewlines && b === 0x0a)) {
			out += String.fromCharCode(b);
			i++;
			continue;
		}
		const length = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? (b <= 0xef ? 3 : 0) : b >= 0xc2 ? 2 : 0;
		if (length > 0 && i + length <= bytes.length && isContinuation(bytes, i + 1, length - 1)) {
			const decoded = new TextDecoder('utf-8', { fatal: false }).decode(
				bytes.subarray(i, i + length)
			);
			const codePoint = decoded.codePointAt(0) ?? 0xfffd;
			// C1 controls and the replacement character are shown as their bytes.
			if (codePoint !== 0xfffd && !(codePoint >= 0x80 && codePoint < 0xa0)) {
				out += decoded;
				i += length;
				continue;
			}
		}
		out += '\\x' + b.toString(16).padStart(2, '0').toUpperCase();
		i++;
	}
	return out;
}

function isContinuation(bytes: Uint8Array, from: number, count: number): boolean {
	for (let k = from; k < from + count; k++) if ((bytes[k] & 0xc0) !== 0x80) return false;
	return true;
}

/** Characters that are never shown raw: C0 controls but TAB, LF and CR (handled apart), DEL, C1. */
// A plain class: the /u property form (\p{Cc}) is several times slower on 100 KB messages.
// eslint-disable-next-line no-control-regex -- finding control characters is this regex's job
const UNSAFE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]/;

/**
 * The common case, valid UTF-8 with no control characters but line endings, decoded natively;
 * null sends the bytes to the byte-by-byte path above.
 */
function wireTextFast(bytes: Uint8Array, keepNewlines: boolean): string | null {
	if (!isUtf8(bytes)) return null;
	const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
	if (UNSAFE.test(text)) return null;
	if (!keepNewlines) return /[\r\n]/.test(text) ? null : text;
	const lines = text.replace(/\r\n/g, '\n');
	return lines.includes('\r') ? null : lines;
}
