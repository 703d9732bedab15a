import { answer, labApi } from '$lib/server/labAccess';
import { zoneAnswer, zoneBody } from '$lib/server/zoneRoutes';
import type { RequestHandler } from './$types';

/** One record checked as it would be published in one's own domain (live feedback while typing). */
export const POST: RequestHandler = ({ request, locals }) =>
	answer(async () => {
		const body = await zoneBody(request);
		return zoneAnswer(await labApi().zones.check(locals.viewer, body));
	});
