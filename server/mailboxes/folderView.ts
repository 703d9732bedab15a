/**
 * One session's view of a selected folder (RFC 3501 §6.3.1 SELECT, §6.3.2 EXAMINE): its own
 * sequence-number ↔ UID map (§2.3.1.2), which changes only when the session is told — its own
 * EXPUNGE, or `sync()` at a moment the server may send untagged EXISTS / EXPUNGE / FETCH
 * (§5.2, §7.4.1: never during FETCH, STORE or SEARCH). Changes made by other sessions (new mail,
 * flags, expunges, a POP3 removal) raise 'change' so IDLE (RFC 2177) can sync at once.
 */
import { EventEmitter } from 'node:events';
import type { ImapFolders, ImapRefusal } from './imapFolders';
import { permanentFlags } from './imapFolders';
import type { ImapEntry, ImapFolderRecord } from './imapFolderRecord';
import { download, type ReadAccount, type ReaderActBy } from './mailboxes';

/** STORE's three ways (§6.4.6): FLAGS replaces, +FLAGS adds, -FLAGS removes. */
export type StoreMode = 'replace' | 'add' | 'remove';

export interface ViewEntry {
	seq: number;
	uid: number;
	messageId: string;
	/** Permanent flags, then \Recent when this session has it as recent (§2.3.2). */
	flags: string[];
	internalDate: number;
}

/** What sync() found changed since the session last heard, in the order to send it. */
export interface FolderChanges {
	/** EXPUNGE numbers, each relative to the state after the one before (§7.4.1). */
	expunged: number[];
	/** The new message count when it grew (EXISTS, §7.3.1), else null. */
	exists: number | null;
	/** With exists: how many this session has as \Recent (RECENT, §7.3.2). */
	recent: number | null;
	/** Entries whose flags others changed (untagged FETCH FLAGS, §7.4.2), after the expunges. */
	flags: ViewEntry[];
}

export class FolderView extends EventEmitter<{ change: [] }> {
	readonly uidValidity: number;
	/** UIDs by sequence number − 1. */
	#uids: number[];
	/** UIDs this session has as \Recent (a read-write one: it took them from the folder). */
	readonly #recent = new Set<number>();
	/** UIDs whose flags another session changed, not yet reported. */
	readonly #flagged = new Set<number>();
	#closed = false;
	/** Another session (or the store) changed the folder since the last sync(). */
	#stale = false;

	constructor(
		readonly folders: ImapFolders,
		readonly account: ReadAccount,
		readonly record: ImapFolderRecord,
		readonly readOnly: boolean
	) {
		super();
		this.uidValidity = record.uidValidity;
		this.#uids = record.entries.map((e) => e.uid);
	}

	/** The folder's name now (a RENAME of the selected folder changes it). */
	get name(): string {
		return this.record.name;
	}

	get uidNext(): number {
		return this.record.uidNext;
	}

	/** Messages in this session's map (EXISTS). */
	get exists(): number {
		return this.#uids.length;
	}

	/** Messages this session has as \Recent (RECENT). */
	get recent(): number {
		return this.#uids.filter((uid) => this.#isRecent(uid)).length;
	}

	/** The sequence number of the first message without \Seen (the UNSEEN code, §7.1), or null. */
	get firstUnseen(): number | null {
		const i = this.#uids.findIndex((uid) => !this.#entry(uid)?.flags.includes('\\Seen'));
		return i < 0 ? null : i + 1;
	}

	/** UIDs in sequence order: index i is sequence number i + 1. */
	get uids(): readonly number[] {
		return this.#uids;
	}

	uidAt(seq: number): number | undefined {
		return this.#uids[seq - 1];
	}

	/** The sequence number of a UID in this session's map, or 0. */
	seqOf(uid: number): number {
		const i = ascendingIndex(this.#uids, uid, (u) => u);
		return i < 0 ? 0 : i + 1;
	}

	/**
	 * The entry as this session sees it, or undefined when it is not in the map or its message
	 * left (another session expunged it and this one has not synced: §7.4.1 lets the server
	 * answer such a FETCH with NO or nothing).
	 */
	entry(uid: number): ViewEntry | undefined {
		const seq = this.seqOf(uid);
		const entry = seq ? this.#entry(uid) : undefined;
		return entry && this.#viewEntry(seq, entry);
	}

	/** The message as a client downloads it (BODY[], RFC822): CRLF line ends, trace fields on top. */
	content(uid: number): Buffer | null {
		const entry = this.#entry(uid);
		const stored = entry && this.folders.storedOf(this.account, entry);
		return stored ? download(stored) : null;
	}

	/** Octets of content() (RFC822.SIZE, §7.4.2). */
	size(uid: number): number | null {
		const entry = this.#entry(uid);
		const stored = entry && this.folders.storedOf(this.account, entry);
		return stored ? this.folders.mailboxes.downloadSize(stored) : null;
	}

	/**
	 * STORE (§6.4.6) on these UIDs: the entries whose flags changed, as this session sees them
	 * now, for the untagged FETCH responses (unless .SILENT). Flags outside PERMANENTFLAGS
	 * (\Recent, keywords) are not kept (§7.1). Other sessions hear of it at their next sync.
	 */
	store(
		uids: readonly number[],
		flags: readonly string[],
		mode: StoreMode
	): ViewEntry[] | ImapRefusal {
		if (this.readOnly) return { refusal: 'readOnly' };
		const given = permanentFlags(flags);
		const changed: ViewEntry[] = [];
		for (const uid of uids) {
			const seq = this.seqOf(uid);
			const entry = seq ? this.#entry(uid) : undefined;
			if (!entry) continue;
			const next =
				mode === 'replace'
					? given
					: mode === 'add'
						? permanentFlags([...entry.flags, ...given])
						: entry.flags.filter((f) => !given.includes(f));
			if (next.join() === entry.flags.join()) continue;
			entry.flags = next;
			changed.push(this.#viewEntry(seq, entry));
		}
		if (changed.length)
			this.folders.flagsChanged(
				this.record,
				changed.map((e) => e.uid),
				this
			);
		return changed;
	}

	/**
	 * The body was fetched (BODY[], BODY[TEXT], RFC822 … not PEEK): \Seen is set (§6.4.5; not in
	 * a read-only view) and a `read` ReaderAct recorded. True when \Seen was newly set, so the
	 * FETCH response includes FLAGS.
	 */
	markRead(uid: number, by: ReaderActBy): boolean {
		const entry = this.seqOf(uid) ? this.#entry(uid) : undefined;
		if (!entry) return false;
		this.folders.recordRead(this.account, this.record, entry, by);
		if (this.readOnly || entry.flags.includes('\\Seen')) return false;
		entry.flags = permanentFlags([...entry.flags, '\\Seen']);
		this.folders.flagsChanged(this.record, [uid], this);
		return true;
	}

	/**
	 * EXPUNGE (§6.4.3; CLOSE's silent one too, §6.4.2): removes the \Deleted messages. Returns the sequence numbers for the untagged EXPUNGE responses, in
	 * order, each relative to the state after the previous one (§7.4.1: expunging 3, 4, 7 and 11
	 * of 11 gives 3, 3, 5, 8).
	 */
	expunge(by: ReaderActBy): number[] | ImapRefusal {
		if (this.readOnly) return { refusal: 'readOnly' };
		const gone: ImapEntry[] = [];
		const numbers: number[] = [];
		const kept: number[] = [];
		for (const uid of this.#uids) {
			const entry = this.#entry(uid);
			if (entry?.flags.includes('\\Deleted')) {
				gone.push(entry);
				// Its number now: those before it that were kept, plus itself.
				numbers.push(kept.length + 1);
			} else kept.push(uid);
		}
		this.#uids = kept;
		for (const entry of gone) this.#recent.delete(entry.uid);
		if (gone.length) this.folders.expunged(this.account, this.record, gone, by, this);
		return numbers;
	}

	/** COPY (§6.4.7) of these UIDs to another folder (or this one): the target's new UIDs. */
	copy(
		uids: readonly number[],
		target: string
	): { uidValidity: number; sourceUids: number[]; uids: number[] } | ImapRefusal {
		const entries: ImapEntry[] = [];
		for (const uid of uids) {
			const entry = this.seqOf(uid) ? this.#entry(uid) : undefined;
			if (entry) entries.push(entry);
		}
		const copied = this.folders.copyInto(this.account, target, entries);
		if ('refusal' in copied) return copied;
		return { ...copied, sourceUids: entries.map((e) => e.uid) };
	}

	/**
	 * What changed since the session last heard, applied to its map: expunges first, then the
	 * new count, then others' flag changes (§7.4.1, §7.3.1). Call it where the server may send
	 * untagged data: after NOOP, CHECK, IDLE's 'change', and at the end of other commands
	 * (EXPUNGE responses not after FETCH, STORE, SEARCH: §7.4.1).
	 */
	sync(): FolderChanges {
		if (!this.#stale) return { expunged: [], exists: null, recent: null, flags: [] };
		this.#stale = false;
		const present = new Set(this.record.entries.map((e) => e.uid));
		const expunged: number[] = [];
		const kept: number[] = [];
		for (const uid of this.#uids) {
			if (present.has(uid)) kept.push(uid);
			else {
				expunged.push(kept.length + 1);
				this.#recent.delete(uid);
				this.#flagged.delete(uid);
			}
		}
		const last = this.#uids.length ? this.#uids[this.#uids.length - 1] : 0;
		const arrived = this.record.entries.filter((e) => e.uid > last).map((e) => e.uid);
		this.#uids = [...kept, ...arrived];
		const flags: ViewEntry[] = [];
		for (const uid of this.#flagged) {
			const seq = this.seqOf(uid);
			const entry = this.#entry(uid);
			if (seq && entry) flags.push(this.#viewEntry(seq, entry));
		}
		this.#flagged.clear();
		flags.sort((a, b) => a.seq - b.seq);
		return {
			expunged,
			exists: arrived.length ? this.#uids.length : null,
			recent: arrived.length ? this.recent : null,
			flags
		};
	}

	/** The session leaves the folder (CLOSE, UNSELECT, SELECT elsewhere, LOGOUT). */
	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.folders.closed(this, this.record);
		this.removeAllListeners();
	}

	// ---- from ImapFolders ----

	/** This session is the one that sees the message as \Recent (§2.3.2). */
	claimRecent(uid: number): void {
		this.#recent.add(uid);
	}

	flagsChanged(uids: readonly number[]): void {
		for (const uid of uids) this.#flagged.add(uid);
		this.changed();
	}

	changed(): void {
		this.#stale = true;
		if (!this.#closed) this.emit('change');
	}

	/**
	 * EXAMINE "returns the same output" as SELECT but must not take \Recent away (§6.3.2): a
	 * read-only view shows as recent what no session has taken yet.
	 */
	#isRecent(uid: number): boolean {
		return this.#recent.has(uid) || (this.readOnly && this.#entry(uid)?.recent === true);
	}

	#entry(uid: number): ImapEntry | undefined {
		const entries = this.record.entries;
		return entries[ascendingIndex(entries, uid, (e) => e.uid)];
	}

	#viewEntry(seq: number, entry: ImapEntry): ViewEntry {
		return {
			seq,
			uid: entry.uid,
			messageId: entry.messageId,
			flags: this.#isRecent(entry.uid) ? [...entry.flags, '\\Recent'] : [...entry.flags],
			internalDate: entry.internalDate
		};
	}
}

/** Where `uid` is in a list ascending by UID (UIDs only grow: §2.3.1.1), or -1. */
function ascendingIndex<T>(list: readonly T[], uid: number, uidOf: (item: T) => number): number {
	let low = 0;
	let high = list.length - 1;
	while (low <= high) {
		const mid = (low + high) >> 1;
		const at = uidOf(list[mid]);
		if (at === uid) return mid;
		if (at < uid) low = mid + 1;
		else high = mid - 1;
	}
	return -1;
}
