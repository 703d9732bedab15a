/*
 * The stored message as numbered lines for the Source view. The server stores the bytes after
 * removing dot-stuffing (RFC 5321 §4.5.2), so every line that begins with "." here was sent with
 * one more "." on the wire.
 */

export type LineEnd = 'CRLF' | 'LF' | '';

export interface SourceLine {
	/** 1-based. */
	n: number;
	text: string;
	/** How the line ended in the bytes: CRLF as RFC 5322 requires, a bare LF, or nothing (last line). */
	eol: LineEnd;
	/** Began with "." — sent as ".." on the wire. */
	dotStuffed: boolean;
	/** Longer than RFC 5322 §2.1.1's 78-character recommendation or its 998-octet limit. */
	long: '' | 'over78' | 'over998';
	/** The line holds a CR that does not end it (a "bare CR"). */
	bareCr: boolean;
}

export function sourceLines(text: string): SourceLine[] {
	const lines: SourceLine[] = [];
	let start = 0;
	while (start < text.length) {
		const lf = text.indexOf('\n', start);
		const end = lf < 0 ? text.length : lf;
		const crlf = lf > start && text[lf - 1] === '\r';
		const body = text.slice(start, crlf ? end - 1 : end);
		lines.push({
			n: lines.length + 1,
			text: body,
			eol: lf < 0 ? '' : crlf ? 'CRLF' : 'LF',
			dotStuffed: body.startsWith('.'),
			long: body.length > 998 ? 'over998' : body.length > 78 ? 'over78' : '',
			bareCr: body.includes('\r')
		});
		start = end + 1;
	}
	return lines;
}
