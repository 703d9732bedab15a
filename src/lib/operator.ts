/**
 * What GET /api/operator answers (src/routes/api/operator/+server.ts): whether the visitor is the
 * operator, and the lab's VISIBILITY. Pages that delete (/mailbox, /live, /operator) load it, so
 * their buttons say truthfully what will happen: the operator clears everything, a visitor
 * deletes only their own.
 */
import type { Visibility } from '../../server/config';

export type { Visibility };

/** Everything in the lab, counted: shown to the operator only. */
export interface OperatorOverview {
	sessions: number;
	/** What "Clear every ended session" would delete (live sessions stay). */
	endedSessions: number;
	/** Open SMTP sessions (browser and mail programs). */
	liveSessions: number;
	messages: number;
	/** Owners known to the lab: those who own something, or whose personal login was made. */
	owners: number;
}

export interface ViewerStanding {
	operator: boolean;
	visibility: Visibility;
	/** The operator's only. */
	overview?: OperatorOverview;
}

/** GET /api/operator; a visitor in the default (open) lab if the server cannot say. */
export async function loadViewerStanding(fetch: typeof globalThis.fetch): Promise<ViewerStanding> {
	const response = await fetch('/api/operator');
	return response.ok
		? ((await response.json()) as ViewerStanding)
		: { operator: false, visibility: 'open' };
}

/** What a DELETE of /api/sessions or /api/messages answers. */
export interface Removal {
	ok: true;
	/** What the operator cleared, or what the visitor let go of (theirs alone, or shared with others). */
	removed: number;
}

/** DELETE from a page: how many the server removed, or the server's error as the exception. */
export async function deleteFrom(path: '/api/sessions' | '/api/messages'): Promise<number> {
	const response = await fetch(path, { method: 'DELETE' });
	const body = (await response.json().catch(() => ({}))) as Partial<Removal> & { error?: string };
	if (!response.ok) throw new Error(body.error ?? `the server answered ${response.status}`);
	return body.removed ?? 0;
}
