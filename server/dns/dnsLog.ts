/**
 * Every lookup the sandbox DNS answered (UDP, TCP, or in-process for the outgoing queue), newest
 * last, kept in memory only (a restart empties it) and bounded by DNS_LOG_SIZE: the oldest goes
 * first. Watchers (the /dns page through the bridge) hear each new one. With several instances
 * (issue 21) each also keeps the lookups the others answered, which they publish as they record
 * them: a journey delivered by one instance links to its lookups on every instance's /dns.
 *
 * Visibility: a lookup the queue made for a message belongs to that message's owners and is seen
 * as the message is (VisibilityRule); a lookup from any other client (dig) is public.
 */
import type { DnsLookup } from '../../src/lib/dns/lookups';
import type { Clock } from '../clock';
import { newId } from '../ids';
import type { Viewer, VisibilityRule } from '../owners/visibility';
import type { LabStore } from '../store/labStore';

export interface DnsLogEntry extends DnsLookup {
	/** Whose it is: the owners of the message the queue looked up for; none for anyone else's. */
	owners: string[];
}

/** Who a lookup is made for: the queue passes the message's owners and journey. */
export interface LookupContext {
	owners: string[];
	journeyId?: string;
}

export type NewLookup = Omit<DnsLogEntry, 'id' | 'at'>;

export class DnsLog {
	readonly #entries: DnsLogEntry[] = [];
	readonly #watchers = new Set<(entry: DnsLogEntry) => void>();
	/** Tells the other instances (the shared store's bus), when there are any. */
	#publish: ((entry: DnsLogEntry) => void) | null = null;

	constructor(
		readonly size: number,
		readonly clock: Clock
	) {}

	/** Records a lookup and tells the watchers; returns its id (unique across instances). */
	record(lookup: NewLookup): DnsLogEntry {
		const entry: DnsLogEntry = { id: newId(), at: this.clock.now(), ...lookup };
		this.#keep(entry);
		this.#publish?.(entry);
		return entry;
	}

	/** A lookup another instance answered: kept and told like one of ours, not published again. */
	recordRemote(entry: DnsLogEntry): void {
		this.#keep(entry);
	}

	/** Every lookup recorded here from now on is also given to `publish`. */
	publishTo(publish: (entry: DnsLogEntry) => void): void {
		this.#publish = publish;
	}

	#keep(entry: DnsLogEntry): void {
		if (this.size > 0) {
			this.#entries.push(entry);
			if (this.#entries.length > this.size)
				this.#entries.splice(0, this.#entries.length - this.size);
		}
		for (const watcher of this.#watchers) watcher(entry);
	}

	/** Oldest first. */
	get entries(): readonly DnsLogEntry[] {
		return this.#entries;
	}

	watch(watcher: (entry: DnsLogEntry) => void): () => void {
		this.#watchers.add(watcher);
		return () => this.#watchers.delete(watcher);
	}
}

/** The rule for who sees a lookup (see the top of this file). */
export function lookupVisible(
	visibility: VisibilityRule,
	store: LabStore,
	viewer: Viewer,
	entry: DnsLogEntry
): boolean {
	if (entry.owners.length === 0 || visibility.seesAll(viewer)) return true;
	if (entry.owners.includes(viewer.ownerId)) return true;
	const message = entry.journeyId === undefined ? undefined : store.messages.get(entry.journeyId);
	if (message) return visibility.message(viewer, message);
	return visibility.mode === 'open' && store.classesOfItem(entry.owners, entry.at).length === 0;
}

/** A lookup as a page is sent it: who owns it stays on the server. */
export function publicLookup(entry: DnsLogEntry): DnsLookup {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { owners, ...lookup } = entry;
	return lookup;
}
