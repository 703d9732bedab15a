import { json } from '@sveltejs/kit';
import { classAnswer } from '$lib/server/classRoutes';
import { answer, labApi } from '$lib/server/labAccess';
import type { RequestHandler } from './$types';

/** What the join page shows of a class: 404 for an unknown code, 410 once it has ended. */
export const GET: RequestHandler = ({ params }) =>
	answer(() => json(classAnswer(labApi().classes.invitation(params.code))));

/** The teacher (or the operator) ends the class: its sessions and mail are deleted. */
export const DELETE: RequestHandler = ({ params, locals }) =>
	answer(() => json(classAnswer(labApi().classes.end(locals.viewer, params.code))));
