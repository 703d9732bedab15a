/**
 * A body line starting with "." gets one more "." so the server cannot take it for the end of
 * the data; the server removes it again (RFC 5321 §4.5.2).
 */
export function dotStuff(line: string): string {
	return line.startsWith('.') ? `.${line}` : line;
}
