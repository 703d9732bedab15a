import { json } from '@sveltejs/kit';
import { answer, labApi } from '$lib/server/labAccess';
import type { RequestHandler } from './$types';

/** The domains this browser may edit the TXT records of: its personal domain, its classes'. */
export const GET: RequestHandler = ({ locals }) =>
	answer(async () =>
		json(
			{ zones: await labApi().zones.list(locals.viewer, locals.knownOwner) },
			{ headers: { 'cache-control': 'private, no-store' } }
		)
	);
