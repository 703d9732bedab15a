import { asOwner, textFields } from '$lib/server/classRoutes';
import { answer, labApi } from '$lib/server/labAccess';
import type { RequestHandler } from './$types';

/**
 * A student on another browser: with the nickname and their rejoin code this browser becomes
 * that student again (its owner cookie). Wrong codes are limited per client address
 * (CLASS_REJOIN_FAILURES_PER_MINUTE: 429 with Retry-After).
 */
export const POST: RequestHandler = ({ request, params, cookies, getClientAddress }) =>
	answer(async () => {
		const { nickname, rejoinCode } = await textFields(request, ['nickname', 'rejoinCode']);
		const result = labApi().classes.rejoin(getClientAddress(), params.code, nickname, rejoinCode);
		return asOwner(result, cookies);
	});
