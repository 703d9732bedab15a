import type { RequestHandler } from './$types';
import { answer, ApiError, labApi } from '$lib/server/labAccess';
import { storedMessage } from '$lib/server/storedMessage';

const PART_ID = /^\d{1,4}(\.\d{1,4}){0,50}$/;

/** One MIME part, decoded, with its content type; served as a download so it never renders here. */
export const GET: RequestHandler = ({ params, locals }) =>
	answer(async () => {
		const stored = storedMessage(locals.viewer, params.id);
		if (!PART_ID.test(params.part))
			throw new ApiError(400, 'malformed part id (expected e.g. 1.2)');
		const part = (await labApi().messageView(stored)).content.get(params.part);
		if (!part) throw new ApiError(404, 'no such leaf part');
		const filename = (part.filename ?? `part-${params.part}`).replace(/[^\w.\- ]/g, '_');
		return new Response(new Uint8Array(part.bytes), {
			headers: {
				'content-type': /^[\w.+-]+\/[\w.+-]+$/.test(part.contentType)
					? part.contentType
					: 'application/octet-stream',
				'content-disposition': `attachment; filename="${filename}"`,
				'x-content-type-options': 'nosniff'
			}
		});
	});
