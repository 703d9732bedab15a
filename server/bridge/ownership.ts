/**
 * Which browser owns which live SMTP session. The owner opens it, types into it and sees it
 * unmasked (its own credentials); a page that drops keeps its session for RESUME_GRACE_SECONDS
 * and gets it back with the resume token.
 */
import { randomBytes } from 'node:crypto';
import type { ListenerName, SessionEvent, SessionSummary } from '../../src/lib/messages';
import { listenersByName } from '../../src/lib/smtp/tables/systemEvents';
import { listenerRow } from '../../src/lib/listeners';
import type { LabConfig } from '../config';
import { newId } from '../ids';
import { createAnnotator } from '../recorder/annotator';
import type { ClientAddressRegistry } from '../sandbox/clientAddresses';
import type { LabStore } from '../store/labStore';
import { LoopbackSession, type LoopbackTarget } from './loopbackSession';
import type { Peer } from './peers';
import { ownerLimitRefusal, refusalReason } from './refusals';

/** Longest `input` accepted in one message: more than a screenful of pasted SMTP. */
export const MAX_INPUT_CHARS = 16 * 1024;

export interface OwnershipDeps {
	config: LabConfig;
	store: LabStore;
	clients: ClientAddressRegistry;
	target: (listener: ListenerName) => LoopbackTarget;
}

export class SessionOwnership {
	/** Live browser sessions by session id, including ones waiting for their browser to return. */
	readonly sessions = new Map<string, LoopbackSession>();
	#owners = new Map<string, Peer>();
	#ownedBy = new Map<Peer, LoopbackSession>();

	constructor(readonly deps: OwnershipDeps) {}

	ownerOf(sessionId: string): Peer | undefined {
		return this.#owners.get(sessionId);
	}

	open(peer: Peer, listener: ListenerName): void {
		const owned = this.#ownedBy.get(peer);
		if (owned && !owned.closed)
			return peer.send({
				type: 'error',
				message: 'this page already has an open session: close it first'
			});
		const held = this.#liveSessionsOf(peer.viewer.ownerId);
		if (held >= this.deps.config.maxSessionsPerOwner)
			return this.#refusedByOwnerLimit(peer, listener, held);
		const session = new LoopbackSession(
			listener,
			peer.address,
			peer.viewer.ownerId,
			this.deps.target(listener),
			this.deps.clients
		);
		this.sessions.set(session.id, session);
		this.#attach(peer, session);
		const stopWaiting = this.#whenRecorded(session.id, (summary) => {
			if (this.#ownedBy.get(peer) === session)
				peer.send({ type: 'opened', session: summary, resumeToken: session.resumeToken });
		});
		session.onGreeting((reply) => {
			// The sandbox records a session before it greets it: one it refused is never recorded.
			if (this.deps.store.sessions.has(session.id)) return;
			stopWaiting();
			this.#refused(session, reply);
		});
		session.onClose(() => {
			stopWaiting();
			const stored = this.deps.store.sessions.get(session.id);
			// A recorded session is forgotten when the store records its end (sessionChanged),
			// whose `closed` tells the owner why.
			if (stored?.summary.endedAt === null) return;
			this.#forget(session, stored ? null : 'connection closed');
		});
	}

	input(peer: Peer, data: string): void {
		const owned = this.#ownedBy.get(peer);
		if (!owned || owned.closed)
			return peer.send({
				type: 'error',
				message: 'no open session: send {"type":"open"} first'
			});
		if (data.length > MAX_INPUT_CHARS)
			return peer.send({
				type: 'error',
				message: `input too long: at most ${MAX_INPUT_CHARS} characters per message`
			});
		owned.write(data);
	}

	/** The page closes its session. */
	closeOwned(peer: Peer): void {
		this.#ownedBy.get(peer)?.close();
	}

	resume(peer: Peer, sessionId: string, token: string): void {
		const session = this.sessions.get(sessionId);
		if (!session || session.closed || !session.matches(token))
			return peer.send({ type: 'error', message: this.#cannotResume(sessionId, session) });
		const owned = this.#ownedBy.get(peer);
		if (owned && owned !== session && !owned.closed)
			return peer.send({
				type: 'error',
				message: 'this page already has an open session: close it first'
			});
		this.#attach(peer, session);
		const stored = this.deps.store.sessions.get(sessionId);
		if (!stored) return;
		peer.send({ type: 'opened', session: stored.summary, resumeToken: session.resumeToken });
		// Replay the whole session (owner view): the page rebuilds its view from seq 1.
		for (const event of stored.events) peer.sendEvent(sessionId, this.#ownerView(sessionId, event));
	}

	/**
	 * Why a resume fails. A session this instance does not run (several instances share one
	 * database: the page reached another than the one serving it) may have ended — its
	 * instance stopped, say — while its transcript stays; or it runs on another instance.
	 */
	#cannotResume(sessionId: string, session: LoopbackSession | undefined): string {
		const stored = this.deps.store.sessions.get(sessionId)?.summary;
		// Only a browser's session is resumed; another's (a mail program's) has no page to return to.
		if (session || stored?.origin !== 'browser')
			return 'cannot resume: the session has ended or the token is wrong';
		if (stored.endedAt !== null)
			return `cannot resume: the live session ended (${stored.endReason ?? 'ended'}); its transcript remains at /sessions/${sessionId}`;
		return `cannot resume here: the session runs on another instance of the lab, which alone holds its connection; its transcript, live, is at /sessions/${sessionId}`;
	}

	/** The store recorded a line of a session: its owner sees it at once, unmasked. */
	eventRecorded(sessionId: string, event: SessionEvent): void {
		this.#owners.get(sessionId)?.sendEvent(sessionId, this.#ownerView(sessionId, event));
	}

	/** The store recorded a change to a session: when it is the end, the owner is told why. */
	sessionChanged(session: SessionSummary): void {
		if (session.endedAt === null) return;
		this.#owners.get(session.id)?.send({
			type: 'closed',
			sessionId: session.id,
			reason: session.endReason ?? 'ended'
		});
		const live = this.sessions.get(session.id);
		if (live) this.#forget(live, null);
	}

	/**
	 * The peer's socket closed: it may come back (a dropped network, a reload), so its session is
	 * kept for RESUME_GRACE_SECONDS.
	 */
	release(peer: Peer): void {
		const session = this.#ownedBy.get(peer);
		this.#ownedBy.delete(peer);
		if (!session || this.#owners.get(session.id) !== peer) return;
		this.#owners.delete(session.id);
		session.graceTimer = setTimeout(
			() => session.close(),
			this.deps.config.resumeGraceSeconds * 1000
		);
		session.graceTimer.unref();
	}

	close(): void {
		for (const session of this.sessions.values()) session.close();
	}

	/** Calls `then` with the session's summary once the sandbox records it; returns the cancel. */
	#whenRecorded(sessionId: string, then: (summary: SessionSummary) => void): () => void {
		const existing = this.deps.store.sessions.get(sessionId);
		if (existing) {
			then(existing.summary);
			return () => undefined;
		}
		const stop = () => this.deps.store.off('session', onSession);
		const onSession = (summary: SessionSummary) => {
			if (summary.id !== sessionId) return;
			stop();
			then(summary);
		};
		this.deps.store.on('session', onSession);
		return stop;
	}

	/** The owner's browser sessions still open, including ones waiting for their page to return. */
	#liveSessionsOf(ownerId: string): number {
		let count = 0;
		for (const session of this.sessions.values())
			if (session.ownerId === ownerId && !session.closed) count++;
		return count;
	}

	/**
	 * The sandbox answered the connection with `reply` (421 at MAX_SESSIONS or
	 * MAX_SESSIONS_PER_ADDRESS) and closed it, without recording it: the bridge tells the page
	 * itself, as a session of one annotated line, and why, and what to do.
	 */
	#refused(session: LoopbackSession, reply: string): void {
		const owner = this.#owners.get(session.id);
		this.#forget(session, null);
		session.close();
		if (!owner) return;
		const annotation = createAnnotator(session.listener).annotate({
			dir: 'server',
			text: reply
		});
		this.#tellRefused(
			owner,
			session,
			{ dir: 'server', text: reply, annotation },
			refusalReason(reply, this.deps.config)
		);
	}

	/**
	 * The owner already holds MAX_SESSIONS_PER_OWNER: the bridge does not connect, and tells the
	 * page as the sandbox's refusals are told, with a system line in place of the 421.
	 */
	#refusedByOwnerLimit(peer: Peer, listener: ListenerName, held: number): void {
		const refusal = ownerLimitRefusal(this.deps.config, held);
		this.#tellRefused(
			peer,
			{
				id: newId(),
				listener,
				browserAddress: peer.address,
				resumeToken: randomBytes(18).toString('base64url')
			},
			{
				dir: 'system',
				kind: 'note',
				text: refusal.line,
				annotation: { title: refusal.title, summary: refusal.summary, rfc: [] }
			},
			refusal.reason
		);
	}

	/** A refused session reaches its page as `opened` already ended, its one line, and `closed`. */
	#tellRefused(
		peer: Peer,
		session: Pick<LoopbackSession, 'id' | 'listener' | 'browserAddress' | 'resumeToken'>,
		line: Pick<SessionEvent, 'dir' | 'kind' | 'text' | 'annotation'>,
		reason: string
	): void {
		const at = Date.now();
		const summary: SessionSummary = {
			id: session.id,
			listener: session.listener,
			protocol: listenerRow(session.listener).protocol,
			standsFor: listenersByName.get(session.listener)?.port ?? 0,
			origin: 'browser',
			clientAddress: session.browserAddress,
			startedAt: at,
			endedAt: at,
			endReason: reason,
			tls: null,
			authUser: null,
			messageIds: [],
			eventCount: 1,
			truncated: false
		};
		peer.send({ type: 'opened', session: summary, resumeToken: session.resumeToken });
		peer.sendEvent(session.id, { seq: 1, at, anomalies: [], ...line });
		peer.send({ type: 'closed', sessionId: session.id, reason });
	}

	/** The session is over: no page owns it any more. An unrecorded one is closed with `reason`. */
	#forget(session: LoopbackSession, reason: string | null): void {
		if (this.sessions.get(session.id) !== session) return;
		this.sessions.delete(session.id);
		const owner = this.#owners.get(session.id);
		this.#owners.delete(session.id);
		if (!owner || this.#ownedBy.get(owner) !== session) return;
		this.#ownedBy.delete(owner);
		if (reason) owner.send({ type: 'closed', sessionId: session.id, reason });
	}

	#attach(peer: Peer, session: LoopbackSession): void {
		const previous = this.#owners.get(session.id);
		if (previous && previous !== peer) {
			this.#ownedBy.delete(previous);
			previous.send({ type: 'closed', sessionId: session.id, reason: 'resumed in another page' });
		}
		if (session.graceTimer) clearTimeout(session.graceTimer);
		session.graceTimer = null;
		this.#ownedBy.set(peer, session);
		this.#owners.set(session.id, peer);
	}

	/** The event as its owner typed it: credentials the store masks for everyone else. */
	#ownerView(sessionId: string, event: SessionEvent): SessionEvent {
		const secret = this.deps.store.sessions.get(sessionId)?.secrets.get(event.seq);
		if (!secret) return event;
		return {
			...event,
			text: secret.text,
			anomalies: event.anomalies.filter((a) => a !== 'credentials-masked'),
			annotation: secret.annotation
		};
	}
}
