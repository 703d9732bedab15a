/**
 * The IMAP store (issue 19): per read account, its folders — INBOX, Sent and Junk always, plus
 * those the user CREATEs (hierarchy delimiter '/') — with UIDVALIDITY, UIDNEXT and entries
 * carrying flags (RFC 3501 §2.3), SUBSCRIBE state, and what sessions need to follow changes.
 *
 * INBOX, Sent and Junk are derived from the store as Mailboxes says (delivered to the account /
 * submitted by it / delivered but quarantined, issue 20): a message not yet in the folder gets
 * the next UID when the folder is next opened or its status read, or when the store announces it
 * while the account's folders are in memory — whichever comes first. POP3 and IMAP share
 * INBOX: a POP3 removal (a `removed` ReaderAct) expunges its entry here, and an IMAP EXPUNGE of a
 * derived INBOX entry records the same act. Everything is kept in the store (and so the
 * database): a restart keeps UIDVALIDITY, UIDs and flags.
 *
 * Several instances on one database (issue 21): a folder another instance saves or deletes
 * reaches this one whole (the store's 'imapFolder', told before that batch's messages) and is
 * taken as it is, by id — name, UIDVALIDITY, UIDNEXT, entries and flags — so a client that moves
 * to this instance sees exactly the UIDs and flags it saw there. Whole records, last writer wins:
 * that keeps UIDs unique and ascending (RFC 3501 §2.3.1.1) because one instance numbers an
 * account's messages at a time. The stream configuration (deploy/nginx/smtp-lab-stream.conf)
 * sends IMAP and POP3 to one instance, the others being its backup servers, used only while it
 * is down; mail, though, arrives on any instance. So an instance numbers and sweeps a folder
 * space only while it serves it (a session here used it last): once another instance writes the
 * space's folders and no session here has one of them selected — and, on a shared database,
 * from the start — it leaves the space to that one (#followed) until a session here uses it, and
 * a message arriving here or a removal swept here is numbered or written by the serving
 * instance alone. What is left: two sessions of one account with folders selected on two
 * instances at once (a client kept on the backup after the first instance came back) both number
 * what arrives on their side; two messages arriving within one replication delay
 * (≈ FLUSH_DELAY_MS) then get one UID, the later record wins, and the other instance's sessions
 * see the lost entry expunged until it is numbered again.
 */
import { newId } from '../ids';
import type { ReaderAct } from '../../src/lib/mail/readerActs';
import type { MessageSummary } from '../../src/lib/messages';
import type { StoredMessage } from '../store/labStore';
import { UNCLAIMED } from '../store/storageUsage';
import { parseHeaderSummary } from '../sandbox/messageAssembly';
import { FolderView } from './folderView';
import {
	HIERARCHY_DELIMITER,
	PERMANENT_FLAGS,
	type ImapEntry,
	type ImapFolderRecord,
	type PermanentFlag
} from './imapFolderRecord';
import type { Folder, Mailboxes, ReadAccount, ReaderActBy } from './mailboxes';

/** The folders every account has; they cannot be deleted or renamed away (INBOX: §6.3.5). */
export const SYSTEM_FOLDERS = ['INBOX', 'Sent', 'Junk'] as const;

/** The named limits on what users can make grow (server/config.ts). */
export interface ImapFolderLimits {
	/** Folders per account, INBOX, Sent and Junk included (IMAP_MAX_FOLDERS_PER_ACCOUNT). */
	imapMaxFoldersPerAccount: number;
	/** Entries one folder may hold after COPY or APPEND (IMAP_MAX_MESSAGES_PER_FOLDER). */
	imapMaxMessagesPerFolder: number;
	/** Octets of a folder name, UTF-8 (IMAP_MAX_FOLDER_NAME_BYTES). */
	imapMaxFolderNameBytes: number;
	/** The storage quotas an APPENDed message counts against (server/sandbox/storageQuota.ts). */
	maxDbBytes: number;
	maxStoredBytesPerOwner: number;
}

/** Why the store said no; the IMAP server words each (server/imap/imapReplies.ts). */
export type ImapRefusalCode =
	/** No folder of that name (§6.3.1, §6.3.4, §6.3.5, §6.4.7 [TRYCREATE], §6.3.11 [TRYCREATE]). */
	| 'noSuchFolder'
	/** CREATE or RENAME to a name that exists (§6.3.3, §6.3.5). */
	| 'exists'
	/** DELETE of INBOX, Sent or Junk; RENAME of Sent or Junk; CREATE of INBOX (§6.3.3, §6.3.4). */
	| 'systemFolder'
	/** A name under INBOX, which has \Noinferiors (§7.2.2). */
	| 'noinferiors'
	/** SELECT/STATUS/APPEND/COPY to a \Noselect name, or DELETE of one with inferiors (§6.3.4). */
	| 'noselect'
	/** Empty, an empty level ("a//b"), a wildcard (% *, §6.3.8), or not a name at all. */
	| 'badName'
	/** RENAME of a folder into its own hierarchy. */
	| 'intoItself'
	| 'nameTooLong'
	| 'tooManyFolders'
	| 'folderFull'
	/** STORE or EXPUNGE in a folder opened read-only (EXAMINE, §6.3.2). */
	| 'readOnly'
	/** APPEND past MAX_DB_BYTES or the owner's MAX_STORED_BYTES_PER_OWNER. */
	| 'labStorageFull'
	| 'ownerStorageFull';

export interface ImapRefusal {
	refusal: ImapRefusalCode;
	/** The limit that was reached, for the limit codes. */
	limit?: number;
}

export interface FolderListing {
	name: string;
	/** LIST's name attributes (§7.2.2): \Noinferiors for INBOX, \Noselect for a kept parent. */
	attributes: string[];
	subscribed: boolean;
}

export interface FolderStatus {
	messages: number;
	recent: number;
	uidNext: number;
	uidValidity: number;
	unseen: number;
}

/** A folder in memory: its record, the views sessions have of it. */
interface OpenFolder {
	record: ImapFolderRecord;
	views: Set<FolderView>;
}

export class ImapFolders {
	/** Folders by space, then by name. */
	readonly #spaces = new Map<string, Map<string, OpenFolder>>();
	/** The account last seen for each space: what INBOX, Sent and Junk are derived for. */
	readonly #accounts = new Map<string, ReadAccount>();
	/**
	 * Spaces another instance serves: it wrote their folders last and no session here has one
	 * selected, or (a shared database) they were loaded at the start. Nothing here numbers or
	 * sweeps them until a session here uses them.
	 */
	readonly #followed = new Set<string>();
	#lastUidValidity = 0;

	constructor(
		readonly mailboxes: Mailboxes,
		readonly limits: ImapFolderLimits
	) {
		const { store } = mailboxes.deps;
		for (const record of store.imapFolders.values()) {
			this.#space(record.space).set(record.name, { record, views: new Set() });
			this.#lastUidValidity = Math.max(this.#lastUidValidity, record.uidValidity);
			// Shared: another instance may be serving it; this one takes it up when a session does.
			if (store.shared) this.#followed.add(record.space);
		}
		store.on('message', (summary) => this.#messageChanged(summary.id));
		store.on('removed', (kind, id) => {
			if (kind === 'message') this.#messageChanged(id);
		});
		store.on('cleared', (kind) => {
			if (kind === 'messages') for (const space of this.#spaces.keys()) this.#syncSpace(space);
		});
		store.on('imapFolder', (id, record) =>
			record ? this.#remoteSaved(record) : this.#remoteDeleted(id)
		);
	}

	/**
	 * The folder space of an account: its mailbox key; in VISIBILITY=private a shared account's
	 * folders are each browser owner's own, as what it lists is (server/owners/visibility.ts).
	 */
	spaceOf(account: ReadAccount): string {
		return this.mailboxes.deps.config.visibility === 'private' &&
			account.kind === 'shared' &&
			account.ownerId
			? `${account.mailbox}#${account.ownerId}`
			: account.mailbox;
	}

	/** Every folder of the account, INBOX first, then by name (LIST §6.3.8 filters this). */
	list(account: ReadAccount): FolderListing[] {
		const folders = this.#folders(account);
		const subscribed = this.#subscriptions(account);
		return [...folders.values()]
			.map(({ record }) => ({
				name: record.name,
				attributes: attributesOf(record),
				subscribed: subscribed.has(record.name)
			}))
			.sort((a, b) => (a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : compare(a.name, b.name)));
	}

	/**
	 * The subscribed names (LSUB §6.3.9), existing or not: a deleted folder's subscription stays
	 * until UNSUBSCRIBE (§6.3.6). A name that is not a selectable folder is \Noselect.
	 */
	subscribed(account: ReadAccount): FolderListing[] {
		const folders = this.#folders(account);
		return [...this.#subscriptions(account)].sort(compare).map((name) => {
			const folder = folders.get(name);
			return {
				name,
				attributes: folder ? attributesOf(folder.record) : ['\\Noselect'],
				subscribed: true
			};
		});
	}

	/**
	 * CREATE (§6.3.3): a trailing delimiter declares a parent-to-be and is dropped; missing
	 * superiors are created too. A name used before gets a new UIDVALIDITY (§2.3.1.1), a name
	 * kept \Noselect by DELETE (§6.3.4) too, as it becomes a mailbox again.
	 */
	create(account: ReadAccount, rawName: string): { name: string } | ImapRefusal {
		const name = this.#checkName(
			rawName.endsWith(HIERARCHY_DELIMITER) ? rawName.slice(0, -1) : rawName
		);
		if (typeof name !== 'string') return name;
		const folders = this.#folders(account);
		const kept = folders.get(name)?.record;
		if (kept?.noselect) {
			kept.noselect = false;
			kept.uidValidity = this.#nextUidValidity();
			this.mailboxes.deps.store.saveImapFolder(kept);
			return { name };
		}
		if (kept) return { refusal: name === 'INBOX' ? 'systemFolder' : 'exists' };
		const missing = [...superiorsOf(name), name].filter((n) => !folders.has(n));
		const refused = this.#roomFor(folders, missing.length);
		if (refused) return refused;
		for (const n of missing) this.#newFolder(account, n);
		return { name };
	}

	/**
	 * DELETE (§6.3.4): INBOX, Sent and Junk stay; a folder with inferiors loses its messages and
	 * becomes \Noselect; one without goes, with its UIDVALIDITY. Sessions that have it open see
	 * every message expunged. Subscriptions stay (§6.3.6).
	 */
	delete(account: ReadAccount, rawName: string): { name: string } | ImapRefusal {
		const name = canonical(rawName);
		if ((SYSTEM_FOLDERS as readonly string[]).includes(name)) return { refusal: 'systemFolder' };
		const folders = this.#folders(account);
		const folder = folders.get(name);
		if (!folder) return { refusal: 'noSuchFolder' };
		const hasInferiors = [...folders.keys()].some((n) => n.startsWith(name + HIERARCHY_DELIMITER));
		if (hasInferiors && folder.record.noselect) return { refusal: 'noselect' };
		const { store } = this.mailboxes.deps;
		folder.record.entries = [];
		if (hasInferiors) {
			folder.record.noselect = true;
			store.saveImapFolder(folder.record);
		} else {
			folders.delete(name);
			store.deleteImapFolder(folder.record.id);
		}
		this.#notify(folder, null);
		return { name };
	}

	/**
	 * RENAME (§6.3.5): the folder and its inferiors take the new name, keeping UIDVALIDITY and
	 * UIDs; missing superiors of the new name are created. Renaming INBOX moves its messages to a
	 * new folder and leaves INBOX empty: each derived entry is then removed from the mailbox as an
	 * EXPUNGE would (POP3 no longer lists it either).
	 */
	rename(
		account: ReadAccount,
		rawFrom: string,
		rawTo: string,
		by: ReaderActBy
	): { name: string } | ImapRefusal {
		const from = canonical(rawFrom);
		const to = this.#checkName(rawTo);
		if (typeof to !== 'string') return to;
		if (from === 'Sent' || from === 'Junk') return { refusal: 'systemFolder' };
		const folders = this.#folders(account);
		const source = folders.get(from);
		if (!source) return { refusal: 'noSuchFolder' };
		if (folders.has(to)) return { refusal: to === 'INBOX' ? 'systemFolder' : 'exists' };
		if (to.startsWith(from + HIERARCHY_DELIMITER)) return { refusal: 'intoItself' };
		const missing = superiorsOf(to).filter((n) => !folders.has(n));
		const refused = this.#roomFor(folders, missing.length + (from === 'INBOX' ? 1 : 0));
		if (refused) return refused;
		for (const n of missing) this.#newFolder(account, n);
		const { store } = this.mailboxes.deps;
		if (from === 'INBOX') {
			this.#sync(account, source);
			const target = this.#newFolder(account, to);
			const moved = source.record.entries;
			source.record.entries = [];
			for (const entry of moved) this.#addEntry(target, { ...entry, placed: true });
			store.saveImapFolder(source.record);
			this.#recordActs(
				account,
				'INBOX',
				moved.filter((e) => !e.placed).map((e) => e.messageId),
				'removed',
				by
			);
			this.#notify(source, null);
			return { name: to };
		}
		for (const [name, folder] of [...folders]) {
			if (name !== from && !name.startsWith(from + HIERARCHY_DELIMITER)) continue;
			folders.delete(name);
			folder.record.name = to + name.slice(from.length);
			folders.set(folder.record.name, folder);
			store.saveImapFolder(folder.record);
		}
		return { name: to };
	}

	/** SUBSCRIBE (§6.3.6): an existing folder's name (the server MAY check that it exists). */
	subscribe(account: ReadAccount, rawName: string): { name: string } | ImapRefusal {
		const name = canonical(rawName);
		if (!this.#folders(account).has(name)) return { refusal: 'noSuchFolder' };
		const subscriptions = this.#subscriptions(account);
		if (subscriptions.has(name)) return { name };
		if (subscriptions.size >= this.limits.imapMaxFoldersPerAccount)
			return { refusal: 'tooManyFolders', limit: this.limits.imapMaxFoldersPerAccount };
		this.mailboxes.deps.store.setImapSubscription(this.spaceOf(account), name, true);
		return { name };
	}

	/** UNSUBSCRIBE (§6.3.7): NO when the name is not subscribed. */
	unsubscribe(account: ReadAccount, rawName: string): { name: string } | ImapRefusal {
		const name = canonical(rawName);
		if (!this.#subscriptions(account).has(name)) return { refusal: 'noSuchFolder' };
		this.mailboxes.deps.store.setImapSubscription(this.spaceOf(account), name, false);
		return { name };
	}

	/** STATUS (§6.3.10): without selecting, so without taking \Recent from anyone. */
	status(account: ReadAccount, rawName: string): FolderStatus | ImapRefusal {
		const folder = this.#selectable(account, canonical(rawName));
		if ('refusal' in folder) return folder;
		const { entries, uidNext, uidValidity } = folder.record;
		return {
			messages: entries.length,
			recent: entries.filter((e) => e.recent).length,
			uidNext,
			uidValidity,
			unseen: entries.filter((e) => !e.flags.includes('\\Seen')).length
		};
	}

	/**
	 * SELECT (readOnly false) or EXAMINE (true), §6.3.1–§6.3.2: a session's view with its own
	 * sequence-number ↔ UID map. SELECT takes \Recent from the folder: this session is the one
	 * that sees those messages as recent (§2.3.2); EXAMINE leaves it.
	 */
	open(account: ReadAccount, rawName: string, readOnly: boolean): FolderView | ImapRefusal {
		const folder = this.#selectable(account, canonical(rawName));
		if ('refusal' in folder) return folder;
		const view = new FolderView(this, account, folder.record, readOnly);
		folder.views.add(view);
		// Written: on another instance the claimed messages are no longer recent either (§2.3.2).
		if (!readOnly && this.#claimRecent(folder, view))
			this.mailboxes.deps.store.saveImapFolder(folder.record);
		return view;
	}

	/**
	 * APPEND (§6.3.11): a new message in the store (kind 'mail', no session, its bytes as given,
	 * the account owner's, counted by the storage quotas) and an entry in the folder.
	 */
	append(
		account: ReadAccount,
		rawName: string,
		bytes: Buffer,
		flags: readonly string[],
		internalDate: number | null
	): { uidValidity: number; uid: number } | ImapRefusal {
		const folder = this.#selectable(account, canonical(rawName));
		if ('refusal' in folder) return folder;
		const full = this.#full(folder, 1);
		if (full) return full;
		const { store } = this.mailboxes.deps;
		const owner = account.ownerId ?? UNCLAIMED;
		if (store.usage.total + bytes.length > this.limits.maxDbBytes)
			return { refusal: 'labStorageFull', limit: this.limits.maxDbBytes };
		if (store.usage.ofOwner(owner) + bytes.length > this.limits.maxStoredBytesPerOwner)
			return { refusal: 'ownerStorageFull', limit: this.limits.maxStoredBytesPerOwner };
		const now = Date.now();
		const headers = parseHeaderSummary(bytes);
		const summary: MessageSummary = {
			id: newId(),
			sessionId: null,
			listener: null,
			kind: 'mail',
			receivedAt: now,
			from: headers.from,
			subject: headers.subject,
			size: bytes.length,
			envelope: { mailFrom: { address: '', params: {} }, rcptTo: [] },
			recipients: [],
			tls: false,
			authUser: null
		};
		const stored: StoredMessage = {
			summary,
			raw: bytes,
			trace: '',
			owners: account.ownerId ? [account.ownerId] : []
		};
		store.addMessage(stored);
		const entry = this.#addEntry(folder, {
			messageId: summary.id,
			flags: permanentFlags(flags),
			internalDate: internalDate ?? now,
			recent: true,
			placed: true
		});
		return { uidValidity: folder.record.uidValidity, uid: entry.uid };
	}

	/**
	 * INBOX's messages in UID order, each once (POP3's maildrop, RFC 1939 §7: a UIDL names one
	 * message): brought up to date with the store first, as a SELECT would.
	 */
	inboxMessages(account: ReadAccount): StoredMessage[] {
		const inbox = this.#selectable(account, 'INBOX');
		if ('refusal' in inbox) return [];
		const messages = new Map<string, StoredMessage>();
		for (const entry of inbox.record.entries) {
			const stored = this.storedOf(account, entry);
			if (stored && !messages.has(entry.messageId)) messages.set(entry.messageId, stored);
		}
		return [...messages.values()];
	}

	/** The message has an entry in the account's INBOX (delivered, or put there over IMAP). */
	inInbox(account: ReadAccount, messageId: string): boolean {
		const inbox = this.#space(this.spaceOf(account)).get('INBOX');
		return inbox ? messageIdsOf(inbox.record.entries).has(messageId) : false;
	}

	// ---- for FolderView ----

	/** The stored message of an entry, if it is still in the lab and visible to the account. */
	storedOf(account: ReadAccount, entry: ImapEntry): StoredMessage | undefined {
		const { store, visibility } = this.mailboxes.deps;
		const stored = store.messages.get(entry.messageId);
		return stored && visibility.message({ ownerId: account.ownerId ?? '', operator: false }, stored)
			? stored
			: undefined;
	}

	/** Flags of entries changed by `from` (a view, or null): the other views are told. */
	flagsChanged(record: ImapFolderRecord, uids: readonly number[], from: FolderView | null): void {
		this.mailboxes.deps.store.saveImapFolder(record);
		const folder = this.#openFolder(record);
		if (folder) for (const view of folder.views) if (view !== from) view.flagsChanged(uids);
	}

	/**
	 * Removes these entries (EXPUNGE by `from`): derived INBOX, Sent and Junk entries are removed
	 * from the account's mailbox with a `removed` ReaderAct (INBOX's is the one POP3 records); a
	 * placed copy goes alone.
	 */
	expunged(
		account: ReadAccount,
		record: ImapFolderRecord,
		gone: readonly ImapEntry[],
		by: ReaderActBy,
		from: FolderView
	): void {
		const { store } = this.mailboxes.deps;
		const removed = new Set(gone);
		record.entries = record.entries.filter((e) => !removed.has(e));
		store.saveImapFolder(record);
		this.#recordActs(
			account,
			record.name,
			gone.filter((e) => !e.placed).map((e) => e.messageId),
			'removed',
			by
		);
		const folder = this.#openFolder(record);
		if (folder) this.#notify(folder, from);
	}

	/** A read (a FETCH of the body, not PEEK: §6.4.5): one `read` act per session and command. */
	recordRead(account: ReadAccount, record: ImapFolderRecord, entry: ImapEntry, by: ReaderActBy) {
		this.#recordActs(account, record.name, [entry.messageId], 'read', by);
	}

	/** COPY (§6.4.7): new entries in the target with the same flags and internal dates. */
	copyInto(
		account: ReadAccount,
		rawTarget: string,
		entries: readonly ImapEntry[]
	): { uidValidity: number; uids: number[] } | ImapRefusal {
		const target = this.#selectable(account, canonical(rawTarget));
		if ('refusal' in target) return target;
		const full = this.#full(target, entries.length);
		if (full) return full;
		const uids = entries.map(
			(e) =>
				this.#addEntry(target, {
					messageId: e.messageId,
					flags: [...e.flags],
					internalDate: e.internalDate,
					// §6.4.7: "the \Recent flag SHOULD be set on the copy".
					recent: true,
					placed: true
				}).uid
		);
		return { uidValidity: target.record.uidValidity, uids };
	}

	/** A view was closed (CLOSE, UNSELECT, another SELECT, logout). */
	closed(view: FolderView, record: ImapFolderRecord): void {
		this.#openFolder(record)?.views.delete(view);
	}

	// ---- internals ----

	#space(space: string): Map<string, OpenFolder> {
		let folders = this.#spaces.get(space);
		if (!folders) this.#spaces.set(space, (folders = new Map()));
		return folders;
	}

	#openFolder(record: ImapFolderRecord): OpenFolder | undefined {
		const folder = this.#spaces.get(record.space)?.get(record.name);
		return folder?.record === record ? folder : undefined;
	}

	/** The account's folders, the system folders made if new. */
	#folders(account: ReadAccount): Map<string, OpenFolder> {
		const space = this.spaceOf(account);
		this.#accounts.set(space, account);
		this.#followed.delete(space);
		const folders = this.#space(space);
		for (const name of SYSTEM_FOLDERS) if (!folders.has(name)) this.#newFolder(account, name);
		return folders;
	}

	#subscriptions(account: ReadAccount): ReadonlySet<string> {
		return this.mailboxes.deps.store.imapSubscriptions.get(this.spaceOf(account)) ?? NONE;
	}

	#selectable(account: ReadAccount, name: string): OpenFolder | ImapRefusal {
		const folder = this.#folders(account).get(name);
		if (!folder) return { refusal: 'noSuchFolder' };
		if (folder.record.noselect) return { refusal: 'noselect' };
		this.#sync(account, folder);
		return folder;
	}

	#newFolder(account: ReadAccount, name: string): OpenFolder {
		const space = this.spaceOf(account);
		const record: ImapFolderRecord = {
			id: newId(),
			space,
			name,
			uidValidity: this.#nextUidValidity(),
			uidNext: 1,
			noselect: false,
			entries: []
		};
		const folder: OpenFolder = { record, views: new Set() };
		this.#space(space).set(name, folder);
		this.mailboxes.deps.store.saveImapFolder(record);
		if (isDerived(name)) this.#sync(account, folder);
		return folder;
	}

	/**
	 * Seconds since the epoch, never less than one more than the last one given (§2.3.1.1: a new
	 * folder of an old name must not get its old UIDVALIDITY); 32 bits, non-zero.
	 */
	#nextUidValidity(): number {
		this.#lastUidValidity = Math.max(Math.floor(Date.now() / 1000), this.#lastUidValidity + 1);
		return this.#lastUidValidity >>> 0 || 1;
	}

	#addEntry(folder: OpenFolder, entry: Omit<ImapEntry, 'uid'>): ImapEntry {
		const added: ImapEntry = { uid: folder.record.uidNext++, ...entry };
		pushEntry(folder.record, added);
		this.#claimRecent(folder, null);
		this.mailboxes.deps.store.saveImapFolder(folder.record);
		this.#notify(folder, null);
		return added;
	}

	/**
	 * \Recent goes to the oldest read-write view open on the folder, else waits (§2.3.2). True
	 * when a message was claimed.
	 */
	#claimRecent(folder: OpenFolder, view: FolderView | null): boolean {
		const claimer = view ?? [...folder.views].find((v) => !v.readOnly);
		if (!claimer) return false;
		let claimed = false;
		for (const entry of folder.record.entries)
			if (entry.recent) {
				entry.recent = false;
				claimer.claimRecent(entry.uid);
				claimed = true;
			}
		return claimed;
	}

	/** Derived entries brought in line with the store (INBOX, Sent, Junk); gone messages dropped. */
	#sync(account: ReadAccount, folder: OpenFolder): void {
		const { record } = folder;
		const { store } = this.mailboxes.deps;
		const before = record.entries.length;
		record.entries = record.entries.filter((e) => this.#keeps(account, record.name, e));
		let changed = record.entries.length !== before;
		if (isDerived(record.name)) {
			const derived = new Set(record.entries.filter((e) => !e.placed).map((e) => e.messageId));
			for (const stored of store.messages.values())
				if (
					!derived.has(stored.summary.id) &&
					this.mailboxes.holds(account, record.name as Folder, stored)
				) {
					pushEntry(record, derivedEntry(record, stored));
					changed = true;
				}
		}
		if (!changed) return;
		this.#claimRecent(folder, null);
		store.saveImapFolder(record);
		this.#notify(folder, null);
	}

	#syncSpace(space: string): void {
		if (this.#followed.has(space)) return;
		const account = this.#accounts.get(space);
		for (const folder of this.#spaces.get(space)?.values() ?? [])
			if (account) this.#sync(account, folder);
			else {
				// Not opened since the start: only what left the lab goes; the rest waits for an open.
				const before = folder.record.entries.length;
				const { messages } = this.mailboxes.deps.store;
				folder.record.entries = folder.record.entries.filter((e) => messages.has(e.messageId));
				if (folder.record.entries.length !== before)
					this.mailboxes.deps.store.saveImapFolder(folder.record);
			}
	}

	/**
	 * An entry stays while its message is in the lab and, if derived, still in the folder; a copy
	 * placed in INBOX goes too when a reader removed the message from INBOX (a POP3 DELE of it).
	 */
	#keeps(account: ReadAccount, name: string, entry: ImapEntry): boolean {
		const stored = this.storedOf(account, entry);
		if (!stored) return false;
		if (entry.placed && name === 'INBOX') return !removedFromInbox(account, stored);
		return entry.placed || this.mailboxes.holds(account, name as Folder, stored);
	}

	/** A stored message changed (new, a reader act, released, deleted): each folder it touches. */
	#messageChanged(messageId: string): void {
		const { store } = this.mailboxes.deps;
		const stored = store.messages.get(messageId);
		for (const [space, folders] of this.#spaces) {
			if (this.#followed.has(space)) continue;
			const account = this.#accounts.get(space);
			for (const folder of folders.values()) {
				const { record } = folder;
				// This message only: a full #sync reads every stored message, and an EXPUNGE of n
				// messages announces n changes. Every new message in the lab comes by here.
				const present = messageIdsOf(record.entries).has(messageId);
				const entries = present ? record.entries.filter((e) => e.messageId === messageId) : [];
				const leaving = entries.filter((e) =>
					account ? !this.#keeps(account, record.name, e) : !stored
				);
				const arriving =
					stored !== undefined &&
					account !== undefined &&
					isDerived(record.name) &&
					!entries.some((e) => !e.placed) &&
					this.mailboxes.holds(account, record.name as Folder, stored);
				if (!leaving.length && !arriving) continue;
				if (leaving.length) record.entries = record.entries.filter((e) => !leaving.includes(e));
				if (arriving) pushEntry(record, derivedEntry(record, stored));
				this.#claimRecent(folder, null);
				store.saveImapFolder(record);
				this.#notify(folder, null);
			}
		}
	}

	/**
	 * Another instance saved this folder: its record is taken whole (kept in the object this
	 * instance's views hold), under its name now — a RENAME there moves it here, a CREATE adds it.
	 * Sessions here that have it selected hear of it at their next sync as of any other session's
	 * change: EXPUNGE for the entries gone, EXISTS for the new ones, FETCH FLAGS for the flags
	 * changed; \Recent goes to one of them as for mail arriving here (§2.3.2).
	 */
	#remoteSaved(record: ImapFolderRecord): void {
		const folders = this.#space(record.space);
		const folder = [...folders.values()].find((f) => f.record.id === record.id);
		if (!folder) {
			// A name held here by another id (both instances made it at once) goes to this one.
			folders.set(record.name, { record, views: new Set() });
		} else {
			if (folders.get(folder.record.name) === folder) folders.delete(folder.record.name);
			const before = new Map(folder.record.entries.map((e) => [e.uid, e.flags.join()]));
			Object.assign(folder.record, record);
			folders.set(record.name, folder);
			const flagged = record.entries
				.filter((e) => before.has(e.uid) && before.get(e.uid) !== e.flags.join())
				.map((e) => e.uid);
			// Written, as by a SELECT here: the other instance's sessions no longer see it as recent.
			if (this.#claimRecent(folder, null)) this.mailboxes.deps.store.saveImapFolder(folder.record);
			for (const view of folder.views) view.flagsChanged(flagged);
		}
		this.#lastUidValidity = Math.max(this.#lastUidValidity, record.uidValidity);
		const selectedHere = [...folders.values()].some((f) => f.views.size > 0);
		if (!selectedHere) this.#followed.add(record.space);
	}

	/** Another instance deleted this folder: sessions here that have it selected see it emptied. */
	#remoteDeleted(id: string): void {
		for (const folders of this.#spaces.values())
			for (const [name, folder] of folders)
				if (folder.record.id === id) {
					folders.delete(name);
					folder.record.entries = [];
					this.#notify(folder, null);
					return;
				}
	}

	#recordActs(
		account: ReadAccount,
		folderName: string,
		messageIds: readonly string[],
		act: ReaderAct['act'],
		by: ReaderActBy
	): void {
		const { store } = this.mailboxes.deps;
		const folder = folderName === 'INBOX' ? undefined : folderName;
		for (const messageId of messageIds) {
			const stored = store.messages.get(messageId);
			if (
				!stored ||
				stored.summary.readerActs?.some(
					(a) =>
						a.act === act &&
						a.mailbox === account.mailbox &&
						a.folder === folder &&
						a.sessionId === by.sessionId &&
						a.command === by.command
				)
			)
				continue;
			store.addReaderAct(messageId, {
				act,
				mailbox: account.mailbox,
				sessionId: by.sessionId,
				at: by.at,
				protocol: by.protocol,
				command: by.command,
				...(folder ? { folder } : {})
			});
		}
	}

	/** Every view of the folder but `from` learns something changed (EXISTS, EXPUNGE, FETCH). */
	#notify(folder: OpenFolder, from: FolderView | null): void {
		for (const view of folder.views) if (view !== from) view.changed();
	}

	#checkName(raw: string): string | ImapRefusal {
		const name = canonical(raw);
		if (Buffer.byteLength(name) > this.limits.imapMaxFolderNameBytes)
			return { refusal: 'nameTooLong', limit: this.limits.imapMaxFolderNameBytes };
		if (
			!name ||
			/[%*\p{Cc}]/u.test(name) ||
			name.split(HIERARCHY_DELIMITER).some((level) => level === '')
		)
			return { refusal: 'badName' };
		// INBOX in any case is INBOX (§5.1), a first level too: 'inbox/x' would be under it.
		if (name.split(HIERARCHY_DELIMITER)[0].toUpperCase() === 'INBOX' && name !== 'INBOX')
			return { refusal: 'noinferiors' };
		return name;
	}

	#roomFor(folders: Map<string, OpenFolder>, more: number): ImapRefusal | null {
		const limit = this.limits.imapMaxFoldersPerAccount;
		return folders.size + more > limit ? { refusal: 'tooManyFolders', limit } : null;
	}

	#full(folder: OpenFolder, more: number): ImapRefusal | null {
		const limit = this.limits.imapMaxMessagesPerFolder;
		return folder.record.entries.length + more > limit ? { refusal: 'folderFull', limit } : null;
	}
}

const NONE: ReadonlySet<string> = new Set();

/** INBOX in any case is INBOX (§5.1); other names are case-sensitive. */
function canonical(name: string): string {
	return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
}

/**
 * The message ids of a folder's entries, made once per entries array: the array is replaced
 * whenever entries leave, and pushEntry keeps the set of the current one.
 */
const messageIds = new WeakMap<ImapEntry[], Set<string>>();

function messageIdsOf(entries: ImapEntry[]): Set<string> {
	let ids = messageIds.get(entries);
	if (!ids) messageIds.set(entries, (ids = new Set(entries.map((e) => e.messageId))));
	return ids;
}

function pushEntry(record: ImapFolderRecord, entry: ImapEntry): void {
	record.entries.push(entry);
	messageIds.get(record.entries)?.add(entry.messageId);
}

function removedFromInbox(account: ReadAccount, stored: StoredMessage): boolean {
	return (
		stored.summary.readerActs?.some(
			(a) => a.act === 'removed' && a.mailbox === account.mailbox && a.folder === undefined
		) ?? false
	);
}

function isDerived(name: string): boolean {
	return name === 'INBOX' || name === 'Sent' || name === 'Junk';
}

function attributesOf(record: ImapFolderRecord): string[] {
	if (record.name === 'INBOX') return ['\\Noinferiors'];
	return record.noselect ? ['\\Noselect'] : [];
}

/** "a/b/c" → ["a", "a/b"]. */
function superiorsOf(name: string): string[] {
	const levels = name.split(HIERARCHY_DELIMITER);
	return levels.slice(1).map((_, i) => levels.slice(0, i + 1).join(HIERARCHY_DELIMITER));
}

function compare(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function derivedEntry(record: ImapFolderRecord, stored: StoredMessage): ImapEntry {
	return {
		uid: record.uidNext++,
		messageId: stored.summary.id,
		// What a submitter sent is seen by them already.
		flags: record.name === 'Sent' ? ['\\Seen'] : [],
		internalDate: stored.summary.receivedAt,
		recent: true,
		placed: false
	};
}

/** The permanent flags among `flags` (others, \Recent included, are not kept: §7.1 PERMANENTFLAGS). */
export function permanentFlags(flags: readonly string[]): PermanentFlag[] {
	const lower = new Set(flags.map((f) => f.toLowerCase()));
	return PERMANENT_FLAGS.filter((f) => lower.has(f.toLowerCase()));
}
