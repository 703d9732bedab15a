import type { HeaderField } from '../messages';
import { decodeEncodedWords } from './encodedWords';
import { transferEncodingsByName, type TransferEncodingRow } from './encodings';
import { headerFieldsByName, REQUIRED_FIELDS } from './headerFields';

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
	body: string;
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
// <LF>.<LF>, <LF>.<CR><LF> with a bare LF, or <CR><LF>.<LF>: end-of-data look-alikes that
// different servers read differently (SMTP smuggling).
const SMUGGLING = /(?:^|[^\r])\n\.\r?\n|\r\n\.\n/;

/**
 * Takes a message's DATA content as sent after 354 ("\n" or "\r\n" between lines) and
 * describes its parts. Never throws.
 */
export function analyzeMessage(content: string): MessageAnatomy {
	const crlf = content.includes('\r\n');
	const lines = content.split(crlf ? '\r\n' : '\n');
	// Counted on the whole content with native scans: this runs on every recorded message.
	const crlfs = crlf ? countOf(content, '\r\n') : 0;
	const bareLf = crlf ? countOf(content, '\n') - crlfs : 0;
	const bareCr = countOf(content, '\r') - crlfs;
	const smuggling = crlf && SMUGGLING.test(content);
	const eightBit = EIGHT_BIT.test(content);
	if (lines.length && lines[lines.length - 1] === '') lines.pop();
	let terminated = false;
	if (lines.length && lines[lines.length - 1] === '.') {
		lines.pop();
		terminated = true;
	}
	let dotStuffedLines = 0;
	let over78 = 0;
	let over998 = 0;
	let size = 0;
	const unstuffed = lines.map((line) => {
		size += line.length + 2;
		if (line.length > 78) over78++;
		if (line.length > 998) over998++;
		if (line.length > 1 && line[0] === '.') {
			dotStuffedLines++;
			return line.slice(1);
		}
		return line;
	});
	// Content whose first line is not a header field has no header section at all.
	const hasHeader = unstuffed.length > 0 && FIELD.test(unstuffed[0]);
	const blankLine = hasHeader ? unstuffed.indexOf('') : -1;
	const headerEnd = !hasHeader ? 0 : blankLine === -1 ? unstuffed.length : blankLine;
	const fields: AnatomyField[] = [];
	let malformedHeaderLines = 0;
	for (let i = 0; i < headerEnd; i++) {
		const line = unstuffed[i];
		const last = fields[fields.length - 1];
		if (FOLDED.test(line) && last) {
			// Unfolding removes the CRLF only, keeping the white space (RFC 5322 §2.2.3).
			last.value += line;
			last.lines++;
			continue;
		}
		const m = FIELD.exec(line);
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
		for (let i = headerEnd + 1; i < unstuffed.length; i++) {
			const m = /^content-transfer-encoding:\s*(\S+)/i.exec(unstuffed[i]);
			const row = m && transferEncodingsByName.get(m[1].toLowerCase());
			if (row && !encodings.includes(row)) encodings.push(row);
		}
	}
	const bodyStart = !hasHeader ? 0 : blankLine === -1 ? unstuffed.length : blankLine + 1;
	return {
		fields,
		headerLines: headerEnd,
		blankLine,
		bodyLines: unstuffed.length - bodyStart,
		body: unstuffed.slice(bodyStart).join('\n'),
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
