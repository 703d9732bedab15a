/**
 * The operator (issue 13): OPERATOR_TOKEN, or the token the lab made at its first start.
 * GET says whether this request is the operator's, and the lab's visibility (pages word their
 * buttons by it); the operator also gets the lab's counts. POST `{ "token": "…" }` signs this
 * browser in (an HttpOnly, SameSite=Lax cookie holding a MAC of the token, never the token
 * itself; it ends with the browser session); DELETE signs it out. Wrong tokens are limited per
 * client address (OPERATOR_TOKEN_FAILURES_PER_MINUTE, src/lib/server/operatorGate.ts).
 */
import { json } from '@sveltejs/kit';
import { OPERATOR_COOKIE, secureCookies } from '$lib/server/cookieNames';
import type { ViewerStanding } from '$lib/operator';
import { ApiError, answer, jsonError, labApi } from '$lib/server/labAccess';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals }) =>
	answer(() => {
		const api = labApi();
		const { operator } = locals.viewer;
		const standing: ViewerStanding = { operator, visibility: api.settings.visibility };
		if (operator) standing.overview = api.operatorOverview();
		return json(standing);
	});

export const POST: RequestHandler = ({ request, cookies, getClientAddress }) =>
	answer(async () => {
		const api = labApi();
		const token = tokenOf(await request.text());
		const address = getClientAddress();
		const wait = api.operatorGate.retryAfterSeconds(address);
		if (wait > 0)
			throw new ApiError(429, api.operatorGate.refusal(), { 'retry-after': String(wait) });
		const cookie = api.operatorSignIn(token);
		if (cookie === null) {
			api.operatorGate.failed(address);
			// RFC 9110 §15.5.2: a 401 names a scheme that would work; the API takes the token as a Bearer.
			return jsonError(401, 'wrong operator token', {
				'www-authenticate': 'Bearer realm="SMTP Lab operator"'
			});
		}
		cookies.set(OPERATOR_COOKIE, cookie, {
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: secureCookies()
		});
		return json({ ok: true, operator: true });
	});

/** Signs this browser out (like every DELETE, from this site's pages or with the bearer token). */
export const DELETE: RequestHandler = ({ cookies }) =>
	answer(() => {
		cookies.delete(OPERATOR_COOKIE, { path: '/', secure: secureCookies() });
		return json({ ok: true, operator: false });
	});

function tokenOf(body: string): string {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body);
	} catch {
		parsed = undefined;
	}
	const token = (parsed as { token?: unknown } | undefined)?.token;
	if (typeof token !== 'string' || token === '')
		throw new ApiError(400, 'the body must be JSON: { "token": "<operator token>" }');
	return token;
}
