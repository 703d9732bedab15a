/**
 * Enforces the sandbox's policy: its domains, accounts and teaching mailboxes are data in
 * src/lib/sandboxPolicy.ts (the pages render the same rows); the checks live here.
 */
import {
	ACCOUNTS,
	SANDBOX_DOMAINS,
	SANDBOX_TLD,
	TEACHING_MAILBOXES,
	type TeachingMailbox
} from '../../src/lib/sandboxPolicy';

import { remoteDomain } from '../../src/lib/delivery/mailHosts';

export { GTUBE } from '../../src/lib/sandboxPolicy';

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
	return isFixedSandboxDomain(d) || (d.endsWith(SANDBOX_TLD) && d.length > SANDBOX_TLD.length);
}

/** example.com/.net/.org: the sandbox's own whatever else exists (RFC 2606 §3). */
export function isFixedSandboxDomain(domain: string): boolean {
	return (SANDBOX_DOMAINS as readonly string[]).includes(domain.toLowerCase().replace(/\.$/, ''));
}

/**
 * RFC 5321 §4.5.1: "RCPT TO:<Postmaster>" with no domain, the local name matched case-insensitively,
 * MUST be accepted; it is this server's own postmaster.
 */
export function isBarePostmaster(address: string): boolean {
	return !address.includes('@') && address.toLowerCase() === 'postmaster';
}

/**
 * Mail for it is delivered here: at one of the sandbox's own domains, or the bare postmaster.
 * A remote sandbox domain (src/lib/delivery/mailHosts.ts) is another sandbox host's: mail for it
 * is queued on submission and refused as relaying on the mx listener, as for any other domain.
 */
export function isLocalRecipient(address: string): boolean {
	const domain = domainOf(address);
	return (isSandboxDomain(domain) && !remoteDomain(domain)) || isBarePostmaster(address);
}

/** A sandbox domain another sandbox host serves: the outgoing queue delivers mail for it. */
export function isRemoteSandboxRecipient(address: string): boolean {
	return remoteDomain(domainOf(address)) !== undefined;
}

/** Local parts are compared case-insensitively for the teaching mailboxes only (RFC 5321 §2.4 lets a server choose). */
export function teachingMailbox(address: string): TeachingMailbox | undefined {
	const local = localPartOf(address).toLowerCase();
	return TEACHING_MAILBOXES.find((row) => row.localPart === local);
}

export function checkPassword(username: string, password: string): boolean {
	return ACCOUNTS.some((account) => account.user === username && account.password === password);
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
