/**
 * Splits what a POP3 client sends into command lines (RFC 1939 §3: each ends in CRLF), holding
 * at most POP3_MAX_LINE_BYTES of an unfinished line: a longer one is reported once, its octets
 * dropped up to its line end, so a flood without line ends costs no memory.
 */
import type { Anomaly } from '../../src/lib/messages';

export type ReadLine =
	| { kind: 'line'; bytes: Buffer; anomalies: Anomaly[] }
	/** A line past the limit, reported once it ends; `octets` counts its CRLF too. */
	| { kind: 'tooLong'; octets: number };

const CR = 0x0d;
const LF = 0x0a;

export class LineReader {
	#partial: Buffer[] = [];
	#partialBytes = 0;
	/** Octets of an over-long line dropped so far, or -1 while the current line fits. */
	#dropped = -1;

	constructor(
		/** The longest line, CRLF included. */
		readonly maxLineBytes: number
	) {}

	push(chunk: Buffer): ReadLine[] {
		const lines: ReadLine[] = [];
		let from = 0;
		while (from < chunk.length) {
			const lf = chunk.indexOf(LF, from);
			const end = lf < 0 ? chunk.length : lf + 1;
			const piece = chunk.subarray(from, end);
			from = end;
			if (this.#dropped >= 0) this.#dropped += piece.length;
			else {
				this.#partial.push(piece);
				this.#partialBytes += piece.length;
				// A line with its LF in: at most the limit; an unfinished one: room for its CRLF left.
				const room = lf < 0 ? this.maxLineBytes - 1 : this.maxLineBytes;
				if (this.#partialBytes > room) {
					this.#dropped = this.#partialBytes;
					this.#partial = [];
					this.#partialBytes = 0;
				}
			}
			if (lf < 0) break;
			if (this.#dropped >= 0) {
				lines.push({ kind: 'tooLong', octets: this.#dropped });
				this.#dropped = -1;
				continue;
			}
			const line = Buffer.concat(this.#partial, this.#partialBytes);
			this.#partial = [];
			this.#partialBytes = 0;
			lines.push(lineOf(line));
		}
		return lines;
	}

	/** Drops what is held: the octets after STLS that arrived before the handshake (RFC 2595 §4). */
	discard(): number {
		const held = this.#partialBytes + Math.max(this.#dropped, 0);
		this.#partial = [];
		this.#partialBytes = 0;
		this.#dropped = -1;
		return held;
	}

	/** What an unfinished line holds (for the record when the connection closes). */
	get pending(): Buffer {
		return Buffer.concat(this.#partial, this.#partialBytes);
	}
}

/** The line without its line end, and what is unusual about it. */
function lineOf(withEnd: Buffer): ReadLine {
	const crlf = withEnd.length >= 2 && withEnd[withEnd.length - 2] === CR;
	const bytes = withEnd.subarray(0, withEnd.length - (crlf ? 2 : 1));
	const anomalies: Anomaly[] = [];
	if (!crlf) anomalies.push('bare-lf');
	if (bytes.includes(CR)) anomalies.push('bare-cr');
	if (bytes.includes(0)) anomalies.push('nul-byte');
	if (bytes.some((b) => b > 0x7f)) anomalies.push('8bit-in-command');
	return { kind: 'line', bytes, anomalies };
}
