/*
 * RFC 5321 §4.2:
 *   Greeting     = ( "220 " (Domain / address-literal) [ SP textstring ] CRLF ) /
 *                  ( "220-" (Domain / address-literal) [ SP textstring ] CRLF
 *                   *( "220-" [ textstring ] CRLF ) "220" [ SP textstring ] CRLF )
 *   Reply-line   = *( Reply-code "-" [ textstring ] CRLF )
 *                  Reply-code [ SP textstring ] CRLF
 *   Reply-code   = %x32-35 %x30-35 %x30-39
 * and a client SHOULD be prepared for "the code alone (with or without a trailing space)".
 * RFC 2034 §4 puts an enhanced status code (RFC 3463) at the start of each line's text:
 *   status-code  = class "." subject "." detail
 */

export interface ParsedReply {
	code: number;
	/** False on "250-…" lines: more lines of the same reply follow. */
	last: boolean;
	enhanced: string | null;
	/** The text after the code and enhanced code. */
	text: string;
}

/**
 * Reply-code exactly as the grammar has it; the text stays lenient (any characters), because
 * servers do send 8-bit text and the annotator explains lines rather than refusing them.
 */
const REPLY = /^([2-5][0-5]\d)(?:([ -])(.*))?$/;
const ENHANCED = /^([245]\.\d{1,3}\.\d{1,3})(?: +|$)(.*)$/;

/**
 * Parses one reply line (without CRLF); undefined if it is not one: a code outside 200–559 or
 * with 6–9 as its second digit, or anything but SP or "-" after the code ("250x", "2500").
 */
export function parseReply(line: string): ParsedReply | undefined {
	const m = REPLY.exec(
		line.endsWith('\n') || line.endsWith('\r') ? line.replace(/\r?\n?$/, '') : line
	);
	if (!m) return undefined;
	const rest = m[3] ?? '';
	const e = ENHANCED.exec(rest);
	return {
		code: Number(m[1]),
		last: m[2] !== '-',
		enhanced: e ? e[1] : null,
		text: e ? e[2] : rest
	};
}

/** Does this line end a reply: "250 …" or a bare "250", not "250-…" and not a non-reply line? */
export function isFinalReplyLine(line: string): boolean {
	return parseReply(line)?.last === true;
}
