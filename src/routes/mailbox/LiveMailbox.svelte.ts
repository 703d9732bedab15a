import { SvelteSet } from 'svelte/reactivity';
import { LabSocket, type SocketStatus } from '$lib/client/LabSocket';
import type { MessageSummary } from '$lib/messages';

/**
 * Every stored message, kept current by the bridge's watch-all stream: a snapshot on every
 * (re)connect, then one `message` per new or changed message, `cleared` when the store is emptied.
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

	/** Empties the store (DELETE /api/messages); the `cleared` broadcast updates every open page. */
	async clear(): Promise<void> {
		const response = await fetch('/api/messages', { method: 'DELETE' });
		if (!response.ok) throw new Error(`the server answered ${response.status}`);
		this.messages = [];
	}

	close(): void {
		this.#socket.close();
	}
}
