import { json } from '@sveltejs/kit';
import { classAnswer } from '$lib/server/classRoutes';
import { answer, labApi } from '$lib/server/labAccess';
import type { RequestHandler } from './$types';

/** The teacher withdraws a handout: gone from every page, its passes forgotten. */
export const DELETE: RequestHandler = ({ params, locals }) =>
	answer(() =>
		json(classAnswer(labApi().classes.withdraw(locals.viewer, params.code, params.exercise)))
	);
