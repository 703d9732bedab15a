/**
 * Calls a class route (src/routes/api/classes/) in-process as SvelteKit would: a JSON body, the
 * client's address, and a cookie jar that records what the route set (the owner cookie a
 * teacher link or a rejoin hands over). The viewer is who src/hooks.server.ts found.
 */
import type { Viewer } from '../../server/owners/visibility';

export interface RouteAnswer {
	status: number;
	json: Record<string, unknown>;
	headers: Headers;
	/** Cookies the route set, by name. */
	cookies: Map<string, string>;
}

export async function classRoute<E>(
	handler: (event: E) => Response | Promise<Response>,
	options: {
		viewer: Viewer;
		params?: Record<string, string>;
		body?: unknown;
		address?: string;
	}
): Promise<RouteAnswer> {
	const cookies = new Map<string, string>();
	const request = new Request('http://lab.test/api/classes', {
		method: options.body === undefined ? 'GET' : 'POST',
		...(options.body === undefined
			? {}
			: { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) })
	});
	const response = await handler({
		params: options.params ?? {},
		locals: { viewer: options.viewer },
		request,
		cookies: { set: (name: string, value: string) => cookies.set(name, value) },
		getClientAddress: () => options.address ?? '192.0.2.1'
	} as unknown as E);
	return {
		status: response.status,
		json: (await response.json()) as Record<string, unknown>,
		headers: response.headers,
		cookies
	};
}
