/**
 * Share links (issue 13): the owner of a session or message hands out `/share/<token>`, a
 * read-only link that works for whoever opens it until the owner revokes it. The token is the
 * link's only secret (128 random bits), since session and message ids are counters.
 */

export type ShareKind = 'session' | 'message';

/** A share link as its owner sees it: never the owner's id. */
export interface ShareLink {
	token: string;
	kind: ShareKind;
	itemId: string;
	/** `/share/<token>`: relative, so it follows the site's own origin. */
	url: string;
	createdAt: number;
}

/** How the viewer holds a session or message they can see (GET /api/sessions/:id, /api/messages/:id). */
export interface Standing {
	/** Theirs: they may share it and delete it. */
	mine: boolean;
	/** They read it through a share link they opened: read-only. */
	sharedWithYou: boolean;
}

/** 16 random bytes in base64url without padding: exactly 22 characters. */
export const SHARE_TOKEN = /^[A-Za-z0-9_-]{22}$/;

export function sharePath(token: string): string {
	return `/share/${token}`;
}

/** Where a redeemed link leads: the session's transcript or the message's page. */
export function sharedItemPath(kind: ShareKind, itemId: string): string {
	return kind === 'session' ? `/sessions/${itemId}` : `/mailbox/${itemId}`;
}
