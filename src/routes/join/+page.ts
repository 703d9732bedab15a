import { normaliseJoinCode, type ClassInvitation } from '$lib/classes';
import { classApi, codeProblem, refusal } from '$lib/client/classRequests';
import type { PageLoad } from './$types';

/**
 * `/join?code=K7M4QP` (the QR code on the projector): the code comes filled in, and the class it
 * names is looked up at once, so a student sees its name — or that it is unknown or ended —
 * before typing a nickname.
 */
export const load: PageLoad = async ({ url, fetch }) => {
	const code = url.searchParams.get('code') ?? '';
	if (code === '') return { code, invitation: null, codeProblem: null };
	const problem = codeProblem(code, 'class code');
	if (problem) return { code, invitation: null, codeProblem: problem };
	const normalised = normaliseJoinCode(code);
	const answer = await classApi<ClassInvitation>(
		'GET',
		`/api/classes/${normalised}`,
		undefined,
		fetch
	);
	return answer.ok
		? { code: normalised, invitation: answer.value, codeProblem: null }
		: {
				code: normalised,
				invitation: null,
				codeProblem: refusal('join', answer, normalised).message
			};
};
