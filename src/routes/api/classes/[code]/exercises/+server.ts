import { json } from '@sveltejs/kit';
import { classAnswer, textFields } from '$lib/server/classRoutes';
import { answer, labApi } from '$lib/server/labAccess';
import type { RequestHandler } from './$types';

/** A student's handouts and their own checklist on each (issue 16). */
export const GET: RequestHandler = ({ params, locals }) =>
	answer(async () =>
		json(classAnswer(await labApi().classes.studentExercises(locals.viewer, params.code)), {
			headers: { 'cache-control': 'private, no-store' }
		})
	);

/** The teacher hands an exercise out: 201 the first time, 200 when it was out already. */
export const POST: RequestHandler = ({ request, params, locals }) =>
	answer(async () => {
		const { exercise } = await textFields(request, ['exercise']);
		const { handouts, created } = classAnswer(
			labApi().classes.handOut(locals.viewer, params.code, exercise)
		);
		return json({ handouts }, { status: created ? 201 : 200 });
	});
