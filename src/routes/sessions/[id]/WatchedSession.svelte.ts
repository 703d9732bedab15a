import { LabSocket, type SocketStatus } from '$lib/client/LabSocket';
import type { SessionEvent, SessionSummary } from '$lib/messages';

/**
 * One session's transcript and summary, loaded from the API and then followed live with
 * `watch … since`: the bridge sends its events and every change of its summary (TLS, AUTH
 * user, messages accepted).
 */
export class WatchedSession {
	summary: SessionSummary;
	events = $state<SessionEvent[]>([]);
	ended = $state<string | null>(null);
	status = $state<SocketStatus>('connecting');
	#socket: LabSocket;

	constructor(
		readonly id: string,
		summary: SessionSummary,
		initial: SessionEvent[]
	) {
		this.summary = $state.raw(summary);
		this.events = initial;
		this.ended = summary.endedAt === null ? null : (summary.endReason ?? 'ended');
		this.#socket = new LabSocket();
		this.#socket.onStatus((status) => {
			this.status = status;
			if (status === 'open') {
				const since = this.events.at(-1)?.seq ?? 0;
				this.#socket.send({ type: 'watch', sessionId: id, since });
			}
		});
		this.#socket.onMessage((message) => {
			if (message.type === 'event' && message.sessionId === id) {
				const last = this.events.at(-1)?.seq ?? 0;
				if (message.event.seq > last) this.events.push(message.event);
			} else if (message.type === 'session' && message.session.id === id) {
				this.summary = message.session;
			} else if (message.type === 'message' && message.message.sessionId === id) {
				const { messageIds } = this.summary;
				if (!messageIds.includes(message.message.id))
					this.summary = { ...this.summary, messageIds: [...messageIds, message.message.id] };
			} else if (message.type === 'closed' && message.sessionId === id) {
				this.ended = message.reason;
			}
		});
	}

	close(): void {
		this.#socket.close();
	}
}
