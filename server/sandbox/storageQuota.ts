/**
 * The storage quotas, checked before the sandbox takes mail on: full storage refuses new mail
 * for a while (a 4yz reply: the sender keeps it and tries again, RFC 5321 §4.5.4.1) instead of
 * deleting anyone's mail to make room. So a flood to one owner's domain fills that owner's
 * storage only, and can never wipe another's mailbox.
 *
 * - At MAIL: past MAX_DB_BYTES, 452 4.3.1, "mail system full" (RFC 3463 §3.4: nobody can make
 *   room by deleting their own mail); RFC 5321 §4.2.2 lists 452 as "insufficient system storage".
 * - At RCPT: past MAX_STORED_BYTES_PER_OWNER for an owner this recipient's copy would be kept
 *   for (the recipient's personal domain or class address — every student's for the class-wide
 *   address —, the sender's owners, or else the
 *   unclaimed pool),
 *   452 4.2.2, "mailbox full" (RFC 3463 §3.3: the owner can make room; "a persistent transient
 *   failure", so 4.2.2 with a 4yz code, and 452 is RFC 5321's only 4yz code for storage).
 *
 * Only what is known at the command counts: what is stored already, plus the size declared with
 * MAIL FROM … SIZE= (RFC 1870), if any. A message is measured when it arrives, so the last one
 * accepted may take an owner (or the lab) past its limit by up to MAX_MESSAGE_BYTES per
 * transaction open at the time; the mail after it is refused.
 */
import type { LabConfig } from '../config';
import { personalDomain } from '../owners/ownerNames';
import type { LabStore } from '../store/labStore';
import { UNCLAIMED } from '../store/storageUsage';
import { domainOf } from './policy';
import { replyError } from './replies';

type Refusal = Error & { responseCode: number };

/** The size a MAIL FROM declared with SIZE= (RFC 1870 §6), or 0. */
export function declaredSize(mailArgs: unknown): number {
	const size = mailArgs && typeof mailArgs === 'object' ? (mailArgs as { SIZE?: string }).SIZE : '';
	return Number(size) || 0;
}

export class StorageQuota {
	constructor(
		readonly config: Pick<LabConfig, 'maxDbBytes' | 'maxStoredBytesPerOwner'>,
		readonly store: LabStore,
		/**
		 * The owners whose mailbox a class address is (server/classes/): a student's, or every
		 * student's for the class-wide address.
		 */
		readonly classMailboxOwnersOf: (address: string) => string[] = () => []
	) {}

	/** At MAIL: 452 4.3.1 when this message would not fit under MAX_DB_BYTES. */
	mailRefusal(size: number): Refusal | null {
		const limit = this.config.maxDbBytes;
		return this.#wouldExceed(this.store.usage.total, size, limit)
			? replyError('labStorageFull', { limit })
			: null;
	}

	/**
	 * At RCPT: 452 4.2.2 when the recipient's copy would go to an owner whose storage is full:
	 * the owner of the recipient's personal domain, the sender's owners, or, when neither is
	 * anyone, the unclaimed pool.
	 */
	recipientRefusal(address: string, senderOwners: string[], size: number): Refusal | null {
		const limit = this.config.maxStoredBytesPerOwner;
		const full = (ownerId: string) =>
			this.#wouldExceed(this.store.usage.ofOwner(ownerId), size, limit);
		const recipientOwner = this.store.ownerByDomain(domainOf(address));
		if (recipientOwner && full(recipientOwner.id))
			return replyError('ownerStorageFull', {
				whose: `the mailbox of ${personalDomain(recipientOwner.name)}`,
				limit
			});
		const classOwners = this.classMailboxOwnersOf(address);
		if (classOwners.some(full))
			return replyError('ownerStorageFull', {
				whose: `the mailbox of ${address.toLowerCase()}`,
				limit
			});
		if (senderOwners.some(full))
			return replyError('ownerStorageFull', { whose: 'your own mail', limit });
		if (!recipientOwner && !classOwners.length && !senderOwners.length && full(UNCLAIMED))
			return replyError('ownerStorageFull', {
				whose: 'unclaimed mail (to shared addresses such as bob@example.com)',
				limit
			});
		return null;
	}

	/** Full when even one more byte (or the declared size) would pass the limit. */
	#wouldExceed(used: number, size: number, limit: number): boolean {
		return used + Math.max(size, 1) > limit;
	}
}
