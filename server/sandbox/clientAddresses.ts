/**
 * Browser sessions reach the sandbox over the server's own loopback connection, so the sandbox
 * would see 127.0.0.1 for all of them. The bridge registers each connection here, keyed by its
 * local port, before it connects; the sandbox takes the entry when it accepts the socket and
 * uses the browser's address for limits, greylisting and the recorded client address. This is
 * in-process, so nothing (such as XCLIENT) appears in the learner's transcript.
 */
export interface ClientIdentity {
	address: string;
	origin: 'browser';
	/** The id the bridge chose, so it can find the session it opened. */
	sessionId: string;
	/** The browser's owner (server/owners/): the session is theirs. */
	ownerId: string;
}

/**
 * What an in-process client says about the connection it is about to open, keyed by its local
 * port: the bridge's browser identities here, the outgoing queue's hops (server/hosts/).
 */
export class LocalPortRegistry<Identity> {
	#byPort = new Map<number, Identity>();
	#waiting = new Map<number, (identity: Identity) => void>();

	constructor(
		/** How long an unregistered loopback socket waits for the bridge to register it. */
		readonly waitMs = 50
	) {}

	register(localPort: number, identity: Identity): void {
		const waiter = this.#waiting.get(localPort);
		if (waiter) waiter(identity);
		else this.#byPort.set(localPort, identity);
	}

	forget(localPort: number): void {
		this.#byPort.delete(localPort);
	}

	/**
	 * The registered identity of an accepted socket. The server may accept a loopback socket a
	 * moment before the client learns its own local port, so an unknown loopback port waits
	 * briefly; any other socket is external at once.
	 */
	resolve(
		remoteAddress: string | undefined,
		remotePort: number | undefined
	): Promise<Identity | undefined> {
		if (remotePort === undefined || !isLoopback(remoteAddress)) return Promise.resolve(undefined);
		const known = this.#byPort.get(remotePort);
		if (known) {
			this.#byPort.delete(remotePort);
			return Promise.resolve(known);
		}
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.#waiting.delete(remotePort);
				resolve(undefined);
			}, this.waitMs);
			this.#waiting.set(remotePort, (identity) => {
				clearTimeout(timer);
				this.#waiting.delete(remotePort);
				resolve(identity);
			});
		});
	}
}

export class ClientAddressRegistry extends LocalPortRegistry<ClientIdentity> {}

export function isLoopback(address: string | undefined): boolean {
	if (!address) return false;
	const plain = address.replace(/^::ffff:/, '');
	return plain.startsWith('127.') || plain === '::1';
}
