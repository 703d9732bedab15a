/*
 * Where each MIME entity sits in the raw bytes, so the anatomy can show a part's size before
 * decoding and its lines in the source. Works on a "binary" string (one char per byte, e.g.
 * TextDecoder('latin1')), so offsets are byte offsets.
 * RFC 2046 §5.1.1:
 *   dash-boundary := "--" boundary
 *   multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF body-part
 *                     *encapsulation close-delimiter transport-padding [CRLF epilogue]
 *   encapsulation := delimiter transport-padding CRLF body-part
 *   delimiter := CRLF dash-boundary        (the CRLF before "--" belongs to the delimiter)
 */

export interface EntityLayout {
	/** Byte offset where the entity's header starts. */
	start: number;
	/** Byte offset where its body starts (after the blank line), or `end` if there is none. */
	bodyStart: number;
	/** Byte offset just past its body. */
	end: number;
	/** Media type, lower case ("text/plain" when absent, RFC 2045 §5.2). */
	type: string;
	/** Content-Type parameters, names lower case (charset, boundary, name …). */
	params: Record<string, string>;
	/** The Content-Transfer-Encoding value as written; null when the field is absent. */
	transferEncoding: string | null;
	children: EntityLayout[];
}

const PARAM = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]+))/g;

/** Parses a Content-Type value: "multipart/mixed; boundary=x" → type and parameters. */
export function parseContentType(value: string): { type: string; params: Record<string, string> } {
	const semi = value.indexOf(';');
	const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase() || 'text/plain';
	const params: Record<string, string> = {};
	for (const m of value.slice(Math.max(semi, 0)).matchAll(PARAM))
		params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
	return { type, params };
}

/** The value of the first header field called `name` in a header block (unfolded). */
export function headerValue(header: string, name: string): string | null {
	const unfolded = header.replace(/\r?\n[ \t]/g, ' ');
	const re = new RegExp(`^${name}[ \\t]*:(.*)$`, 'im');
	const m = re.exec(unfolded);
	return m ? m[1].trim() : null;
}

const MAX_DEPTH = 50;

/** Describes the entity in raw[start, end): its header, body and (for multiparts) its parts. */
export function layoutEntity(raw: string, start = 0, end = raw.length, depth = 0): EntityLayout {
	let bodyStart = end;
	if (raw.startsWith('\r\n', start)) bodyStart = start + 2;
	else if (raw.startsWith('\n', start)) bodyStart = start + 1;
	else {
		const crlf = raw.indexOf('\r\n\r\n', start);
		const lf = raw.indexOf('\n\n', start);
		if (crlf >= 0 && crlf < end && (lf < 0 || crlf <= lf)) bodyStart = crlf + 4;
		else if (lf >= 0 && lf < end) bodyStart = lf + 2;
	}
	const header = raw.slice(start, Math.min(bodyStart, end));
	const { type, params } = parseContentType(headerValue(header, 'content-type') ?? '');
	const entity: EntityLayout = {
		start,
		bodyStart,
		end,
		type,
		params,
		transferEncoding: headerValue(header, 'content-transfer-encoding'),
		children: []
	};
	if (type.startsWith('multipart/') && params.boundary && depth < MAX_DEPTH) {
		for (const [s, e] of splitMultipart(raw, bodyStart, end, params.boundary))
			entity.children.push(layoutEntity(raw, s, e, depth + 1));
	}
	return entity;
}

/** The [start, end) byte ranges of the body parts of a multipart body. */
export function splitMultipart(
	raw: string,
	start: number,
	end: number,
	boundary: string
): [number, number][] {
	const dash = '--' + boundary;
	const parts: [number, number][] = [];
	let partStart = -1;
	let lineStart = start;
	while (lineStart < end) {
		let lineEnd = raw.indexOf('\n', lineStart);
		if (lineEnd < 0 || lineEnd >= end) lineEnd = end;
		const line = raw.slice(lineStart, lineEnd).replace(/\r$/, '');
		if (line.startsWith(dash)) {
			const rest = line.slice(dash.length);
			const close = rest.startsWith('--');
			if (/^(--)?[ \t]*$/.test(rest)) {
				if (partStart >= 0) {
					// The line break before the delimiter belongs to the delimiter.
					let partEnd = lineStart;
					if (raw[partEnd - 1] === '\n') partEnd--;
					if (raw[partEnd - 1] === '\r') partEnd--;
					parts.push([partStart, Math.max(partStart, partEnd)]);
				}
				if (close) return parts;
				partStart = Math.min(lineEnd + 1, end);
			}
		}
		lineStart = lineEnd + 1;
	}
	// No close delimiter: the last part runs to the end.
	if (partStart >= 0 && partStart < end) parts.push([partStart, end]);
	return parts;
}

/** 1-based line number of a byte offset. */
export function lineAt(raw: string, offset: number): number {
	let n = 1;
	for (let i = raw.indexOf('\n'); i >= 0 && i < offset; i = raw.indexOf('\n', i + 1)) n++;
	return n;
}
