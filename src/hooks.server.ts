import type { Handle, HandleServerError } from '@sveltejs/kit';

/** API requests from other origins that change state are refused with JSON (BAD-INPUTS W11). */
export const handle: Handle = async ({ event, resolve }) => {
	const { request, url } = event;
	if (url.pathname.startsWith('/api/') && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
		const origin = request.headers.get('origin');
		// Compare host and port only: without ORIGIN set, adapter-node assumes https for url, so a
		// same-origin page served over http would otherwise be refused.
		if (origin && hostOf(origin) !== url.host)
			return new Response(JSON.stringify({ error: 'cross-origin request refused' }), {
				status: 403,
				headers: { 'content-type': 'application/json' }
			});
	}
	return resolve(event);
};

function hostOf(origin: string): string | null {
	try {
		return new URL(origin).host;
	} catch {
		return null;
	}
}

/** Never show a stack trace to a visitor. */
export const handleError: HandleServerError = ({ error, status }) => {
	if (status !== 404) console.error(error);
	return { message: status === 404 ? 'Not found' : 'Internal error' };
};
