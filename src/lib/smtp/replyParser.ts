/*
 * RFC 5321 §4.2:
 *   Greeting     = ( "220 " (Domain / address-literal) [ SP textstring ] CRLF ) /
 *                  ( "220-" (Domain / address-literal) [ SP textstring ] CRLF
 *                   *( "220-" [ textstring ] CRLF ) "220" [ SP textstring ] CRLF )
 *   Reply-line   = *( Reply-code "-" [ textstring ] CRLF )
 *                  Reply-code [ SP textstring ] CRLF
 *   Reply-code   = %x32-35 %x30-35 %x30-39
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

const REPLY = /^(\d{3})(?:([ -])(.*))?$/;
const ENHANCED = /^([245]\.\d{1,3}\.\d{1,3})(?: +|$)(.*)$/;

/** Is this line shaped like a reply ("250 …", "250-…", "250")? */
export const REPLY_LINE = /^\d{3}(?:[ -]|$)/;

/** Parses one reply line (without CRLF); undefined if it is not one. */
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
