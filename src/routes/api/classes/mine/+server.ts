import { json } from '@sveltejs/kit';
import { answer, labApi } from '$lib/server/labAccess';
import type { RequestHandler } from './$types';

/** The class this browser is a student of, and those it teaches. */
export const GET: RequestHandler = ({ locals }) =>
	answer(() => json(labApi().classes.mine(locals.viewer)));
