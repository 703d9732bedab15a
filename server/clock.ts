/**
 * Time as the lab's policies read it (greylisting, the WebSocket rate limit, a session's
 * lifetime). The server uses the real one; a test hands startLab its own and moves time on by
 * hand instead of sleeping.
 */
export interface Clock {
	/** Milliseconds since the epoch, like Date.now(). */
	now(): number;
	/** Calls `callback` once `ms` have passed; the returned function cancels it. */
	after(ms: number, callback: () => void): () => void;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	after(ms, callback) {
		const timer = setTimeout(callback, ms);
		// A pending policy timer never keeps the process alive on its own.
		timer.unref();
		return () => clearTimeout(timer);
	}
};
