import { describe, expect, it } from 'vitest';
import { spacedJoinCode } from '$lib/classes';
import { codeProblem, refusal } from './classRequests';

describe('spacedJoinCode', () => {
	it('splits a code 3 + 3, as the projector shows it', () => {
		expect(spacedJoinCode('K7M4QP')).toBe('K7M 4QP');
	});
});

describe('codeProblem', () => {
	// [typed, expected problem (a pattern) or null]
	const rows: [string, RegExp | null][] = [
		['K7M4QP', null],
		['k7m 4qp', null], // case and the space a person types are not part of the code
		['k7m-4qp', null],
		['', /^Type the class code\.$/],
		['K7M4Q', /6 letters and digits.*you typed 5\.$/],
		['K7M4QPX', /you typed 7\.$/],
		['K7M2QP', /never has 0, O, 1, I, L, 5, S, 2, Z, 8 or B/], // 2 is misread as Z
		['K7MOQP', /never has 0, O/],
		['K7M4Q!', /from ACDEFGHJKMNPQRTUVWXY34679\.$/]
	];
	for (const [typed, expected] of rows)
		it(`"${typed}"`, () => {
			const problem = codeProblem(typed, 'class code');
			if (expected === null) expect(problem).toBeNull();
			else expect(problem).toMatch(expected);
		});

	it('names the rejoin code when that is what was typed', () => {
		expect(codeProblem('', 'rejoin code')).toBe('Type the rejoin code.');
	});
});

describe('refusal', () => {
	const answer = (
		status: number,
		error: string | null = null,
		retryAfter: number | null = null
	) => ({
		status,
		error,
		retryAfter
	});
	// [request, status, the field it is shown beside]
	const rows: [Parameters<typeof refusal>[0], number, string][] = [
		['join', 400, 'nickname'],
		['join', 409, 'nickname'],
		['join', 404, 'code'],
		['join', 410, 'code'],
		['join', 403, 'code'],
		['join', 500, 'form'],
		['rejoin', 403, 'rejoinCode'],
		['rejoin', 429, 'rejoinCode'],
		['rejoin', 404, 'code'],
		['create', 400, 'name'],
		['create', 409, 'name'],
		['create', 429, 'name']
	];
	for (const [request, status, field] of rows)
		it(`${request} ${status} goes beside ${field}`, () => {
			expect(refusal(request, answer(status, 'said'), 'K7M4QP').field).toBe(field);
		});

	it('says an unknown or ended code in words the server did not give, with the code as read aloud', () => {
		expect(refusal('join', answer(404), 'K7M4QP').message).toMatch(
			/^No class has the code K7M 4QP:/
		);
		expect(refusal('join', answer(410), 'K7M4QP').message).toBe('The class K7M 4QP has ended.');
	});

	it("shows the server's own words when it gave some", () => {
		expect(refusal('join', answer(409, 'The nickname Ana is taken.'), 'K7M4QP').message).toBe(
			'The nickname Ana is taken.'
		);
		expect(
			refusal('join', answer(410, 'The class Networks (K7M4QP) has ended.'), 'K7M4QP').message
		).toBe('The class Networks (K7M4QP) has ended.');
		expect(refusal('join', answer(502), 'K7M4QP').message).toBe('The server answered 502.');
	});
});
