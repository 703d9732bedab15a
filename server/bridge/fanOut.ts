/**
 * What browsers watch: one session's lines (`watch`), or the lists of sessions and messages
 * (`watch-all`). What the store records is serialised once and written to every watcher with its
 * next frame (Peer WATCHER_FLUSH_MS); a session's owner gets its lines from SessionOwnership.
 * Each browser gets only what the visibility rule (server/owners/visibility.ts) lets it see; a
 * session it may not see is answered as one that does not exist.
 */
import type {
	MessageSummary,
	ServerMessage,
	SessionEvent,
	SessionSummary
} from '../../src/lib/messages';
import type { VisibilityRule } from '../owners/visibility';
import type { LabStore } from '../store/labStore';
import type { Peer } from './peers';

export class FanOut {
	/** Who watches each session's lines. */
	#watchers = new Map<string, Set<Peer>>();
	/** Who follows the lists of sessions and messages. */
	#watchingAll = new Set<Peer>();

	constructor(
		readonly store: LabStore,
		readonly visibility: VisibilityRule,
		readonly ownerOf: (sessionId: string) => Peer | undefined
	) {}

	watch(peer: Peer, sessionId: string, since: number): void {
		const stored = this.store.sessions.get(sessionId);
		if (!stored || !this.visibility.session(peer.viewer, stored))
			return peer.send({ type: 'error', message: `unknown session ${sessionId}` });
		let set = this.#watchers.get(sessionId);
		if (!set) this.#watchers.set(sessionId, (set = new Set()));
		set.add(peer);
		// The summary as it is now; later changes follow as `session` messages.
		peer.send({ type: 'session', session: this.visibility.summaryFor(peer.viewer, stored) });
		for (const event of stored.events) if (event.seq > since) peer.sendEvent(sessionId, event);
		if (stored.summary.endedAt !== null)
			peer.send({ type: 'closed', sessionId, reason: stored.summary.endReason ?? 'ended' });
	}

	unwatch(peer: Peer, sessionId: string): void {
		this.#watchers.get(sessionId)?.delete(peer);
	}

	watchAll(peer: Peer): void {
		this.#watchingAll.add(peer);
		const { visibility, store } = this;
		const all = visibility.seesAll(peer.viewer);
		peer.send({
			type: 'snapshot',
			sessions: all
				? store.listSessions()
				: [...store.sessions.values()]
						.filter((s) => visibility.session(peer.viewer, s))
						.map((s) => visibility.summaryFor(peer.viewer, s))
						.reverse(),
			messages: all
				? store.listMessages()
				: [...store.messages.values()]
						.filter((m) => visibility.message(peer.viewer, m))
						.map((m) => m.summary)
						.reverse()
		});
	}

	/** The peer's socket closed. */
	drop(peer: Peer): void {
		this.#watchingAll.delete(peer);
		for (const watchers of this.#watchers.values()) watchers.delete(peer);
	}

	eventRecorded(sessionId: string, event: SessionEvent): void {
		const watchers = this.#watchers.get(sessionId);
		if (!watchers?.size) return;
		// Serialised now, while the event is fresh in memory, and encoded to UTF-8 once for all
		// watchers: a Buffer is written as it is, a string would be encoded per socket.
		const payload = Buffer.from(
			JSON.stringify({ type: 'event', sessionId, event } satisfies ServerMessage)
		);
		const owner = this.ownerOf(sessionId);
		for (const watcher of watchers) if (watcher !== owner) watcher.sendSerialised(payload, 'frame');
	}

	sessionChanged(session: SessionSummary): void {
		const payload = JSON.stringify({ type: 'session', session } satisfies ServerMessage);
		const stored = this.store.sessions.get(session.id);
		// Serialised once for all who see the summary whole; again for one whose message links
		// leave out mail they may not open (VisibilityRule.summaryFor).
		const toPeer = (peer: Peer): void => {
			if (this.visibility.seesAll(peer.viewer)) return peer.sendSerialised(payload, 'frame');
			if (!stored || !this.visibility.session(peer.viewer, stored)) return;
			const own = this.visibility.summaryFor(peer.viewer, stored);
			peer.sendSerialised(
				own === stored.summary
					? payload
					: JSON.stringify({ type: 'session', session: own } satisfies ServerMessage),
				'frame'
			);
		};
		this.#watchingAll.forEach(toPeer);
		// A session's own page follows its summary too (TLS, AUTH user, message links).
		for (const watcher of this.#watchers.get(session.id) ?? [])
			if (!this.#watchingAll.has(watcher)) toPeer(watcher);
		if (session.endedAt === null) return;
		const closed = JSON.stringify({
			type: 'closed',
			sessionId: session.id,
			reason: session.endReason ?? 'ended'
		} satisfies ServerMessage);
		const owner = this.ownerOf(session.id);
		for (const watcher of this.#watchers.get(session.id) ?? [])
			if (watcher !== owner) watcher.sendSerialised(closed, 'frame');
	}

	messageAdded(message: MessageSummary): void {
		// Without the MX's authentication report: lists and session pages do not draw it, and it
		// is often larger than the rest of the summary; the message page and GET /api/messages
		// have it.
		const payload = JSON.stringify({
			type: 'message',
			message: { ...message, authentication: undefined }
		} satisfies ServerMessage);
		const stored = this.store.messages.get(message.id);
		this.#toListWatchers(
			payload,
			(peer) => !!stored && this.visibility.message(peer.viewer, stored)
		);
		// The store sends no summary change per message (see addMessage): a session's own page
		// learns of its messages from the messages themselves. A session may be seen by more
		// owners than its mail (an mx session delivering to several owners): each gets its own.
		if (message.sessionId)
			this.#toSessionWatchers(
				message.sessionId,
				payload,
				(peer) => !!stored && this.visibility.message(peer.viewer, stored)
			);
	}

	cleared(what: 'sessions' | 'messages'): void {
		this.#toListWatchers(JSON.stringify({ type: 'cleared', what } satisfies ServerMessage));
	}

	/**
	 * An owner let go of a session or message: it leaves the lists of those who no longer see it
	 * (everyone, when it was deleted).
	 */
	removed(what: 'session' | 'message', id: string, deleted: boolean): void {
		const payload = JSON.stringify({ type: 'removed', what, id } satisfies ServerMessage);
		const session = this.store.sessions.get(id);
		const message = this.store.messages.get(id);
		for (const peer of this.#watchingAll) {
			const sees = deleted
				? false
				: what === 'session'
					? !!session && this.visibility.session(peer.viewer, session)
					: !!message && this.visibility.message(peer.viewer, message);
			if (!sees) peer.sendSerialised(payload, 'frame');
		}
	}

	/** To every list watcher that `sees` (all of them when the viewer sees everything). */
	#toListWatchers(payload: string, sees?: (peer: Peer) => boolean): void {
		for (const peer of this.#watchingAll)
			if (!sees || this.visibility.seesAll(peer.viewer) || sees(peer))
				peer.sendSerialised(payload, 'frame');
	}

	/** To the session's watchers that `sees`; those who watch the lists already got it there. */
	#toSessionWatchers(sessionId: string, payload: string, sees?: (peer: Peer) => boolean): void {
		for (const watcher of this.#watchers.get(sessionId) ?? [])
			if (!this.#watchingAll.has(watcher) && (!sees || sees(watcher)))
				watcher.sendSerialised(payload, 'frame');
	}
}
