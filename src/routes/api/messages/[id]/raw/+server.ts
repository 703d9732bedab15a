import type { RequestHandler } from './$types';
import { answer } from '$lib/server/labAccess';
import { storedMessage } from '$lib/server/storedMessage';

/** The exact bytes received after DATA (dots un-stuffed), as message/rfc822. */
export const GET: RequestHandler = ({ params, locals }) =>
	answer(() => {
		const stored = storedMessage(locals.viewer, params.id);
		return new Response(new Uint8Array(stored.raw), {
			headers: { 'content-type': 'message/rfc822', 'content-length': String(stored.raw.length) }
		});
	});
