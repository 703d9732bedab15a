import { json } from '@sveltejs/kit';
import { ApiError, answer, labApi } from '$lib/server/labAccess';
import { findExample, SLUG_PATTERN } from '$lib/examples/catalogue';
import type { RequestHandler } from './$types';

/**
 * What the example player needs from the server: the example's messages composed with
 * nodemailer's MailComposer, and the sandbox settings the script depends on (the greylisting
 * window, the size limit).
 */
export const GET: RequestHandler = ({ params }) =>
	answer(async () => {
		if (!SLUG_PATTERN.test(params.slug)) throw new ApiError(400, 'malformed example name');
		const example = findExample(params.slug);
		if (!example) throw new ApiError(404, `no example named "${params.slug}"`);
		const api = labApi();
		const composed = await api.composeExample(example);
		return json({
			slug: example.slug,
			greylistSeconds: api.settings.greylistSeconds,
			maxMessageBytes: api.settings.maxMessageBytes,
			messages: composed.messages,
			facts: composed.facts
		});
	});
