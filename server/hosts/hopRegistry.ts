/**
 * The outgoing queue tells the mail hosts, before it connects, whose hop a connection is: keyed
 * by the connection's local port, as the bridge does for browser sessions
 * (server/sandbox/clientAddresses.ts). The host's session takes its owners and journey from the
 * registration; a stranger connecting directly registered nothing, so its session is external
 * and public. In-process: nothing of it appears on the wire.
 */
import { LocalPortRegistry } from '../sandbox/clientAddresses';

export interface HopRegistration {
	/** The owners of the message the hop carries: its session and delivered copy are theirs. */
	owners: string[];
	/** The submitted message whose journey the hop is part of. */
	journeyId: string;
	/** How far that journey was fast-forwarded: greylisting counts in the journey's time. */
	skippedMs: number;
}

export class HopRegistry extends LocalPortRegistry<HopRegistration> {
	/**
	 * Called by the queue with its socket's local port once it knows it; the host waits briefly
	 * for a registration that comes after the connection.
	 */
	expect(localPort: number, registration: HopRegistration): void {
		this.register(localPort, registration);
	}
}
