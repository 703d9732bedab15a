/**
 * What the store keeps of the outgoing queue (issue 17): each journey with what it still has to
 * deliver, so a restart loses no queued mail and no journey page. The message's bytes are not
 * copied: they are the submitted message's, which the store keeps anyway.
 */
import type { Journey } from '../../src/lib/delivery/journey';
import type { RecipientResult } from '../../src/lib/messages';
import type { ReceivedMessage } from '../sandbox/messageAssembly';

export interface QueueRecord {
	journey: Journey;
	/** The submitted message as the queue hands it on, without its bytes. */
	message: Omit<ReceivedMessage, 'raw'>;
	/**
	 * Per leg still queued: the recipients left, the last transient error, and the message it
	 * carries when that is not the submitted one (a mailing list's new message, leg.resent).
	 */
	legs: {
		id: string;
		pending: RecipientResult[];
		lastTransient: LastTransient | null;
		message?: Omit<ReceivedMessage, 'raw'>;
	}[];
	/** The queue's clock when it was saved: after a restart the clock goes on from there. */
	simulatedSavedAt: number;
}

/** A 4xx or an unreachable host (host null), for the delay notice and the give-up bounce. */
export interface LastTransient {
	reply: string;
	host: string | null;
}
