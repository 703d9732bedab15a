import { json } from '@sveltejs/kit';
import { classAnswer, textFields } from '$lib/server/classRoutes';
import { answer, labApi } from '$lib/server/labAccess';
import type { RequestHandler } from './$types';

/** This browser joins the class with a nickname: its StudentCard (rejoin code included). */
export const POST: RequestHandler = ({ request, params, locals }) =>
	answer(async () => {
		const { nickname } = await textFields(request, ['nickname']);
		const card = classAnswer(labApi().classes.join(locals.viewer, params.code, nickname));
		return json(card, { status: 201 });
	});
