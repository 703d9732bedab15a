/**
 * How API routes reach the running lab: the one object server/lab.ts registers on globalThis.
 * Routes never touch sockets; they read and clear the store.
 */
import { json } from '@sveltejs/kit';
import type { Lab } from '../../../server/lab';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string
	) {
		super(message);
	}
}

/** Same key as server/lab.ts's LAB_KEY; read here without importing the server's code into Kit. */
const LAB_KEY = Symbol.for('smtp-lab.lab');

export function lab(): Lab {
	const running = (globalThis as Record<symbol, unknown>)[LAB_KEY] as Lab | undefined;
	if (!running) throw new ApiError(503, 'the sandbox is not running');
	return running;
}

export function checkId(id: string, what: string): string {
	if (!ID.test(id)) throw new ApiError(400, `malformed ${what} id`);
	return id;
}

export function jsonError(status: number, message: string): Response {
	return json({ error: message }, { status });
}

/** Runs a route body; ApiErrors become their JSON error, anything else a 500 without a stack. */
export async function answer(body: () => Response | Promise<Response>): Promise<Response> {
	try {
		return await body();
	} catch (error) {
		if (error instanceof ApiError) return jsonError(error.status, error.message);
		console.error(error);
		return jsonError(500, 'internal error');
	}
}
