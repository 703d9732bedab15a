import type { RequestHandler } from './$types';
import { answer } from '$lib/server/labAccess';
import { storedMessage } from '$lib/server/storedMessage';

/** The delivered copy: trace fields (Return-Path, Received) first, then the message, as a download. */
export const GET: RequestHandler = ({ params, locals }) =>
	answer(() => {
		const stored = storedMessage(locals.viewer, params.id);
		const body = Buffer.concat([Buffer.from(stored.trace), stored.raw]);
		return new Response(new Uint8Array(body), {
			headers: {
				'content-type': 'message/rfc822',
				'content-disposition': `attachment; filename="${stored.summary.id}.eml"`
			}
		});
	});
