/**
 * Guessing the operator token, per client address: after `failuresPerMinute` wrong tokens in a
 * minute (at POST /api/operator or as `Authorization: Bearer`), the address may not try again
 * until the oldest failure is a minute old (429 with Retry-After, RFC 6585 §4). While it waits,
 * no token it sends is compared, so the answer tells nothing. A made token has 144 random bits
 * and cannot be guessed anyway; OPERATOR_TOKEN may be a weaker one chosen by a person. An
 * operator already signed in (the cookie) is never held up: only token attempts count.
 */

const MINUTE_MS = 60_000;
/** Past this many addresses, addresses with no failure in the last minute are forgotten. */
const SWEEP_ABOVE_ADDRESSES = 10_000;

/**
 * Wrong secrets per client address in the last minute; the operator token's limit, and a class's
 * rejoin codes' (CLASS_REJOIN_FAILURES_PER_MINUTE, server/classes/classApi.ts).
 */
export class FailureGate {
	/** Times of each address's wrong tokens in the last minute, oldest first. */
	#failures = new Map<string, number[]>();

	constructor(
		/** OPERATOR_TOKEN_FAILURES_PER_MINUTE, CLASS_REJOIN_FAILURES_PER_MINUTE (0: no limit). */
		readonly failuresPerMinute: number,
		readonly now: () => number = Date.now
	) {}

	/** Seconds `address` must wait before its next token is compared, or 0 when it may try now. */
	retryAfterSeconds(address: string): number {
		if (this.failuresPerMinute === 0) return 0;
		const now = this.now();
		const recent = this.#recent(address, now);
		if (recent.length < this.failuresPerMinute) return 0;
		return Math.max(1, Math.ceil((recent[0] + MINUTE_MS - now) / 1000));
	}

	/** A wrong token from `address`. */
	failed(address: string): void {
		if (this.failuresPerMinute === 0) return;
		const now = this.now();
		if (this.#failures.size > SWEEP_ABOVE_ADDRESSES) this.#sweep(now);
		this.#failures.set(address, [...this.#recent(address, now), now]);
	}

	#recent(address: string, now: number): number[] {
		return (this.#failures.get(address) ?? []).filter((t) => t > now - MINUTE_MS);
	}

	#sweep(now: number): void {
		for (const address of [...this.#failures.keys()])
			if (!this.#recent(address, now).length) this.#failures.delete(address);
	}
}

export class OperatorGate extends FailureGate {
	/** The message a refused attempt gets. */
	refusal(): string {
		return `more than ${this.failuresPerMinute} wrong operator tokens a minute from one address (OPERATOR_TOKEN_FAILURES_PER_MINUTE)`;
	}
}
