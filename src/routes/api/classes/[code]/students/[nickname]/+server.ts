import { json } from '@sveltejs/kit';
import { classAnswer } from '$lib/server/classRoutes';
import { answer, labApi } from '$lib/server/labAccess';
import type { RequestHandler } from './$types';

/** The teacher releases a nickname: free again; what its student made stays the class's. */
export const DELETE: RequestHandler = ({ params, locals }) =>
	answer(() =>
		json(classAnswer(labApi().classes.release(locals.viewer, params.code, params.nickname)))
	);
