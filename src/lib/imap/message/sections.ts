/*
 * The octets of a BODY[section]<partial> fetch (RFC 3501 §6.4.5):
 *
 *   []                    the whole message, header and body
 *   [HEADER] / [TEXT]     the header (with its blank line) / the body of the message
 *   [HEADER.FIELDS (a b)] only the fields named, [HEADER.FIELDS.NOT (a b)] all others; the
 *                         blank line is always included (§7.4.2)
 *   [1.2]                 a part: every message has a part 1; part n of a multipart is its nth
 *                         body part; the parts of a MESSAGE/RFC822 part are those of the
 *                         message it encapsulates (§6.4.5's example: 3.1, 4.2.2.1)
 *   [1.2.MIME]            the part's own MIME header
 *   [1.HEADER] ...        HEADER, HEADER.FIELDS(.NOT), TEXT after a part number: only for a
 *                         MESSAGE/RFC822 part, about the message it encapsulates
 *   <origin.octets>       at most `octets` octets from `origin`; past the end, an empty string
 */
import type { Section } from '../protocol/commandParser';
import type { Entity, MessageTree } from './messageTree';

/** The body parts a path step chooses from: a multipart's parts, an encapsulated message's. */
function partsOf(e: Entity): Entity[] {
	if (e.parts.length) return e.parts;
	if (e.message) return e.message.parts.length ? e.message.parts : [e.message];
	return [];
}

/** The entity a section-part names, or null when the message has no such part. */
export function partAt(tree: MessageTree, path: number[]): Entity | null {
	let e = tree.root;
	// The top level: a multipart's parts, or the message itself as its only part 1.
	let choices = e.parts.length ? e.parts : [e];
	for (const n of path) {
		const next = choices[n - 1];
		if (!next) return null;
		e = next;
		choices = partsOf(e);
	}
	return e;
}

/**
 * The section's octets, or null when the message has no such section (a part number it does
 * not have, HEADER or TEXT after a part that is no MESSAGE/RFC822): answered NIL.
 */
export function sectionOctets(tree: MessageTree, section: Section): Uint8Array | null {
	const { raw } = tree;
	if (!section.part.length && !section.text) return raw;
	const e = section.part.length ? partAt(tree, section.part) : tree.root;
	if (!e) return null;
	if (!section.text) return raw.subarray(e.bodyStart, e.end);
	if (section.text === 'MIME') return raw.subarray(e.start, e.bodyStart);
	const message = section.part.length ? e.message : e;
	if (!message) return null;
	switch (section.text) {
		case 'HEADER':
			return raw.subarray(message.start, message.bodyStart);
		case 'TEXT':
			return raw.subarray(message.bodyStart, message.end);
		default:
			return headerFields(tree, message, section.fields ?? [], section.text === 'HEADER.FIELDS');
	}
}

/** HEADER.FIELDS (keep = true) or HEADER.FIELDS.NOT: whole fields, folding kept, then the blank line. */
function headerFields(tree: MessageTree, m: Entity, names: string[], keep: boolean): Uint8Array {
	const wanted = new Set(names.map((n) => n.toLowerCase()));
	const chunks = m.fields
		.filter((f) => wanted.has(f.name.toLowerCase()) === keep)
		.map((f) => tree.raw.subarray(f.start, f.end));
	if (m.blankLine) {
		const blank = m.bodyStart - (tree.text[m.bodyStart - 2] === '\r' ? 2 : 1);
		chunks.push(tree.raw.subarray(blank, m.bodyStart));
	}
	const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.length;
	}
	return out;
}

/** <origin.octets> (§6.4.5): "If the starting octet is beyond the end of the text, an empty string is returned." */
export function partialOf(
	octets: Uint8Array,
	partial: { offset: number; length: number } | undefined
): Uint8Array {
	if (!partial) return octets;
	return octets.subarray(
		Math.min(partial.offset, octets.length),
		Math.min(partial.offset + partial.length, octets.length)
	);
}
