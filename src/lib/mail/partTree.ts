import type { MimePart } from '../messages';
import { lineAt, type EntityLayout } from './mimeLayout';
import { partTransfer, type PartTransfer } from './transferEncoding';

export interface PartNode {
	part: MimePart;
	/** The root of the message (its id may repeat its first child's: show it without one). */
	root: boolean;
	/** Leaf parts have content that /api/messages/:id/parts/:part serves. */
	leaf: boolean;
	/** Bytes of the body as it travelled (before decoding); null when not located. */
	encodedSize: number | null;
	/** First and last line of the entity (header and body) in the source. */
	lines: [number, number] | null;
	/** Content-Type parameters as written (charset, boundary, name). */
	params: Record<string, string>;
	/** Its transfer encoding from its own header and body bytes; null when not located. */
	transfer: PartTransfer | null;
	children: PartNode[];
}

/**
 * Pairs the server's parsed tree (postal-mime) with where each entity sits in the bytes, walking
 * both in order. `binary` is the message as one char per byte.
 */
export function partTree(
	part: MimePart,
	layout: EntityLayout | undefined,
	binary: string,
	root = true
): PartNode {
	return {
		part,
		root,
		leaf: part.children.length === 0,
		encodedSize: layout ? layout.end - layout.bodyStart : null,
		lines: layout
			? [lineAt(binary, layout.start), lineAt(binary, Math.max(layout.start, layout.end - 1))]
			: null,
		params: layout?.params ?? {},
		transfer: layout
			? partTransfer(layout.transferEncoding, binary.slice(layout.bodyStart, layout.end))
			: null,
		children: part.children.map((child, i) => partTree(child, layout?.children[i], binary, false))
	};
}

/** Every node, depth first. */
export function allParts(node: PartNode): PartNode[] {
	return [node, ...node.children.flatMap(allParts)];
}

/** An attachment: a leaf with a file name or an "attachment" disposition. */
export function isAttachment(node: PartNode): boolean {
	return node.leaf && (node.part.filename !== null || node.part.disposition === 'attachment');
}
