/**
 * The one account → mailbox mapping of the read side (POP3 now, IMAP next; issue 18): whose
 * mail a login reads. A shared account (alice, bob) reads what was delivered to its user at the
 * sandbox domains (example.com/.net/.org, any case); a personal login its personal domain's
 * mail; a class login (a student's class address) that address's mail and the class-wide mail
 * it was given as theirs.
 */
import { CLASS_WIDE_LOCAL_PART } from '../../src/lib/classes';
import type { ClassDirectory } from '../classes/classDirectory';
import type { Login } from '../owners/logins';
import { personalDomain } from '../owners/ownerNames';
import { mailboxHolds, mailboxLabel } from '../../src/lib/mail/readerActs';
import { domainOf } from '../sandbox/policy';

export interface ReadAccount {
	/** The user name as the reader typed it. */
	user: string;
	kind: Login['kind'];
	/**
	 * The mailbox's stable key, also what reader acts name (src/lib/mail/readerActs.ts): the
	 * shared account's user, the personal domain, or the class address in lower case.
	 */
	mailbox: string;
	/**
	 * Whose eyes read: the personal or class login's owner; for a shared account the browser's
	 * owner (in a browser), else null. What the account lists is what this owner may see.
	 */
	ownerId: string | null;
	/** The mailbox's addresses in a few words, for the reader's greeting and the pages. */
	label: string;
}

/** The read account of a login; `browserOwnerId` is the owner of the browser it came from, if any. */
export function readAccountOf(
	login: Login,
	browserOwnerId: string | null,
	classes: ClassDirectory
): ReadAccount {
	const { user, kind } = login;
	if (kind === 'shared')
		return { user, kind, mailbox: user, ownerId: browserOwnerId, label: mailboxLabel(user) };
	const mailbox =
		kind === 'personal'
			? personalDomain(login.owner.name)
			: classes.addressOf(login.student).toLowerCase();
	const classWide = `${CLASS_WIDE_LOCAL_PART}@${domainOf(mailbox)}`;
	return {
		user,
		kind,
		mailbox,
		ownerId: login.owner.id,
		label: kind === 'class' ? `${mailbox} and ${classWide}` : mailboxLabel(mailbox)
	};
}

/**
 * The recipient address is this account's mailbox (mailboxHolds, the rule the pages use too).
 * `owners`: the message's owners — class-wide mail is a student's only when delivery made it
 * theirs (they were in the class then).
 */
export function receivesAt(
	account: ReadAccount,
	address: string,
	owners: readonly string[]
): boolean {
	if (mailboxHolds(account.mailbox, address)) return true;
	return (
		account.kind === 'class' &&
		account.ownerId !== null &&
		address.toLowerCase() === `${CLASS_WIDE_LOCAL_PART}@${domainOf(account.mailbox)}` &&
		owners.includes(account.ownerId)
	);
}

/** The message was submitted by this account's login (the submission's AUTH user). */
export function sentBy(account: ReadAccount, authUser: string | null): boolean {
	if (authUser === null) return false;
	// Shared users are matched exactly, as their passwords are; personal and class names without case.
	return account.kind === 'shared'
		? authUser === account.user
		: authUser.toLowerCase() === account.user.toLowerCase();
}
