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
 *
 * A class's data (issue 15) is private to the class in BOTH modes: an item one of whose owners is
 * a student or former student of class C, or C's teacher when it was made since C began
 * (LabStore.classesOfItem), is visible to the operator, its owners, C's teacher, and C's students
 * when it is the teacher's (what the teacher shows the class) or C's spotlight session or a
 * message of it; and, like anything, to whoever opened a share link its owner made. Nobody else:
 * an open-mode visitor outside the class does not see it.
 */
import type { SessionSummary } from '../../src/lib/messages';
import type { Visibility } from '../config';
import type { LabStore, StoredMessage, StoredSession } from '../store/labStore';
import type { ClassRoom } from '../classes/classRoom';
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

	/**
	 * The viewer sees everything: the operator, or anyone in open mode while no class exists (the
	 * fast path every recorded event takes; a class's data is hidden from outsiders).
	 */
	seesAll(viewer: Viewer): boolean {
		return viewer.operator || (this.mode === 'open' && !this.store.classes.size);
	}

	session(viewer: Viewer, stored: StoredSession): boolean {
		if (this.seesAll(viewer)) return true;
		if (stored.owners.includes(viewer.ownerId) || this.sessionShared(viewer, stored)) return true;
		const classes = this.store.classesOfItem(stored.owners, stored.summary.startedAt);
		if (!classes.length) return this.mode === 'open';
		return classes.some((room) => this.#seesInClass(viewer, room, stored, stored.summary.id));
	}

	message(viewer: Viewer, stored: StoredMessage): boolean {
		if (this.seesAll(viewer)) return true;
		if (stored.owners.includes(viewer.ownerId) || this.messageShared(viewer, stored)) return true;
		const classes = this.store.classesOfItem(stored.owners, stored.summary.receivedAt);
		if (!classes.length) return this.mode === 'open';
		return classes.some((room) =>
			this.#seesInClass(viewer, room, stored, stored.summary.sessionId)
		);
	}

	/**
	 * A class member (not an owner) sees the class's item: the teacher all of it; a student what
	 * the teacher made since the class began, and the spotlight session with its mail.
	 */
	#seesInClass(
		viewer: Viewer,
		room: ClassRoom,
		stored: { owners: string[] },
		sessionId: string | null
	): boolean {
		if (room.teacherOwnerId === viewer.ownerId) return true;
		if (this.store.students.get(viewer.ownerId)?.classId !== room.id) return false;
		return (
			stored.owners.includes(room.teacherOwnerId) ||
			(sessionId !== null && sessionId === room.spotlight)
		);
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
