/**
 * The parsed view of a stored message, made with postal-mime when someone first looks (never on
 * the accept path: parsing every message on arrival would cap ingest), within a time and size
 * budget. A message that cannot be parsed in budget is marked, never dropped: its bytes stay.
 */
import PostalMime from 'postal-mime';
import type { HeaderField, MimePart } from '../../src/lib/messages';

export interface MessageView {
	headers: HeaderField[];
	parts: MimePart[];
	parsed: boolean;
	parseNote: string | null;
	/** Decoded content of a leaf part by its dotted id. */
	content: Map<string, { contentType: string; filename: string | null; bytes: Uint8Array }>;
}

/** postal-mime's internal tree node (pinned to postal-mime 4; a test covers the shape). */
interface MimeNode {
	childNodes: MimeNode[];
	headers: { key: string; originalKey?: string; value: string }[];
	contentType: { parsed: { value: string; params: Record<string, string> } };
	contentTransferEncoding: { encoding: string };
	contentDisposition: { parsed: { value: string; params: Record<string, string> } };
	content: ArrayBuffer | null;
}

export const PARSE_LIMITS = {
	maxNestingDepth: 50,
	maxHeadersSize: 256 * 1024,
	maxParts: 2000
};

export async function buildMessageView(raw: Uint8Array, budgetMs: number): Promise<MessageView> {
	const parser = new PostalMime({
		maxNestingDepth: PARSE_LIMITS.maxNestingDepth,
		maxHeadersSize: PARSE_LIMITS.maxHeadersSize,
		attachmentEncoding: 'arraybuffer'
	});
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<'timeout'>((resolve) => {
		timer = setTimeout(() => resolve('timeout'), budgetMs);
	});
	try {
		const email = await Promise.race([parser.parse(raw), timeout]);
		if (email === 'timeout')
			return unparsed(`not fully parsed: parsing took longer than ${budgetMs} ms`);
		const root = (parser as unknown as { root: MimeNode }).root;
		const content: MessageView['content'] = new Map();
		let count = 0;
		const walk = (node: MimeNode, id: string): MimePart => {
			count++;
			const children =
				count > PARSE_LIMITS.maxParts
					? []
					: node.childNodes.map((child, i) => walk(child, id ? `${id}.${i + 1}` : String(i + 1)));
			const type = node.contentType.parsed.value || 'text/plain';
			const filename =
				node.contentDisposition.parsed.params.filename ??
				node.contentType.parsed.params.name ??
				null;
			const bytes = node.content ? new Uint8Array(node.content) : new Uint8Array(0);
			// IMAP numbering (RFC 3501 §6.4.5): a single-part message's body is "1"; a multipart
			// message's parts are 1, 2, … and the whole message has the empty id.
			const partId = id || (node.childNodes.length ? '' : '1');
			if (!children.length) content.set(partId, { contentType: type, filename, bytes });
			return {
				id: partId,
				contentType: type,
				// postal-mime reports "8bit" when the field is absent; absent means 7bit (RFC 2045 §6.1).
				encoding: node.headers.some((h) => h.key === 'content-transfer-encoding')
					? node.contentTransferEncoding.encoding || null
					: null,
				filename,
				disposition: node.contentDisposition.parsed.value || null,
				contentId: contentIdOf(node),
				size: bytes.length,
				children
			};
		};
		const tree = walk(root, '');
		return {
			headers: email.headers.map((h) => ({ name: h.originalKey ?? h.key, value: h.value })),
			parts: [tree],
			parsed: count <= PARSE_LIMITS.maxParts,
			parseNote:
				count > PARSE_LIMITS.maxParts
					? `not fully parsed: more than ${PARSE_LIMITS.maxParts} MIME parts`
					: null,
			content
		};
	} catch (error) {
		return unparsed(`not fully parsed: ${(error as Error).message}`);
	} finally {
		clearTimeout(timer);
	}
}

function unparsed(note: string): MessageView {
	return { headers: [], parts: [], parsed: false, parseNote: note, content: new Map() };
}

function contentIdOf(node: MimeNode): string | null {
	const value = node.headers.find((h) => h.key === 'content-id')?.value.trim();
	return value ? value.replace(/^<|>$/g, '') : null;
}
