/**
 * The mailboxes the read side serves (issue 18; POP3 now, IMAP next): per read account, its
 * folders' messages with their exact sizes and stable UIDs, a message as a reader downloads it,
 * and what readers did — each read and each removal recorded with the session that did it, in
 * the store (and so in the database). Removal is per mailbox: a copy delivered to two mailboxes
 * leaves the other's, and the message itself (its page, sessions, journey) stays.
 */
import type { Protocol } from '../../src/lib/listeners';
import type { ReaderAct, ReaderActKind } from '../../src/lib/mail/readerActs';
import type { ClassDirectory } from '../classes/classDirectory';
import type { Visibility } from '../config';
import { ImapFolders, type ImapFolderLimits } from './imapFolders';
import { identifyLogin, loginRefusal, type LoginRefusal } from '../owners/logins';
import type { OwnerDirectory } from '../owners/ownerDirectory';
import type { VisibilityRule } from '../owners/visibility';
import type { LabStore, StoredMessage } from '../store/labStore';
import { readAccountOf, receivesAt, sentBy, type ReadAccount } from './readAccount';

export type { ReadAccount } from './readAccount';

/**
 * INBOX: what was delivered to the mailbox; Sent: what its login submitted; Junk: what was
 * delivered but quarantined by the receiving host's DMARC check (issue 20; RFC 7489 §6.3
 * p=quarantine), which INBOX then leaves out. POP3 reads INBOX only (RFC 1939 §1: one maildrop),
 * so it never sees Junk.
 */
export const FOLDERS = ['INBOX', 'Sent', 'Junk'] as const;
export type Folder = (typeof FOLDERS)[number];

export interface MailboxEntry {
	messageId: string;
	/** Octets of content(): CRLF line ends counted (RFC 1939 §5 STAT, LIST). */
	size: number;
	/** Stable across restarts (RFC 1939 §7 UIDL): the message id, 1–70 characters 0x21–0x7E. */
	uid: string;
	receivedAt: number;
}

/** Who did it, when, over what: a reading session's command. */
export interface ReaderActBy {
	sessionId: string;
	at: number;
	protocol: Protocol;
	command: string;
}

export interface ReadLoginContext {
	/** The session was opened in a browser (through the bridge). */
	browser: boolean;
	/** The browser's owner, when it was. */
	ownerId: string | null;
}

export interface MailboxesDeps {
	store: LabStore;
	owners: OwnerDirectory;
	classes: ClassDirectory;
	visibility: VisibilityRule;
	config: { visibility: Visibility } & ImapFolderLimits;
}

const CR = 0x0d;
const LF = 0x0a;

export class Mailboxes {
	/** Octets of each message's download, computed once (the bytes never change). */
	readonly #sizes = new WeakMap<StoredMessage, number>();

	/** The IMAP folders, UIDs and flags of the same accounts (imapFolders.ts). */
	readonly imap: ImapFolders;

	constructor(readonly deps: MailboxesDeps) {
		this.imap = new ImapFolders(this, deps.config);
	}

	/**
	 * The read account these credentials open, or why not: the same accounts and the same
	 * private-mode rule as SMTP AUTH (server/owners/logins.ts).
	 */
	resolveReadLogin(
		user: string,
		password: string,
		context: ReadLoginContext
	): { account: ReadAccount } | { refusal: LoginRefusal } {
		const login = identifyLogin(user, password, this.deps);
		const refusal = loginRefusal(login, this.deps.config.visibility, context.browser);
		if (refusal || !login) return { refusal: refusal ?? 'badCredentials' };
		return {
			account: readAccountOf(login, context.browser ? context.ownerId : null, this.deps.classes)
		};
	}

	/**
	 * The folder's messages, oldest first. INBOX is IMAP's, in UID order: what was delivered and
	 * what an IMAP client put there (APPEND, COPY), so POP3 and IMAP read the same maildrop.
	 */
	list(account: ReadAccount, folder: Folder): MailboxEntry[] {
		const messages =
			folder === 'INBOX'
				? this.imap.inboxMessages(account)
				: [...this.deps.store.messages.values()].filter((stored) =>
						this.holds(account, folder, stored)
					);
		return messages.map((stored) => ({
			messageId: stored.summary.id,
			size: this.downloadSize(stored),
			uid: stored.summary.id,
			receivedAt: stored.summary.receivedAt
		}));
	}

	/**
	 * The message as a reader downloads it, or null when it is not (or no longer) in the account's
	 * mailbox: the delivered copy, its trace fields (Return-Path, Received; RFC 5321 §4.4) first,
	 * every line ended by CRLF (RFC 1939 §3: a multi-line response's lines end in CRLF).
	 */
	content(account: ReadAccount, messageId: string): Buffer | null {
		const stored = this.#visible(account, messageId);
		return stored ? download(stored) : null;
	}

	/**
	 * A reader read it (RETR, TOP; IMAP FETCH later): recorded with the message, once per session
	 * and command — a client that fetches a message again and again adds nothing to its story (or
	 * to the database). False when it is not in the account's mailbox.
	 */
	recordRead(account: ReadAccount, messageId: string, by: ReaderActBy): boolean {
		return this.#record(account, [messageId], 'read', by).length === 1;
	}

	/**
	 * Removes the messages from this account's mailbox (POP3's UPDATE state, IMAP's EXPUNGE):
	 * gone from its list for good; another mailbox's copy stays, and so does the message's page.
	 * Returns the ids it removed (those still there).
	 */
	remove(account: ReadAccount, messageIds: readonly string[], by: ReaderActBy): string[] {
		return this.#record(account, messageIds, 'removed', by);
	}

	#record(
		account: ReadAccount,
		messageIds: readonly string[],
		act: ReaderActKind,
		by: ReaderActBy
	): string[] {
		const done: string[] = [];
		for (const messageId of messageIds) {
			const stored = this.#visible(account, messageId);
			if (!stored) continue;
			done.push(messageId);
			if (
				stored.summary.readerActs?.some(
					(a) =>
						a.act === act &&
						a.mailbox === account.mailbox &&
						a.sessionId === by.sessionId &&
						a.command === by.command
				)
			)
				continue;
			const record: ReaderAct = {
				act,
				mailbox: account.mailbox,
				sessionId: by.sessionId,
				at: by.at,
				protocol: by.protocol,
				command: by.command
			};
			this.deps.store.addReaderAct(messageId, record);
		}
		return done;
	}

	/** The stored message if it is in one of the account's folders. */
	#visible(account: ReadAccount, messageId: string): StoredMessage | undefined {
		const stored = this.deps.store.messages.get(messageId);
		if (!stored) return undefined;
		return FOLDERS.some((folder) => this.holds(account, folder, stored)) ||
			this.imap.inInbox(account, messageId)
			? stored
			: undefined;
	}

	/**
	 * The message is in the account's folder as the store says (INBOX: delivered to it; Junk:
	 * delivered to it and quarantined; Sent: submitted by it) and was not removed from that folder
	 * by a reader (POP3, IMAP EXPUNGE).
	 */
	holds(account: ReadAccount, folder: Folder, stored: StoredMessage): boolean {
		const { summary } = stored;
		if (
			summary.readerActs?.some(
				(a) =>
					a.act === 'removed' && a.mailbox === account.mailbox && (a.folder ?? 'INBOX') === folder
			)
		)
			return false;
		const inFolder =
			folder === 'Sent'
				? summary.kind === 'mail' && sentBy(account, summary.authUser)
				: (folder === 'Junk') === (summary.authentication?.decision.action === 'junk') &&
					summary.recipients.some(
						(r) => r.outcome === 'delivered' && receivesAt(account, r.address, stored.owners)
					);
		return (
			inFolder &&
			this.deps.visibility.message({ ownerId: account.ownerId ?? '', operator: false }, stored)
		);
	}

	/** Octets of the message as downloaded (content()), computed once. */
	downloadSize(stored: StoredMessage): number {
		let size = this.#sizes.get(stored);
		if (size === undefined) this.#sizes.set(stored, (size = download(stored).length));
		return size;
	}
}

/** Trace fields, then the message, with every bare CR or LF made a CRLF and a CRLF at the end. */
export function download(stored: StoredMessage): Buffer {
	return withCrlf(Buffer.concat([Buffer.from(stored.trace), stored.raw]));
}

export function withCrlf(bytes: Buffer): Buffer {
	let bare = 0;
	for (let i = 0; i < bytes.length; i++) {
		const b = bytes[i];
		if (b === CR && bytes[i + 1] === LF) i++;
		else if (b === CR || b === LF) bare++;
	}
	const endsInCrlf =
		bytes.length >= 2 && bytes[bytes.length - 2] === CR && bytes[bytes.length - 1] === LF;
	const missingEnd =
		bytes.length > 0 &&
		!endsInCrlf &&
		!(bytes[bytes.length - 1] === LF || bytes[bytes.length - 1] === CR);
	if (!bare && !missingEnd) return bytes;
	const out = Buffer.allocUnsafe(bytes.length + bare + (missingEnd ? 2 : 0));
	let o = 0;
	for (let i = 0; i < bytes.length; i++) {
		const b = bytes[i];
		if (b === CR && bytes[i + 1] === LF) {
			out[o++] = CR;
			out[o++] = LF;
			i++;
		} else if (b === CR || b === LF) {
			out[o++] = CR;
			out[o++] = LF;
		} else out[o++] = b;
	}
	if (missingEnd) {
		out[o++] = CR;
		out[o++] = LF;
	}
	return out.subarray(0, o);
}
