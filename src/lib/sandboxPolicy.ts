/**
 * Who the sandbox is: its domains, its accounts, its teaching mailboxes and its spam test.
 * One definition: server/sandbox/policy.ts enforces it, and the lab, /connect and the AUTH
 * helper render it. Pure data, shared by server and browser.
 */
import type { RfcRef } from './messages';
import { ref } from './smtp/rfc';

/** RFC 2606 §3 reserves these for documentation: they can never be real mail domains. */
export const SANDBOX_DOMAINS = ['example.com', 'example.net', 'example.org'] as const;
/** RFC 2606 §2: the whole .test top-level domain is reserved for testing. */
export const SANDBOX_TLD = '.test';

/** AUTH accounts on the submission listeners; public on purpose (a sandbox, never real mail). */
export const ACCOUNTS = [
	{ user: 'alice', password: 'wonderland' },
	{ user: 'bob', password: 'builder' }
] as const;

export type TeachingBehaviour = 'refuse' | 'defer' | 'greylist' | 'bounce' | 'accept';

/** A reply code and its enhanced status code (RFC 3463), as the sandbox puts them on the wire. */
export interface PolicyReply {
	code: number;
	enhanced: string;
}

export interface TeachingMailbox {
	/** Matched case-insensitively, at any sandbox domain. */
	localPart: string;
	behaviour: TeachingBehaviour;
	/** The reply to RCPT TO, when it is not a plain 250. */
	reply: PolicyReply | null;
	/** What happens, in a few words, for the tables on the pages. */
	happens: string;
	rfc: RfcRef[];
}

export const TEACHING_MAILBOXES = [
	{
		localPart: 'unknown',
		behaviour: 'refuse',
		reply: { code: 550, enhanced: '5.1.1' },
		happens: 'no such mailbox: only this recipient is refused, at RCPT',
		rfc: [ref(5321, '4.2.2'), ref(3463, '3.2')]
	},
	{
		localPart: 'full',
		behaviour: 'defer',
		reply: { code: 452, enhanced: '4.2.2' },
		happens: 'mailbox full, a transient failure: the sender keeps the message and tries later',
		rfc: [ref(5321, '4.2.3'), ref(3463, '3.3')]
	},
	{
		localPart: 'greylist',
		behaviour: 'greylist',
		reply: { code: 451, enhanced: '4.7.1' },
		happens:
			'greylisted on the first try; accepted when the same client, sender and recipient retry after the wait',
		rfc: [ref(6647, '')]
	},
	{
		localPart: 'bounce',
		behaviour: 'bounce',
		reply: null,
		happens:
			'accepted, then a bounce (a delivery status notification from the null sender <>) goes back to a sandbox sender',
		rfc: [ref(3464, ''), ref(6522, '')]
	},
	{
		localPart: 'postmaster',
		behaviour: 'accept',
		reply: null,
		happens: 'always accepted, also as a bare RCPT TO:<Postmaster> with no domain',
		rfc: [ref(5321, '4.5.1')]
	}
] as const satisfies readonly TeachingMailbox[];

export type TeachingLocalPart = (typeof TEACHING_MAILBOXES)[number]['localPart'];

/** The GTUBE test string, the standard anti-spam test pattern (as SpamAssassin defines it). */
export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

/** A message containing GTUBE is refused after the final dot: one reply for all recipients. */
export const SPAM_RULE = {
	reply: { code: 550, enhanced: '5.7.1' },
	happens: 'refused as spam after DATA, one reply for all its recipients',
	rfc: [ref(5321, '4.2.5'), ref(3463, '3.8')]
} as const;

export function teachingReply(localPart: TeachingLocalPart): PolicyReply {
	const row = TEACHING_MAILBOXES.find((r) => r.localPart === localPart);
	if (!row?.reply) throw new Error(`teaching mailbox ${localPart}@ has no reply of its own`);
	return row.reply;
}
