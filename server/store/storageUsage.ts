/**
 * What the store holds, counted in bytes: in total (what MAX_DB_BYTES bounds) and per owner
 * (what MAX_STORED_BYTES_PER_OWNER bounds). The store keeps it up to date as it adds, releases,
 * deletes and loads; the sandbox's quota (server/sandbox/storageQuota.ts) reads it.
 *
 * - A message counts `raw` (its exact bytes) plus its trace fields, in full for each of its
 *   owners: each of them could keep it alone after the others let go.
 * - A message with no owner (mail programs' mail to the shared addresses, such as
 *   bob@example.com) counts for UNCLAIMED, a pseudo-owner with the same quota, so such mail can
 *   never fill the database for everyone.
 * - The total is every message's bytes once, plus the UTF-8 bytes of every recorded transcript
 *   line (an event's `text`). Annotations, indexes and the database's own overhead are not
 *   counted: they follow from these.
 */

/** The pseudo-owner of mail that belongs to nobody. */
export const UNCLAIMED = 'unclaimed';

export interface CountedMessage {
	raw: Buffer;
	trace: string;
	owners: string[];
}

/** The bytes a stored message takes. */
export function messageBytes(message: Pick<CountedMessage, 'raw' | 'trace'>): number {
	return message.raw.length + Buffer.byteLength(message.trace);
}

/** The bytes a recorded transcript line takes. */
export function eventBytes(event: { text: string }): number {
	return Buffer.byteLength(event.text);
}

export class StorageUsage {
	#messageBytes = 0;
	#textBytes = 0;
	#perOwner = new Map<string, number>();

	/** Bytes of every stored message (raw + trace fields), each counted once. */
	get messageBytes(): number {
		return this.#messageBytes;
	}

	/** Everything MAX_DB_BYTES counts: messages once, plus recorded transcript text. */
	get total(): number {
		return this.#messageBytes + this.#textBytes;
	}

	/** Bytes of the messages an owner (or UNCLAIMED) has. */
	ofOwner(ownerId: string): number {
		return this.#perOwner.get(ownerId) ?? 0;
	}

	addMessage(message: CountedMessage): void {
		const bytes = messageBytes(message);
		this.#messageBytes += bytes;
		this.#charge(message.owners, bytes);
	}

	removeMessage(message: CountedMessage): void {
		const bytes = messageBytes(message);
		this.#messageBytes -= bytes;
		this.#charge(message.owners, -bytes);
	}

	/** A message's owners changed (one let go): it moves from the old ones to the new ones. */
	changeOwners(message: Omit<CountedMessage, 'owners'>, before: string[], after: string[]): void {
		const bytes = messageBytes(message);
		this.#charge(before, -bytes);
		this.#charge(after, bytes);
	}

	addText(bytes: number): void {
		this.#textBytes += bytes;
	}

	removeText(bytes: number): void {
		this.#textBytes -= bytes;
	}

	#charge(owners: string[], bytes: number): void {
		for (const owner of owners.length ? owners : [UNCLAIMED]) {
			const left = this.ofOwner(owner) + bytes;
			if (left) this.#perOwner.set(owner, left);
			else this.#perOwner.delete(owner);
		}
	}
}
