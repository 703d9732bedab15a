import { parseServerMessage, type ClientMessage, type ServerMessage } from '../messages';

export type SocketStatus = 'connecting' | 'open' | 'closed';

/**
 * The browser's end of the WebSocket bridge (/ws). Validates every server message, reconnects
 * with backoff after a drop, and tells its owner when it is open again so the owner can `resume`
 * its SMTP session or re-`watch` what it was watching.
 */
export class LabSocket {
	#ws: WebSocket | null = null;
	#url: string;
	#retry = 0;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#stopped = false;
	#listeners = new Set<(message: ServerMessage) => void>();
	#statusListeners = new Set<(status: SocketStatus) => void>();
	status: SocketStatus = 'connecting';

	constructor(url?: string) {
		this.#url = url ?? LabSocket.defaultUrl();
		this.#connect();
	}

	static defaultUrl(): string {
		const { protocol, host } = window.location;
		return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/ws`;
	}

	onMessage(listener: (message: ServerMessage) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	onStatus(listener: (status: SocketStatus) => void): () => void {
		this.#statusListeners.add(listener);
		listener(this.status);
		return () => this.#statusListeners.delete(listener);
	}

	send(message: ClientMessage): boolean {
		if (this.#ws?.readyState !== WebSocket.OPEN) return false;
		this.#ws.send(JSON.stringify(message));
		return true;
	}

	/** Drops the current connection as a network failure would; the socket reconnects. */
	drop(): void {
		this.#ws?.close(4000, 'dropped');
	}

	close(): void {
		this.#stopped = true;
		if (this.#timer) clearTimeout(this.#timer);
		this.#ws?.close(1000, 'bye');
	}

	#setStatus(status: SocketStatus): void {
		this.status = status;
		for (const listener of this.#statusListeners) listener(status);
	}

	#connect(): void {
		this.#setStatus('connecting');
		const ws = new WebSocket(this.#url);
		this.#ws = ws;
		ws.addEventListener('open', () => {
			this.#retry = 0;
			this.#setStatus('open');
		});
		ws.addEventListener('message', (event) => {
			if (typeof event.data !== 'string') return;
			const parsed = parseServerMessage(event.data);
			if (!parsed.ok) return;
			for (const listener of this.#listeners) listener(parsed.value);
		});
		ws.addEventListener('close', () => {
			if (this.#ws !== ws) return;
			this.#setStatus('closed');
			if (this.#stopped) return;
			// Backoff keeps a restarting server from being hammered by every open tab.
			const delay = Math.min(5000, 250 * 2 ** this.#retry++);
			this.#timer = setTimeout(() => this.#connect(), delay);
		});
	}
}
