import { json } from '@sveltejs/kit';
import { ApiError, answer, lab } from '$lib/server/labAccess';
import { findExample, SLUG_PATTERN } from '$lib/examples/catalogue';
import { composeExample } from '../../../../../server/examples/compose';
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
		const running = lab();
		const composed = await composeExample(example);
		return json({
			slug: example.slug,
			greylistSeconds: running.config.greylistSeconds,
			maxMessageBytes: running.config.maxMessageBytes,
			messages: composed.messages,
			facts: composed.facts
		});
	});
