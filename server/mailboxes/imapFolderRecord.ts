/**
 * An IMAP folder as the store keeps it (issue 19; table imap_folders): its UIDVALIDITY and
 * UIDNEXT (RFC 3501 §2.3.1.1), and its entries — which stored message, under which UID, with
 * which flags (§2.3.2) and internal date (§2.3.3). Plain data: written as JSON, one row per
 * folder, keyed by an id that is never reused (a name is: DELETE then CREATE of one name is a
 * new folder, with a new UIDVALIDITY).
 */

/** The flags a client may set and that persist (RFC 3501 §2.3.2): PERMANENTFLAGS (§7.1). */
export const PERMANENT_FLAGS = [
	'\\Seen',
	'\\Answered',
	'\\Flagged',
	'\\Deleted',
	'\\Draft'
] as const;
export type PermanentFlag = (typeof PERMANENT_FLAGS)[number];

/** Every flag the folders know, \Recent included (session-only, never stored: §2.3.2). */
export const FOLDER_FLAGS = [...PERMANENT_FLAGS, '\\Recent'] as const;

/** The hierarchy delimiter of folder names (RFC 3501 §5.1.1, LIST §6.3.8). */
export const HIERARCHY_DELIMITER = '/';

export interface ImapEntry {
	/** Strictly ascending in the order entries were added to the folder, never reused (§2.3.1.1). */
	uid: number;
	/** The stored message (LabStore.messages) this entry shows. */
	messageId: string;
	/** Permanent flags only, in PERMANENT_FLAGS order. */
	flags: PermanentFlag[];
	/** Milliseconds since the epoch (§2.3.3): arrival, a COPY's source's, or APPEND's date-time. */
	internalDate: number;
	/** No session has seen it since it arrived: the next SELECT gets it as \Recent (§2.3.2). */
	recent: boolean;
	/**
	 * Put here by a client (COPY, APPEND, a RENAME of INBOX) rather than derived from the store
	 * (INBOX: delivered to the account; Sent: submitted by it): it goes only when expunged or when
	 * its message is gone from the lab.
	 */
	placed: boolean;
}

export interface ImapFolderRecord {
	/** Unique and never reused: the database row's key. */
	id: string;
	/** The folder space (ImapFolders.spaceOf): the read account's mailbox key. */
	space: string;
	/** Decoded (not modified UTF-7); 'INBOX' exactly for the inbox. */
	name: string;
	/** 32-bit, non-zero, fixed when the folder was created (§2.3.1.1). */
	uidValidity: number;
	/** The UID the next entry gets (§2.3.1.1 "next unique identifier value"). */
	uidNext: number;
	/**
	 * A name kept only because it has inferiors: DELETE of a folder with children removes its
	 * messages and leaves the name \Noselect (§6.3.4).
	 */
	noselect: boolean;
	entries: ImapEntry[];
}
