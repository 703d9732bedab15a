import type net from 'node:net';

/** Below this many, destroyed sockets are not swept out: too few to matter. */
const FIRST_SWEEP_AT = 64;

/**
 * The accepted sockets still open, so shutdown can destroy what a 421 did not close. A socket
 * leaves on its 'close' event, or, when someone removed that listener — smtp-server's STARTTLS
 * removes every listener from the socket it upgrades — at the next sweep, which runs whenever
 * the set has doubled since the last: the set stays within twice the open sockets (plus a few),
 * at a constant cost per socket.
 */
export class OpenSockets {
	#sockets = new Set<net.Socket>();
	#sweepAt = FIRST_SWEEP_AT;

	add(socket: net.Socket): void {
		this.#sockets.add(socket);
		socket.once('close', () => this.#sockets.delete(socket));
		if (this.#sockets.size < this.#sweepAt) return;
		for (const open of this.#sockets) if (open.destroyed) this.#sockets.delete(open);
		this.#sweepAt = Math.max(FIRST_SWEEP_AT, 2 * this.#sockets.size);
	}

	get size(): number {
		return this.#sockets.size;
	}

	destroyAll(): void {
		for (const socket of this.#sockets) socket.destroy();
	}
}
