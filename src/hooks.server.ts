import type { IncomingMessage } from 'node:http';
import type { Handle, HandleServerError } from '@sveltejs/kit';
import { fromSiteOrigin } from '$lib/server/siteOrigin';

/** API requests from other origins that change state are refused with JSON (BAD-INPUTS W11). */
export const handle: Handle = async ({ event, resolve }) => {
	const { request, url } = event;
	if (url.pathname.startsWith('/api/') && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
		const origin = request.headers.get('origin');
		// Compare host and port only: without ORIGIN set, adapter-node assumes https for url, so a
		// same-origin page served over http would otherwise be refused. The host must be this
		// machine (DNS rebinding), as for the WebSocket.
		const localPort = (event.platform as { req?: IncomingMessage } | undefined)?.req?.socket
			.localPort;
		if (origin && !fromSiteOrigin(origin, url.host, process.env.ORIGIN, localPort))
			return new Response(JSON.stringify({ error: 'cross-origin request refused' }), {
				status: 403,
				headers: { 'content-type': 'application/json' }
			});
	}
	return resolve(event);
};

/** Never show a stack trace to a visitor. */
export const handleError: HandleServerError = ({ error, status }) => {
	if (status !== 404) console.error(error);
	return { message: status === 404 ? 'Not found' : 'Internal error' };
};
