import type { Handle, HandleServerError } from '@sveltejs/kit';

/** API requests from other origins that change state are refused with JSON (BAD-INPUTS W11). */
export const handle: Handle = async ({ event, resolve }) => {
	const { request, url } = event;
	if (url.pathname.startsWith('/api/') && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
		const origin = request.headers.get('origin');
		if (origin && origin !== url.origin)
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
