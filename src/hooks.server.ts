import type { IncomingMessage } from 'node:http';
import type { Handle, HandleServerError } from '@sveltejs/kit';
import type { Cookies } from '@sveltejs/kit';
import { OPERATOR_COOKIE, OWNER_COOKIE, ownerCookieOptions } from '$lib/server/cookieNames';
import { runningLabApi } from '$lib/server/labAccess';
import { fromSiteOrigin } from '$lib/server/siteOrigin';

/** What a DELETE under /api/ must carry (issue 13): a curl without either deletes nothing. */
const DELETE_NEEDS =
	'deleting needs the owner cookie sent by a page of this site (with its Origin header), or Authorization: Bearer <operator token>';

/** An Authorization header naming the Bearer scheme, in any case (RFC 9110 §11.1). */
const BEARER = /^Bearer\s/i;

/**
 * API requests from other origins that change state are refused with JSON (BAD-INPUTS W11).
 * A DELETE under /api/ also needs to say who it is (issue 13): the operator's bearer token, or a
 * page of this site (its Origin header) with a valid owner cookie, which then deletes only that
 * owner's own. A request without an Origin header is a script, not a page: it is not trusted.
 */
export const handle: Handle = async ({ event, resolve }) => {
	const { request, url } = event;
	const isApi = url.pathname.startsWith('/api/');
	// Kit answers a path it cannot percent-decode with its HTML error page; the API answers JSON.
	if (isApi && !decodablePath(url.pathname))
		return jsonError(400, 'malformed percent-encoding in the path');
	let fromSitePage = false;
	if (isApi && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
		const origin = request.headers.get('origin');
		// Compare host and port only: without ORIGIN set, adapter-node assumes https for url, so a
		// same-origin page served over http would otherwise be refused. The host must be this
		// machine (DNS rebinding), as for the WebSocket.
		const localPort = (event.platform as { req?: IncomingMessage } | undefined)?.req?.socket
			.localPort;
		if (origin && !fromSiteOrigin(origin, url.host, process.env.ORIGIN, localPort))
			return jsonError(403, 'cross-origin request refused');
		fromSitePage = origin !== null;
	}
	const api = runningLabApi();
	const authorization = request.headers.get('authorization');
	let operatorBearer = false;
	if (isApi && api && BEARER.test(authorization ?? '')) {
		// A token is a claim to be the operator: a wrong one is answered and counted per address.
		const address = event.getClientAddress();
		const wait = api.operatorGate.retryAfterSeconds(address);
		if (wait > 0)
			return jsonError(429, api.operatorGate.refusal(), { 'retry-after': String(wait) });
		if (!api.isOperatorBearer(authorization)) {
			api.operatorGate.failed(address);
			// RFC 9110 §15.5.2: a 401 names the scheme to use; RFC 6750 §3.1: invalid_token.
			return jsonError(401, 'wrong operator token (Authorization: Bearer)', {
				'www-authenticate': 'Bearer realm="SMTP Lab operator", error="invalid_token"'
			});
		}
		operatorBearer = true;
	}
	const knownOwner = identify(event.cookies, event.locals, authorization);
	if (isApi && request.method === 'DELETE') {
		if (!api) return jsonError(503, 'the sandbox is not running');
		if (!operatorBearer && !(fromSitePage && knownOwner)) return jsonError(403, DELETE_NEEDS);
	}
	return resolve(event);
};

/**
 * Every browser is an anonymous owner (server/owners/): a request without a valid owner cookie
 * gets a new one. True when the request came with a valid owner cookie.
 */
function identify(cookies: Cookies, locals: App.Locals, authorization: string | null): boolean {
	const api = runningLabApi();
	if (!api) return false;
	const { viewer, newOwnerCookie } = api.access({
		ownerCookie: cookies.get(OWNER_COOKIE),
		operatorCookie: cookies.get(OPERATOR_COOKIE),
		authorization
	});
	locals.viewer = viewer;
	locals.knownOwner = newOwnerCookie === null;
	if (newOwnerCookie) cookies.set(OWNER_COOKIE, newOwnerCookie, ownerCookieOptions());
	return newOwnerCookie === null;
}

/**
 * Never show a stack trace to a visitor. A 4xx is the visitor's mistake (a malformed or unknown
 * path): answered, not logged; only a server error is logged, with its stack.
 */
export const handleError: HandleServerError = ({ error, status, message }) => {
	if (status >= 500) console.error(error);
	return { message: status === 404 ? 'Not found' : status < 500 ? message : 'Internal error' };
};

function jsonError(
	status: number,
	message: string,
	headers: Record<string, string> = {}
): Response {
	return new Response(JSON.stringify({ error: message }), {
		status,
		headers: { 'content-type': 'application/json', ...headers }
	});
}

function decodablePath(pathname: string): boolean {
	try {
		decodeURI(pathname);
		return true;
	} catch {
		return false;
	}
}
