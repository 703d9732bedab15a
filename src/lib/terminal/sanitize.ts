/**
 * Everything the lab writes into xterm goes through here first: server replies, echoed input,
 * mail content. A terminal interprets ESC, CSI (0x9B), OSC 52 (clipboard), title changes and
 * more, so every control character is replaced by a visible stand-in instead of being passed on.
 * @see https://invisible-island.net/xterm/ctlseqs/ctlseqs.html
 */

/** Characters that reorder text (Trojan Source, CVE-2021-42574): shown, never obeyed. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function visible(char: string): string {
	const code = char.codePointAt(0) ?? 0;
	// C0 controls have Unicode "control pictures" at U+2400 + code: ESC becomes ␛, CR ␍, LF ␊.
	if (code < 0x20) return String.fromCodePoint(0x2400 + code);
	if (code === 0x7f) return '\u2421';
	return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** True when `char` would be interpreted by a terminal or reorder the text around it. */
export function isControl(char: string): boolean {
	const code = char.codePointAt(0) ?? 0;
	return code < 0x20 || (code >= 0x7f && code <= 0x9f) || BIDI_CONTROLS.test(char);
}

/** Replaces every control character with a visible, harmless stand-in. */
export function sanitizeForTerminal(text: string): string {
	let out = '';
	for (const char of text) out += isControl(char) ? visible(char) : char;
	return out;
}

/** Keeps only characters a learner can type into a command line (drops controls). */
export function printableOnly(text: string): string {
	let out = '';
	for (const char of text) if (!isControl(char)) out += char;
	return out;
}
