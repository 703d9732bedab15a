import { json } from '@sveltejs/kit';
import { classAnswer } from '$lib/server/classRoutes';
import { answer, labApi } from '$lib/server/labAccess';
import type { RequestHandler } from './$types';

/** The class as its teacher (or the operator) sees it: code, links, roster. */
export const GET: RequestHandler = ({ params, locals }) =>
	answer(() => json(classAnswer(labApi().classes.console(locals.viewer, params.code))));
