/**
 * Splits message content as it went over the wire (RFC 5322): header lines up to the first empty
 * line, then the body. Continuation lines (starting with white space) belong to the field above.
 * @see https://www.rfc-editor.org/rfc/rfc5322#section-2.1
 */
export interface SplitMessage {
	header: string[];
	/** False when the content had no empty line: then everything is header (or a malformed body). */
	hasBlankLine: boolean;
	body: BodyLine[];
}

export interface BodyLine {
	/** The line as sent. */
	wire: string;
	/** The line as stored, after the server removed dot-stuffing (RFC 5321 §4.5.2). */
	stored: string;
	stuffed: boolean;
}

export function splitMessage(content: string): SplitMessage {
	const lines = content.replace(/\r\n/g, '\n').split('\n');
	if (lines.at(-1) === '') lines.pop();
	const blank = lines.indexOf('');
	const header = blank < 0 ? lines : lines.slice(0, blank);
	const body = blank < 0 ? [] : lines.slice(blank + 1);
	return {
		header,
		hasBlankLine: blank >= 0,
		body: body.map((wire) => {
			const stuffed = wire.startsWith('..');
			return { wire, stored: stuffed ? wire.slice(1) : wire, stuffed };
		})
	};
}
