/**
 * The initial response of SASL PLAIN: authorization identity (empty), NUL, user name, NUL,
 * password — UTF-8, then base64. Base64 only makes the bytes safe to send on a text line;
 * anyone who sees it can decode it, which is why AUTH belongs after STARTTLS.
 * @see https://www.rfc-editor.org/rfc/rfc4616#section-2
 * @see https://www.rfc-editor.org/rfc/rfc4954#section-4
 */
export function saslPlain(user: string, password: string): string {
	const bytes = new TextEncoder().encode(`\0${user}\0${password}`);
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary);
}

/** Decodes base64 text to show what it really says (NUL shown as \0). */
export function decodeBase64(text: string): string | null {
	try {
		const binary = atob(text.trim());
		const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
		return new TextDecoder().decode(bytes).replaceAll('\0', '\\0');
	} catch {
		return null;
	}
}
