import { LabSocket } from '$lib/client/LabSocket';
import type { Journey } from '$lib/delivery/journey';
import { nextWaitingLeg, simulatedNow } from '$lib/delivery/journeyClock';
import { isJourneyMessage } from '$lib/delivery/journeyMessage';
import type { QueueClockReading } from '$lib/messages';

/** How often the clocks and the countdown on the page move. */
const TICK_MS = 1000;

/**
 * One journey, loaded from the API and then followed live (watch-journey): the bridge sends it
 * again on every change, with the queue's clock. Between readings the clocks run on here.
 */
export class WatchedJourney {
	journey: Journey;
	clock: QueueClockReading;
	/** The connection to the lab dropped and is not back yet: what is shown may be out of date. */
	lost = $state(false);
	/** Real milliseconds since the clock was read; moves every TICK_MS. */
	elapsed = $state(0);
	/** What changed last, for the live region (new tries, a delivery, a bounce). */
	announcement = $state('');
	fastForwarding = $state(false);
	/** What the last fast-forward did: how far it skipped, or why it could not. */
	fastForwardResult = $state<{ skippedMs: number } | { error: string } | null>(null);
	#readAt = performance.now();
	#socket: LabSocket;
	#ticker: ReturnType<typeof setInterval>;

	constructor(journey: Journey, clock: QueueClockReading) {
		this.journey = $state.raw(journey);
		this.clock = $state.raw(clock);
		this.#socket = new LabSocket();
		this.#socket.onStatus((status) => {
			if (status === 'closed') this.lost = true;
			if (status !== 'open') return;
			this.lost = false;
			// On every (re)connect: the journey as it is now, then its changes.
			this.#socket.send({ type: 'watch-journey', id: journey.id });
		});
		this.#socket.onMessage((message) => {
			if (isJourneyMessage(message) && message.journey.id === journey.id) {
				this.announcement = changes(this.journey, message.journey);
				this.journey = message.journey;
				this.#setClock(message.clock);
			}
		});
		this.#ticker = setInterval(() => (this.elapsed = performance.now() - this.#readAt), TICK_MS);
	}

	/** Simulated now, as the queue's clock reads it. */
	get simulatedNow(): number {
		return simulatedNow(this.clock, this.elapsed);
	}

	get realNow(): number {
		return this.clock.realNow + this.elapsed;
	}

	/** The leg whose try comes next, and how long until then (simulated ms, never negative). */
	get next(): { domain: string; attempt: number; inMs: number } | null {
		const leg = nextWaitingLeg(this.journey);
		if (!leg) return null;
		return {
			domain: leg.domain,
			attempt: leg.attempts.length + 1,
			inMs: Math.max(0, leg.nextAttemptAt! - this.simulatedNow)
		};
	}

	async fastForward(): Promise<void> {
		this.fastForwarding = true;
		this.fastForwardResult = null;
		try {
			const response = await fetch(
				`/api/journeys/${encodeURIComponent(this.journey.id)}/fast-forward`,
				{ method: 'POST' }
			);
			const body = (await response.json()) as
				{ clock: QueueClockReading; skippedMs: number } | { error: string };
			if ('error' in body) this.fastForwardResult = body;
			else {
				this.#setClock(body.clock);
				this.fastForwardResult = { skippedMs: body.skippedMs };
			}
		} catch {
			this.fastForwardResult = { error: 'the server could not be reached' };
		} finally {
			this.fastForwarding = false;
		}
	}

	close(): void {
		clearInterval(this.#ticker);
		this.#socket.close();
	}

	#setClock(clock: QueueClockReading): void {
		this.clock = clock;
		this.#readAt = performance.now();
		this.elapsed = 0;
	}
}

/** "greylist.test: try 2 delivered." for each try that is new in `after`. */
function changes(before: Journey, after: Journey): string {
	const said: string[] = [];
	for (const leg of after.legs) {
		const known = before.legs.find((l) => l.id === leg.id)?.attempts.length ?? 0;
		for (const attempt of leg.attempts.slice(known))
			said.push(`${leg.domain}: try ${attempt.number} ${attempt.outcome}, ${attempt.reply}.`);
		const was = before.legs.find((l) => l.id === leg.id)?.state;
		if (was !== leg.state && (leg.state === 'delivered' || leg.state === 'bounced'))
			said.push(`${leg.domain}: ${leg.state}.`);
	}
	return said.join(' ');
}
