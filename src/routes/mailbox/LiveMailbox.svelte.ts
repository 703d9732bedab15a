import { SvelteSet } from 'svelte/reactivity';
import { LabSocket, type SocketStatus } from '$lib/client/LabSocket';
import type { MessageSummary } from '$lib/messages';
import { deleteFrom } from '$lib/operator';

/**
 * Every message the visitor may see, kept current by the bridge's watch-all stream: a snapshot on
 * every (re)connect, then one `message` per new or changed message, `cleared` when the operator
 * emptied the store, `removed` when one left this visitor's view (deleted, or let go by its owner).
 */
export class LiveMailbox {
	messages = $state.raw<MessageSummary[]>([]);
	status = $state<SocketStatus>('connecting');
	/** Ids that arrived after the page opened, for a brief highlight. */
	readonly fresh = new SvelteSet<string>();
	#socket: LabSocket;

	constructor(initial: MessageSummary[]) {
		this.messages = initial;
		this.#socket = new LabSocket();
		this.#socket.onStatus((status) => {
			this.status = status;
			if (status === 'open') this.#socket.send({ type: 'watch-all' });
		});
		this.#socket.onMessage((message) => {
			if (message.type === 'snapshot') this.messages = message.messages;
			else if (message.type === 'message') this.#upsert(message.message);
			else if (message.type === 'cleared' && message.what === 'messages') this.messages = [];
			else if (message.type === 'removed' && message.what === 'message')
				this.messages = this.messages.filter((m) => m.id !== message.id);
		});
	}

	#upsert(message: MessageSummary): void {
		const at = this.messages.findIndex((m) => m.id === message.id);
		if (at >= 0) this.messages = this.messages.map((m, i) => (i === at ? message : m));
		else {
			this.messages = [message, ...this.messages];
			this.fresh.add(message.id);
		}
	}

	/**
	 * DELETE /api/messages: the operator empties the store, a visitor lets go of their own. The
	 * `cleared` or `removed` broadcasts then update every open page, this one included. Returns how
	 * many the server removed.
	 */
	clear(): Promise<number> {
		return deleteFrom('/api/messages');
	}

	close(): void {
		this.#socket.close();
	}
}
