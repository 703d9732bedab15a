import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { answer, labApi } from '$lib/server/labAccess';

/** The messages the visitor may see (server/owners/visibility.ts), newest first. */
export const GET: RequestHandler = ({ locals }) =>
	answer(() => json({ messages: labApi().messages(locals.viewer) }));

/** The operator clears every message; a visitor deletes their own (others keep theirs). */
export const DELETE: RequestHandler = ({ locals }) =>
	answer(() => json({ ok: true, removed: labApi().clearMessages(locals.viewer) }));
