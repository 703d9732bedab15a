/**
 * Who sees and deletes what: the one rule, read by the API routes and the WebSocket bridge alike.
 *
 * VISIBILITY=open (one teacher's laptop): everyone sees everything.
 * VISIBILITY=private (a public or classroom server):
 * - a session is visible to its owners: the browser that opened it, the owner its AUTH names,
 *   the owners of its recipients' personal domains (each of them);
 * - a message to the owner of the session that sent it and to the owners of its recipients;
 * - a share link's target to every owner who opened the link, until it is revoked or its maker
 *   lets go of the target (a shared session brings the messages it sent);
 * - unclaimed sessions and mail (no owner) to the operator only; the operator sees everything.
 * In both modes a visitor deletes only their own claim (server/store/labStore.ts releaseSession),
 * and only the operator clears everything.
 */
import type { SessionSummary } from '../../src/lib/messages';
import type { Visibility } from '../config';
import type { LabStore, StoredMessage, StoredSession } from '../store/labStore';
import type { Share } from './owner';

/** Who is asking: an owner (its browser's cookie), possibly signed in as the operator. */
export interface Viewer {
	/** Without a valid owner cookie (a script, a fresh client), a new owner who owns nothing yet. */
	ownerId: string;
	operator: boolean;
}

export class VisibilityRule {
	constructor(
		readonly mode: Visibility,
		readonly store: LabStore
	) {}

	/** Everyone sees everything: the open mode, or the operator. */
	seesAll(viewer: Viewer): boolean {
		return this.mode === 'open' || viewer.operator;
	}

	session(viewer: Viewer, stored: StoredSession): boolean {
		if (this.seesAll(viewer)) return true;
		return stored.owners.includes(viewer.ownerId) || this.sessionShared(viewer, stored);
	}

	message(viewer: Viewer, stored: StoredMessage): boolean {
		if (this.seesAll(viewer)) return true;
		return stored.owners.includes(viewer.ownerId) || this.messageShared(viewer, stored);
	}

	/**
	 * The session's summary as the viewer sees it: its message links only to the mail they may
	 * open, since a session can have more owners than each of its messages (an mx session that
	 * delivers to several personal domains). The stored summary itself when nothing is hidden.
	 */
	summaryFor(viewer: Viewer, stored: StoredSession): SessionSummary {
		if (this.seesAll(viewer)) return stored.summary;
		const { messageIds } = stored.summary;
		const visible = messageIds.filter((id) => {
			const message = this.store.messages.get(id);
			return message !== undefined && this.message(viewer, message);
		});
		return visible.length === messageIds.length
			? stored.summary
			: { ...stored.summary, messageIds: visible };
	}

	/** The viewer opened a share link to this session (in any mode). */
	sessionShared(viewer: Viewer, stored: StoredSession): boolean {
		return this.#granted(viewer.ownerId, 'session', stored);
	}

	/** The viewer opened a share link to this message, or to the session that sent it. */
	messageShared(viewer: Viewer, stored: StoredMessage): boolean {
		if (this.#granted(viewer.ownerId, 'message', stored)) return true;
		const sessionId = stored.summary.sessionId;
		const session = sessionId === null ? undefined : this.store.sessions.get(sessionId);
		return session !== undefined && this.#granted(viewer.ownerId, 'session', session);
	}

	/** A share speaks for its maker: it is in force only while they still own what it shares. */
	inForce(share: Share, stored: { owners: string[] }): boolean {
		return stored.owners.includes(share.ownerId);
	}

	/** The viewer's own (not merely shared with them): what they may share and delete. */
	owns(viewer: Viewer, stored: { owners: string[] }): boolean {
		return stored.owners.includes(viewer.ownerId);
	}

	#granted(
		ownerId: string,
		kind: 'session' | 'message',
		stored: StoredSession | StoredMessage
	): boolean {
		const tokens = this.store.grants.get(ownerId);
		if (!tokens) return false;
		for (const token of tokens) {
			const share = this.store.shares.get(token);
			if (
				share &&
				share.kind === kind &&
				share.itemId === stored.summary.id &&
				this.inForce(share, stored)
			)
				return true;
		}
		return false;
	}
}
