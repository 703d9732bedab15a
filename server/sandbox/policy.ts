/**
 * Who the sandbox is: its domains, its accounts and its teaching mailboxes. Each teaching
 * mailbox is a row: the local part and what it does, so the site and the tests read the same
 * table.
 */
import type { SandboxReplyName } from './replies';

/** RFC 2606 reserves these for documentation and testing: they can never be real mail domains. */
export const SANDBOX_DOMAINS = ['example.com', 'example.net', 'example.org'] as const;
/** RFC 2606 §2: the whole .test top-level domain is reserved for testing. */
export const SANDBOX_TLD = '.test';

export const ACCOUNTS: Record<string, string> = {
	alice: 'wonderland',
	bob: 'builder'
};

export type TeachingBehaviour = 'refuse' | 'defer' | 'greylist' | 'bounce';

export interface TeachingMailbox {
	localPart: string;
	behaviour: TeachingBehaviour;
	reply: SandboxReplyName | null;
	lesson: string;
}

export const TEACHING_MAILBOXES: TeachingMailbox[] = [
	{
		localPart: 'unknown',
		behaviour: 'refuse',
		reply: 'unknownUser',
		lesson: 'A recipient that does not exist: a permanent 550 5.1.1 for this recipient only.'
	},
	{
		localPart: 'full',
		behaviour: 'defer',
		reply: 'mailboxFull',
		lesson:
			'A full mailbox: a transient 452 4.2.2; the sender keeps the message and tries again later.'
	},
	{
		localPart: 'greylist',
		behaviour: 'greylist',
		reply: 'greylisted',
		lesson:
			'Greylisting: 451 4.7.1 on the first try, accepted when the same client, sender and recipient retry after the window.'
	},
	{
		localPart: 'bounce',
		behaviour: 'bounce',
		reply: null,
		lesson:
			'Accepted, then bounced: a delivery status notification goes back to the sender from the null sender <>.'
	}
];

/** The GTUBE test string, the standard anti-spam test pattern (as SpamAssassin defines it). */
export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

export function domainOf(address: string): string {
	const at = address.lastIndexOf('@');
	return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

export function localPartOf(address: string): string {
	const at = address.lastIndexOf('@');
	return at < 0 ? address : address.slice(0, at);
}

/** RFC 5321 §2.4: domains compare case-insensitively. */
export function isSandboxDomain(domain: string): boolean {
	const d = domain.toLowerCase().replace(/\.$/, '');
	return (
		(SANDBOX_DOMAINS as readonly string[]).includes(d) ||
		(d.endsWith(SANDBOX_TLD) && d.length > SANDBOX_TLD.length)
	);
}

/**
 * RFC 5321 §4.5.1: "RCPT TO:<Postmaster>" with no domain, the local name matched case-insensitively,
 * MUST be accepted; it is this server's own postmaster.
 */
export function isBarePostmaster(address: string): boolean {
	return !address.includes('@') && address.toLowerCase() === 'postmaster';
}

/** Mail for it is delivered here: at a sandbox domain, or the bare postmaster. */
export function isLocalRecipient(address: string): boolean {
	return isSandboxDomain(domainOf(address)) || isBarePostmaster(address);
}

/** Local parts are compared case-insensitively for the teaching mailboxes only (RFC 5321 §2.4 lets a server choose). */
export function teachingMailbox(address: string): TeachingMailbox | undefined {
	const local = localPartOf(address).toLowerCase();
	return TEACHING_MAILBOXES.find((row) => row.localPart === local);
}

export function checkPassword(username: string, password: string): boolean {
	return Object.hasOwn(ACCOUNTS, username) && ACCOUNTS[username] === password;
}

/**
 * Greylisting (RFC 6647): remembers the first try of each (client address, sender, recipient)
 * and accepts a retry once `seconds` have passed. Entries expire after a day, bounded in count.
 */
export class Greylist {
	#firstSeen = new Map<string, number>();
	constructor(
		readonly seconds: number,
		readonly maxEntries = 10_000
	) {}

	/** Returns 0 when the triplet may pass, else the seconds still to wait. */
	check(clientAddress: string, sender: string, recipient: string, now = Date.now()): number {
		const key = `${clientAddress}\u0000${sender.toLowerCase()}\u0000${recipient.toLowerCase()}`;
		const first = this.#firstSeen.get(key);
		if (first === undefined || now - first > 86_400_000) {
			this.#firstSeen.set(key, now);
			if (this.#firstSeen.size > this.maxEntries) {
				const oldest = this.#firstSeen.keys().next().value;
				if (oldest !== undefined) this.#firstSeen.delete(oldest);
			}
			return this.seconds;
		}
		const waited = (now - first) / 1000;
		return waited >= this.seconds ? 0 : Math.ceil(this.seconds - waited);
	}
}
