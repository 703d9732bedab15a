import type { HeaderField } from '../../messages';
import { decodeEncodedWords } from './encodedWords';
import { transferEncodingsByName, type TransferEncodingRow } from './encodings';
import { headerFieldsByName, REQUIRED_FIELDS } from '../tables/headerFields';

export interface AnatomyField extends HeaderField {
	/** The value with RFC 2047 encoded words decoded, when it had any. */
	decoded?: string;
	/** Physical lines the field took (more than 1 = folded, RFC 5322 §2.2.3). */
	lines: number;
	known: boolean;
}

export interface MessageAnatomy {
	fields: AnatomyField[];
	headerLines: number;
	/** Index (0-based) of the blank line that ends the header section; -1 if there is none. */
	blankLine: number;
	bodyLines: number;
	/** The content ended with the "." line (RFC 5321 §4.1.1.4). */
	terminated: boolean;
	dotStuffedLines: number;
	bareLf: number;
	bareCr: number;
	smuggling: boolean;
	/** Lines over 78 (SHOULD) and over 998 (MUST) characters, RFC 5322 §2.1.1. */
	over78: number;
	over998: number;
	missingRequired: string[];
	/** Fields that appear more often than RFC 5322 §3.6 allows. */
	duplicated: string[];
	/** Header lines that are neither a field nor a folded continuation. */
	malformedHeaderLines: number;
	eightBit: boolean;
	/** Octets of the content as sent (CRLF line ends, terminator excluded). */
	size: number;
	encodings: TransferEncodingRow[];
	multipart: boolean;
}

const FIELD = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:(.*)$/;
const FOLDED = /^[ \t]/;
const EIGHT_BIT = /[\u0080-\uffff]/;
const DOT = 0x2e;
// <LF>.<LF>, <LF>.<CR><LF> with a bare LF, or <CR><LF>.<LF>: end-of-data look-alikes that
// different servers read differently (SMTP smuggling).
const SMUGGLING = /(?:^|[^\r])\n\.\r?\n|\r\n\.\n/;

/**
 * Takes a message's DATA content as sent after 354 ("\n" or "\r\n" between lines) and
 * describes its parts. Never throws.
 */
export function analyzeMessage(content: string): MessageAnatomy {
	const crlf = content.includes('\r\n');
	const separator = crlf ? '\r\n' : '\n';
	// Counted on the whole content with native scans: this runs on every recorded message.
	const crlfs = crlf ? countOf(content, '\r\n') : 0;
	const bareLf = crlf ? countOf(content, '\n') - crlfs : 0;
	const bareCr = countOf(content, '\r') - crlfs;
	const smuggling = crlf && SMUGGLING.test(content);
	const eightBit = EIGHT_BIT.test(content);
	// Lines as offsets: only header lines become strings, a long body costs no allocation.
	const starts: number[] = [];
	const ends: number[] = [];
	for (let from = 0; ;) {
		const at = content.indexOf(separator, from);
		starts.push(from);
		ends.push(at === -1 ? content.length : at);
		if (at === -1) break;
		from = at + separator.length;
	}
	let count = starts.length;
	if (count && ends[count - 1] === starts[count - 1]) count--;
	let terminated = false;
	if (count && ends[count - 1] - starts[count - 1] === 1 && content[starts[count - 1]] === '.') {
		count--;
		terminated = true;
	}
	let dotStuffedLines = 0;
	let over78 = 0;
	let over998 = 0;
	let size = 0;
	for (let i = 0; i < count; i++) {
		const length = ends[i] - starts[i];
		size += length + 2;
		if (length > 78) over78++;
		if (length > 998) over998++;
		if (length > 1 && content.charCodeAt(starts[i]) === DOT) dotStuffedLines++;
	}
	/** Line i without the dot a client doubled (RFC 5321 §4.5.2). */
	const line = (i: number) => {
		const stuffed = ends[i] - starts[i] > 1 && content.charCodeAt(starts[i]) === DOT;
		return content.slice(starts[i] + (stuffed ? 1 : 0), ends[i]);
	};
	// Content whose first line is not a header field has no header section at all.
	const hasHeader = count > 0 && FIELD.test(line(0));
	let blankLine = -1;
	if (hasHeader)
		for (let i = 0; i < count; i++)
			if (ends[i] === starts[i]) {
				blankLine = i;
				break;
			}
	const headerEnd = !hasHeader ? 0 : blankLine === -1 ? count : blankLine;
	const fields: AnatomyField[] = [];
	let malformedHeaderLines = 0;
	for (let i = 0; i < headerEnd; i++) {
		const text = line(i);
		const last = fields[fields.length - 1];
		if (FOLDED.test(text) && last) {
			// Unfolding removes the CRLF only, keeping the white space (RFC 5322 §2.2.3).
			last.value += text;
			last.lines++;
			continue;
		}
		const m = FIELD.exec(text);
		if (!m) {
			malformedHeaderLines++;
			continue;
		}
		fields.push({
			name: m[1],
			value: m[2].trim(),
			lines: 1,
			known: headerFieldsByName.has(m[1].toLowerCase())
		});
	}
	const counts = new Map<string, number>();
	const encodings: TransferEncodingRow[] = [];
	let multipart = false;
	for (const f of fields) {
		f.value = f.value.trim();
		const d = decodeEncodedWords(f.value);
		if (d.words) f.decoded = d.text;
		const key = f.name.toLowerCase();
		counts.set(key, (counts.get(key) ?? 0) + 1);
		if (key === 'content-transfer-encoding') {
			const row = transferEncodingsByName.get(f.value.toLowerCase());
			if (row && !encodings.includes(row)) encodings.push(row);
		}
		if (key === 'content-type' && /^multipart\//i.test(f.value)) multipart = true;
	}
	const missingRequired = REQUIRED_FIELDS.filter((n) => !counts.has(n.toLowerCase()));
	const duplicated = [...counts]
		.filter(([k, n]) => {
			const max = headerFieldsByName.get(k)?.max;
			return max !== undefined && n > max;
		})
		.map(([k]) => headerFieldsByName.get(k)!.name);
	// Parts' own Content-Transfer-Encoding lines in a multipart body.
	if (multipart) {
		for (let i = headerEnd + 1; i < count; i++) {
			const text = line(i);
			if (text[0] !== 'c' && text[0] !== 'C') continue;
			const m = /^content-transfer-encoding:\s*(\S+)/i.exec(text);
			const row = m && transferEncodingsByName.get(m[1].toLowerCase());
			if (row && !encodings.includes(row)) encodings.push(row);
		}
	}
	const bodyStart = !hasHeader ? 0 : blankLine === -1 ? count : blankLine + 1;
	return {
		fields,
		headerLines: headerEnd,
		blankLine,
		bodyLines: count - bodyStart,
		terminated,
		dotStuffedLines,
		bareLf,
		bareCr,
		smuggling,
		over78,
		over998,
		missingRequired,
		duplicated,
		malformedHeaderLines,
		eightBit,
		size,
		encodings,
		multipart
	};
}

function countOf(text: string, part: string): number {
	let count = 0;
	for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + part.length)) count++;
	return count;
}
