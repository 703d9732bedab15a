import { json } from '@sveltejs/kit';
import { classAnswer, textFields } from '$lib/server/classRoutes';
import { answer, labApi } from '$lib/server/labAccess';
import type { RequestHandler } from './$types';

/** A new class, taught by this browser's owner (at most MAX_CLASSES_PER_OWNER at once). */
export const POST: RequestHandler = ({ request, locals }) =>
	answer(async () => {
		const { name } = await textFields(request, ['name']);
		return json(classAnswer(labApi().classes.create(locals.viewer, name)), { status: 201 });
	});
