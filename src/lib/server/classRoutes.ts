/**
 * What the class routes (src/routes/api/classes/, issue 15) share: reading a JSON body's text
 * fields, answering a ClassResult (server/classes/classApi.ts) as JSON or `{ error }` with its
 * status, and setting the owner cookie when an answer makes this browser a teacher or student.
 */
import { json, type Cookies } from '@sveltejs/kit';
import type { ClassResult } from '../../../server/classes/classApi';
import { OWNER_COOKIE, ownerCookieOptions } from './cookieNames';
import { ApiError } from './labAccess';

/** A body's fields, each a string; anything else is a 400 saying what was expected. */
export async function textFields<K extends string>(
	request: Request,
	names: readonly K[]
): Promise<Record<K, string>> {
	const expected = `the body must be JSON: { ${names.map((n) => `"${n}": "…"`).join(', ')} }`;
	let parsed: unknown;
	try {
		parsed = JSON.parse(await request.text());
	} catch {
		throw new ApiError(400, expected);
	}
	const fields = {} as Record<K, string>;
	for (const name of names) {
		const value = (parsed as Record<string, unknown> | null)?.[name];
		if (typeof value !== 'string') throw new ApiError(400, expected);
		fields[name] = value;
	}
	return fields;
}

/** The answer, or else the refusal thrown as `{ error }` with its status (a 429 with Retry-After). */
export function classAnswer<T>(result: ClassResult<T>): T {
	if (!result.ok)
		throw new ApiError(
			result.status,
			result.error,
			result.retryAfterSeconds ? { 'retry-after': String(result.retryAfterSeconds) } : {}
		);
	return result.value;
}

/** Answers JSON and makes this browser the owner the answer names (teacher link, rejoin). */
export function asOwner<T>(
	result: ClassResult<{ answer: T; ownerCookie: string }>,
	cookies: Cookies
): Response {
	const { answer, ownerCookie } = classAnswer(result);
	cookies.set(OWNER_COOKIE, ownerCookie, ownerCookieOptions());
	return json(answer);
}
