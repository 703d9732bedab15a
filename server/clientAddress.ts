/**
 * Whose request is this? The one rule for the client address, used by the bridge (the address a
 * browser session is recorded, shown and limited under) and, through server/index.ts, by
 * SvelteKit's getClientAddress (the API's per-address limits).
 *
 * With TRUST_PROXY=N the server sits behind N proxies, each appending the address it saw to
 * X-Forwarded-For; the Nth address from the right was written by the outermost trusted proxy and
 * is the client's. Everything to its left came from the client and is ignored. Without
 * TRUST_PROXY the header is never read: anyone can send it.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The header server/index.ts sets on every request, overwriting whatever a client sent, and
 * adapter-node reads as ADDRESS_HEADER: SvelteKit then sees the address this module chose.
 */
export const CLIENT_ADDRESS_HEADER = 'x-smtp-lab-client-address';

/** The address without the IPv4-mapped prefix Node gives IPv4 peers of a dual-stack socket. */
export function plainAddress(address: string): string {
	return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}

/**
 * The client's address under the rule above, or `null` when TRUST_PROXY is set and the header
 * does not hold that many addresses (absent, too short, or not addresses).
 */
export function forwardedAddress(
	forwardedFor: string | string[] | undefined,
	trustProxy: number
): string | null {
	const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
	const entries = header.split(',').map((entry) => entry.trim());
	if (entries.length < trustProxy) return null;
	// The entries written by trusted proxies: each must be an address.
	const trusted = entries.slice(entries.length - trustProxy);
	if (!trusted.every((entry) => isIP(entry) !== 0)) return null;
	return plainAddress(trusted[0]);
}

export class ClientAddressRule {
	#warned = false;

	constructor(
		readonly trustProxy: number,
		readonly warn: (line: string) => void = (line) => console.warn(line)
	) {}

	/** The client's address for `req`; a malformed header falls back to the socket's address. */
	of(req: IncomingMessage): string {
		const socketAddress = plainAddress(req.socket.remoteAddress ?? '');
		if (this.trustProxy === 0) return socketAddress;
		const forwarded = forwardedAddress(req.headers['x-forwarded-for'], this.trustProxy);
		if (forwarded !== null) return forwarded;
		if (!this.#warned) {
			this.#warned = true;
			const header = JSON.stringify(String(req.headers['x-forwarded-for'] ?? '').slice(0, 200));
			this.warn(
				`SMTP Lab: TRUST_PROXY=${this.trustProxy}, but a request from ${socketAddress} had X-Forwarded-For ${header}, not ${this.trustProxy} address(es) written by trusted proxies: using ${socketAddress} instead. Set TRUST_PROXY to the number of proxies in front of the server. (Said once.)`
			);
		}
		return socketAddress;
	}
}
