/*
 * Mailbox names on the wire (RFC 3501 §5.1, §5.1.3). Names are 7-bit; a name with other
 * characters travels in modified UTF-7: printable US-ASCII but "&" stands for itself, "&" is
 * "&-", and anything else is UTF-16 in base64 with "," for "/", between "&" and "-".
 * INBOX is case-insensitive (§5.1, §9 mailbox): every spelling means the user's INBOX.
 */

export interface MailboxName {
	/** As sent on the wire (modified UTF-7). */
	raw: string;
	/** Decoded; 'INBOX' for any spelling of it; null when `raw` is not valid modified UTF-7. */
	name: string | null;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';

/** 0x20-0x25 and 0x27-0x7e represent themselves (§5.1.3). */
function isDirect(code: number): boolean {
	return code >= 0x20 && code <= 0x7e && code !== 0x26;
}

export function mailboxName(raw: string): MailboxName {
	if (raw.toUpperCase() === 'INBOX') return { raw, name: 'INBOX' };
	return { raw, name: decodeModifiedUtf7(raw) };
}

/** Decodes modified UTF-7; null if the text breaks one of §5.1.3's rules. */
export function decodeModifiedUtf7(raw: string): string | null {
	let out = '';
	let i = 0;
	let previousWasShift = false;
	while (i < raw.length) {
		const ch = raw[i];
		if (ch !== '&') {
			if (!isDirect(ch.charCodeAt(0))) return null;
			out += ch;
			i++;
			previousWasShift = false;
			continue;
		}
		const end = raw.indexOf('-', i + 1);
		// "a name that ends with a non-ASCII ISO-10646 character MUST end with a '-'"
		if (end < 0) return null;
		if (end === i + 1) {
			out += '&';
			i = end + 1;
			previousWasShift = false;
			continue;
		}
		// "-&" inside BASE64 is a null shift: two shifted runs in a row are not permitted.
		if (previousWasShift) return null;
		const units = decodeBase64Utf16(raw.slice(i + 1, end));
		if (units === null) return null;
		// Modified BASE64 MUST NOT represent a printing US-ASCII character that can represent itself.
		if (units.some((u) => isDirect(u) || u === 0x26)) return null;
		if (!pairedSurrogates(units)) return null;
		out += String.fromCharCode(...units);
		i = end + 1;
		previousWasShift = true;
	}
	return out;
}

/** Every high surrogate is followed by a low one and every low one preceded by a high one. */
function pairedSurrogates(units: number[]): boolean {
	for (let j = 0; j < units.length; j++) {
		const high = units[j] >= 0xd800 && units[j] <= 0xdbff;
		const low = units[j] >= 0xdc00 && units[j] <= 0xdfff;
		if (low) return false;
		if (high) {
			const next = units[j + 1];
			if (next === undefined || next < 0xdc00 || next > 0xdfff) return false;
			j++;
		}
	}
	return true;
}

function decodeBase64Utf16(b64: string): number[] | null {
	let bits = 0;
	let value = 0;
	const bytes: number[] = [];
	for (const ch of b64) {
		const v = B64.indexOf(ch);
		if (v < 0) return null;
		value = (value << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bytes.push((value >> bits) & 0xff);
		}
	}
	// Leftover bits must be padding zeros, and the octets whole UTF-16 units.
	if (bits >= 6 || (value & ((1 << bits) - 1)) !== 0 || bytes.length % 2 !== 0) return null;
	const units: number[] = [];
	for (let j = 0; j < bytes.length; j += 2) units.push((bytes[j] << 8) | bytes[j + 1]);
	return units;
}

/** Encodes a name into modified UTF-7 (§5.1.3). */
export function encodeModifiedUtf7(name: string): string {
	let out = '';
	let i = 0;
	while (i < name.length) {
		const code = name.charCodeAt(i);
		if (isDirect(code)) {
			out += name[i++];
			continue;
		}
		if (code === 0x26) {
			out += '&-';
			i++;
			continue;
		}
		let j = i;
		while (j < name.length && !isDirect(name.charCodeAt(j)) && name.charCodeAt(j) !== 0x26) j++;
		out += '&' + encodeBase64Utf16(name.slice(i, j)) + '-';
		i = j;
	}
	return out;
}

function encodeBase64Utf16(text: string): string {
	const bytes: number[] = [];
	for (let i = 0; i < text.length; i++) {
		const u = text.charCodeAt(i);
		bytes.push(u >> 8, u & 0xff);
	}
	let out = '';
	let bits = 0;
	let value = 0;
	for (const b of bytes) {
		value = ((value << 8) | b) & 0xffffff;
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out += B64[(value >> bits) & 0x3f];
		}
	}
	if (bits > 0) out += B64[(value << (6 - bits)) & 0x3f];
	return out;
}
