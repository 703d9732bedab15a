import { asOwner, textFields } from '$lib/server/classRoutes';
import { answer, labApi } from '$lib/server/labAccess';
import type { RequestHandler } from './$types';

/** The teacher link's key (from its #key= fragment) makes this browser the class's teacher. */
export const POST: RequestHandler = ({ request, params, cookies }) =>
	answer(async () => {
		const { key } = await textFields(request, ['key']);
		return asOwner(labApi().classes.teacher(params.code, key), cookies);
	});
