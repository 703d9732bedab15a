import type { RequestHandler } from './$types';
import { answer } from '$lib/server/labAccess';
import { storedMessage } from '$lib/server/storedMessage';

/** The exact bytes received after DATA (dots un-stuffed), as message/rfc822. */
export const GET: RequestHandler = ({ params }) =>
	answer(() => {
		const stored = storedMessage(params.id);
		return new Response(new Uint8Array(stored.raw), {
			headers: { 'content-type': 'message/rfc822', 'content-length': String(stored.raw.length) }
		});
	});
