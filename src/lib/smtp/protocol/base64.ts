/*
 * Base64 (RFC 4648 §4) for AUTH lines and encoded words, in the browser and in Node 20:
 * both have atob/btoa, TextEncoder and TextDecoder. Base64 is an encoding, not encryption:
 * anyone who sees the line can decode it.
 */

const BASE64 = /^([A-Za-z0-9+/]*)(={0,2})$/;
const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/**
 * Is this a well-formed base64 string (padding optional)? The empty string is valid. Checked in
 * full before decoding, so that `atob` never throws (a thrown DOMException is slow and, uncaught,
 * a crash): the data length mod 4 must not be 1, and padding, when present, completes a quantum.
 * @see https://www.rfc-editor.org/rfc/rfc4648#section-4
 */
export function isBase64(text: string): boolean {
	const m = BASE64.exec(text);
	if (!m) return false;
	const data = m[1].length % 4;
	if (data === 1) return false;
	const pad = m[2].length;
	return pad === 0 || (data !== 0 && data + pad === 4);
}

/** Decodes base64 to bytes; undefined if it is not base64. */
export function decodeBase64Bytes(text: string): Uint8Array | undefined {
	const clean = text.trim();
	if (!isBase64(clean)) return undefined;
	const data = clean.replace(/=+$/, '');
	const binary = atob(data + '='.repeat((4 - (data.length % 4)) % 4));
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

/** Decodes base64 to text (UTF-8); undefined if it is not base64. */
export function decodeBase64(text: string): string | undefined {
	const bytes = decodeBase64Bytes(text);
	return bytes && utf8.decode(bytes);
}

/** Encodes text as UTF-8, then base64. */
export function encodeBase64(text: string): string {
	const bytes = encoder.encode(text);
	let binary = '';
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary);
}

/** Shows decoded text with its control characters visible: NUL as \0, others as \xNN. */
export function showControls(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/[\x00-\x1f\x7f]/g, (c) =>
		c === '\0' ? '\\0' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
	);
}
