/**
 * How API routes reach the running lab: the one narrow interface (server/labApi.ts) that the lab
 * registers on globalThis. Routes import from server/ only types (a test checks it): no
 * server code is bundled into SvelteKit's output.
 */
import { json } from '@sveltejs/kit';
import type { LabApi } from '../../../server/labApi';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		/** Extra response headers (Retry-After with a 429). */
		readonly headers: Record<string, string> = {}
	) {
		super(message);
	}
}

/** Same key as server/labApi.ts's LAB_API_KEY; read here without importing the server's code. */
const LAB_API_KEY = Symbol.for('smtp-lab.api');

export function labApi(): LabApi {
	const running = runningLabApi();
	if (!running) throw new ApiError(503, 'the sandbox is not running');
	return running;
}

/** The lab's interface, or undefined while it is not running. */
export function runningLabApi(): LabApi | undefined {
	return (globalThis as Record<symbol, unknown>)[LAB_API_KEY] as LabApi | undefined;
}

export function checkId(id: string, what: string): string {
	if (!ID.test(id)) throw new ApiError(400, `malformed ${what} id`);
	return id;
}

export function jsonError(
	status: number,
	message: string,
	headers: Record<string, string> = {}
): Response {
	return json({ error: message }, { status, headers });
}

/** Runs a route body; ApiErrors become their JSON error, anything else a 500 without a stack. */
export async function answer(body: () => Response | Promise<Response>): Promise<Response> {
	try {
		return await body();
	} catch (error) {
		if (error instanceof ApiError) return jsonError(error.status, error.message, error.headers);
		console.error(error);
		return jsonError(500, 'internal error');
	}
}
