/**
 * The sandbox's mailing lists (issue 20): one row per list, served by the mail host its domain's
 * MX names (src/lib/delivery/mailHosts.ts, behaviour 'list'). Mail to a list is redistributed:
 * the list's host stores its own copy, then posts a new message to the members, with the list's
 * bounce address as the envelope sender (RFC 5321 §3.9.2), its List-Id (RFC 2919) and List-Post
 * (RFC 2369) fields and a footer. The footer changes the body, so the author's DKIM signature
 * no longer verifies at the members' MX: the case a list is there to show. Pure data.
 */
export interface MailingListRow {
	/** The list's address: the only mailbox its host accepts mail for (postmaster aside). */
	address: string;
	/** Who receives what is posted to it. */
	members: string[];
	/** The list identifier (RFC 2919 §2: list-label "." domain), written in angle brackets. */
	listId: string;
	/** The envelope sender of what it re-sends: bounces come back to the list, not the author. */
	bounces: string;
	/** Lines appended to every message it re-sends (US-ASCII, so any text body can take them). */
	footer: string[];
}

export const MAILING_LISTS = [
	{
		address: 'learners@list.test',
		members: ['ann@north.test', 'ben@north.test'],
		listId: 'learners.list.test',
		bounces: 'learners-bounces@list.test',
		footer: [
			'-- ',
			'learners mailing list: post to learners@list.test',
			'This footer was added by the list: the body is no longer what its author signed.'
		]
	}
] as const satisfies readonly MailingListRow[];

const BY_ADDRESS = new Map<string, MailingListRow>(
	MAILING_LISTS.map((list) => [list.address, list])
);

/** The list an address is (case-insensitive), if any. */
export function mailingList(address: string): MailingListRow | undefined {
	return BY_ADDRESS.get(address.toLowerCase());
}
