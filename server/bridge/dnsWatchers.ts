/**
 * The /dns page's live feed: `watch-dns` gets a `dns-snapshot` (where the name server listens, the
 * zone, the host endpoint table, the lookups the viewer may see), then a `dns-lookup` for each new
 * one they may see, gathered with the other lines the page watches.
 */
import type { DnsSnapshot } from '../../src/lib/dns/lookups';
import type { ServerMessage } from '../../src/lib/messages';
import { publicLookup, type DnsLog, type DnsLogEntry } from '../dns/dnsLog';
import type { Viewer } from '../owners/visibility';
import type { Peer } from './peers';

export interface DnsFeed {
	log: DnsLog;
	/** Everything in a snapshot but the lookups. */
	overview(): Omit<DnsSnapshot, 'lookups'>;
	/** Whether the viewer may see this lookup (server/dns/dnsLog.ts lookupVisible). */
	visible(viewer: Viewer, entry: DnsLogEntry): boolean;
}

export class DnsWatchers {
	readonly #peers = new Set<Peer>();
	readonly #unsubscribe: () => void;

	constructor(readonly feed: DnsFeed) {
		this.#unsubscribe = feed.log.watch((entry) => {
			if (!this.#peers.size) return;
			const payload = JSON.stringify({
				type: 'dns-lookup',
				lookup: publicLookup(entry)
			} satisfies ServerMessage);
			for (const peer of this.#peers)
				if (feed.visible(peer.viewer, entry)) peer.sendSerialised(payload, 'frame');
		});
	}

	watch(peer: Peer): void {
		this.#peers.add(peer);
		peer.send({
			type: 'dns-snapshot',
			...this.feed.overview(),
			lookups: this.feed.log.entries
				.filter((entry) => this.feed.visible(peer.viewer, entry))
				.map(publicLookup)
		});
	}

	drop(peer: Peer): void {
		this.#peers.delete(peer);
	}

	close(): void {
		this.#unsubscribe();
		this.#peers.clear();
	}
}
