import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { answer, labApi } from '$lib/server/labAccess';

/** The sessions the visitor may see (server/owners/visibility.ts), newest first. */
export const GET: RequestHandler = ({ locals }) =>
	answer(() => json({ sessions: labApi().sessions(locals.viewer) }));

/** The operator clears every ended session; a visitor deletes their own (others keep theirs). */
export const DELETE: RequestHandler = ({ locals }) =>
	answer(() => json({ ok: true, removed: labApi().clearSessions(locals.viewer) }));
