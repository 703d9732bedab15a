/*
 * RFC 2047 §2: encoded-word = "=?" charset "?" encoding "?" encoded-text "?="
 * encoding "B" is base64 (§4.1), "Q" is like quoted-printable with "_" for space (§4.2).
 * White space between adjacent encoded words is not displayed (§6.2).
 */
import { decodeBase64Bytes } from '../protocol/base64';

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;
const BETWEEN_WORDS = /(\?=)\s+(=\?)/g;
const Q_HEX = /=([0-9A-Fa-f]{2})/g;

function qBytes(text: string): Uint8Array {
	const s = text
		.replace(/_/g, ' ')
		.replace(Q_HEX, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
	const bytes = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i) & 0xff;
	return bytes;
}

const decoders = new Map<string, TextDecoder | null>();

function decoderFor(charset: string): TextDecoder | null {
	// RFC 2231 §5 allows a language after "*": utf-8*en.
	const name = charset.split('*')[0].toLowerCase();
	if (!decoders.has(name)) {
		try {
			decoders.set(name, new TextDecoder(name));
		} catch {
			decoders.set(name, null);
		}
	}
	return decoders.get(name)!;
}

export interface DecodedHeader {
	text: string;
	/** Encoded words found. */
	words: number;
	/** Charsets this runtime cannot decode (the words are left as they were). */
	unknownCharsets: string[];
}

/** Decodes the RFC 2047 encoded words in a header value. Never throws. */
export function decodeEncodedWords(value: string): DecodedHeader {
	let words = 0;
	const unknownCharsets: string[] = [];
	if (!value.includes('=?')) return { text: value, words, unknownCharsets };
	const text = value
		.replace(BETWEEN_WORDS, '$1$2')
		.replace(ENCODED_WORD, (whole, charset: string, enc: string, data: string) => {
			const decoder = decoderFor(charset);
			const bytes = enc.toUpperCase() === 'B' ? decodeBase64Bytes(data) : qBytes(data);
			if (!decoder || !bytes) {
				if (!decoder) unknownCharsets.push(charset);
				return whole;
			}
			words++;
			return decoder.decode(bytes);
		});
	return { text, words, unknownCharsets };
}
