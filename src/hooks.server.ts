import type { IncomingMessage } from 'node:http';
import type { Handle, HandleServerError } from '@sveltejs/kit';
import type { Cookies } from '@sveltejs/kit';
import {
	OPERATOR_COOKIE,
	OWNER_COOKIE,
	OWNER_COOKIE_MAX_AGE_SECONDS
} from '$lib/server/cookieNames';
import { runningLabApi } from '$lib/server/labAccess';
import { fromSiteOrigin } from '$lib/server/siteOrigin';

/** API requests from other origins that change state are refused with JSON (BAD-INPUTS W11). */
export const handle: Handle = async ({ event, resolve }) => {
	const { request, url } = event;
	// Kit answers a path it cannot percent-decode with its HTML error page; the API answers JSON.
	if (url.pathname.startsWith('/api/') && !decodablePath(url.pathname))
		return jsonError(400, 'malformed percent-encoding in the path');
	if (url.pathname.startsWith('/api/') && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
		const origin = request.headers.get('origin');
		// Compare host and port only: without ORIGIN set, adapter-node assumes https for url, so a
		// same-origin page served over http would otherwise be refused. The host must be this
		// machine (DNS rebinding), as for the WebSocket.
		const localPort = (event.platform as { req?: IncomingMessage } | undefined)?.req?.socket
			.localPort;
		if (origin && !fromSiteOrigin(origin, url.host, process.env.ORIGIN, localPort))
			return jsonError(403, 'cross-origin request refused');
	}
	identify(event.cookies, event.locals, request.headers.get('authorization'));
	return resolve(event);
};

/**
 * Every browser is an anonymous owner (server/owners/): a request without a valid owner cookie
 * gets a new one. Secure only where the site is served over https (ORIGIN says so), or a browser
 * on plain http would drop it.
 */
function identify(cookies: Cookies, locals: App.Locals, authorization: string | null): void {
	const api = runningLabApi();
	if (!api) return;
	const { viewer, newOwnerCookie } = api.access({
		ownerCookie: cookies.get(OWNER_COOKIE),
		operatorCookie: cookies.get(OPERATOR_COOKIE),
		authorization
	});
	locals.viewer = viewer;
	if (newOwnerCookie)
		cookies.set(OWNER_COOKIE, newOwnerCookie, {
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: (process.env.ORIGIN ?? '').startsWith('https:'),
			maxAge: OWNER_COOKIE_MAX_AGE_SECONDS
		});
}

/**
 * Never show a stack trace to a visitor. A 4xx is the visitor's mistake (a malformed or unknown
 * path): answered, not logged; only a server error is logged, with its stack.
 */
export const handleError: HandleServerError = ({ error, status, message }) => {
	if (status >= 500) console.error(error);
	return { message: status === 404 ? 'Not found' : status < 500 ? message : 'Internal error' };
};

function jsonError(status: number, message: string): Response {
	return new Response(JSON.stringify({ error: message }), {
		status,
		headers: { 'content-type': 'application/json' }
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
