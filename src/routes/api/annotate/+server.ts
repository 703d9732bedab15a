/**
 * POST /api/annotate: a pasted transcript in, annotated events out, in the recorder's shape.
 * The body is `text/plain`, or JSON `{ "text": "…", "listener"?: "mx" | "submission" |
 * "submissions" }`. Size-limited while reading: the body is never buffered past the limit.
 */
import { json } from '@sveltejs/kit';
import { LISTENERS, type ListenerName } from '$lib/messages';
import { ApiError, answer, labApi } from '$lib/server/labAccess';
import { parseTranscript } from '$lib/smtp';
import type { RequestHandler } from './$types';

function tooLarge(limit: number): ApiError {
	return new ApiError(413, `the body is larger than ${limit} bytes, the limit for a transcript`);
}

/** Reads the body as UTF-8, refusing it (413) as soon as it passes `limit` bytes. */
async function readCapped(request: Request, limit: number): Promise<string> {
	const declared = request.headers.get('content-length');
	if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
	if (!request.body) return '';
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		total += value.byteLength;
		if (total > limit) {
			await reader.cancel().catch(() => undefined);
			throw tooLarge(limit);
		}
		chunks.push(value);
	}
	const bytes = new Uint8Array(total);
	let at = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, at);
		at += chunk.byteLength;
	}
	return new TextDecoder('utf-8').decode(bytes);
}

/** The media type without parameters: "text/plain; charset=utf-8" → "text/plain". */
function mediaType(request: Request): string {
	return (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

function parseJsonBody(body: string): { text: string; listener?: ListenerName } {
	let value: unknown;
	try {
		value = JSON.parse(body);
	} catch {
		throw new ApiError(400, 'the body is not valid JSON');
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		throw new ApiError(400, 'the body must be a JSON object: { "text": "…" }');
	const { text, listener } = value as Record<string, unknown>;
	if (typeof text !== 'string') throw new ApiError(400, '"text" must be a string');
	if (listener !== undefined && !LISTENERS.includes(listener as ListenerName))
		throw new ApiError(400, `"listener" must be one of ${LISTENERS.join(', ')}`);
	return { text, listener: listener as ListenerName | undefined };
}

export const POST: RequestHandler = ({ request }) =>
	answer(async () => {
		const type = mediaType(request);
		if (type !== 'text/plain' && type !== 'application/json')
			throw new ApiError(400, 'send the transcript as text/plain or as JSON { "text": "…" }');
		const body = await readCapped(request, labApi().settings.maxAnnotateBytes);
		const input = type === 'application/json' ? parseJsonBody(body) : { text: body };
		const events = parseTranscript(input.text, { listener: input.listener });
		return json({ events }, { headers: { 'cache-control': 'no-store' } });
	});
