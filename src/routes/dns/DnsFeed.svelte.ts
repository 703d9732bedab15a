import { LabSocket, type SocketStatus } from '$lib/client/LabSocket';
import { isDnsLookup, isDnsSnapshot, type DnsLookup, type DnsSnapshot } from '$lib/dns/lookups';

/**
 * The /dns page's live state from the bridge (`watch-dns`): the zone and host table of the
 * snapshot, and every lookup this browser may see, newest first. Each is checked before it is
 * shown; the snapshot replaces everything after a reconnect.
 */
export class DnsFeed {
	status = $state<SocketStatus>('connecting');
	overview = $state<Omit<DnsSnapshot, 'lookups'> | null>(null);
	lookups = $state<DnsLookup[]>([]);
	#socket: LabSocket;

	constructor() {
		this.#socket = new LabSocket();
		this.#socket.onStatus((status) => {
			this.status = status;
			if (status === 'open') this.#socket.send({ type: 'watch-dns' });
		});
		this.#socket.onMessage((message) => {
			if (message.type === 'dns-snapshot' && isDnsSnapshot(message)) {
				const { lookups, server, zone, hosts, logSize } = message;
				this.overview = { server, zone, hosts, logSize };
				this.lookups = [...lookups].reverse();
			} else if (message.type === 'dns-lookup' && isDnsLookup(message.lookup))
				this.lookups = [message.lookup, ...this.lookups].slice(0, this.overview?.logSize);
		});
	}

	close(): void {
		this.#socket.close();
	}
}
