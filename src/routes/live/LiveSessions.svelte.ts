import { LabSocket, type SocketStatus } from '$lib/client/LabSocket';
import type { SessionSummary } from '$lib/messages';
import { deleteFrom } from '$lib/operator';

/**
 * The live list of the sessions the visitor may see, from the bridge's watch-all stream: `removed`
 * when one left this visitor's view (deleted, or let go by its owner).
 */
export class LiveSessions {
	sessions = $state<SessionSummary[]>([]);
	status = $state<SocketStatus>('connecting');
	#socket: LabSocket;

	constructor() {
		this.#socket = new LabSocket();
		this.#socket.onStatus((status) => {
			this.status = status;
			// Re-subscribe after every reconnect: the snapshot replaces what we had.
			if (status === 'open') this.#socket.send({ type: 'watch-all' });
		});
		this.#socket.onMessage((message) => {
			if (message.type === 'snapshot') this.sessions = message.sessions;
			else if (message.type === 'session') this.#upsert(message.session);
			else if (message.type === 'message')
				this.#countMessage(message.message.sessionId, message.message.id);
			else if (message.type === 'cleared' && message.what === 'sessions')
				this.sessions = this.sessions.filter((s) => s.endedAt === null);
			else if (message.type === 'removed' && message.what === 'session')
				this.sessions = this.sessions.filter((s) => s.id !== message.id);
		});
	}

	#upsert(session: SessionSummary): void {
		const at = this.sessions.findIndex((s) => s.id === session.id);
		if (at >= 0) this.sessions[at] = session;
		else this.sessions = [session, ...this.sessions];
	}

	/** A new message names its session; the session's summary is not re-sent for it. */
	#countMessage(sessionId: string | null, messageId: string): void {
		const session = this.sessions.find((s) => s.id === sessionId);
		if (session && !session.messageIds.includes(messageId)) session.messageIds.push(messageId);
	}

	/**
	 * DELETE /api/sessions: the operator clears every ended session, a visitor lets go of their
	 * own ended ones; the broadcasts update the list. Returns how many the server removed.
	 */
	clear(): Promise<number> {
		return deleteFrom('/api/sessions');
	}

	close(): void {
		this.#socket.close();
	}
}
