/**
 * Reading a request body with a size limit: refused (`refusal`, a 413) as soon as it passes
 * `limit` bytes, by its Content-Length or while it streams, never read further.
 */
import type { ApiError } from './labAccess';

export async function readCapped(
	request: Request,
	limit: number,
	refusal: () => ApiError
): Promise<string> {
	const declared = request.headers.get('content-length');
	if (declared !== null && Number(declared) > limit) throw refusal();
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
			throw refusal();
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
