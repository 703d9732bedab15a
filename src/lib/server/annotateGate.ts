/**
 * Admission to POST /api/annotate per client address: at most `concurrentPerAddress` requests
 * at once and `requestsPerMinute` in any minute (0: no limit). Past either the answer is 429
 * with Retry-After (RFC 6585 §4). Annotating is CPU work on the server's one event loop, so
 * one address looping on it must not take the loop from everyone else.
 */
export interface AnnotateLimits {
	/** ANNOTATE_CONCURRENT_PER_ADDRESS */
	concurrentPerAddress: number;
	/** ANNOTATE_REQUESTS_PER_MINUTE */
	requestsPerMinute: number;
}

export type Admission =
	| { admitted: true; release(): void }
	| { admitted: false; error: string; retryAfterSeconds: number };

const MINUTE_MS = 60_000;
/** Past this many addresses, addresses with nothing in the last minute are forgotten. */
const SWEEP_ABOVE_ADDRESSES = 10_000;

export class AnnotateGate {
	#active = new Map<string, number>();
	/** Start times of each address's requests in the last minute, oldest first. */
	#recent = new Map<string, number[]>();

	constructor(
		readonly limits: AnnotateLimits,
		readonly now: () => number = Date.now
	) {}

	admit(address: string): Admission {
		const { concurrentPerAddress, requestsPerMinute } = this.limits;
		const now = this.now();
		const recent = (this.#recent.get(address) ?? []).filter((t) => t > now - MINUTE_MS);
		if (requestsPerMinute > 0 && recent.length >= requestsPerMinute) {
			this.#recent.set(address, recent);
			return {
				admitted: false,
				error: `more than ${requestsPerMinute} requests a minute from one address (ANNOTATE_REQUESTS_PER_MINUTE)`,
				retryAfterSeconds: Math.max(1, Math.ceil((recent[0] + MINUTE_MS - now) / 1000))
			};
		}
		const active = this.#active.get(address) ?? 0;
		if (concurrentPerAddress > 0 && active >= concurrentPerAddress)
			return {
				admitted: false,
				error: `more than ${concurrentPerAddress} requests at once from one address (ANNOTATE_CONCURRENT_PER_ADDRESS)`,
				retryAfterSeconds: 1
			};
		if (this.#recent.size > SWEEP_ABOVE_ADDRESSES) this.#sweep(now);
		recent.push(now);
		this.#recent.set(address, recent);
		this.#active.set(address, active + 1);
		let released = false;
		return {
			admitted: true,
			release: () => {
				if (released) return;
				released = true;
				const left = (this.#active.get(address) ?? 1) - 1;
				if (left > 0) this.#active.set(address, left);
				else this.#active.delete(address);
			}
		};
	}

	#sweep(now: number): void {
		for (const [address, times] of this.#recent)
			if (!times.some((t) => t > now - MINUTE_MS)) this.#recent.delete(address);
	}
}
