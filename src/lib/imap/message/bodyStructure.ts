/*
 * BODY and BODYSTRUCTURE from a message's MIME structure (RFC 3501 §7.4.2): for each part its
 * type and subtype and parameters as written (or the RFC 2045 §5.2 default), Content-ID,
 * Content-Description, Content-Transfer-Encoding ("7BIT" when absent, RFC 2045 §6.1), the body's
 * size in octets as it travelled (not decoded), lines for TEXT and MESSAGE/RFC822 bodies, the
 * envelope and structure of an encapsulated message; and the extension data: Content-MD5
 * (RFC 1864), Content-Disposition (RFC 2183), Content-Language (RFC 3282), Content-Location
 * (RFC 2557).
 */
import type { BodyStructure, Disposition } from '../protocol/responseWriter';
import { envelopeOf } from './envelope';
import {
	countLines,
	fieldValue,
	headerText,
	readParams,
	type Entity,
	type MessageTree
} from './messageTree';

export function bodyStructureOf(tree: MessageTree): BodyStructure {
	return structure(tree.text, tree.root);
}

function structure(text: string, e: Entity): BodyStructure {
	const ct = e.contentType;
	const params = ct.params.map(([n, v]): [string, string] => [headerText(n), headerText(v)]);
	const extension = {
		disposition: disposition(fieldValue(e.fields, 'content-disposition')),
		language: language(fieldValue(e.fields, 'content-language')),
		location: optional(fieldValue(e.fields, 'content-location'))
	};
	if (e.parts.length)
		return {
			parts: e.parts.map((p) => structure(text, p)),
			subtype: ct.subtype,
			params,
			...extension
		};
	const type = ct.type.toUpperCase();
	const isMessage = type === 'MESSAGE' && ct.subtype.toUpperCase() === 'RFC822' && e.message;
	return {
		type: ct.type,
		subtype: ct.subtype,
		params,
		id: optional(fieldValue(e.fields, 'content-id')),
		description: optional(fieldValue(e.fields, 'content-description')),
		encoding: fieldValue(e.fields, 'content-transfer-encoding') || '7BIT',
		size: e.end - e.bodyStart,
		lines: type === 'TEXT' || isMessage ? countLines(text, e.bodyStart, e.end) : undefined,
		envelope: isMessage ? envelopeOf(e.message!) : undefined,
		body: isMessage ? structure(text, e.message!) : undefined,
		md5: optional(fieldValue(e.fields, 'content-md5')),
		...extension
	};
}

function optional(value: string | null): string | null {
	return value === null ? null : headerText(value);
}

/** disposition := disposition-type *(";" disposition-parm) (RFC 2183 §2) */
function disposition(value: string | null): Disposition | null {
	if (value === null) return null;
	const m = /^\s*([^\s;]+)/.exec(value);
	if (!m) return null;
	const params = readParams(value.slice(m[0].length));
	return {
		type: m[1],
		params: params.length
			? params.map(([n, v]): [string, string] => [headerText(n), headerText(v)])
			: null
	};
}

/** Content-Language := Language-List, tags separated by commas (RFC 3282 §2). */
function language(value: string | null): string[] | null {
	if (value === null) return null;
	const tags = value
		.split(',')
		.map((t) => t.trim())
		.filter(Boolean);
	return tags.length ? tags : null;
}
