import { answer, labApi } from '$lib/server/labAccess';
import { zoneAnswer, zoneBody } from '$lib/server/zoneRoutes';
import type { RequestHandler } from './$types';

/** One's own domain's TXT records, with each record's check: 403 another's, 404 none. */
export const GET: RequestHandler = ({ params, locals }) =>
	answer(async () => zoneAnswer(await labApi().zones.get(locals.viewer, params.domain)));

/** Replaces all of the domain's TXT records; nothing is saved when one is malformed (400). */
export const PUT: RequestHandler = ({ request, params, locals }) =>
	answer(async () => {
		const body = await zoneBody(request);
		return zoneAnswer(await labApi().zones.put(locals.viewer, params.domain, body));
	});

/** Back to the defaults: SPF, DMARC and the sandbox's DKIM key. */
export const DELETE: RequestHandler = ({ params, locals }) =>
	answer(async () => zoneAnswer(await labApi().zones.reset(locals.viewer, params.domain)));
